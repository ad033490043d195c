//! Printable documents as PDF: a document is a list of blocks (a title, headings, paragraphs,
//! list items, signature lines, tables of figures, bar charts), laid out on A4 pages in one
//! embedded font that covers every letter of Romanian (ă â î ș ț) and the other Latin scripts
//! the mechanism's users write.
//!
//! Nothing here reads files or the clock: the caller decides what the document says (and so what
//! a reader may see); this crate only places it. Text is drawn with the font's glyphs and carries
//! a map back to Unicode, so the PDF can be searched, copied and read aloud.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;

pub mod bars;

/// DejaVu Sans 2.37 (see `fonts/README.md`).
const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const FONT_NAME: Name<'static> = Name(b"DejaVuSans");

/// A4 in points, and the margins around the text.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const FOOTER_SIZE: f32 = 8.0;
const TABLE_SIZE: f32 = 8.5;
/// The space between a table cell's text and its edges.
const CELL_PAD: f32 = 3.0;

/// One block of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    /// A line under the title (reference, date).
    Subtitle(String),
    Heading(String),
    Paragraph(String),
    /// A line of a list, drawn with a dash and indented.
    Item(String),
    /// What a list's line says in more detail, indented under it.
    Note(String),
    /// A line to sign on, with who signs it under it.
    Signature(String),
    /// A table of figures; it runs over pages, its heading repeated on each.
    Table(Table),
    /// A chart, scaled to the text's width (and to a page, if taller), kept on one page.
    Chart(bars::Chart),
}

/// A table: the first column names the rows, the others hold figures and are set right-aligned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A last line set apart by a rule above it.
    pub totals: Option<Vec<String>>,
}

/// A document to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The PDF's title (its metadata, shown by viewers in the window's title).
    pub title: String,
    /// The language of its text (`ro`, `en`), for screen readers.
    pub lang: String,
    /// Drawn at the foot of every page before its number, e.g. the case's reference.
    pub footer: String,
    /// "Page {n} of {total}" in the document's language: `{n}` and `{total}` are replaced.
    pub page_label: String,
    pub blocks: Vec<Block>,
}

/// The font's glyphs and metrics, read once per document.
struct Font<'a> {
    face: ttf_parser::Face<'a>,
    units: f32,
}

impl Font<'_> {
    fn load() -> Font<'static> {
        // The font is compiled in, so a failure to read it is a broken build, found by the tests.
        let face = ttf_parser::Face::parse(FONT, 0).expect("the embedded font reads");
        let units = f32::from(face.units_per_em());
        Font { face, units }
    }

    /// The glyph of a character; the font's "missing" glyph for one it lacks.
    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// A glyph's advance in thousandths of the font size (the unit of PDF widths).
    fn advance(&self, glyph: u16) -> f32 {
        let units = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        f32::from(units) * 1000.0 / self.units
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }
}

/// Something drawn on a page, in points from the page's lower left corner.
#[derive(Debug, Clone, PartialEq)]
enum Mark {
    /// A line of text, its baseline starting at `x, y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    /// A straight line (a signature line, a table's rules).
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A filled bar, or the outline of a hidden figure's bar.
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        colour: [f32; 3],
        filled: bool,
    },
}

impl Mark {
    /// The lowest point the mark reaches.
    #[cfg(test)]
    fn bottom(&self) -> f32 {
        match self {
            Mark::Text { y, .. } => *y,
            Mark::Line { from, to, .. } => from.1.min(to.1),
            Mark::Rect { y, .. } => *y,
        }
    }
}

/// How a kind of block is set: size, indent, space before and after, and line height.
fn style(block: &Block) -> (f32, f32, f32, f32) {
    match block {
        Block::Title(_) => (17.0, 0.0, 0.0, 6.0),
        Block::Subtitle(_) => (9.5, 0.0, 0.0, 2.0),
        Block::Heading(_) => (12.5, 0.0, 14.0, 4.0),
        Block::Paragraph(_) => (10.0, 0.0, 2.0, 2.0),
        Block::Item(_) => (10.0, 14.0, 3.0, 1.0),
        Block::Note(_) => (9.5, 14.0, 0.0, 1.0),
        Block::Signature(_) => (10.0, 0.0, 34.0, 4.0),
        Block::Table(_) | Block::Chart(_) => (TABLE_SIZE, 0.0, 8.0, 6.0),
    }
}

/// Splits `text` into lines no wider than `width` at `size`, at spaces; a word longer than a line
/// is cut where it must be.
fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if font.width(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word alone wider than the line: cut it into pieces that fit.
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if font.width(&piece, size) > width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where the next block goes: the pages so far and the height reached on the last one.
struct Cursor {
    pages: Vec<Vec<Mark>>,
    y: f32,
}

const TOP: f32 = PAGE_HEIGHT - MARGIN;
const BOTTOM: f32 = MARGIN + FOOTER_SIZE * 3.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

impl Cursor {
    fn new() -> Cursor {
        Cursor {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Leaves `before` of space, or starts a new page when `keep` would not fit under it; at
    /// the top of a page no space is left.
    fn space(&mut self, before: f32, keep: f32) {
        if self.page_is_empty() {
            return;
        }
        if self.y - before - keep < BOTTOM {
            self.new_page();
        } else {
            self.y -= before;
        }
    }

    fn push(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: String) {
        self.push(Mark::Text { x, y, size, text });
    }

    fn rule(&mut self, y: f32, width: f32) {
        self.push(Mark::Line {
            from: (MARGIN, y),
            to: (MARGIN + TEXT_WIDTH, y),
            width,
        });
    }
}

/// Lays the blocks out on pages: each page's marks.
fn layout(font: &Font, blocks: &[Block]) -> Vec<Vec<Mark>> {
    let mut at = Cursor::new();
    for (index, block) in blocks.iter().enumerate() {
        let (size, indent, before, after) = style(block);
        let text = match block {
            Block::Title(t)
            | Block::Subtitle(t)
            | Block::Heading(t)
            | Block::Paragraph(t)
            | Block::Item(t)
            | Block::Note(t)
            | Block::Signature(t) => t,
            Block::Table(table) => {
                lay_table(font, &mut at, table, before);
                at.y -= after;
                continue;
            }
            Block::Chart(chart) => {
                lay_chart(font, &mut at, chart, before);
                at.y -= after;
                continue;
            }
        };
        let leading = size * 1.35;
        let width = TEXT_WIDTH - indent;
        let lines = wrap(font, text, size, width);
        // A heading is not left alone at the foot of a page, nor a signature without its line.
        let keep = match (block, blocks.get(index + 1)) {
            // A heading stays with the start of the chart or table it names.
            (Block::Heading(_), Some(next @ (Block::Chart(_) | Block::Table(_)))) => {
                leading + style(next).2 + opening_height(font, next)
            }
            (Block::Heading(_), _) => leading * 3.0,
            (Block::Signature(_), _) => leading * 2.0,
            _ => leading,
        };
        at.space(before, keep);
        if matches!(block, Block::Signature(_)) {
            // The line to sign on, then who signs it under it.
            at.y -= leading;
            let y = at.y;
            at.push(Mark::Line {
                from: (MARGIN, y),
                to: (MARGIN + width.min(260.0), y),
                width: 0.6,
            });
        }
        for (n, line) in lines.into_iter().enumerate() {
            at.y -= leading;
            if at.y < BOTTOM {
                at.new_page();
                at.y -= leading;
            }
            let y = at.y;
            if matches!(block, Block::Item(_)) && n == 0 {
                at.text(MARGIN + indent - 10.0, y, size, "–".into());
            }
            at.text(MARGIN + indent, y, size, line);
        }
        at.y -= after;
    }
    at.pages
}

/// How high the start of a chart or table is (the whole chart, a table's heading and first
/// line): what must fit under the heading that names it.
fn opening_height(font: &Font, block: &Block) -> f32 {
    match block {
        Block::Chart(chart) => chart_scale(chart) * chart.height.max(1) as f32,
        Block::Table(table) => table_opening(font, table),
        _ => 0.0,
    }
}

fn table_opening(font: &Font, table: &Table) -> f32 {
    let grid = Grid::of(font, table);
    grid.height(&grid.wrap(font, &table.header, grid.header_size))
        + table
            .rows
            .first()
            .map_or(0.0, |row| grid.height(&grid.wrap(font, row, TABLE_SIZE)))
}

/// A table's columns: the first as wide as its longest label needs (within a fifth and two
/// fifths of the width), the figures sharing the rest; the heading set smaller when a word of
/// it would not fit its column.
struct Grid {
    first: f32,
    other: f32,
    header_size: f32,
}

impl Grid {
    fn of(font: &Font, table: &Table) -> Grid {
        let columns = table.header.len().max(1);
        let labels = table
            .rows
            .iter()
            .chain(table.totals.iter())
            .chain(std::iter::once(&table.header))
            .filter_map(|line| line.first());
        let widest = labels
            .map(|l| font.width(l, TABLE_SIZE))
            .fold(0.0, f32::max);
        let first = if columns == 1 {
            TEXT_WIDTH
        } else {
            (widest + 2.0 * CELL_PAD).clamp(TEXT_WIDTH * 0.2, TEXT_WIDTH * 0.4)
        };
        let other = if columns > 1 {
            (TEXT_WIDTH - first) / (columns - 1) as f32
        } else {
            0.0
        };
        let mut grid = Grid {
            first,
            other,
            header_size: TABLE_SIZE,
        };
        for (c, text) in table.header.iter().enumerate() {
            let room = grid.width(c) - 2.0 * CELL_PAD;
            for word in text.split_whitespace() {
                let width = font.width(word, grid.header_size);
                if width > room {
                    grid.header_size = (grid.header_size * room / width).max(5.5);
                }
            }
        }
        grid
    }

    fn width(&self, column: usize) -> f32 {
        if column == 0 { self.first } else { self.other }
    }

    fn x(&self, column: usize) -> f32 {
        MARGIN
            + if column == 0 {
                0.0
            } else {
                self.first + self.other * (column - 1) as f32
            }
    }

    fn wrap(&self, font: &Font, line: &[String], size: f32) -> Vec<Vec<String>> {
        line.iter()
            .enumerate()
            .map(|(c, text)| wrap(font, text, size, self.width(c) - 2.0 * CELL_PAD))
            .collect()
    }

    fn height(&self, cells: &[Vec<String>]) -> f32 {
        cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * TABLE_SIZE * 1.3 + 2.0 * CELL_PAD
    }

    /// Sets a line of cells under the cursor: labels left, figures right-aligned.
    fn draw(&self, font: &Font, at: &mut Cursor, cells: &[Vec<String>], size: f32) {
        let leading = TABLE_SIZE * 1.3;
        let top = at.y;
        for (c, lines) in cells.iter().enumerate() {
            for (n, line) in lines.iter().enumerate() {
                let y = top - CELL_PAD - leading * (n as f32 + 1.0) + (leading - size) / 2.0;
                let x = if c == 0 {
                    self.x(c) + CELL_PAD
                } else {
                    self.x(c) + self.width(c) - CELL_PAD - font.width(line, size)
                };
                at.text(x, y, size, line.clone());
            }
        }
        at.y -= self.height(cells);
    }
}

/// A table's lines, wrapped into its columns, its heading repeated on every page it runs to.
fn lay_table(font: &Font, at: &mut Cursor, table: &Table, before: f32) {
    let grid = Grid::of(font, table);
    let header = grid.wrap(font, &table.header, grid.header_size);
    let draw_header = |at: &mut Cursor| {
        let y = at.y;
        at.rule(y, 0.8);
        grid.draw(font, at, &header, grid.header_size);
        let y = at.y;
        at.rule(y, 0.5);
    };
    at.space(before, table_opening(font, table));
    draw_header(at);
    let lines = table
        .rows
        .iter()
        .map(|row| (row, false))
        .chain(table.totals.iter().map(|totals| (totals, true)));
    for (line, is_totals) in lines {
        let cells = grid.wrap(font, line, TABLE_SIZE);
        if at.y - grid.height(&cells) < BOTTOM {
            at.new_page();
            draw_header(at);
        }
        if is_totals {
            let y = at.y;
            at.rule(y, 0.5);
        }
        grid.draw(font, at, &cells, TABLE_SIZE);
        if is_totals {
            let y = at.y;
            at.rule(y, 0.8);
        }
    }
}

/// `#rrggbb` as the fractions PDF colours take; black for anything else.
fn rgb(hex: &str) -> [f32; 3] {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |v| f32::from(v) / 255.0)
    };
    if hex.len() == 7 && hex.starts_with('#') {
        [channel(1), channel(3), channel(5)]
    } else {
        [0.0; 3]
    }
}

/// A chart scaled to the text's width (never enlarged), or to a whole page when it is taller,
/// kept on one page.
/// The room a chart leaves on its page for the heading that names it (a heading's space before,
/// its line, and the space after it), so that the two always fit on one page together.
const HEADING_ROOM: f32 = 40.0;

fn chart_scale(chart: &bars::Chart) -> f32 {
    let width = chart.width.max(1) as f32;
    let height = chart.height.max(1) as f32;
    (TEXT_WIDTH / width)
        .min(1.0)
        .min((TOP - BOTTOM - HEADING_ROOM) / height)
}

fn lay_chart(font: &Font, at: &mut Cursor, chart: &bars::Chart, before: f32) {
    let height = chart.height.max(1) as f32;
    let scale = chart_scale(chart);
    at.space(before, height * scale);
    let (x0, y0) = (MARGIN, at.y);
    let x = |v: u32| x0 + v as f32 * scale;
    let y = |v: u32| y0 - v as f32 * scale;
    let label_size = 12.0 * scale;
    let figure_size = 11.0 * scale;
    for item in &chart.legend {
        at.push(Mark::Rect {
            x: x(item.x),
            y: y(item.y + 12),
            width: 12.0 * scale,
            height: 12.0 * scale,
            colour: rgb(item.colour),
            filled: true,
        });
        at.text(
            x(item.x + 16),
            y(item.y + 11),
            label_size,
            item.text.clone(),
        );
    }
    for group in &chart.groups {
        // Set right-aligned against the bars; a label longer than the room is set smaller.
        let room = chart.label_x as f32 * scale;
        let natural = font.width(&group.text, label_size);
        let size = if natural > room {
            label_size * room / natural
        } else {
            label_size
        };
        let left = x(chart.label_x) - font.width(&group.text, size);
        at.text(left, y(group.y), size, group.text.clone());
    }
    for bar in &chart.bars {
        at.push(Mark::Rect {
            x: x(bar.x),
            y: y(bar.y + bar.height),
            width: if bar.hidden {
                scale
            } else {
                bar.width as f32 * scale
            },
            height: bar.height as f32 * scale,
            colour: rgb(bar.colour),
            filled: !bar.hidden,
        });
        at.text(x(bar.text_x), y(bar.text_y), figure_size, bar.text.clone());
    }
    at.y = y0 - height * scale;
}

/// The document as PDF bytes.
pub fn render(doc: &Document) -> Vec<u8> {
    let font = Font::load();
    let pages = layout(&font, &doc.blocks);
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut id = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = id();
    let tree = id();
    let info = id();
    let type0 = id();
    let cid = id();
    let descriptor = id();
    let file = id();
    let cmap = id();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (id(), id())).collect();

    pdf.catalog(catalog).pages(tree).lang(TextStr(&doc.lang));
    pdf.document_info(info)
        .title(TextStr(&doc.title))
        .producer(TextStr("mnir"));
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);

    let total = pages.len();
    let mut used: BTreeMap<u16, char> = BTreeMap::new();
    let mut encode = |text: &str| -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let glyph = font.glyph(c);
            used.entry(glyph).or_insert(c);
            bytes.extend_from_slice(&glyph.to_be_bytes());
        }
        bytes
    };
    for (n, (marks, (page_id, content_id))) in pages.iter().zip(&page_ids).enumerate() {
        let mut content = Content::new();
        for mark in marks {
            match mark {
                Mark::Line { from, to, width } => {
                    content
                        .set_line_width(*width)
                        .move_to(from.0, from.1)
                        .line_to(to.0, to.1)
                        .stroke();
                }
                Mark::Rect {
                    x,
                    y,
                    width,
                    height,
                    colour: [r, g, b],
                    filled,
                } => {
                    // The colour and the line's width are set before the path is begun: no
                    // other operator may stand between a path and its painting.
                    if *filled {
                        content
                            .set_fill_rgb(*r, *g, *b)
                            .rect(*x, *y, *width, *height)
                            .fill_nonzero()
                            .set_fill_rgb(0.0, 0.0, 0.0);
                    } else {
                        content
                            .set_line_width(0.6)
                            .set_stroke_rgb(*r, *g, *b)
                            .rect(*x, *y, *width, *height)
                            .stroke()
                            .set_stroke_rgb(0.0, 0.0, 0.0);
                    }
                }
                Mark::Text { x, y, size, text } => {
                    content
                        .begin_text()
                        .set_font(Name(b"F1"), *size)
                        .next_line(*x, *y)
                        .show(Str(&encode(text)))
                        .end_text();
                }
            }
        }
        let foot = format!(
            "{} · {}",
            doc.footer,
            doc.page_label
                .replace("{n}", &(n + 1).to_string())
                .replace("{total}", &total.to_string())
        );
        content
            .begin_text()
            .set_font(Name(b"F1"), FOOTER_SIZE)
            .next_line(MARGIN, MARGIN)
            .show(Str(&encode(&foot)))
            .end_text();
        pdf.stream(*content_id, &content.finish());
        let mut page = pdf.page(*page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        page.resources().fonts().pair(Name(b"F1"), type0);
        page.finish();
    }

    pdf.type0_font(type0)
        .base_font(FONT_NAME)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(FONT_NAME)
        .system_info(system)
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut widths = cid_font.widths();
        for &glyph in used.keys() {
            widths.consecutive(glyph, [font.advance(glyph)]);
        }
    }
    cid_font.finish();

    let face = &font.face;
    let scale = |v: i16| f32::from(v) * 1000.0 / font.units;
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(FONT_NAME)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(face.ascender()))
        .descent(scale(face.descender()))
        .cap_height(scale(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(80.0)
        .font_file2(file);
    pdf.stream(file, FONT)
        .pair(Name(b"Length1"), FONT.len() as i32);

    let mut unicode = UnicodeCmap::new(Name(b"Custom"), system);
    for (&glyph, &c) in &used {
        unicode.pair(glyph, c);
    }
    pdf.cmap(cmap, &unicode.finish());
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: "Plan".into(),
            lang: "ro".into(),
            footer: "MNIR-2026-ABCD".into(),
            page_label: "Pagina {n} din {total}".into(),
            blocks,
        }
    }

    #[test]
    fn the_font_has_every_romanian_letter() {
        let font = Font::load();
        for c in "ăâîșțĂÂÎȘȚşţŞŢ".chars() {
            assert_ne!(font.glyph(c), 0, "{c} is in the font");
        }
    }

    #[test]
    fn lines_wrap_within_the_page_and_keep_every_word() {
        let font = Font::load();
        let text = "Consiliere psihologică săptămânală pentru trauma trăită, la centrul din Iași, \
                    cu un psiholog care vorbește românește și ucraineană. "
            .repeat(5);
        let width = 200.0;
        let lines = wrap(&font, &text, 10.0, width);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(font.width(line, 10.0) <= width, "{line}");
        }
        assert_eq!(
            lines.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        // A word longer than a line is cut, not lost.
        let long = "x".repeat(400);
        let cut = wrap(&font, &long, 10.0, width);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), long);
    }

    #[test]
    fn a_long_document_runs_over_pages_each_numbered() {
        let mut blocks = vec![Block::Title("Planul de siguranță".into())];
        for n in 0..120 {
            blocks.push(Block::Item(format!("Măsura {n}: însoțire la instanță")));
        }
        blocks.push(Block::Signature("Semnătura persoanei".into()));
        let font = Font::load();
        let pages = layout(&font, &blocks);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        within_the_text_area(&pages);
        let bytes = render(&doc(blocks));
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(
            text.matches("/Type /Page\n").count()
                + text.matches("/Type /Page ").count()
                + text.matches("/Type /Page/").count(),
            pages.len(),
            "one page object per laid-out page"
        );
    }

    fn within_the_text_area(pages: &[Vec<Mark>]) {
        for page in pages {
            for mark in page {
                assert!(mark.bottom() >= BOTTOM - 0.01, "above the footer: {mark:?}");
                assert!(mark.bottom() <= TOP, "below the top margin: {mark:?}");
            }
        }
    }

    fn texts(page: &[Mark]) -> Vec<&str> {
        page.iter()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_long_table_repeats_its_heading_on_every_page_and_right_aligns_figures() {
        let table = Table {
            header: vec!["Județ".into(), "Femei".into(), "Bărbați".into()],
            rows: (0..90)
                .map(|n| vec![format!("Județul {n}"), (n * 7).to_string(), "c".into()])
                .collect(),
            totals: Some(vec!["Total".into(), "28035".into(), "c".into()]),
        };
        let font = Font::load();
        let pages = layout(&font, &[Block::Table(table)]);
        assert!(pages.len() >= 2, "{} pages", pages.len());
        within_the_text_area(&pages);
        for page in &pages {
            assert_eq!(texts(page)[..3], ["Județ", "Femei", "Bărbați"]);
        }
        let every: Vec<&str> = pages.iter().flat_map(|p| texts(p)).collect();
        for n in 0..90 {
            assert!(every.contains(&format!("Județul {n}").as_str()), "row {n}");
        }
        assert_eq!(every.last(), Some(&"c"), "the totals' line comes last");
        // A figure ends where its column ends, whatever its width.
        let right_edge = |wanted: &str| {
            pages[0]
                .iter()
                .find_map(|m| match m {
                    Mark::Text { x, size, text, .. } if text == wanted => {
                        Some(x + font.width(text, *size))
                    }
                    _ => None,
                })
                .unwrap()
        };
        assert!((right_edge("7") - right_edge("140")).abs() < 0.01);
    }

    #[test]
    fn a_chart_is_scaled_to_the_text_width_and_kept_on_one_page() {
        let groups: Vec<(String, Vec<Option<u64>>)> = (0..40)
            .map(|n| (format!("Regiunea {n}"), vec![Some(n * 10), None, Some(3)]))
            .collect();
        let chart = bars::grouped_bars(
            &["Femei".into(), "Bărbați".into(), "Necunoscut".into()],
            &groups,
            "c",
            &|n| n.to_string(),
        );
        let font = Font::load();
        let mut blocks: Vec<Block> = (0..5)
            .map(|n| Block::Paragraph(format!("Înainte {n}")))
            .collect();
        blocks.push(Block::Chart(chart.clone()));
        let pages = layout(&font, &blocks);
        within_the_text_area(&pages);
        assert_eq!(
            pages.len(),
            2,
            "too tall for what is left of the first page"
        );
        let rects: Vec<(f32, f32, bool)> = pages[1]
            .iter()
            .filter_map(|m| match m {
                Mark::Rect {
                    x, width, filled, ..
                } => Some((*x, *width, *filled)),
                _ => None,
            })
            .collect();
        assert_eq!(rects.len(), chart.bars.len() + chart.legend.len());
        for (x, width, _) in &rects {
            assert!(*x >= MARGIN && x + width <= MARGIN + TEXT_WIDTH + 0.01);
        }
        // Hidden figures are outlines, the others filled.
        let outlines = rects.iter().filter(|(_, _, filled)| !filled).count();
        assert_eq!(outlines, 40);
        let bytes = render(&doc(blocks));
        assert!(
            String::from_utf8_lossy(&bytes).contains(" re"),
            "bars drawn"
        );
    }

    #[test]
    fn a_heading_goes_to_the_next_page_with_the_chart_it_names() {
        let chart = bars::grouped_bars(
            &["Femei".into()],
            &(0..8)
                .map(|n| (format!("Județul {n}"), vec![Some(n)]))
                .collect::<Vec<_>>(),
            "c",
            &|n| n.to_string(),
        );
        let font = Font::load();
        let mut blocks: Vec<Block> = (0..36)
            .map(|n| Block::Paragraph(format!("Rândul {n}")))
            .collect();
        blocks.push(Block::Heading("Victime după județ".into()));
        blocks.push(Block::Chart(chart));
        let pages = layout(&font, &blocks);
        assert_eq!(pages.len(), 2);
        assert_eq!(texts(&pages[1])[0], "Victime după județ", "not left alone");
        assert_eq!(texts(&pages[0]).last(), Some(&"Rândul 35"));
    }

    /// A chart taller than a page is scaled so that it fits on one page with its heading.
    #[test]
    fn a_chart_taller_than_a_page_shares_its_page_with_its_heading() {
        let chart = bars::grouped_bars(
            &(0..6).map(|n| format!("Forma {n}")).collect::<Vec<_>>(),
            &(0..12)
                .map(|n| (format!("Regiunea {n}"), vec![Some(n); 6]))
                .collect::<Vec<_>>(),
            "c",
            &|n| n.to_string(),
        );
        assert!(chart.height as f32 * TEXT_WIDTH / chart.width as f32 > TOP - BOTTOM);
        let font = Font::load();
        let blocks = vec![
            Block::Paragraph("Înainte".into()),
            Block::Heading("Victime după regiune".into()),
            Block::Chart(chart.clone()),
        ];
        let pages = layout(&font, &blocks);
        within_the_text_area(&pages);
        assert_eq!(
            pages.len(),
            2,
            "the heading and its chart on the second page"
        );
        assert_eq!(texts(&pages[1])[0], "Victime după regiune");
        let bars = pages[1]
            .iter()
            .filter(|m| matches!(m, Mark::Rect { .. }))
            .count();
        assert_eq!(bars, chart.bars.len() + chart.legend.len());
    }

    #[test]
    fn a_heading_word_too_wide_for_its_column_is_set_smaller_not_cut() {
        let table = Table {
            // The widest table of the statistics report: regions by forms of exploitation.
            header: [
                "Regiunea de dezvoltare",
                "Sexuală",
                "Prin muncă",
                "Cerșetorie",
                "Infracționalitate forțată",
                "Alta",
                "Neînregistrată încă",
                "Total",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![vec!["Regiune necunoscută".into(); 8]],
            totals: None,
        };
        let font = Font::load();
        let grid = Grid::of(&font, &table);
        assert!(grid.header_size < TABLE_SIZE);
        let header = grid.wrap(&font, &table.header, grid.header_size);
        for (cell, text) in header.iter().zip(&table.header) {
            assert_eq!(cell.join(" "), *text, "no word cut");
        }
    }

    #[test]
    fn colours_are_read_from_their_hex_code() {
        assert_eq!(rgb("#FF0000"), [1.0, 0.0, 0.0]);
        assert_eq!(rgb("#000000"), [0.0, 0.0, 0.0]);
        assert_eq!(rgb("red"), [0.0, 0.0, 0.0]);
        let [r, g, b] = rgb("#0072B2");
        assert!(r == 0.0 && (g - 114.0 / 255.0).abs() < 1e-6 && (b - 178.0 / 255.0).abs() < 1e-6);
    }

    #[test]
    fn text_is_drawn_with_glyphs_that_map_back_to_unicode() {
        let bytes = render(&doc(vec![Block::Paragraph("Ștefan și Țara".into())]));
        let text = String::from_utf8_lossy(&bytes);
        let font = Font::load();
        // The ToUnicode map pairs the glyph of ș with U+0219.
        let glyph = font.glyph('ș');
        assert!(
            text.contains(&format!("<{glyph:04X}> <0219>")),
            "ș maps back to U+0219"
        );
        assert!(text.contains("/FontFile2"), "the font is embedded");
        assert!(text.contains("/Lang (ro)"));
    }
}

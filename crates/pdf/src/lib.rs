//! Printable documents as PDF: a document is a list of blocks (a title, headings, paragraphs,
//! list items, signature lines), laid out on A4 pages in one embedded font that covers every
//! letter of Romanian (ă â î ș ț) and the other Latin scripts the mechanism's users write.
//!
//! Nothing here reads files or the clock: the caller decides what the document says (and so what
//! a reader may see); this crate only places it. Text is drawn with the font's glyphs and carries
//! a map back to Unicode, so the PDF can be searched, copied and read aloud.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;

/// DejaVu Sans 2.37 (see `fonts/README.md`).
const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const FONT_NAME: Name<'static> = Name(b"DejaVuSans");

/// A4 in points, and the margins around the text.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const FOOTER_SIZE: f32 = 8.0;

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

/// A line placed on a page.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    text: String,
    /// A horizontal rule under the text's baseline (a signature line), its length.
    rule: Option<f32>,
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

/// Lays the blocks out on pages: each page's lines, top to bottom.
fn layout(font: &Font, blocks: &[Block]) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let top = PAGE_HEIGHT - MARGIN;
    let bottom = MARGIN + FOOTER_SIZE * 3.0;
    let mut y = top;
    for block in blocks {
        let (size, indent, before, after) = style(block);
        let text = match block {
            Block::Title(t)
            | Block::Subtitle(t)
            | Block::Heading(t)
            | Block::Paragraph(t)
            | Block::Item(t)
            | Block::Note(t)
            | Block::Signature(t) => t,
        };
        let leading = size * 1.35;
        let width = PAGE_WIDTH - 2.0 * MARGIN - indent;
        let lines = wrap(font, text, size, width);
        // A heading is not left alone at the foot of a page, nor a signature without its line.
        let keep = match block {
            Block::Heading(_) => leading * 3.0,
            Block::Signature(_) => leading * 2.0,
            _ => leading,
        };
        if y - before - keep < bottom && !pages.last().is_none_or(Vec::is_empty) {
            pages.push(Vec::new());
            y = top;
        } else if !pages.last().is_none_or(Vec::is_empty) {
            y -= before;
        }
        let is_signature = matches!(block, Block::Signature(_));
        if is_signature {
            // The line to sign on, then who signs it under it.
            y -= leading;
            if let Some(page) = pages.last_mut() {
                page.push(Placed {
                    x: MARGIN,
                    y,
                    size,
                    text: String::new(),
                    rule: Some(width.min(260.0)),
                });
            }
        }
        for (n, line) in lines.into_iter().enumerate() {
            y -= leading;
            if y < bottom {
                pages.push(Vec::new());
                y = top - leading;
            }
            let dash = matches!(block, Block::Item(_)) && n == 0;
            if let Some(page) = pages.last_mut() {
                if dash {
                    page.push(Placed {
                        x: MARGIN + indent - 10.0,
                        y,
                        size,
                        text: "–".into(),
                        rule: None,
                    });
                }
                page.push(Placed {
                    x: MARGIN + indent,
                    y,
                    size,
                    text: line,
                    rule: None,
                });
            }
        }
        y -= after;
    }
    pages
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
    for (n, (lines, (page_id, content_id))) in pages.iter().zip(&page_ids).enumerate() {
        let mut content = Content::new();
        for line in lines {
            if let Some(length) = line.rule {
                content
                    .set_line_width(0.6)
                    .move_to(line.x, line.y)
                    .line_to(line.x + length, line.y)
                    .stroke();
                continue;
            }
            content
                .begin_text()
                .set_font(Name(b"F1"), line.size)
                .next_line(line.x, line.y)
                .show(Str(&encode(&line.text)))
                .end_text();
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
        for page in &pages {
            for line in page {
                assert!(
                    line.y >= MARGIN + FOOTER_SIZE * 3.0 - 0.01,
                    "above the footer"
                );
                assert!(line.y <= PAGE_HEIGHT - MARGIN);
            }
        }
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

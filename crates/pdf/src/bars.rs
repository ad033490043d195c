//! A table drawn as grouped horizontal bars: one group per row of the table, one bar per column,
//! a legend of the columns. The geometry is computed here, in units of a drawing 640 wide, and
//! drawn twice: by the statistics page as SVG (its template escapes every text) and by
//! [`crate::render`] into the printed report, scaled to the page.

/// Colours of the bars, one per column, told apart also by people with the common colour-vision
/// deficiencies (the Okabe–Ito palette); the legend and the data table beside the chart name
/// every bar, so colour is never the only way to read it.
const PALETTE: &[&str] = &[
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F", "#000000",
];

const WIDTH: u32 = 640;
const LABEL_WIDTH: u32 = 170;
const VALUE_ROOM: u32 = 60;
const BAR: u32 = 12;
const BAR_GAP: u32 = 2;
const GROUP_GAP: u32 = 14;
const LEGEND_LINE: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// `#rrggbb`.
    pub colour: &'static str,
    /// The figure written at the bar's end (a hidden figure's mark for a hidden one).
    pub text: String,
    pub text_x: u32,
    pub text_y: u32,
    /// A hidden figure: drawn as an empty outline of no length.
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLabel {
    pub text: String,
    pub y: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendItem {
    pub x: u32,
    pub y: u32,
    pub colour: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The size of the drawing; text is set at 12 (labels) and 11 (figures) of its units.
    pub width: u32,
    pub height: u32,
    pub label_x: u32,
    pub legend: Vec<LegendItem>,
    pub groups: Vec<GroupLabel>,
    pub bars: Vec<Bar>,
}

/// Lays out `groups` (a label and one figure per series; `None` for a hidden one) against the
/// largest figure shown. `hidden_mark` is written where a hidden figure would be.
pub fn grouped_bars(
    series: &[String],
    groups: &[(String, Vec<Option<u64>>)],
    hidden_mark: &str,
    number: &dyn Fn(u64) -> String,
) -> Chart {
    // The legend wraps onto as many lines as its entries need, each as wide as the longest
    // entry (at about 7 units a letter, after its 16-unit swatch) and at least 150.
    let longest = series.iter().map(|s| s.chars().count()).max().unwrap_or(0) as u32;
    let item = (longest * 7 + 24).max(150);
    let per_line = ((WIDTH - LABEL_WIDTH) / item).max(1) as usize;
    let legend: Vec<LegendItem> = series
        .iter()
        .enumerate()
        .map(|(i, text)| LegendItem {
            x: LABEL_WIDTH + (i % per_line) as u32 * item,
            y: 4 + (i / per_line) as u32 * LEGEND_LINE,
            colour: PALETTE[i % PALETTE.len()],
            text: text.clone(),
        })
        .collect();
    let legend_height = series.len().div_ceil(per_line) as u32 * LEGEND_LINE + 8;
    let largest = groups
        .iter()
        .flat_map(|(_, figures)| figures.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let room = WIDTH - LABEL_WIDTH - VALUE_ROOM;
    let group_height = series.len() as u32 * (BAR + BAR_GAP);
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    let mut y = legend_height;
    for (label, figures) in groups {
        labels.push(GroupLabel {
            text: label.clone(),
            y: y + group_height / 2 + 4,
        });
        for (i, figure) in figures.iter().enumerate() {
            let bar_y = y + i as u32 * (BAR + BAR_GAP);
            let width = figure.map_or(0, |n| {
                // Rounded to whole pixels; a non-zero figure is always visible.
                let w = (n as f64 / largest as f64 * f64::from(room)).round() as u32;
                if n > 0 { w.max(1) } else { 0 }
            });
            bars.push(Bar {
                x: LABEL_WIDTH,
                y: bar_y,
                width,
                height: BAR,
                colour: PALETTE[i % PALETTE.len()],
                text: figure.map_or_else(|| hidden_mark.to_string(), number),
                text_x: LABEL_WIDTH + width + 4,
                text_y: bar_y + BAR - 2,
                hidden: figure.is_none(),
            });
        }
        y += group_height + GROUP_GAP;
    }
    Chart {
        width: WIDTH,
        height: y,
        label_x: LABEL_WIDTH - 8,
        legend,
        groups: labels,
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_long_as_their_figures_and_hidden_ones_have_no_length() {
        let chart = grouped_bars(
            &["child".into(), "adult".into()],
            &[
                ("female".into(), vec![Some(410), Some(205)]),
                ("male".into(), vec![None, Some(0)]),
            ],
            "c",
            &|n| n.to_string(),
        );
        assert_eq!(chart.bars.len(), 4);
        let room = WIDTH - LABEL_WIDTH - VALUE_ROOM;
        assert_eq!(chart.bars[0].width, room);
        assert_eq!(chart.bars[1].width, room / 2);
        assert!(chart.bars[2].hidden);
        assert_eq!(chart.bars[2].width, 0);
        assert_eq!(chart.bars[2].text, "c");
        assert_eq!(chart.bars[3].width, 0);
        assert_eq!(chart.bars[3].text, "0");
        // The second group begins below the first, and nothing leaves the drawing.
        assert!(chart.groups[1].y > chart.groups[0].y);
        for bar in &chart.bars {
            assert!(bar.x + bar.width + VALUE_ROOM <= chart.width);
            assert!(bar.y + bar.height <= chart.height);
        }
        assert_eq!(chart.legend[1].colour, PALETTE[1]);
    }

    #[test]
    fn a_table_of_zeros_draws_without_dividing_by_zero() {
        let chart = grouped_bars(&["a".into()], &[("x".into(), vec![Some(0)])], "c", &|n| {
            n.to_string()
        });
        assert_eq!(chart.bars[0].width, 0);
    }
}

//! Text as users type it: what counts as written. A reason made of spaces, or of characters that
//! show nothing (zero-width spaces, joiners, direction marks), is no reason.

/// Characters that take no visible space: format controls and fillers that `char::is_whitespace`
/// does not know (Unicode general category Cf and the Hangul fillers), as inclusive ranges.
const INVISIBLE: [(char, char); 12] = [
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
];

/// What `char::is_whitespace` takes for space (Unicode's White_Space), as inclusive ranges:
/// written out for the pattern below, and checked against the standard library in the tests.
const WHITESPACE: [(char, char); 10] = [
    ('\u{0009}', '\u{000D}'),
    ('\u{0020}', '\u{0020}'),
    ('\u{0085}', '\u{0085}'),
    ('\u{00A0}', '\u{00A0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200A}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202F}', '\u{202F}'),
    ('\u{205F}', '\u{205F}'),
    ('\u{3000}', '\u{3000}'),
];

fn invisible(c: char) -> bool {
    INVISIBLE
        .iter()
        .any(|(from, to)| (*from..=*to).contains(&c))
}

fn class_of<'a>(ranges: impl Iterator<Item = &'a (char, char)>) -> String {
    let mut class = String::new();
    for (from, to) in ranges {
        class.push_str(&format!("\\u{:04X}", u32::from(*from)));
        if from != to {
            class.push_str(&format!("-\\u{:04X}", u32::from(*to)));
        }
    }
    class
}

/// The characters [`trimmed`] takes away, as the inside of a regular expression's class (the
/// dialect of JSON Schema's `pattern`): the API's document states with it which texts say
/// something and which are blank.
pub fn trimmed_class() -> String {
    class_of(WHITESPACE.iter().chain(INVISIBLE.iter()))
}

/// What `str::trim` takes away (whitespace only), as the inside of a regular expression's
/// class: for the fields read that way (codes, logins).
pub fn whitespace_class() -> String {
    class_of(WHITESPACE.iter())
}

/// A text [`trimmed`] leaves something of matches this: one character neither space nor
/// invisible.
pub fn shown_pattern() -> String {
    format!("[^{}]", trimmed_class())
}

/// A text [`trimmed`] leaves nothing of matches this.
pub fn blank_pattern() -> String {
    format!("^[{}]*$", trimmed_class())
}

/// The text without what shows nothing at either end (whitespace of any script and invisible
/// characters); empty when nothing in it would show.
pub fn trimmed(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whitespace_ranges_are_what_the_standard_library_takes_for_space() {
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            let listed = WHITESPACE
                .iter()
                .any(|(from, to)| (*from..=*to).contains(&c));
            assert_eq!(listed, c.is_whitespace(), "U+{:04X}", u32::from(c));
        }
    }

    /// The characters a class written by `class_of` names, read back from its text.
    fn read_class(class: &str) -> Vec<(u32, u32)> {
        let codes: Vec<u32> = class
            .split("\\u")
            .filter(|part| !part.is_empty())
            .map(|part| u32::from_str_radix(part.trim_end_matches('-'), 16).unwrap())
            .collect();
        let mut ranges = Vec::new();
        let mut rest = class;
        let mut i = 0;
        while !rest.is_empty() {
            // `\uXXXX` is 6 characters; a `-` after it starts a range's end.
            rest = &rest[6..];
            if let Some(after) = rest.strip_prefix('-') {
                ranges.push((codes[i], codes[i + 1]));
                rest = &after[6..];
                i += 2;
            } else {
                ranges.push((codes[i], codes[i]));
                i += 1;
            }
        }
        ranges
    }

    #[test]
    fn the_class_names_exactly_the_characters_that_trim_away() {
        let trimmed_away = read_class(&trimmed_class());
        let spaces = read_class(&whitespace_class());
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            let code = u32::from(c);
            let in_class =
                |ranges: &[(u32, u32)]| ranges.iter().any(|(f, t)| (*f..=*t).contains(&code));
            assert_eq!(
                in_class(&trimmed_away),
                trimmed(&c.to_string()).is_empty(),
                "U+{code:04X}"
            );
            assert_eq!(
                in_class(&spaces),
                c.to_string().trim().is_empty(),
                "U+{code:04X}"
            );
        }
        assert!(shown_pattern().starts_with("[^\\u0009-\\u000D"));
        assert_eq!(blank_pattern(), format!("^[{}]*$", trimmed_class()));
    }

    #[test]
    fn spaces_and_invisible_characters_are_no_text() {
        assert_eq!(trimmed(" \u{200B}\u{2060}\u{3000}\u{FEFF} "), "");
        assert_eq!(trimmed("\u{200B} Motiv \u{00A0}"), "Motiv");
        assert_eq!(
            trimmed("a\u{200B}b"),
            "a\u{200B}b",
            "only the ends are trimmed"
        );
    }
}

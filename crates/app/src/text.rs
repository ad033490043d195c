//! Text as users type it: what counts as written. A reason made of spaces, or of characters that
//! show nothing (zero-width spaces, joiners, direction marks), is no reason.

/// Characters that take no visible space: format controls and fillers that `char::is_whitespace`
/// does not know (Unicode general category Cf and the Hangul fillers).
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
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

//! Tier 1 of identification (mnir.md §4): a key signal alone, or any two signals, suggest
//! notifying. The screener may always notify without signals (a tip, self-identification).

use crate::reference;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suggestion {
    /// A key signal was observed (the first one, in catalogue order).
    KeySignal(String),
    /// Two or more signals, none of them key.
    SeveralSignals(usize),
    /// One non-key signal, or none: notifying stays possible but is not suggested.
    NotSuggested(usize),
}

impl Suggestion {
    pub fn suggests_notification(&self) -> bool {
        !matches!(self, Suggestion::NotSuggested(_))
    }
}

/// Unknown codes are ignored here; validating them is the notification's job.
pub fn suggest(observed: &[String]) -> Suggestion {
    let known: Vec<&reference::Signal> = reference::signals()
        .iter()
        .filter(|s| observed.iter().any(|o| o == &s.code))
        .collect();
    if let Some(key) = known.iter().find(|s| s.key) {
        Suggestion::KeySignal(key.code.clone())
    } else if known.len() >= 2 {
        Suggestion::SeveralSignals(known.len())
    } else {
        Suggestion::NotSuggested(known.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_key_signal_alone_or_any_two_signals_suggest_notifying() {
        assert_eq!(
            suggest(&codes(&["S02"])),
            Suggestion::KeySignal("S02".into())
        );
        assert_eq!(
            suggest(&codes(&["S01", "S15"])),
            Suggestion::KeySignal("S15".into())
        );
        assert_eq!(
            suggest(&codes(&["S01", "S07"])),
            Suggestion::SeveralSignals(2)
        );
        assert_eq!(suggest(&codes(&["S01"])), Suggestion::NotSuggested(1));
        assert_eq!(suggest(&[]), Suggestion::NotSuggested(0));
        assert_eq!(
            suggest(&codes(&["S01", "S99"])),
            Suggestion::NotSuggested(1)
        );
        assert!(suggest(&codes(&["S14"])).suggests_notification());
    }
}

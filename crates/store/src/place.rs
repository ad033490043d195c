//! A place in a list read page by page: the sort key of one row (a time, then an id to order the
//! rows that share it). A page is read from such a place by an index, so the thousandth page costs
//! what the first does, and a row added meanwhile neither shifts the pages nor is shown twice.

use crate::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListPlace {
    pub at_ms: Timestamp,
    pub id: String,
}

impl ListPlace {
    /// The place of a case in the case list (by its notification time).
    pub fn of(case: &crate::CaseSummary) -> ListPlace {
        ListPlace {
            at_ms: case.notified_at_ms,
            id: case.id.clone(),
        }
    }

    /// The place of a line of the register of erasures (by when the case was erased).
    pub fn of_erasure(erasure: &crate::ErasureRecord) -> ListPlace {
        ListPlace {
            at_ms: erasure.erased_at_ms,
            id: erasure.case_id.clone(),
        }
    }

    /// The place of a pair of possible duplicates (by when it was found).
    pub fn of_pair(pair: &crate::DuplicateCandidate) -> ListPlace {
        ListPlace {
            at_ms: pair.found_at_ms,
            id: pair.id.clone(),
        }
    }

    /// Where the next page begins: after the last row of a full page (there may be more);
    /// `None` after a page that was not full.
    pub fn after_full<T>(
        rows: &[T],
        limit: u32,
        place: impl Fn(&T) -> ListPlace,
    ) -> Option<ListPlace> {
        (rows.len() == limit as usize)
            .then(|| rows.last().map(place))
            .flatten()
    }

    /// The place of a task in the inbox (by when its clock expired).
    pub fn of_task(task: &crate::TaskRecord) -> ListPlace {
        ListPlace {
            at_ms: task.created_at_ms,
            id: task.id.clone(),
        }
    }

    /// The place of a referral in the list of those awaiting an answer (by when it was sent).
    pub fn of_referral(referral: &crate::ReferralRecord) -> ListPlace {
        ListPlace {
            at_ms: referral.sent_at_ms,
            id: referral.id.clone(),
        }
    }
}

/// Written `<milliseconds>.<id>` in links and in the API.
impl std::fmt::Display for ListPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.at_ms.millis(), self.id)
    }
}

impl std::str::FromStr for ListPlace {
    type Err = ();

    /// Refuses anything a link of a list could not have held: a time no calendar shows, an id
    /// that is empty, long or not made of letters, digits and dashes.
    fn from_str(text: &str) -> Result<ListPlace, ()> {
        let (ms, id) = text.split_once('.').ok_or(())?;
        if ms.is_empty() || !ms.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
        let ms: i64 = ms.parse().map_err(|_| ())?;
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        match Timestamp::from_millis(ms) {
            Some(at_ms) if id_ok => Ok(ListPlace {
                at_ms,
                id: id.to_string(),
            }),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_page_begins_after_a_full_page_only() {
        let place = |n: &i64| ListPlace {
            at_ms: Timestamp::from_millis(*n).unwrap(),
            id: format!("r{n}"),
        };
        assert_eq!(
            ListPlace::after_full(&[1, 2, 3], 3, place).map(|p| p.to_string()),
            Some("3.r3".to_string())
        );
        assert_eq!(ListPlace::after_full(&[1, 2], 3, place), None);
        assert_eq!(ListPlace::after_full(&[] as &[i64], 0, place), None);
    }

    #[test]
    fn a_place_reads_back_what_it_wrote_and_refuses_the_rest() {
        let place = ListPlace {
            at_ms: Timestamp::from_millis(1_700_000_000_123).unwrap(),
            id: "0b7c-AF12".into(),
        };
        assert_eq!(place.to_string().parse::<ListPlace>(), Ok(place));
        for bad in [
            "",
            "12",
            "12.",
            ".abc",
            "x.abc",
            "12.a b",
            "12.a.b",
            "99999999999999999.a",
            &format!("1.{}", "a".repeat(65)),
        ] {
            assert_eq!(bad.parse::<ListPlace>(), Err(()), "{bad}");
        }
    }
}

//! The referral directory's vocabularies (mnir.md §6): the services an organisation offers and
//! the groups it takes.

/// Services, named as the purposes of a referral.
pub const SERVICES: [&str; 11] = [
    "accommodation",
    "medical",
    "psychological",
    "legal",
    "social",
    "education",
    "reintegration",
    "protection",
    "investigation",
    "repatriation",
    "follow_up",
];

pub const TARGET_GROUPS: [&str; 4] = ["children", "women", "men", "families"];

/// An entry's fields checked together; each problem is named by its field.
pub fn check_entry(
    services: &[String],
    counties: &[String],
    groups: &[String],
    languages: &[String],
    capacity: Option<i64>,
) -> Vec<&'static str> {
    let mut wrong = Vec::new();
    if services.is_empty() || services.iter().any(|s| !SERVICES.contains(&s.as_str())) {
        wrong.push("services");
    }
    if counties
        .iter()
        .any(|c| crate::reference::county(c).is_none())
    {
        wrong.push("counties");
    }
    if groups.is_empty() || groups.iter().any(|g| !TARGET_GROUPS.contains(&g.as_str())) {
        wrong.push("target_groups");
    }
    if languages.is_empty()
        || languages
            .iter()
            .any(|l| !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()))
    {
        wrong.push("languages");
    }
    if capacity.is_some_and(|c| !(0..=100_000).contains(&c)) {
        wrong.push("capacity");
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_entry_names_each_wrong_field() {
        assert!(
            check_entry(
                &v(&["accommodation"]),
                &v(&["RO-CJ"]),
                &v(&["women"]),
                &v(&["ro"]),
                Some(12)
            )
            .is_empty()
        );
        assert_eq!(
            check_entry(
                &v(&["massage"]),
                &v(&["RO-XX"]),
                &v(&[]),
                &v(&["Romanian"]),
                Some(-1)
            ),
            [
                "services",
                "counties",
                "target_groups",
                "languages",
                "capacity"
            ]
        );
        assert!(
            check_entry(&v(&["legal"]), &[], &v(&["men"]), &v(&["en"]), None).is_empty(),
            "no county: nationwide"
        );
    }
}

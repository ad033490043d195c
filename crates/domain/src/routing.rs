//! Who receives a notification (mnir.md §2, §6): the notifier, the ANITP regional centre for the
//! county where the person was found, and, for a person who is or may be a child, that county's
//! child-protection directorate.

use crate::case::AgeGroup;
use crate::reference;
use crate::vocabulary::codes;

codes!(
    /// Why an organisation may see a case, in the order routing grants it (the order a case's
    /// access list is shown in).
    AccessBasis {
        Notifier => "notifier",
        RegionalCentre => "regional_centre",
        ChildProtection => "child_protection",
    }
);

/// The organisations a new case is routed to, without repeats, notifier first. A notifier that is
/// itself the regional centre or the directorate is recorded under that more specific basis,
/// because that basis decides who answers for the case's clocks.
/// `None` when the county is not a known ISO 3166-2 code.
pub fn route(
    notifier: &str,
    found_in_county: &str,
    age_group: AgeGroup,
) -> Option<Vec<(String, AccessBasis)>> {
    let centre = reference::regional_centre_for(found_in_county)?;
    let mut routed = vec![(notifier.to_string(), AccessBasis::Notifier)];
    let mut add = |code: String, basis| match routed.iter_mut().find(|(c, _)| *c == code) {
        Some(existing) => existing.1 = basis,
        None => routed.push((code, basis)),
    };
    add(centre, AccessBasis::RegionalCentre);
    if age_group.may_be_child() {
        add(
            reference::child_protection_for(found_in_county)?,
            AccessBasis::ChildProtection,
        );
    }
    Some(routed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(r: Vec<(String, AccessBasis)>) -> Vec<String> {
        r.into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn an_adult_goes_to_the_notifier_and_the_regional_centre() {
        let r = route("IGPR", "RO-BN", AgeGroup::Adult).unwrap();
        assert_eq!(codes(r), ["IGPR", "ANITP-CJ"]);
    }

    #[test]
    fn a_child_or_unknown_age_also_goes_to_the_county_directorate() {
        assert_eq!(
            codes(route("IGPF", "RO-TL", AgeGroup::Child).unwrap()),
            ["IGPF", "ANITP-CT", "DGASPC-TL"]
        );
        assert_eq!(
            codes(route("IGPF", "RO-TL", AgeGroup::Unknown).unwrap()),
            ["IGPF", "ANITP-CT", "DGASPC-TL"]
        );
    }

    #[test]
    fn a_notifying_centre_is_not_listed_twice_and_unknown_counties_are_refused() {
        let r = route("ANITP-CJ", "RO-CJ", AgeGroup::Adult).unwrap();
        assert_eq!(
            r,
            vec![("ANITP-CJ".to_string(), AccessBasis::RegionalCentre)]
        );
        let child = route("DGASPC-CJ", "RO-CJ", AgeGroup::Child).unwrap();
        assert_eq!(
            child,
            vec![
                ("DGASPC-CJ".to_string(), AccessBasis::ChildProtection),
                ("ANITP-CJ".to_string(), AccessBasis::RegionalCentre)
            ],
            "a directorate that notifies still answers for the child"
        );
        assert_eq!(route("IGPR", "RO-ZZ", AgeGroup::Adult), None);
    }
}

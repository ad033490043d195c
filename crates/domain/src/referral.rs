//! Referral rules (mnir.md §6): which consent a referral needs, and the minimum data set the
//! recipient sees for each service.

use crate::consent::Purpose;
use crate::vocabulary::codes;

codes!(
    /// Where a referral stands: sent and awaiting the recipient's answer, accepted, declined
    /// with a reason, or cancelled because the consent it relied on was withdrawn.
    ReferralStatus {
        Sent => "sent",
        Accepted => "accepted",
        Declined => "declined",
        Cancelled => "cancelled",
    }
);

/// The consent a referral for `service` needs: sharing with the police for an investigation,
/// assistance by the named recipient for everything else.
pub fn consent_purpose(service: &str) -> Purpose {
    if service == "investigation" {
        Purpose::SharingWithPolice
    } else {
        Purpose::Assistance
    }
}

/// Whether a referral for `service` starts the `emergency_compensation` clock (mnir.md §7: a
/// victim of crime referred for legal help is owed a timely claim for emergency compensation).
pub fn starts_compensation_clock(service: &str) -> bool {
    service == "legal"
}

/// What the recipient of a referral sees beyond the reference, sex, age group, citizenship and
/// county: a shelter sees needs, not the investigation; an investigator never sees notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataSet {
    pub given_name: bool,
    pub family_name: bool,
    pub birth_date: bool,
    pub signals: bool,
    pub exploitation: bool,
    pub notes: bool,
}

pub fn data_set(service: &str) -> DataSet {
    match service {
        "investigation" => DataSet {
            given_name: false,
            family_name: false,
            birth_date: false,
            signals: true,
            exploitation: true,
            notes: false,
        },
        "legal" | "protection" | "repatriation" => DataSet {
            given_name: true,
            family_name: true,
            birth_date: true,
            signals: false,
            exploitation: true,
            notes: false,
        },
        _ => DataSet {
            given_name: true,
            family_name: false,
            birth_date: false,
            signals: true,
            exploitation: false,
            notes: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_investigator_never_sees_names_or_notes_and_a_shelter_never_the_investigation() {
        let inv = data_set("investigation");
        assert!(!inv.given_name && !inv.family_name && !inv.notes && inv.exploitation);
        let shelter = data_set("accommodation");
        assert!(
            shelter.given_name
                && shelter.signals
                && !shelter.exploitation
                && !shelter.family_name
                && !shelter.notes
        );
        assert_eq!(consent_purpose("investigation"), Purpose::SharingWithPolice);
        assert_eq!(consent_purpose("medical"), Purpose::Assistance);
        for service in crate::directory::SERVICES {
            assert!(
                !data_set(service).notes,
                "{service}: notes never leave their compartment by referral"
            );
        }
    }
}

//! Information on rights and consent (mnir.md §5): what may be recorded, and whether a consent
//! covers a purpose and a recipient at a given time.

use crate::vocabulary::codes;

codes!(Right {
    AssistanceAndProtection => "assistance_protection",
    ReflectionPeriod => "reflection_period",
    LegalAid => "legal_aid",
    Compensation => "compensation",
    WitnessProtection => "witness_protection",
    AssistanceWithoutCooperation => "assistance_without_cooperation",
});

codes!(Purpose {
    Assistance => "assistance",
    SharingWithPolice => "sharing_with_police",
    Research => "research",
    AnitpContact => "anitp_contact",
    Repatriation => "repatriation",
});

codes!(GivenBy {
    Person => "person",
    ChildAssent => "child_assent",
    LegalRepresentative => "legal_representative",
    ChildProtection => "child_protection",
});

codes!(Method {
    SignedForm => "signed_form",
    VerbalWithWitness => "verbal_with_witness",
});

impl Purpose {
    /// Whether consent for this purpose names its recipient (research and ANITP's contact do not).
    pub fn names_recipient(self) -> bool {
        matches!(self, Purpose::Assistance | Purpose::SharingWithPolice)
    }
}

/// A consent as far as its validity goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTerms {
    pub purpose: Purpose,
    pub recipient_org: Option<String>,
    pub given_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub withdrawn_at_ms: Option<i64>,
}

impl ConsentTerms {
    /// Given, not yet expired and not withdrawn at `now`.
    pub fn in_force(&self, now_ms: i64) -> bool {
        self.given_at_ms <= now_ms
            && self.expires_at_ms.is_none_or(|e| now_ms < e)
            && self.withdrawn_at_ms.is_none_or(|w| now_ms < w)
    }

    /// Covers sharing for `purpose` with `recipient` at `now`.
    pub fn covers(&self, purpose: Purpose, recipient: &str, now_ms: i64) -> bool {
        self.purpose == purpose
            && self.in_force(now_ms)
            && (!purpose.names_recipient() || self.recipient_org.as_deref() == Some(recipient))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(purpose: Purpose, recipient: Option<&str>) -> ConsentTerms {
        ConsentTerms {
            purpose,
            recipient_org: recipient.map(str::to_string),
            given_at_ms: 100,
            expires_at_ms: Some(1000),
            withdrawn_at_ms: None,
        }
    }

    #[test]
    fn a_consent_covers_its_purpose_and_recipient_while_in_force() {
        let c = terms(Purpose::Assistance, Some("ONG-A"));
        assert!(c.covers(Purpose::Assistance, "ONG-A", 500));
        assert!(
            !c.covers(Purpose::Assistance, "ONG-B", 500),
            "another provider"
        );
        assert!(
            !c.covers(Purpose::SharingWithPolice, "ONG-A", 500),
            "another purpose"
        );
        assert!(!c.covers(Purpose::Assistance, "ONG-A", 1000), "expired");
        assert!(!c.covers(Purpose::Assistance, "ONG-A", 50), "not yet given");
        let withdrawn = ConsentTerms {
            withdrawn_at_ms: Some(400),
            ..c
        };
        assert!(withdrawn.covers(Purpose::Assistance, "ONG-A", 399));
        assert!(
            !withdrawn.covers(Purpose::Assistance, "ONG-A", 400),
            "withdrawal stops it at once"
        );
        let research = terms(Purpose::Research, None);
        assert!(research.covers(Purpose::Research, "anyone", 500));
    }

    #[test]
    fn codes_round_trip() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()), Some(*p));
        }
        assert_eq!(Right::parse("legal_aid"), Some(Right::LegalAid));
        assert_eq!(Method::parse("telepathy"), None);
    }
}

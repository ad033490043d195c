//! The default organisations of a Romanian deployment (mnir.md §2). A deployment adds, renames or
//! disables organisations through `mnir org add` and the administration pages.

use crate::org::{IdentifyPower, OrgKind, OrgType};
use crate::reference;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSpec {
    pub code: String,
    pub name: String,
    pub org_type: OrgType,
    pub kind: OrgKind,
    pub county: Option<String>,
    pub identify_power: IdentifyPower,
    /// An investigating body, outside the support compartment (mnir.md §9).
    pub investigates: bool,
    /// The country of a partner abroad; `None` for an organisation of the jurisdiction.
    pub country: Option<String>,
}

fn spec(code: &str, name: &str, org_type: OrgType, power: IdentifyPower) -> OrgSpec {
    OrgSpec {
        code: code.into(),
        name: name.into(),
        org_type,
        kind: OrgKind::Other,
        county: None,
        identify_power: power,
        investigates: org_type == OrgType::LawEnforcement,
        country: None,
    }
}

pub fn romanian_organisations() -> Vec<OrgSpec> {
    let mut orgs = vec![OrgSpec {
        kind: OrgKind::AnitpCentral,
        ..spec(
            "ANITP",
            "Agenția Națională împotriva Traficului de Persoane",
            OrgType::CentralGovernmentOrganisation,
            IdentifyPower::All,
        )
    }];
    for centre in reference::regional_centres() {
        orgs.push(OrgSpec {
            kind: OrgKind::AnitpRegional,
            county: Some(centre.county_code.clone()),
            ..spec(
                &centre.org_code(),
                &format!("ANITP – Centrul regional {}", centre.city),
                OrgType::CentralGovernmentOrganisation,
                IdentifyPower::All,
            )
        });
    }
    for county in reference::counties() {
        let place = if county.code == "RO-B" {
            "Municipiul București".to_string()
        } else {
            format!("județul {}", county.name)
        };
        orgs.push(OrgSpec {
            kind: OrgKind::ChildProtection,
            county: Some(county.code.clone()),
            ..spec(
                &format!("DGASPC-{}", county.suffix()),
                &format!("Direcția Generală de Asistență Socială și Protecția Copilului, {place}"),
                OrgType::LocalGovernmentOrganisation,
                IdentifyPower::ChildrenOnly,
            )
        });
    }
    orgs.extend([
        spec(
            "IGPR",
            "Inspectoratul General al Poliției Române",
            OrgType::LawEnforcement,
            IdentifyPower::All,
        ),
        spec(
            "IGPF",
            "Inspectoratul General al Poliției de Frontieră",
            OrgType::LawEnforcement,
            IdentifyPower::All,
        ),
        spec(
            "IGI",
            "Inspectoratul General pentru Imigrări",
            OrgType::ImmigrationService,
            IdentifyPower::All,
        ),
        spec(
            "DIICOT",
            "Direcția de Investigare a Infracțiunilor de Criminalitate Organizată și Terorism",
            OrgType::LawEnforcement,
            IdentifyPower::All,
        ),
        // Labour inspectors detect and investigate labour exploitation: an investigating body
        // although a central-government one.
        OrgSpec {
            investigates: true,
            ..spec(
                "IM",
                "Inspecția Muncii",
                OrgType::CentralGovernmentOrganisation,
                IdentifyPower::None,
            )
        },
        spec(
            "MAE",
            "Ministerul Afacerilor Externe",
            OrgType::CentralGovernmentOrganisation,
            IdentifyPower::None,
        ),
    ]);
    orgs
}

/// The countries the demo lists a partner abroad in: those of the synthetic foreign victims.
pub const DEMO_PARTNER_COUNTRIES: &[&str] = &["MD", "UA", "VN", "LK", "PH", "NP", "BD", "CO"];

/// The code of the demo's partner abroad in a country.
pub fn demo_partner_code(country: &str) -> String {
    format!("PARTNER-{country}")
}

/// The demo's partners abroad, one per country of [`DEMO_PARTNER_COUNTRIES`]: invented
/// organisations that receive the people who go home from Romania, so that a newcomer sees a
/// return in that direction. A real deployment lists its own with `mnir org add --country`.
pub fn demo_partners_abroad() -> Vec<OrgSpec> {
    DEMO_PARTNER_COUNTRIES
        .iter()
        .map(|code| {
            let country = reference::country(code).map_or(code.to_string(), |c| c.name_en.clone());
            OrgSpec {
                country: Some(code.to_string()),
                ..spec(
                    &demo_partner_code(code),
                    &format!("Returns partner, {country} (demo)"),
                    OrgType::Ngo,
                    IdentifyPower::None,
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_set_has_every_body_the_mechanism_names() {
        let orgs = romanian_organisations();
        assert_eq!(orgs.len(), 1 + 15 + 42 + 6);
        let code = |c: &str| {
            orgs.iter()
                .find(|o| o.code == c)
                .unwrap_or_else(|| panic!("{c}"))
        };
        assert_eq!(code("ANITP-CJ").kind, OrgKind::AnitpRegional);
        assert_eq!(code("ANITP-B").county.as_deref(), Some("RO-B"));
        assert_eq!(
            code("DGASPC-IF").identify_power,
            IdentifyPower::ChildrenOnly
        );
        assert_eq!(code("IM").identify_power, IdentifyPower::None);
        for investigating in ["IGPR", "IGPF", "DIICOT", "IM"] {
            assert!(code(investigating).investigates, "{investigating}");
        }
        for support in ["ANITP", "ANITP-CJ", "DGASPC-IF", "IGI", "MAE"] {
            assert!(!code(support).investigates, "{support}");
        }
        let mut codes: Vec<&str> = orgs.iter().map(|o| o.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), orgs.len(), "codes are unique");
    }
}

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Organisation categories, named as the HTCDS v2.0 `org_Type` picklist names them so that an
/// export needs no translation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgType {
    #[serde(rename = "NGO")]
    Ngo,
    LawEnforcement,
    HealthServiceOrganisation,
    CentralGovernmentOrganisation,
    LocalGovernmentOrganisation,
    ImmigrationService,
    LegalService,
    CorporateBusiness,
    SchoolOrCollege,
}

impl OrgType {
    pub const ALL: [OrgType; 9] = [
        OrgType::Ngo,
        OrgType::LawEnforcement,
        OrgType::HealthServiceOrganisation,
        OrgType::CentralGovernmentOrganisation,
        OrgType::LocalGovernmentOrganisation,
        OrgType::ImmigrationService,
        OrgType::LegalService,
        OrgType::CorporateBusiness,
        OrgType::SchoolOrCollege,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgType::Ngo => "NGO",
            OrgType::LawEnforcement => "LawEnforcement",
            OrgType::HealthServiceOrganisation => "HealthServiceOrganisation",
            OrgType::CentralGovernmentOrganisation => "CentralGovernmentOrganisation",
            OrgType::LocalGovernmentOrganisation => "LocalGovernmentOrganisation",
            OrgType::ImmigrationService => "ImmigrationService",
            OrgType::LegalService => "LegalService",
            OrgType::CorporateBusiness => "CorporateBusiness",
            OrgType::SchoolOrCollege => "SchoolOrCollege",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown organisation type `{0}` (HTCDS org_Type: NGO, LawEnforcement, HealthServiceOrganisation, CentralGovernmentOrganisation, LocalGovernmentOrganisation, ImmigrationService, LegalService, CorporateBusiness, SchoolOrCollege)"
)]
pub struct UnknownOrgType(pub String);

impl FromStr for OrgType {
    type Err = UnknownOrgType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| UnknownOrgType(s.trim().to_string()))
    }
}

/// The part an organisation plays in routing. Routing needs to find "the regional centre for a
/// county" and "the child-protection directorate of a county"; every other organisation only
/// sees what it notified or what is referred to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// ANITP's headquarters: national coordination and statistics.
    AnitpCentral,
    /// One of ANITP's regional centres; receives notifications for the counties it covers.
    AnitpRegional,
    /// A county child-protection directorate; receives every child found in its county.
    ChildProtection,
    Other,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::AnitpCentral => "anitp_central",
            OrgKind::AnitpRegional => "anitp_regional",
            OrgKind::ChildProtection => "child_protection",
            OrgKind::Other => "other",
        }
    }
}

impl FromStr for OrgKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "anitp_central" => Ok(OrgKind::AnitpCentral),
            "anitp_regional" => Ok(OrgKind::AnitpRegional),
            "child_protection" => Ok(OrgKind::ChildProtection),
            "other" => Ok(OrgKind::Other),
            other => Err(format!(
                "unknown organisation kind `{other}` (anitp_central, anitp_regional, child_protection, other)"
            )),
        }
    }
}

/// Whether an organisation is authorised by law to take the formal identification decision
/// (mnir.md §3: police, prosecutors, ANITP, IGI; DGASPC for children only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifyPower {
    None,
    ChildrenOnly,
    All,
}

impl IdentifyPower {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifyPower::None => "none",
            IdentifyPower::ChildrenOnly => "children_only",
            IdentifyPower::All => "all",
        }
    }
}

impl FromStr for IdentifyPower {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "none" => Ok(IdentifyPower::None),
            "children_only" => Ok(IdentifyPower::ChildrenOnly),
            "all" => Ok(IdentifyPower::All),
            other => Err(format!(
                "unknown identification power `{other}` (none, children_only, all)"
            )),
        }
    }
}

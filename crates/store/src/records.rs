use chrono::NaiveDate;
use mnir_domain::{
    Actor, AgeGroup, CaseState, Exploitation, IdentifyPower, OrgKind, OrgType, RoleSet, Sex,
};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub code: String,
    pub name: String,
    pub org_type: OrgType,
    pub kind: OrgKind,
    /// ISO 3166-2 code of the county the organisation sits in, when it is a county body.
    pub county: Option<String>,
    pub identify_power: IdentifyPower,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub login: String,
    pub org_code: String,
    pub roles: RoleSet,
    pub password_hash: String,
    pub now_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub login: String,
    pub org: Organisation,
    pub roles: RoleSet,
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until_ms: Option<i64>,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id.clone(),
            org_code: self.org.code.clone(),
            org_kind: self.org.kind,
            org_type: self.org.org_type,
            identify_power: self.org.identify_power,
            roles: self.roles.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: i64,
    pub lock_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub user_id: String,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub token_hash: String,
    pub user_id: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// Who did something, as written to the audit log and the case history. Never personal data:
/// user ids and organisation codes only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditActor {
    pub user_id: Option<String>,
    pub org_code: Option<String>,
    /// Where the request came from: `web`, `api` or `cli`.
    pub channel: &'static str,
    pub now_ms: i64,
}

impl AuditActor {
    pub fn cli(now_ms: i64) -> AuditActor {
        AuditActor {
            user_id: None,
            org_code: None,
            channel: "cli",
            now_ms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAccess {
    pub org_code: String,
    /// Why the organisation may see the case: `notifier`, `regional_centre`, `child_protection`.
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub from: Option<CaseState>,
    pub to: CaseState,
    pub actor_user: Option<String>,
    pub actor_org: String,
    pub at_ms: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub id: String,
    pub reference: String,
    pub state: CaseState,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub sex: Sex,
    pub citizenship: String,
    pub found_in_county: String,
    pub age_years: Option<u32>,
    pub age_group: AgeGroup,
    pub exploitation: Option<Exploitation>,
    pub signals: Vec<String>,
    pub notes: String,
    pub notifying_org: String,
    pub created_by: Option<String>,
    pub notified_at_ms: i64,
    pub access: Vec<CaseAccess>,
    /// The path so far, oldest first; its last entry's `to` equals `state`.
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub state: Option<CaseState>,
    pub county: Option<String>,
    pub reference: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub id: String,
    pub reference: String,
    pub state: CaseState,
    pub sex: Sex,
    pub age_group: AgeGroup,
    pub age_years: Option<u32>,
    pub citizenship: String,
    pub found_in_county: String,
    pub exploitation: Option<Exploitation>,
    pub notified_at_ms: i64,
    pub updated_at_ms: i64,
    /// Present only when names were asked for and may be shown.
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePage {
    pub cases: Vec<CaseSummary>,
    pub total: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reveal {
    pub identity: bool,
    pub notes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub birth_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub signals: Vec<String>,
    pub notifying_org: String,
    pub created_by: Option<String>,
    pub access: Vec<CaseAccess>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub case_id: String,
    pub from: CaseState,
    pub to: CaseState,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_user: String,
    pub actor_org: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The fields the hash covers, in a fixed order.
    pub fn chained_hash(&self, prev_hash: &str) -> String {
        let seq = self.seq.to_string();
        let at = self.at_ms.to_string();
        mnir_crypto::audit_hash(
            prev_hash,
            &[
                &seq,
                &at,
                &self.actor_user,
                &self.actor_org,
                &self.action,
                &self.target,
                &self.detail,
            ],
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerdict {
    Intact { entries: i64 },
    Broken { seq: i64, why: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueRecord {
    pub version: String,
    pub indicator_count: i64,
    pub imported_at_ms: i64,
    pub imported_by: Option<String>,
    pub active: bool,
}

/// One saved identification interview: the answer to each indicator asked (absent from the map
/// means not asked) and the evidence noted for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewRecord {
    pub id: String,
    pub case_id: String,
    pub catalogue_version: String,
    pub profile: String,
    pub act: Option<bool>,
    /// Indicator code → present (`true`) or absent (`false`).
    pub marks: std::collections::BTreeMap<String, bool>,
    /// Indicator code → evidence note (free text, encrypted at rest).
    pub evidence: std::collections::BTreeMap<String, String>,
    /// The engine's outcome when saved (`indicated`, `not_indicated`, `insufficient_information`).
    pub outcome: String,
    pub created_by: String,
    pub org_code: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub id: String,
    pub case_id: String,
    pub interview_id: Option<String>,
    pub decision: CaseState,
    pub engine_outcome: Option<String>,
    pub differs_from_advice: bool,
    /// Free text, encrypted at rest.
    pub reasons: String,
    pub decided_by: String,
    pub org_code: String,
    pub decided_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DecisionStats {
    pub decisions: i64,
    pub differing_from_advice: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    Paused,
    Stopped,
    Expired,
}

impl ClockState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Stopped => "stopped",
            ClockState::Expired => "expired",
        }
    }
}

impl std::str::FromStr for ClockState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "running" => Ok(ClockState::Running),
            "paused" => Ok(ClockState::Paused),
            "stopped" => Ok(ClockState::Stopped),
            "expired" => Ok(ClockState::Expired),
            other => Err(format!("unknown clock state `{other}`")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockRecord {
    pub id: String,
    pub case_id: String,
    /// The clock's name in the jurisdiction profile, e.g. `identification_interview`.
    pub kind: String,
    /// The organisation that must act when it runs out.
    pub org_code: String,
    /// As in the profile: `24h`, `90d`, `5wd`.
    pub length: String,
    pub on_expiry: String,
    pub started_at_ms: i64,
    pub due_at_ms: Option<i64>,
    pub state: ClockState,
    /// `(from, until)`; `until` is `None` while paused.
    pub pauses: Vec<(i64, Option<i64>)>,
    /// One reason per pause (free text, encrypted at rest).
    pub pause_reasons: Vec<String>,
    pub stopped_at_ms: Option<i64>,
    pub fired_at_ms: Option<i64>,
}

impl ClockRecord {
    /// A clock of `kind` started at `now_ms`, its length and consequence as the jurisdiction
    /// defines them; `None` when the profile has no such clock. An urgent start (an urgent
    /// referral) runs the shorter length where the profile has one.
    pub fn start(
        jurisdiction: &mnir_domain::jurisdiction::Jurisdiction,
        id: String,
        kind: &str,
        case_id: &str,
        org_code: &str,
        now_ms: i64,
        urgent: bool,
    ) -> Option<ClockRecord> {
        use mnir_domain::jurisdiction::Length;
        let definition = jurisdiction.clocks.get(kind)?;
        let length = definition
            .urgent_length
            .filter(|_| urgent)
            .unwrap_or(definition.length);
        let start = chrono::DateTime::from_timestamp_millis(now_ms)?;
        let due = jurisdiction.due(length, start, &[])?;
        Some(ClockRecord {
            id,
            case_id: case_id.to_string(),
            kind: kind.to_string(),
            org_code: org_code.to_string(),
            length: match length {
                Length::Hours(n) => format!("{n}h"),
                Length::CalendarDays(n) => format!("{n}d"),
                Length::WorkingDays(n) => format!("{n}wd"),
            },
            on_expiry: definition.on_expiry.clone(),
            started_at_ms: now_ms,
            due_at_ms: Some(due.timestamp_millis()),
            state: ClockState::Running,
            pauses: Vec::new(),
            pause_reasons: Vec::new(),
            stopped_at_ms: None,
            fired_at_ms: None,
        })
    }
}

/// The organisation that answers for a case's clocks, from its access list: the county's
/// child-protection directorate for a child, otherwise the ANITP regional centre, otherwise the
/// first organisation on the list (the notifier).
pub fn answering_org(access: &[CaseAccess]) -> Option<String> {
    let pick = |basis: &str| {
        access
            .iter()
            .find(|a| a.basis == basis)
            .map(|a| a.org_code.clone())
    };
    pick("child_protection")
        .or_else(|| pick("regional_centre"))
        .or_else(|| access.first().map(|a| a.org_code.clone()))
}

/// Clocks a change of state starts and stops, applied with it in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockChanges {
    pub start: Vec<ClockRecord>,
    /// Kinds of the case's running or paused clocks that the change ends.
    pub stop: Vec<String>,
    /// Kinds of clock that forbid the change while they run or are paused (checked in the
    /// change's own transaction, after the case row is locked).
    pub blocked_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub id: String,
    pub clock_id: String,
    pub case_id: String,
    pub case_reference: String,
    pub org_code: String,
    pub kind: String,
    pub clock_kind: String,
    pub created_at_ms: i64,
    pub done_at_ms: Option<i64>,
}

impl From<mnir_domain::defaults::OrgSpec> for Organisation {
    fn from(spec: mnir_domain::defaults::OrgSpec) -> Organisation {
        Organisation {
            code: spec.code,
            name: spec.name,
            org_type: spec.org_type,
            kind: spec.kind,
            county: spec.county,
            identify_power: spec.identify_power,
            active: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InformationRecord {
    pub id: String,
    pub case_id: String,
    /// Codes of the rights explained (`mnir_domain::consent::Right`).
    pub rights: Vec<String>,
    /// The language the information was given in (ISO 639-1, e.g. `ro`, `en`, `uk`).
    pub language: String,
    pub interpreter: bool,
    pub mediator: bool,
    pub notice_version: String,
    pub given_by: String,
    pub org_code: String,
    pub given_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub id: String,
    pub case_id: String,
    pub purpose: String,
    pub recipient_org: Option<String>,
    pub given_by: String,
    pub method: String,
    pub given_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub withdrawn_at_ms: Option<i64>,
    pub recorded_by: String,
    pub org_code: String,
}

impl ConsentRecord {
    /// The consent as the domain reads it; `None` for a purpose this version does not know
    /// (such a consent covers nothing).
    pub fn terms(&self) -> Option<mnir_domain::consent::ConsentTerms> {
        Some(mnir_domain::consent::ConsentTerms {
            purpose: mnir_domain::consent::Purpose::parse(&self.purpose)?,
            recipient_org: self.recipient_org.clone(),
            given_at_ms: self.given_at_ms,
            expires_at_ms: self.expires_at_ms,
            withdrawn_at_ms: self.withdrawn_at_ms,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub org_code: String,
    pub services: Vec<String>,
    /// ISO 3166-2 codes of the counties covered; empty means nationwide.
    pub counties: Vec<String>,
    pub target_groups: Vec<String>,
    pub languages: Vec<String>,
    /// Places available now, when the organisation reports it.
    pub capacity: Option<i64>,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRecord {
    pub id: String,
    pub case_id: String,
    pub case_reference: String,
    pub from_org: String,
    pub to_org: String,
    /// One of `mnir_domain::directory::SERVICES`.
    pub service: String,
    pub urgent: bool,
    /// `sent`, `accepted`, `declined` or `cancelled` (its consent withdrawn before an answer).
    pub status: String,
    pub sent_by: String,
    pub sent_at_ms: i64,
    pub answered_by: Option<String>,
    pub answered_at_ms: Option<i64>,
    /// Free text, encrypted at rest.
    pub decline_reason: Option<String>,
}

/// The reflection period offered to a foreign national (mnir.md §7), with its end when it came
/// before the clock ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReflectionRecord {
    pub id: String,
    pub case_id: String,
    pub offered_at_ms: i64,
    pub accepted: bool,
    /// Language the offer was explained in (ISO 639).
    pub language: String,
    pub org_code: String,
    pub offered_by: String,
    /// The `reflection_period` clock an acceptance started.
    pub clock_id: Option<String>,
    pub ended_at_ms: Option<i64>,
    /// One of `mnir_domain::reflection::OUTCOMES`.
    pub outcome: Option<String>,
    /// Free text, encrypted at rest.
    pub end_reason: Option<String>,
}

/// A person immigration may not remove: a case whose reflection period runs, with what is needed
/// to recognise the person and nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoRemovalFlag {
    pub case_id: String,
    pub reference: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<chrono::NaiveDate>,
    pub citizenship: String,
    pub since_ms: i64,
    /// `None` while the period's clock is paused.
    pub until_ms: Option<i64>,
}

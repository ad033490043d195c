//! The conformance suite: what every backend must do, run against SQLite and PostgreSQL alike.
//!
//! A backend's tests call [`conformance_suite!`] with a function that opens a fresh, migrated
//! store and returns it with [`RawAccess`] to the same database, so the suite can look beneath
//! the trait (ciphertext on disk, tampering behind the store's back). The checks live in one file
//! per store area (`conformance/cases.rs` checks [`crate::CaseStore`], and so on); the helpers
//! they share are here.

use crate::*;
use async_trait::async_trait;
use chrono::NaiveDate;
use mnir_crypto::Keys;
use mnir_domain::clocks::ClockKind;
use mnir_domain::identification::{Outcome, Profile};
use mnir_domain::reflection::ReflectionOutcome;
use mnir_domain::{
    AgeGroup, CaseScope, CaseState, Exploitation, IdentifyPower, OrgKind, OrgType, RoleSet, Sex,
};
use std::sync::Arc;

mod accounts;
mod audit;
mod break_glass;
mod cases;
mod clocks;
mod consent;
mod duplicates;
mod identification;
mod justice;
mod plan;
mod reflection;
mod repatriation;
mod retention;
mod risk;
mod statistics;
mod training;
mod victim;

pub use accounts::*;
pub use audit::*;
pub use break_glass::*;
pub use cases::*;
pub use clocks::*;
pub use consent::*;
pub use duplicates::*;
pub use identification::*;
pub use justice::*;
pub use plan::*;
pub use reflection::*;
pub use repatriation::*;
pub use retention::*;
pub use risk::*;
pub use statistics::*;
pub use training::*;
pub use victim::*;

/// Direct access to the database under test, bypassing the store.
#[async_trait]
pub trait RawAccess: Send + Sync {
    /// Runs one statement; the error text on failure.
    async fn execute(&self, sql: &str) -> Result<u64, String>;
    /// The first column of the first row of a query returning bytes, if any.
    async fn blob(&self, sql: &str) -> Option<Vec<u8>>;
    /// Every byte the database keeps for this store (files, or a dump).
    async fn dump(&self) -> Vec<u8>;
    /// Opens the same database with other keys.
    async fn reopen(&self, keys: Keys) -> Result<Arc<dyn Store>, StoreError>;
    /// Another connection pool on the same database with the same keys, like a second server.
    async fn second_store(&self) -> Arc<dyn Store>;
    /// The statement that removes the append-only guard on `audit_log` (a DBA going around it).
    fn drop_audit_guard(&self) -> &'static str;
    /// Every index the schema holds, by name, with what the database says it covers.
    async fn index_definitions(&self) -> Vec<(String, String)>;
}

pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub raw: Box<dyn RawAccess>,
}

/// A distinctive name that must never appear in clear in the database.
pub const SENTINEL_FAMILY_NAME: &str = "Zmeurescu-Vlădoianu";

pub fn org(code: &str, kind: OrgKind, county: Option<&str>) -> Organisation {
    Organisation {
        code: code.into(),
        name: format!("Organisation {code}"),
        org_type: OrgType::CentralGovernmentOrganisation,
        kind,
        county: county.map(str::to_string),
        identify_power: IdentifyPower::All,
        investigates: false,
        active: true,
        country: None,
    }
}

/// A time of the test's timeline, in milliseconds since the epoch.
pub fn at(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms).expect("a test time a calendar can show")
}

pub fn actor(now_ms: i64) -> AuditActor {
    AuditActor {
        user_id: Some("test-user".into()),
        org_code: Some("ANITP-CJ".into()),
        channel: "web",
        now_ms: at(now_ms),
    }
}

pub fn scope_org(org: &str) -> ScopeFor {
    ScopeFor {
        scope: CaseScope {
            organisation: Some(org.into()),
            ..CaseScope::default()
        },
        org_code: org.into(),
        user_id: "nobody".into(),
    }
}

pub fn new_case(id: &str, reference: &str, access: &[&str], at_ms: i64) -> NewCase {
    NewCase {
        id: id.into(),
        reference: reference.into(),
        state: CaseState::Notified,
        given_name: "Ioana".into(),
        family_name: SENTINEL_FAMILY_NAME.into(),
        birth_date: NaiveDate::from_ymd_opt(2001, 3, 9),
        sex: Sex::Female,
        citizenship: "RO".into(),
        found_in_county: "RO-CJ".into(),
        age_years: Some(25),
        age_group: AgeGroup::Adult,
        exploitation: Some(Exploitation::Labour),
        signals: vec!["S01".into(), "S07".into()],
        notes: format!("Met at the bus station; {SENTINEL_FAMILY_NAME} asked for help."),
        notifying_org: access[0].into(),
        created_by: None,
        notified_at_ms: at(at_ms),
        access: access
            .iter()
            .map(|o| CaseAccess {
                org_code: (*o).into(),
                basis: mnir_domain::AccessBasis::Notifier,
            })
            .collect(),
        history: vec![HistoryEntry {
            from: None,
            to: CaseState::Notified,
            actor_user: None,
            actor_org: access[0].into(),
            at_ms: at(at_ms),
            reason: "notified".into(),
        }],
    }
}

/// A step that only moves the case: no clocks start or stop, no decision is recorded.
pub fn step(transition: &Transition) -> CaseChange {
    with_clocks(transition, &ClockChanges::default())
}

/// A step that moves the case and starts, stops or is blocked by clocks.
pub fn with_clocks(transition: &Transition, clocks: &ClockChanges) -> CaseChange {
    CaseChange {
        transition: transition.clone(),
        clocks: clocks.clone(),
        decision: None,
    }
}

/// An identification decision with the step it makes.
pub fn decide(transition: &Transition, decision: &DecisionRecord) -> CaseChange {
    CaseChange {
        decision: Some(decision.clone()),
        ..step(transition)
    }
}

async fn seed_orgs(store: &dyn Store) {
    for o in [
        org("ANITP-CJ", OrgKind::AnitpRegional, Some("RO-CJ")),
        org("DGASPC-CJ", OrgKind::ChildProtection, Some("RO-CJ")),
        org("IGPR", OrgKind::Other, None),
        org("ANITP-B", OrgKind::AnitpRegional, Some("RO-B")),
    ] {
        store.upsert_organisation(&o, &actor(1)).await.unwrap();
    }
}

fn clock(id: &str, case_id: &str, kind: ClockKind, org: &str, due: i64) -> ClockRecord {
    ClockRecord {
        referral_id: None,
        id: id.into(),
        case_id: case_id.into(),
        kind,
        org_code: org.into(),
        length: "24h".into(),
        on_expiry: format!("{kind}_expired"),
        started_at_ms: at(1000),
        due_at_ms: Some(at(due)),
        state: ClockState::Running,
        pauses: Vec::new(),
        pause_reasons: Vec::new(),
        stopped_at_ms: None,
        fired_at_ms: None,
    }
}

/// A referral of case `c1` (reference `R-1`) sent `from` one organisation `to` another at
/// `sent_ms`, awaiting its answer.
pub fn awaiting_referral(id: &str, (from, to): (&str, &str), sent_ms: i64) -> ReferralRecord {
    ReferralRecord {
        id: id.into(),
        case_id: "c1".into(),
        case_reference: "R-1".into(),
        from_org: from.into(),
        to_org: to.into(),
        service: "shelter".into(),
        urgent: false,
        status: mnir_domain::referral::ReferralStatus::Sent,
        sent_by: "test-user".into(),
        sent_at_ms: at(sent_ms),
        answered_by: None,
        answered_at_ms: None,
        decline_reason: None,
    }
}

/// An inbox filter that shows every open task on one page (the tests hold fewer than 200).
pub fn every_task() -> TaskFilter {
    TaskFilter {
        per_page: 200,
        ..TaskFilter::default()
    }
}

/// The staff tasks an inbox reads in its one snapshot, asked for as `asked`: the same whether
/// the urgent needs and the returns, read before them in the batch, are asked for or not.
pub async fn staff_tasks_in_inbox(
    s: &dyn Store,
    org_code: &str,
    asked: StaffTasksRead,
) -> StaffTasks {
    let read = InboxRead {
        tasks: every_task(),
        others: None,
        upcoming_until: Timestamp::EPOCH,
        upcoming_shown: 1,
        referrals_shown: 1,
        urgent_shown: Some(5),
        returns_shown: Some(5),
        staff: Some(asked),
    };
    let view = s.inbox_view(org_code, &read).await.unwrap();
    let fewer_lists = s
        .inbox_view(
            org_code,
            &InboxRead {
                urgent_shown: None,
                returns_shown: None,
                ..read.clone()
            },
        )
        .await
        .unwrap();
    let unasked = s
        .inbox_view(
            org_code,
            &InboxRead {
                staff: None,
                ..read
            },
        )
        .await
        .unwrap();
    assert!(unasked.staff.is_none(), "not asked for, not read");
    let staff = view.staff.expect("asked for, read");
    let again = fewer_lists.staff.expect("asked for, read");
    assert_eq!(
        (
            &staff.glass_reviews,
            &staff.glass_notices,
            &staff.certificate_notices
        ),
        (
            &again.glass_reviews,
            &again.glass_notices,
            &again.certificate_notices
        )
    );
    staff
}

/// The case page's one read of a case (in one go on SQLite, statement by statement on
/// PostgreSQL) compared with what each area's own read finds; the panels, for the caller to check
/// that the ones it filled are not empty.
pub async fn view_matches_reads(store: &dyn Store, case_id: &str, scope: &ScopeFor) -> CasePanels {
    let reveal = Reveal {
        identity: true,
        notes: true,
    };
    let view = |with_support: bool| async move {
        store
            .case_view(case_id, scope, reveal, with_support, &actor(9000))
            .await
            .unwrap()
            .expect("the case is in the scope")
    };
    let (detail, panels) = view(true).await;
    assert_eq!(
        Some(detail),
        store
            .case_detail(case_id, scope, reveal, &actor(9000))
            .await
            .unwrap()
    );
    assert_eq!(
        panels,
        CasePanels {
            clocks: store.clocks_of(case_id).await.unwrap(),
            referrals: store.referrals_of(case_id).await.unwrap(),
            reflections: store.reflections_of(case_id).await.unwrap(),
            decisions: store.decisions_of(case_id).await.unwrap(),
            latest_interview: store.latest_interview(case_id).await.unwrap(),
            assessments: Some(store.assessments_of(case_id).await.unwrap()),
        }
    );
    // Without the support records the batch is shorter: the same panels, no assessments.
    let (_, without_support) = view(false).await;
    assert_eq!(
        without_support,
        CasePanels {
            assessments: None,
            ..panels.clone()
        }
    );
    panels
}

/// Every open task of an organisation, page after page.
pub async fn all_open_tasks(store: &dyn Store, org_code: &str) -> Vec<TaskRecord> {
    let mut tasks = Vec::new();
    let mut filter = every_task();
    loop {
        let page = store.open_tasks(org_code, &filter).await.unwrap();
        tasks.extend(page.tasks);
        match page.later {
            Some(place) => filter.after = Some(place),
            None => return tasks,
        }
    }
}

impl TestDb {
    async fn dump(&self) -> Vec<u8> {
        self.raw.dump().await
    }
}

/// Expands to one `#[tokio::test]` per conformance check, each on a fresh database from `$setup`.
#[macro_export]
macro_rules! conformance_suite {
    ($setup:path) => {
        $crate::conformance_suite!(@tests $setup;
            organisations_are_saved_and_updated,
            users_logins_and_failure_counts,
            sessions_and_tokens_live_and_expire,
            a_second_factor_enrols_takes_each_step_once_and_resets,
            cases_are_visible_only_inside_the_scope,
            filters_and_pages_partition_the_visible_cases,
            pages_by_key_skip_and_repeat_nothing_while_cases_arrive,
            tallies_equal_a_full_count_after_random_steps,
            transitions_are_checked_recorded_and_audited,
            the_audit_chain_is_append_only_and_verifiable,
            a_removed_audit_entry_breaks_the_chain,
            reads_at_once_each_leave_their_entry,
            a_bulk_load_rebuilds_the_indexes_the_migrations_made,
            a_chain_recomputed_without_the_key_is_found_out,
            identifying_fields_never_reach_the_database_in_clear,
            another_key_is_refused,
            catalogue_versions_are_kept_and_one_is_active,
            interviews_and_decisions_are_kept_with_their_evidence_encrypted,
            clocks_start_stop_pause_and_fire_once,
            two_servers_fire_each_clock_exactly_once,
            task_tallies_equal_a_full_count_after_random_steps,
            overdue_referrals_are_the_longest_unanswered_and_counted,
            information_and_consent_are_kept_and_withdrawn_once,
            a_reflection_period_flags_the_person_until_it_ends,
            assessments_are_versioned_with_their_notes_encrypted,
            plans_are_versioned_acknowledged_once_with_their_texts_encrypted,
            the_justice_track_and_disclosures_are_kept_with_their_texts_encrypted,
            victims_are_counted_once_in_the_year_of_their_first_step,
            a_victim_profile_is_replaced_whole_and_its_changes_audited_by_name,
            victims_are_counted_by_the_first_values_of_their_profile,
            referrals_and_reflection_periods_are_counted_in_the_year_they_began,
            a_repatriation_moves_one_version_at_a_time_with_its_texts_sealed,
            returns_under_way_list_each_procedure_with_its_own_steps_and_checkins,
            training_sessions_page_by_day_and_certificates_number_by_year,
            a_certificate_nearing_its_end_raises_one_task_closed_once,
            a_break_glass_access_raises_its_tasks_and_marks_the_audit_while_open,
            reads_at_once_are_marked_only_for_the_holder_of_an_access,
            a_hold_stops_erasure_and_erasure_destroys_the_cases_key,
            a_request_to_erase_is_answered_under_the_holds_and_the_state,
            retention_purges_sessions_tokens_and_participants_names_due,
            pairs_are_found_by_the_matching_keys_alone_and_decided_once,
            training_data_versions_are_kept_and_one_is_active,
        );
    };
    (@tests $setup:path; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                if let Some(db) = $setup().await {
                    $crate::conformance::$check(db).await;
                }
            }
        )+
    };
}

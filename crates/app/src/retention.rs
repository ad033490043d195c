//! Retention, erasure and legal hold (mnir.md §13): holds placed and lifted on a case, a
//! person's request to erase answered, the schedules' run (by an administrator, the operator or
//! the server's daily look) and the register of erasures.

use crate::{App, AppError, AppResult, FieldIssue, Who};
use mnir_domain::retention::{Cutoffs, HoldReason, MAX_NOTE, RetentionRules};
use mnir_domain::{Action, can};
use mnir_store::{
    AuditActor, DueCase, ErasureRecord, ErasureRequestRecord, LegalHoldRecord, ListPlace, Purged,
    RetentionDue, StoreError, Timestamp,
};

/// A hold as a user places it.
#[derive(Debug, Clone, Default)]
pub struct HoldInput {
    /// A code of `HoldReason`.
    pub reason: String,
    /// What the hold rests on: required for `other`.
    pub note: String,
}

/// A person's request to erase, as recorded.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    /// The day it reached the organisation (`YYYY-MM-DD`, local).
    pub received_on: String,
    pub note: String,
}

/// A case's holds and requests for its page, with what the reader may do.
#[derive(Debug, Clone)]
pub struct CaseRetention {
    pub reference: String,
    pub holds: Vec<LegalHoldRecord>,
    pub requests: Vec<ErasureRequestRecord>,
    /// The case's line of the register, once erased.
    pub erasure: Option<ErasureRecord>,
    /// The reader may place and lift holds and record requests.
    pub may_manage: bool,
}

fn note(text: &str, field: &'static str) -> Result<String, FieldIssue> {
    let text = crate::text::trimmed(text);
    if text.chars().count() > MAX_NOTE {
        return Err(FieldIssue::new(field, "retention-note-too-long"));
    }
    Ok(text.to_string())
}

/// The case's holds and erasure requests, for those who may see them.
pub async fn case_panel(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<CaseRetention> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    let actor = who.actor();
    can(&actor, Action::ViewLegalHolds, Some(&facts))?;
    let store = app.store();
    let reference = store
        .case_brief(case_id)
        .await?
        .ok_or(AppError::NotFound)?
        .reference;
    let holds = store.legal_holds_of(case_id).await?;
    let requests = store.erasure_requests_of(case_id).await?;
    let erasure = store.erasure_of(case_id).await?;
    store
        .audit("case.read.holds", &format!("case:{case_id}"), "", &who.by)
        .await?;
    Ok(CaseRetention {
        reference,
        holds,
        requests,
        erasure,
        may_manage: can(&actor, Action::ManageLegalHold, Some(&facts)).is_ok(),
    })
}

async fn may_manage(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<()> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::ManageLegalHold, Some(&facts))?;
    Ok(())
}

/// Places a legal hold: erasure of the case stops, whatever its schedule, until it is lifted.
pub async fn place_hold(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &HoldInput,
) -> AppResult<LegalHoldRecord> {
    may_manage(app, who, case_id).await?;
    let mut issues = Vec::new();
    let reason = HoldReason::parse(&input.reason);
    if reason.is_none() {
        issues.push(FieldIssue::new("reason", "legal-hold-reason-unknown"));
    }
    let text = note(&input.note, "note").unwrap_or_else(|issue| {
        issues.push(issue);
        String::new()
    });
    if reason == Some(HoldReason::Other) && text.is_empty() && issues.is_empty() {
        issues.push(FieldIssue::new("note", "legal-hold-note-required"));
    }
    let Some(reason) = reason.filter(|_| issues.is_empty()) else {
        return Err(AppError::Invalid(issues));
    };
    let hold = LegalHoldRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        reason,
        note: text,
        placed_by: Some(who.user.id.clone()),
        placed_org: who.user.org.code.clone(),
        placed_at_ms: who.now(),
        lifted_by: None,
        lifted_at_ms: None,
        lift_note: None,
    };
    match app.store().place_legal_hold(&hold, &who.by).await {
        Ok(()) => Ok(hold),
        Err(StoreError::Conflict(_)) => Err(AppError::conflict("case-erased")),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Lifts a hold in force; the reason for lifting it is required.
pub async fn lift_hold(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    hold_id: &str,
    lift_note: &str,
) -> AppResult<()> {
    may_manage(app, who, case_id).await?;
    // A hold is lifted by the organisation that placed it, or by ANITP's coordinators: another
    // organisation the case is routed to cannot undo a prosecutor's or a court's hold.
    let hold = app
        .store()
        .legal_holds_of(case_id)
        .await?
        .into_iter()
        .find(|h| h.id == hold_id)
        .ok_or(AppError::NotFound)?;
    if hold.placed_org != who.user.org.code && !mnir_domain::case_scope(&who.actor()).national {
        return Err(AppError::Forbidden(crate::Message::new(
            "legal-hold-lift-other-org",
        )));
    }
    let text = note(lift_note, "note").map_err(|issue| AppError::Invalid(vec![issue]))?;
    if text.is_empty() {
        return Err(AppError::invalid("note", "legal-hold-lift-note-required"));
    }
    match app
        .store()
        .lift_legal_hold(case_id, hold_id, &text, &who.by)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Records a person's request to erase their case and answers it at once: erased when no hold
/// stands and the case is no longer worked, refused (with the ground) otherwise.
pub async fn request_erasure(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &RequestInput,
) -> AppResult<ErasureRequestRecord> {
    may_manage(app, who, case_id).await?;
    let mut issues = Vec::new();
    let received_on = match chrono::NaiveDate::parse_from_str(input.received_on.trim(), "%Y-%m-%d")
    {
        Ok(day) if day > app.today() => {
            issues.push(FieldIssue::new(
                "received_on",
                "erasure-request-day-in-future",
            ));
            None
        }
        Ok(day) => Some(day),
        Err(_) => {
            issues.push(FieldIssue::new(
                "received_on",
                "erasure-request-day-invalid",
            ));
            None
        }
    };
    let text = note(&input.note, "note").unwrap_or_else(|issue| {
        issues.push(issue);
        String::new()
    });
    let Some(received_on) = received_on.filter(|_| issues.is_empty()) else {
        return Err(AppError::Invalid(issues));
    };
    let request = ErasureRequestRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        received_on,
        note: text,
        recorded_by: Some(who.user.id.clone()),
        recorded_org: who.user.org.code.clone(),
        recorded_at_ms: who.now(),
        answer: mnir_domain::retention::ErasureAnswer::CaseOpen,
    };
    match app.store().record_erasure_request(&request, &who.by).await {
        Ok(answered) => Ok(answered),
        Err(StoreError::Conflict(_)) => Err(AppError::conflict("case-erased")),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// What the schedules bring due now, for the retention page.
#[derive(Debug, Clone)]
pub struct Overview {
    pub rules: RetentionRules,
    pub due: RetentionDue,
    /// The cases due first (at most [`OVERVIEW_CASES`]).
    pub cases: Vec<DueCase>,
    /// The reader may run the schedules.
    pub may_run: bool,
}

pub const OVERVIEW_CASES: u32 = 50;

fn cutoffs(app: &App) -> Cutoffs {
    let jurisdiction = app.jurisdiction();
    jurisdiction
        .retention
        .cutoffs(&jurisdiction.time_zone, app.now().to_utc())
}

pub async fn overview(app: &App, who: &Who<'_>) -> AppResult<Overview> {
    can(&who.actor(), Action::ViewRetention, None)?;
    let cutoffs = cutoffs(app);
    let store = app.store();
    let due = store.retention_due(&cutoffs).await?;
    // Which cases are due is for those who see cases across the country (ANITP's coordinators);
    // an administrator, who sees no case, has the counts.
    let cases = if mnir_domain::case_scope(&who.actor()).national {
        store.due_cases(&cutoffs, OVERVIEW_CASES).await?
    } else {
        Vec::new()
    };
    store
        .audit("retention.read", "retention", "", &who.by)
        .await?;
    Ok(Overview {
        rules: app.jurisdiction().retention,
        due,
        cases,
        may_run: can(&who.actor(), Action::RunRetention, None).is_ok(),
    })
}

/// What a run of the schedules did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    pub dry_run: bool,
    /// What was due when the run began.
    pub due: RetentionDue,
    pub erased_cases: u64,
    /// Cases found due that were no longer due when their turn came (reopened, held).
    pub skipped_cases: u64,
    pub purged: Purged,
}

/// An administrator runs the schedules from the page or the API.
pub async fn run(app: &App, who: &Who<'_>, dry_run: bool) -> AppResult<RunReport> {
    can(&who.actor(), Action::RunRetention, None)?;
    run_as(app, &who.by, dry_run, &|_, _| {}).await
}

/// The operator's `mnir retention run` and the server's daily look: erases every case due and
/// not held, one transaction each (each audited, each checked again under its row lock), then
/// the sessions, tokens and participants' names due. `progress` is told (done, total) as cases
/// are erased.
pub async fn run_as(
    app: &App,
    by: &AuditActor,
    dry_run: bool,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<RunReport> {
    const BATCH: u32 = 500;
    let cutoffs = cutoffs(app);
    let store = app.store();
    let due = store.retention_due(&cutoffs).await?;
    let mut report = RunReport {
        dry_run,
        due: due.clone(),
        ..RunReport::default()
    };
    if dry_run {
        store
            .audit("retention.dry_run", "retention", &due.summary(), by)
            .await?;
        return Ok(report);
    }
    let total = due.closed_cases + due.not_a_victim;
    loop {
        let batch = store.due_cases(&cutoffs, BATCH).await?;
        let mut erased_now = 0;
        for case in &batch {
            if store.erase_due_case(&case.case_id, &cutoffs, by).await? {
                erased_now += 1;
            } else {
                report.skipped_cases += 1;
            }
            progress(report.erased_cases + erased_now, total);
        }
        report.erased_cases += erased_now;
        // A batch in which nothing could be erased would come back the same: stop there.
        if (batch.len() as u32) < BATCH || erased_now == 0 {
            break;
        }
    }
    report.purged = store.purge_due_records(&cutoffs, by).await?;
    if report.erased_cases > 0 {
        store.scrub_after_erasure().await?;
    }
    store
        .audit(
            "retention.run",
            "retention",
            &format!(
                "erased_cases={} skipped_cases={} sessions={} api_tokens={} training_participants={}",
                report.erased_cases,
                report.skipped_cases,
                report.purged.sessions,
                report.purged.api_tokens,
                report.purged.training_participants
            ),
            by,
        )
        .await?;
    Ok(report)
}

/// The server's daily look, as the scheduler runs it.
pub async fn run_daily(app: &App) -> AppResult<RunReport> {
    let by = AuditActor {
        channel: "scheduler",
        ..AuditActor::cli(app.now())
    };
    run_as(app, &by, false, &|_, _| {}).await
}

/// The register of erasures from `since` on, a page at a time.
pub async fn register(
    app: &App,
    who: &Who<'_>,
    since: Timestamp,
    after: Option<&ListPlace>,
    limit: u32,
) -> AppResult<Vec<ErasureRecord>> {
    can(&who.actor(), Action::ViewRetention, None)?;
    register_as(app, &who.by, since, after, limit).await
}

/// The register read by the operator (`mnir retention erasures`) or a user allowed to.
pub async fn register_as(
    app: &App,
    by: &AuditActor,
    since: Timestamp,
    after: Option<&ListPlace>,
    limit: u32,
) -> AppResult<Vec<ErasureRecord>> {
    let store = app.store();
    let rows = store.erasures(since, after, limit.clamp(1, 1000)).await?;
    store
        .audit(
            "retention.register.read",
            "retention",
            &format!("since={} rows={}", since.millis(), rows.len()),
            by,
        )
        .await?;
    Ok(rows)
}

/// The demo's hold and request: `demo.supervisor` (ANITP-B) holds one of the organisation's
/// closed cases for criminal proceedings and records a person's request to erase another,
/// answered at once. Returns the two cases' references, or `None` when the demo has no such
/// account or too few closed cases.
pub async fn seed_demo(app: &App) -> AppResult<Option<(String, String)>> {
    let store = app.store();
    let Some(user) = store.user_by_login("demo.supervisor").await? else {
        return Ok(None);
    };
    let who = app.who(&user, "web");
    let closed = store
        .list_cases(
            &who.scope(),
            &mnir_store::CaseFilter {
                state: Some(mnir_domain::CaseState::Closed),
                per_page: 2,
                ..Default::default()
            },
            false,
            &who.by,
        )
        .await?
        .cases;
    let [held, erased] = closed.as_slice() else {
        return Ok(None);
    };
    place_hold(
        app,
        &who,
        &held.id,
        &HoldInput {
            reason: HoldReason::CriminalProceedings.as_str().into(),
            note: "Dosar 512/P/2025, DIICOT — Biroul Teritorial București; victima urmează să fie \
                   audiată în instanță."
                .into(),
        },
    )
    .await?;
    let received = app.today() - chrono::Days::new(3);
    request_erasure(
        app,
        &who,
        &erased.id,
        &RequestInput {
            received_on: received.format("%Y-%m-%d").to_string(),
            note: "Cerere scrisă depusă la sediul ANITP București; persoana s-a întors în \
                   comunitate și nu mai dorește să figureze în evidențe."
                .into(),
        },
    )
    .await?;
    Ok(Some((held.reference.clone(), erased.reference.clone())))
}

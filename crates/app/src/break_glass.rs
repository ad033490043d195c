//! Break-glass access (mnir.md §13): opening a case not routed to one's organisation for a short
//! time with a reason, ending it, and the reviews and notices it raises.

use crate::{App, AppError, AppResult, Message, Who};
use mnir_domain::break_glass::{BreakGlassReason, MAX_NOTE, ReviewFinding};
use mnir_domain::{Action, OrgKind, can};
use mnir_store::{BreakGlassRecord, GlassTask, GlassTaskKind, StoreError, User};

/// What a user sends to break the glass.
#[derive(Debug, Clone, Default)]
pub struct Opening {
    /// The case's reference, exactly as given.
    pub reference: String,
    /// A code of the short list.
    pub reason: String,
    /// Why, in the user's words.
    pub note: String,
}

/// Fills in the break-glass accesses a signed-in user holds now, for the banner and for the
/// reads of those cases. Only users who may break the glass now are looked up, so an access
/// stops widening anything once a role or the profile no longer allows it; a failure to read
/// leaves the list empty (no access is then widened). A user with no access that can be open
/// now (`User::glass_open_until`) is not looked up at all.
pub async fn load_open(app: &App, user: &mut User) {
    if can(&user.actor(), Action::BreakGlass, None).is_err()
        || !app.jurisdiction().break_glass.permits(&user.roles)
        || user.glass_open_until.is_none_or(|until| until <= app.now())
    {
        return;
    }
    match app.store().open_break_glass_of(&user.id, app.now()).await {
        Ok(open) => user.break_glass = open,
        Err(e) => tracing::warn!(error = %e, "break-glass accesses not read"),
    }
}

/// What a user may do with break-glass accesses, for the pages to offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permissions {
    /// Their roles may break the glass (the form is shown, or why not).
    pub open: bool,
    /// The profile lets them (no role of theirs is forbidden).
    pub profile_allows: bool,
    /// They review accesses for their organisation.
    pub review: bool,
    /// They receive the notices of their organisation's cases.
    pub told: bool,
}

impl Permissions {
    /// Whether the break-glass page has anything for them.
    pub fn any(&self) -> bool {
        self.open || self.review
    }
}

pub fn permissions(app: &App, who: &Who<'_>) -> Permissions {
    let actor = who.actor();
    let open = can(&actor, Action::BreakGlass, None).is_ok();
    Permissions {
        open,
        profile_allows: open && app.jurisdiction().break_glass.permits(&who.user.roles),
        review: can(&actor, Action::ReviewBreakGlass, None).is_ok(),
        told: can(&actor, Action::WorkInbox, None).is_ok(),
    }
}

/// The break-glass page: for those who may open an access or review one.
pub fn may_use_page(app: &App, who: &Who<'_>) -> AppResult<Permissions> {
    let may = permissions(app, who);
    if may.any() {
        Ok(may)
    } else {
        Err(AppError::Denied(mnir_domain::Denial::RoleMissing {
            needed: vec![
                mnir_domain::Role::CaseWorker,
                mnir_domain::Role::Supervisor,
                mnir_domain::Role::Coordinator,
            ],
        }))
    }
}

fn checked_note(note: &str, field: &'static str) -> AppResult<String> {
    let note = crate::text::trimmed(note);
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(field, "break-glass-note-too-long"));
    }
    Ok(note.to_string())
}

/// Opens a case not routed to the user's organisation for the profile's minutes. The case is
/// found by its exact reference; the reason is a code of the short list and the note is
/// required. The review tasks go to the user's organisation and to ANITP; the organisations the
/// case is routed to are told.
pub async fn open(app: &App, who: &Who<'_>, opening: &Opening) -> AppResult<BreakGlassRecord> {
    let outcome = try_open(app, who, opening).await;
    // A refused attempt is recorded too: probing for cases is what an auditor looks for.
    if let Err(e) = &outcome
        && !matches!(e, AppError::Internal(_))
    {
        let reference = opening.reference.trim();
        let reference: String = reference.chars().take(MAX_REFERENCE).collect();
        app.store()
            .audit(
                "break_glass.refused",
                "break_glass",
                &format!("reference={reference:?} why={}", e.code()),
                &who.by,
            )
            .await?;
    }
    outcome
}

/// The longest reference looked up: far above the references mnir gives and those imported.
const MAX_REFERENCE: usize = 40;

async fn try_open(app: &App, who: &Who<'_>, opening: &Opening) -> AppResult<BreakGlassRecord> {
    can(&who.actor(), Action::BreakGlass, None)?;
    let rules = &app.jurisdiction().break_glass;
    if !rules.permits(&who.user.roles) {
        return Err(AppError::Forbidden(Message::new(
            "break-glass-forbidden-role",
        )));
    }
    let mut issues = Vec::new();
    let reference = opening.reference.trim();
    if reference.is_empty() {
        issues.push(crate::FieldIssue::new(
            "reference",
            "break-glass-reference-required",
        ));
    }
    let reason = BreakGlassReason::parse(&opening.reason);
    if reason.is_none() {
        issues.push(crate::FieldIssue::new(
            "reason",
            "break-glass-reason-unknown",
        ));
    }
    let note = match checked_note(&opening.note, "note") {
        Ok(n) if n.is_empty() => {
            issues.push(crate::FieldIssue::new("note", "break-glass-note-required"));
            n
        }
        Ok(n) => n,
        Err(AppError::Invalid(mut i)) => {
            issues.append(&mut i);
            String::new()
        }
        Err(e) => return Err(e),
    };
    if !issues.is_empty() {
        return Err(AppError::Invalid(issues));
    }
    let reason = reason.expect("checked above");
    let store = app.store();
    let known = if reference.chars().count() > MAX_REFERENCE {
        None
    } else {
        store.case_id_of_reference(reference).await?
    };
    // Not found, as for any case: the page says so beside the reference.
    let Some(case_id) = known else {
        return Err(AppError::NotFound);
    };
    // An erased case has nothing left to open, and no access or note is recorded on it.
    if store.erasure_of(&case_id).await?.is_some() {
        return Err(AppError::Denied(mnir_domain::Denial::Erased));
    }
    // A case whose person the user may already see needs no glass broken (the ordinary access
    // is audited too); one seen in the national view without names may need it.
    let seen = store.case_facts(&case_id, &who.scope()).await?;
    if seen.is_some_and(|f| can(&who.actor(), Action::ViewIdentity, Some(&f)).is_ok()) {
        return Err(AppError::conflict("break-glass-not-needed"));
    }
    record(app, who, case_id, reference, reason, note).await
}

/// Records an access to a case the user does not see, opened at `who`'s now.
async fn record(
    app: &App,
    who: &Who<'_>,
    case_id: String,
    reference: &str,
    reason: BreakGlassReason,
    note: String,
) -> AppResult<BreakGlassRecord> {
    let rules = &app.jurisdiction().break_glass;
    let store = app.store();
    let central = app
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.kind == OrgKind::AnitpCentral && o.active)
        .map(|o| o.code);
    let mut review_orgs = vec![who.user.org.code.clone()];
    review_orgs.extend(central);
    let now = who.now();
    let access = BreakGlassRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id,
        case_reference: reference.to_string(),
        user_id: who.user.id.clone(),
        user_login: who.user.login.clone(),
        org_code: who.user.org.code.clone(),
        reason,
        note,
        opened_at_ms: now,
        expires_at_ms: now.later_by(i64::from(rules.minutes) * 60_000),
        ended_at_ms: None,
    };
    match store.open_break_glass(&access, &review_orgs, &who.by).await {
        Ok(()) => Ok(access),
        Err(StoreError::Conflict(_)) => Err(AppError::conflict("break-glass-open-already")),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The user ends their own open access before its time.
pub async fn end(app: &App, who: &Who<'_>, id: &str) -> AppResult<()> {
    match app.store().end_break_glass(id, &who.user.id, &who.by).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// An access with the tasks it raised, for the user who opened it and for the organisations
/// that hold one of its tasks (reviewers and the organisations told); anyone else is told there
/// is none.
pub async fn access(
    app: &App,
    who: &Who<'_>,
    id: &str,
) -> AppResult<(BreakGlassRecord, Vec<GlassTask>)> {
    let store = app.store();
    let mut access = store.break_glass(id).await?.ok_or(AppError::NotFound)?;
    let mut tasks = store.glass_tasks_of(id).await?;
    let actor = who.actor();
    let reviews = can(&actor, Action::ReviewBreakGlass, None).is_ok();
    let told = can(&actor, Action::WorkInbox, None).is_ok();
    let ours = |kind: GlassTaskKind| {
        tasks.iter().any(|t| {
            t.org_code == who.user.org.code
                && t.kind == kind
                && match kind {
                    GlassTaskKind::Review => reviews,
                    GlassTaskKind::Notice => told,
                }
        })
    };
    let reviewer = ours(GlassTaskKind::Review);
    let opener = access.user_id == who.user.id;
    if !opener && !reviewer && !ours(GlassTaskKind::Notice) {
        return Err(AppError::NotFound);
    }
    // The reviewers' words about a colleague are for the reviewers; the opener's words reach an
    // investigating body only through the ordinary routes of the case.
    if !reviewer {
        tasks
            .iter_mut()
            .filter(|t| t.kind == GlassTaskKind::Review)
            .for_each(|t| t.note = None);
    }
    if !opener && !reviewer && actor.investigates {
        access.note.clear();
    }
    store
        .audit(
            "break_glass.read",
            &format!("break_glass:{id}"),
            "",
            &who.by,
        )
        .await?;
    Ok((access, tasks))
}

/// The open reviews of the reviewer's organisation, the oldest first.
pub async fn reviews(app: &App, who: &Who<'_>) -> AppResult<Vec<(GlassTask, BreakGlassRecord)>> {
    can(&who.actor(), Action::ReviewBreakGlass, None)?;
    let open = app
        .store()
        .open_glass_tasks(&who.user.org.code, GlassTaskKind::Review)
        .await?;
    reviews_shown(app, who, open).await
}

/// The reviews a reviewer is about to be shown, read elsewhere (the inbox's snapshot): the read
/// recorded.
pub(crate) async fn reviews_shown(
    app: &App,
    who: &Who<'_>,
    open: Vec<(GlassTask, BreakGlassRecord)>,
) -> AppResult<Vec<(GlassTask, BreakGlassRecord)>> {
    audit_list(app, who, "break_glass.reviews.read", &open).await?;
    Ok(open)
}

/// Records that a list of accesses, with the users' words, was read (an empty one is not).
async fn audit_list(
    app: &App,
    who: &Who<'_>,
    action: &str,
    rows: &[(GlassTask, BreakGlassRecord)],
) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|(_, a)| a.id.as_str()).collect();
    app.store()
        .audit(
            action,
            "break_glass",
            &format!("accesses={}", ids.join(",")),
            &who.by,
        )
        .await?;
    Ok(())
}

/// The open notices of the organisation: someone outside it opened one of its cases.
pub async fn notices(app: &App, who: &Who<'_>) -> AppResult<Vec<(GlassTask, BreakGlassRecord)>> {
    can(&who.actor(), Action::WorkInbox, None)?;
    let open = app
        .store()
        .open_glass_tasks(&who.user.org.code, GlassTaskKind::Notice)
        .await?;
    notices_shown(app, who, open).await
}

/// The notices a user is about to be shown, read elsewhere (the inbox's snapshot): the opener's
/// words kept from an investigating body, the read recorded otherwise.
pub(crate) async fn notices_shown(
    app: &App,
    who: &Who<'_>,
    mut open: Vec<(GlassTask, BreakGlassRecord)>,
) -> AppResult<Vec<(GlassTask, BreakGlassRecord)>> {
    let actor = who.actor();
    // An investigating body is told that the case was opened and why in the list's terms, not
    // in the opener's words.
    if actor.investigates {
        open.iter_mut().for_each(|(_, a)| a.note.clear());
    } else {
        audit_list(app, who, "break_glass.notices.read", &open).await?;
    }
    Ok(open)
}

/// A reviewer marks an access justified or not, with a note (required when not justified). A
/// user cannot review their own access.
pub async fn review(
    app: &App,
    who: &Who<'_>,
    task_id: &str,
    finding: &str,
    note: &str,
) -> AppResult<()> {
    can(&who.actor(), Action::ReviewBreakGlass, None)?;
    let Some(finding) = ReviewFinding::parse(finding) else {
        return Err(AppError::invalid("finding", "break-glass-finding-unknown"));
    };
    let note = checked_note(note, "note")?;
    if finding == ReviewFinding::NotJustified && note.is_empty() {
        return Err(AppError::invalid(
            "note",
            "break-glass-review-note-required",
        ));
    }
    let task = app.store().glass_task(task_id).await?;
    match task {
        Some((t, _))
            if t.kind != GlassTaskKind::Review
                || t.org_code != who.user.org.code
                || t.done_at_ms.is_some() =>
        {
            return Err(AppError::NotFound);
        }
        None => return Err(AppError::NotFound),
        Some((_, access)) if access.user_id == who.user.id => {
            return Err(AppError::Forbidden(Message::new("break-glass-review-own")));
        }
        Some(_) => {}
    }
    close(
        app,
        who,
        task_id,
        GlassTaskKind::Review,
        Some(finding),
        &note,
    )
    .await
}

/// Someone of an organisation the case is routed to marks the notice seen.
pub async fn seen(app: &App, who: &Who<'_>, task_id: &str) -> AppResult<()> {
    can(&who.actor(), Action::WorkInbox, None)?;
    close(app, who, task_id, GlassTaskKind::Notice, None, "").await
}

async fn close(
    app: &App,
    who: &Who<'_>,
    task_id: &str,
    kind: GlassTaskKind,
    finding: Option<ReviewFinding>,
    note: &str,
) -> AppResult<()> {
    match app
        .store()
        .close_glass_task(task_id, &who.user.org.code, kind, finding, note, &who.by)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The demo's break-glass history: demo.caseworker (ANITP-B) opened and closed the newest case
/// found in Cluj, so that demo.supervisor and demo.coordinator find a review waiting and the
/// Cluj organisations a notice. Nothing is added when the account or such a case is missing.
pub async fn seed_demo(app: &App) -> AppResult<Option<String>> {
    let store = app.store();
    let Some(user) = store.user_by_login("demo.caseworker").await? else {
        return Ok(None);
    };
    let now = app.now();
    let national = mnir_store::ScopeFor {
        scope: mnir_domain::CaseScope {
            national: true,
            ..Default::default()
        },
        org_code: user.org.code.clone(),
        user_id: user.id.clone(),
    };
    let candidates = store
        .list_cases(
            &national,
            &mnir_store::CaseFilter {
                county: Some("RO-CJ".into()),
                per_page: 25,
                ..Default::default()
            },
            false,
            &mnir_store::AuditActor::cli(now),
        )
        .await?;
    let who = app.who(&user, "web");
    for case in candidates.cases {
        if store.case_facts(&case.id, &who.scope()).await?.is_some() {
            continue;
        }
        let access = record(
            app,
            &who,
            case.id,
            &case.reference,
            BreakGlassReason::ImmediateDanger,
            "Persoana a venit la sediul din București, speriată; cazul ei e instrumentat la Cluj \
             și exploatatorul o căuta. Am verificat măsurile de protecție înainte de a suna la \
             Cluj."
                .to_string(),
        )
        .await?;
        // Closed at once, so that the demo's case worker does not start under an open access.
        store.end_break_glass(&access.id, &user.id, &who.by).await?;
        return Ok(Some(access.case_reference));
    }
    Ok(None)
}

/// An access of the auditor's register with what became of its tasks.
pub type RegisterLine = (BreakGlassRecord, Vec<GlassTask>);

/// The operator's register of break-glass accesses opened from `since` on, a page of `limit`
/// after `after`, each with its reviews and notices; the look is audited.
pub async fn register(
    app: &App,
    since: mnir_store::Timestamp,
    after: Option<&mnir_store::ListPlace>,
    limit: u32,
) -> AppResult<Vec<RegisterLine>> {
    let store = app.store();
    let accesses = store.break_glass_register(since, after, limit).await?;
    let mut lines = Vec::with_capacity(accesses.len());
    for access in accesses {
        let tasks = store.glass_tasks_of(&access.id).await?;
        lines.push((access, tasks));
    }
    if after.is_none() {
        store
            .audit(
                "break_glass.register.read",
                "break_glass",
                &format!("since_ms={}", since.millis()),
                &mnir_store::AuditActor::cli(app.now()),
            )
            .await?;
    }
    Ok(lines)
}

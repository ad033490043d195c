//! One person notified twice (mnir.md §13): every notification is compared, by its matching
//! keys alone, with the cases born within a year of the person; the pairs close enough are put
//! to ANITP's case workers, who merge them (the later notification, still only notified, becomes
//! `duplicate` of the earlier) or mark them distinct.

use crate::{App, AppError, AppResult, FieldIssue, Message, Who};
use mnir_domain::duplicates::{DuplicateDecision, Which, merged_away};
use mnir_domain::{Action, CaseState, OrgKind, can};
use mnir_store::{AuditActor, DuplicateCandidate, ListPlace, StoreError, Transition};

/// Looks for the pairs a new notification makes. A failure is logged, never the notification's:
/// the person is recorded whatever the comparison finds.
pub async fn after_notification(app: &App, case_id: &str, by: &AuditActor) {
    match app.store().find_duplicates(case_id, by).await {
        Ok(0) => {}
        Ok(found) => tracing::info!(found, "possible duplicate notifications put to ANITP"),
        Err(e) => tracing::warn!(error = %e, "notification not compared for duplicates"),
    }
}

/// The organisation whose pairs the user sees: ANITP's central office sees every pair, a
/// regional centre those of which one case is routed to it.
fn visible_org<'a>(who: &'a Who<'_>) -> Option<&'a str> {
    (who.user.org.kind != OrgKind::AnitpCentral).then_some(who.user.org.code.as_str())
}

pub fn may_review(who: &Who<'_>) -> AppResult<()> {
    can(&who.actor(), Action::ReviewDuplicates, None)?;
    Ok(())
}

/// The pairs the user may decide (undecided only, or all), a page at a time.
pub async fn candidates(
    app: &App,
    who: &Who<'_>,
    open_only: bool,
    after: Option<&ListPlace>,
    limit: u32,
) -> AppResult<Vec<DuplicateCandidate>> {
    may_review(who)?;
    let store = app.store();
    let pairs = store
        .duplicate_candidates(visible_org(who), open_only, after, limit.clamp(1, 200))
        .await?;
    store
        .audit(
            "duplicate.list",
            "duplicates",
            &format!("rows={}", pairs.len()),
            &who.by,
        )
        .await?;
    Ok(pairs)
}

/// One pair the user may see.
pub async fn candidate(app: &App, who: &Who<'_>, id: &str) -> AppResult<DuplicateCandidate> {
    may_review(who)?;
    let pair = app
        .store()
        .duplicate_candidate(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if visible_org(who).is_some()
        && !routed_here(app, who, &pair.earlier.case_id).await?
        && !routed_here(app, who, &pair.later.case_id).await?
    {
        return Err(AppError::NotFound);
    }
    Ok(pair)
}

/// Whether the case is routed to the user's organisation (the organisation part of their own
/// scope).
async fn routed_here(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<bool> {
    Ok(app
        .store()
        .case_facts(case_id, &who.scope())
        .await?
        .is_some_and(|f| f.org_has_access))
}

/// Decides a pair: `merged` makes the case that is still only notified (the later one first)
/// `duplicate` of the other; `distinct` records that they are two people, and the pair is not
/// put again. `away` is the case the page offered to merge away: when the pair changed since, the
/// merge is refused rather than applied to the other case. The decision is claimed first, so two
/// people deciding at once cannot both act, and given back if the step cannot be taken.
pub async fn decide(
    app: &App,
    who: &Who<'_>,
    id: &str,
    decision: &str,
    away: Option<&str>,
) -> AppResult<DuplicateCandidate> {
    let Some(decision) = DuplicateDecision::parse(decision) else {
        return Err(AppError::Invalid(vec![FieldIssue::new(
            "decision",
            "duplicate-decision-unknown",
        )]));
    };
    let pair = candidate(app, who, id).await?;
    if pair.decision.is_some() {
        return Err(AppError::conflict("duplicate-already-decided"));
    }
    let merge = if decision == DuplicateDecision::Merged {
        let (gone, kept) = match merged_away(pair.earlier.state, pair.later.state) {
            Some(Which::Later) => (&pair.later, &pair.earlier),
            Some(Which::Earlier) => (&pair.earlier, &pair.later),
            None => {
                return Err(AppError::Conflict(Message::new("duplicate-both-moved-on")));
            }
        };
        if away.is_some_and(|a| a != gone.case_id) {
            return Err(AppError::conflict("duplicate-changed"));
        }
        // Closing a notification is the work of an organisation it is routed to (or of ANITP's
        // central office): a centre that sees the pair through the other case only cannot.
        if visible_org(who).is_some() && !routed_here(app, who, &gone.case_id).await? {
            return Err(AppError::Forbidden(Message::new(
                "duplicate-merge-not-routed",
            )));
        }
        Some(Transition {
            case_id: gone.case_id.clone(),
            from: CaseState::Notified,
            to: CaseState::Duplicate,
            // A code with the reference it points to, not a sentence in one language.
            reason: format!("duplicate_of={}", kept.reference),
        })
    } else {
        None
    };
    match app.store().decide_duplicate(id, decision, &who.by).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(AppError::conflict("duplicate-already-decided")),
        Err(e) => return Err(e.into()),
    }
    if let Some(transition) = merge
        && let Err(e) = crate::cases::apply(app, who, transition, None).await
    {
        // The step could not be taken (the case moved on meanwhile): the pair is open again.
        app.store().reopen_duplicate(id, &who.by).await?;
        return Err(e);
    }
    app.store()
        .duplicate_candidate(id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Compares every case of the register (after an import or an upgrade), with a progress report
/// of (cases done, pairs found). Returns the cases compared and the pairs found.
pub async fn scan(
    app: &App,
    by: &AuditActor,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<(u64, u64)> {
    const PAGE: u32 = 1000;
    let store = app.store();
    // Cases without matching keys first (stored before they existed): from their names.
    while store.rebuild_match_keys(PAGE).await? > 0 {}
    let (mut compared, mut found) = (0u64, 0u64);
    let mut after: Option<String> = None;
    loop {
        let ids = store.matched_case_ids(after.as_deref(), PAGE).await?;
        for id in &ids {
            found += store.find_duplicates(id, by).await?;
            compared += 1;
            progress(compared, found);
        }
        match ids.last() {
            Some(last) if ids.len() == PAGE as usize => after = Some(last.clone()),
            _ => return Ok((compared, found)),
        }
    }
}

/// The demo's pair: `demo.screener` (IGPR) notifies again a person of a Bucharest case, the name
/// typed without its diacritics and in capitals; the pair waits for `demo.caseworker`. Returns
/// the two references.
pub async fn seed_demo(app: &App) -> AppResult<Option<(String, String)>> {
    let store = app.store();
    let (Some(screener), Some(worker)) = (
        store.user_by_login("demo.screener").await?,
        store.user_by_login("demo.caseworker").await?,
    ) else {
        return Ok(None);
    };
    let worker_who = app.who(&worker, "web");
    let cases = store
        .list_cases(
            &worker_who.scope(),
            &mnir_store::CaseFilter {
                state: Some(CaseState::InAssistance),
                per_page: 25,
                ..Default::default()
            },
            false,
            &worker_who.by,
        )
        .await?
        .cases;
    let reveal = mnir_store::Reveal {
        identity: true,
        notes: false,
    };
    for case in cases {
        let Some(detail) = store
            .case_detail(&case.id, &worker_who.scope(), reveal, &worker_who.by)
            .await?
        else {
            continue;
        };
        let (Some(given), Some(family), Some(born)) = (
            detail.summary.given_name.clone(),
            detail.summary.family_name.clone(),
            detail.birth_date,
        ) else {
            continue;
        };
        let plain = |text: &str| mnir_crypto::name_parts(&[text]).join(" ");
        let input = crate::notify::NotificationInput {
            given_name: plain(&given),
            family_name: plain(&family).to_uppercase(),
            birth_date: Some(born.format("%Y-%m-%d").to_string()),
            sex: detail.summary.sex.as_str().into(),
            citizenship: detail.summary.citizenship.clone(),
            found_in_county: "RO-B".into(),
            signals: vec!["S01".into(), "S04".into()],
            exploitation: detail.summary.exploitation.map(|e| e.as_str().into()),
            notes: "Oprită la controlul de la Gara de Nord; spune că a mai fost ajutată de ANITP."
                .into(),
        };
        let notified = crate::notify::notify(app, &app.who(&screener, "web"), &input).await?;
        return Ok(Some((case.reference, notified.reference)));
    }
    Ok(None)
}

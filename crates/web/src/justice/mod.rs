//! The criminal-justice track and the investigative summary (mnir.md §9): one page that shows an
//! investigating body what it may see of a case (reference, state, trafficking status,
//! proceedings with their hearings, non-punishment flags, the organisation to contact) and, under
//! a disclosure in force, the support records it covers; with the forms that record proceedings,
//! hearings and flags. The case's disclosure register and the register across cases are in
//! [`disclosures`]. Every form works without JavaScript.

pub mod api;
pub mod disclosures;

use crate::kit::auth::Viewer;
use crate::kit::error::FieldError;
use crate::kit::form::{Opt, read_form, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::PagePath;
use crate::kit::refusal::{Shown, errors_by_field, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_app::justice::{
    DisclosedView, HearingInput, JusticeRead, NonPunishmentInput, ProceedingInput,
};
use mnir_domain::justice::{HearingKind, OrderedMeasure, ProceedingOutcome, Standing};
use mnir_store::ProceedingRecord;
use std::collections::BTreeMap;

type PageResult = Result<Response, crate::kit::form::Reply>;

/// The values a form posted, by field name, so a refused form comes back as typed.
pub(crate) type Typed = BTreeMap<String, String>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/justice", justice_page)
        .post("/cases/{id}/justice/proceedings", proceeding_submit)
        .post(
            "/cases/{id}/justice/proceedings/{proceeding_id}",
            proceeding_update_submit,
        )
        .post(
            "/cases/{id}/justice/proceedings/{proceeding_id}/hearings",
            hearing_submit,
        )
        .post("/cases/{id}/justice/non-punishment", flag_submit)
        .merge(disclosures::routes())
}

/// Which of the page's forms was refused, with what was typed and what is wrong.
enum Refused {
    /// A new proceeding (`None`) or an update of one.
    Proceeding(Option<String>, Typed, Vec<FieldError>),
    Hearing(String, Typed, Vec<FieldError>),
    Flag(Typed, Vec<FieldError>),
}

/// The form of proceedings, new or brought up to date.
pub(crate) struct ProceedingForm {
    action: String,
    /// What the fields' ids start with, unique on the page.
    prefix: String,
    title: String,
    standing: Vec<Opt>,
    file_number: String,
    prosecutor_office: String,
    court: String,
    opened_on: String,
    outcome: Vec<Opt>,
    outcome_on: String,
    /// (code, name, ticked)
    measures: Vec<(String, String, bool)>,
    errors: Vec<FieldError>,
    field_errors: BTreeMap<String, String>,
    save: String,
}

/// The form of a hearing of one proceeding.
pub(crate) struct HearingForm {
    action: String,
    prefix: String,
    held_on: String,
    kinds: Vec<Opt>,
    note: String,
    errors: Vec<FieldError>,
}

/// Proceedings as the page shows them.
struct ProceedingView {
    anchor: String,
    title: String,
    lines: Vec<String>,
    hearings: Vec<String>,
    update: Option<ProceedingForm>,
    hearing: Option<HearingForm>,
}

/// A record's heading and its lines.
type Headed = (String, Vec<String>);

/// A disclosure's records as its recipient sees them.
struct DisclosedBlock {
    title: String,
    assessments: Option<Vec<Headed>>,
    /// The plan's versions, and the services delivered.
    plan: Option<(Vec<Headed>, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "justice.html")]
struct JusticePageView {
    ctx: PageCtx,
    id: String,
    reference: String,
    sees_case: bool,
    may_see_register: bool,
    summary: Vec<(String, String)>,
    flags: Vec<String>,
    flag_form: Option<(Vec<Opt>, String, Vec<FieldError>)>,
    /// The flag's and the hearings' refused fields, by name, shown beside them.
    inline_errors: BTreeMap<String, String>,
    proceedings: Vec<ProceedingView>,
    new_proceeding: Option<ProceedingForm>,
    disclosed: Vec<DisclosedBlock>,
    notice: Option<String>,
}

fn day(tr: &Tr, d: chrono::NaiveDate) -> String {
    tr.date(d)
}

fn chosen<T: Copy>(
    tr: &Tr,
    prefix: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    picked: &str,
    with_empty: bool,
) -> Vec<Opt> {
    let mut out = Vec::new();
    if with_empty {
        out.push(Opt {
            value: String::new(),
            label: tr.t("justice-choose"),
            selected: picked.is_empty(),
        });
    }
    out.extend(all.iter().map(|v| Opt {
        value: code(*v).into(),
        label: tr.term(prefix, code(*v)),
        selected: code(*v) == picked,
    }));
    out
}

/// The values of a proceeding's form: what was typed, else the record's, else empty.
fn proceeding_form(
    tr: &Tr,
    id: &str,
    current: Option<&ProceedingRecord>,
    typed: Option<&Typed>,
    errors: Vec<FieldError>,
) -> ProceedingForm {
    let get = |name: &str, stored: String| match typed {
        Some(t) => t.get(name).cloned().unwrap_or_default(),
        None => stored,
    };
    let stored = |f: &dyn Fn(&ProceedingRecord) -> String| current.map(f).unwrap_or_default();
    let ticked = |m: OrderedMeasure| match typed {
        Some(t) => t.contains_key(&format!("measures.{m}")),
        None => current.is_some_and(|p| p.measures.contains(&m)),
    };
    let (action, prefix, title, save) = match current {
        Some(p) => (
            format!("/cases/{id}/justice/proceedings/{}", p.id),
            format!("p-{}-", p.id),
            tr.t("justice-proceeding-update"),
            tr.t("justice-proceeding-update-save"),
        ),
        None => (
            format!("/cases/{id}/justice/proceedings"),
            "new-".to_string(),
            tr.t("justice-proceeding-new"),
            tr.t("justice-proceeding-save"),
        ),
    };
    let standing = get("standing", stored(&|p| p.standing.as_str().into()));
    let outcome = get("outcome", stored(&|p| p.outcome.as_str().into()));
    ProceedingForm {
        standing: chosen(
            tr,
            "standing",
            Standing::ALL,
            Standing::as_str,
            &standing,
            true,
        ),
        file_number: get("file_number", stored(&|p| p.file_number.clone())),
        prosecutor_office: get(
            "prosecutor_office",
            stored(&|p| p.prosecutor_office.clone()),
        ),
        court: get("court", stored(&|p| p.court.clone())),
        opened_on: get(
            "opened_on",
            stored(&|p| p.opened_on.format("%Y-%m-%d").to_string()),
        ),
        outcome: chosen(
            tr,
            "outcome",
            ProceedingOutcome::ALL,
            ProceedingOutcome::as_str,
            if outcome.is_empty() {
                "pending"
            } else {
                &outcome
            },
            false,
        ),
        outcome_on: get(
            "outcome_on",
            stored(&|p| {
                p.outcome_on
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            }),
        ),
        measures: OrderedMeasure::ALL
            .iter()
            .map(|m| {
                (
                    m.as_str().into(),
                    tr.term("ordered", m.as_str()),
                    ticked(*m),
                )
            })
            .collect(),
        field_errors: errors_by_field(&errors),
        errors,
        action,
        prefix,
        title,
        save,
    }
}

fn proceeding_lines(tr: &Tr, read: &JusticeRead, p: &ProceedingRecord) -> Vec<String> {
    let mut lines = vec![
        tr.t_with(
            "justice-standing-line",
            &[("standing", tr.term("standing", p.standing.as_str()).into())],
        ),
        tr.t_with(
            "justice-office-line",
            &[
                ("office", p.prosecutor_office.clone().into()),
                ("day", day(tr, p.opened_on).into()),
            ],
        ),
    ];
    if !p.court.is_empty() {
        lines.push(tr.t_with("justice-court-line", &[("court", p.court.clone().into())]));
    }
    let outcome = tr.term("outcome", p.outcome.as_str());
    lines.push(match p.outcome_on {
        Some(d) => tr.t_with(
            "justice-outcome-line-on",
            &[("outcome", outcome.into()), ("day", day(tr, d).into())],
        ),
        None => tr.t_with("justice-outcome-line", &[("outcome", outcome.into())]),
    });
    let measures: Vec<String> = p
        .measures
        .iter()
        .map(|m| tr.term("ordered", m.as_str()))
        .collect();
    lines.push(if measures.is_empty() {
        tr.t("justice-no-measures")
    } else {
        tr.t_with(
            "justice-measures-line",
            &[("measures", measures.join(", ").into())],
        )
    });
    lines.push(tr.t_with(
        "justice-recorded-line",
        &[
            ("who", read.login(&p.recorded_by).into()),
            ("org", p.org_code.clone().into()),
        ],
    ));
    lines
}

fn disclosed_block(tr: &Tr, read: &JusticeRead, v: &DisclosedView) -> DisclosedBlock {
    let d = &v.disclosure;
    let title = tr.t_with(
        "justice-disclosed-title",
        &[
            ("basis", tr.term("basis", d.basis.as_str()).into()),
            ("until", day(tr, d.until_on).into()),
        ],
    );
    let assessments = v.assessments.as_ref().map(|versions| {
        versions
            .iter()
            .map(|a| {
                let head = tr.t_with(
                    "justice-disclosed-assessment",
                    &[
                        ("version", a.version.into()),
                        ("kind", tr.term("riskkind", a.kind.as_str()).into()),
                        ("at", tr.datetime(a.assessed_at_ms).into()),
                        ("who", read.login(&a.assessed_by).into()),
                    ],
                );
                let mut lines: Vec<String> = a
                    .urgent
                    .iter()
                    .filter(|u| u.yes)
                    .map(|u| {
                        format!(
                            "{}{}",
                            tr.term("urgent", u.question.as_str()),
                            if u.note.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", u.note)
                            }
                        )
                    })
                    .collect();
                lines.extend(a.domains.iter().map(|r| {
                    format!(
                        "{} ({}){}",
                        tr.term("riskdomain", r.domain.as_str()),
                        tr.term("risklevel", r.rating.level().as_str()),
                        if r.note.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", r.note)
                        }
                    )
                }));
                (head, lines)
            })
            .collect()
    });
    let plan = v.plan.as_ref().map(|(versions, deliveries)| {
        let versions = versions
            .iter()
            .map(|p| {
                let head = tr.t_with(
                    "justice-disclosed-plan",
                    &[
                        ("version", p.version.into()),
                        ("review", day(tr, p.review_on).into()),
                    ],
                );
                let lines = p
                    .measures
                    .iter()
                    .map(|m| {
                        tr.t_with(
                            "plan-measure-line",
                            &[
                                ("measure", tr.term("measure", m.measure.as_str()).into()),
                                ("who", m.responsible.clone().into()),
                                ("day", day(tr, m.due_on).into()),
                            ],
                        )
                    })
                    .chain(p.services.iter().map(|s| {
                        format!(
                            "{}: {}",
                            tr.term("support", s.service_type.as_str()),
                            s.objectives
                        )
                    }))
                    .collect();
                (head, lines)
            })
            .collect();
        let deliveries = deliveries
            .iter()
            .map(|d| {
                tr.t_with(
                    "plan-delivery-line",
                    &[
                        ("day", day(tr, d.delivered_on).into()),
                        (
                            "service",
                            tr.term("support", d.service_type.as_str()).into(),
                        ),
                        (
                            "provider",
                            d.provider_org
                                .as_deref()
                                .map_or_else(|| d.provider_other.clone(), |o| read.org_name(o))
                                .into(),
                        ),
                    ],
                )
            })
            .collect();
        (versions, deliveries)
    });
    DisclosedBlock {
        title,
        assessments,
        plan,
    }
}

async fn render_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    status: StatusCode,
    refused: Option<Refused>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let who = who(state, user);
    let read = mnir_app::justice::read(&state.app, &who, id)
        .await
        .map_err(|e| e.page(&ctx, "justice-title"))?;
    let b = &read.brief;
    let summary = vec![
        (tr.t("justice-reference"), b.reference.clone()),
        (tr.t("justice-state"), tr.term("state", b.state.as_str())),
        (
            tr.t("justice-trafficking-status"),
            tr.term("htcdsstatus", b.state.htcds_trafficking_status()),
        ),
        (
            tr.t("justice-contact"),
            b.contact_org
                .as_deref()
                .map_or_else(|| tr.t("justice-contact-none"), |o| read.org_name(o)),
        ),
    ];
    let flag_line = |f: &mnir_store::NonPunishmentRecord| {
        let file = f.proceeding_id.as_ref().and_then(|pid| {
            read.proceedings
                .iter()
                .find(|p| &p.id == pid)
                .map(|p| p.file_number.clone())
        });
        let mut args = vec![
            ("offence", f.offence.clone().into()),
            ("who", read.login(&f.recorded_by).into()),
            ("at", tr.date_of(f.recorded_at_ms).into()),
        ];
        match file {
            Some(file) => {
                args.push(("file", file.into()));
                tr.t_with("justice-flag-line-file", &args)
            }
            None => tr.t_with("justice-flag-line", &args),
        }
    };
    let flags = read.flags.iter().map(flag_line).collect();
    let empty = Typed::new();
    let flag_form = read.may_keep.then(|| {
        let (typed, errors) = match &refused {
            Some(Refused::Flag(t, e)) => (t, e.clone()),
            _ => (&empty, Vec::new()),
        };
        let picked = typed.get("proceeding_id").cloned().unwrap_or_default();
        let mut options = vec![Opt {
            value: String::new(),
            label: tr.t("justice-flag-no-proceeding"),
            selected: picked.is_empty(),
        }];
        options.extend(read.proceedings.iter().map(|p| Opt {
            selected: p.id == picked,
            value: p.id.clone(),
            label: p.file_number.clone(),
        }));
        (
            options,
            typed.get("offence").cloned().unwrap_or_default(),
            errors,
        )
    });
    let proceedings = read
        .proceedings
        .iter()
        .map(|p| {
            let hearings = p
                .hearings
                .iter()
                .map(|h| {
                    let kind = tr.term("hearing", h.kind.as_str());
                    if h.note.is_empty() {
                        tr.t_with(
                            "justice-hearing-line",
                            &[("day", day(&tr, h.held_on).into()), ("kind", kind.into())],
                        )
                    } else {
                        tr.t_with(
                            "justice-hearing-line-note",
                            &[
                                ("day", day(&tr, h.held_on).into()),
                                ("kind", kind.into()),
                                ("note", h.note.clone().into()),
                            ],
                        )
                    }
                })
                .collect();
            let (update, hearing) = if read.may_keep {
                let (typed, errors) = match &refused {
                    Some(Refused::Proceeding(Some(pid), t, e)) if pid == &p.id => {
                        (Some(t), e.clone())
                    }
                    _ => (None, Vec::new()),
                };
                let update = proceeding_form(&tr, id, Some(p), typed, errors);
                let (htyped, herrors) = match &refused {
                    Some(Refused::Hearing(pid, t, e)) if pid == &p.id => (t, e.clone()),
                    _ => (&empty, Vec::new()),
                };
                let hget = |k: &str| htyped.get(k).cloned().unwrap_or_default();
                let hearing = HearingForm {
                    action: format!("/cases/{id}/justice/proceedings/{}/hearings", p.id),
                    prefix: format!("h-{}-", p.id),
                    held_on: hget("held_on"),
                    kinds: chosen(
                        &tr,
                        "hearing",
                        HearingKind::ALL,
                        HearingKind::as_str,
                        &hget("kind"),
                        false,
                    ),
                    note: hget("note"),
                    errors: herrors,
                };
                (Some(update), Some(hearing))
            } else {
                (None, None)
            };
            ProceedingView {
                anchor: format!("proceeding-{}", p.id),
                title: tr.t_with(
                    "justice-proceeding-title",
                    &[("file", p.file_number.clone().into())],
                ),
                lines: proceeding_lines(&tr, &read, p),
                hearings,
                update,
                hearing,
            }
        })
        .collect();
    let new_proceeding = read.may_keep.then(|| {
        let (typed, errors) = match &refused {
            Some(Refused::Proceeding(None, t, e)) => (Some(t), e.clone()),
            _ => (None, Vec::new()),
        };
        proceeding_form(&tr, id, None, typed, errors)
    });
    let notice = (!read.may_keep).then(|| {
        if read.disclosed.is_empty() {
            tr.t("justice-read-only")
        } else {
            tr.t("justice-read-only-disclosed")
        }
    });
    let inline_errors = match &refused {
        Some(Refused::Flag(_, e)) | Some(Refused::Hearing(_, _, e)) => errors_by_field(e),
        _ => BTreeMap::new(),
    };
    let view = JusticePageView {
        inline_errors,
        id: id.to_string(),
        reference: read.brief.reference.clone(),
        sees_case: read.sees_case,
        may_see_register: read.may_see_register,
        disclosed: read
            .disclosed
            .iter()
            .map(|v| disclosed_block(&tr, &read, v))
            .collect(),
        summary,
        flags,
        flag_form,
        proceedings,
        new_proceeding,
        notice,
        ctx: ctx.clone(),
    };
    render(viewer, status, &view, &ctx)
}

async fn justice_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    render_page(&state, &viewer, &id, StatusCode::OK, None).await
}

/// Reads a posted form of the page, without its CSRF token.
pub(crate) fn posted(body: &Bytes, ctx: &PageCtx) -> Result<Typed, crate::kit::form::Reply> {
    let mut typed: Typed = read_form(body, ctx)?;
    typed.remove("csrf");
    Ok(typed)
}

/// The posted proceeding form as the use case's input.
fn proceeding_input(typed: &Typed) -> ProceedingInput {
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    ProceedingInput {
        standing: get("standing"),
        file_number: get("file_number"),
        prosecutor_office: get("prosecutor_office"),
        court: get("court"),
        opened_on: get("opened_on"),
        outcome: get("outcome"),
        outcome_on: get("outcome_on"),
        measures: OrderedMeasure::ALL
            .iter()
            .filter(|m| typed.contains_key(&format!("measures.{m}")))
            .map(|m| m.as_str().to_string())
            .collect(),
    }
}

/// A refused form shown again on the page with its errors; any other refusal as its page.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    ctx: &PageCtx,
    error: AppError,
    again: impl FnOnce(Vec<FieldError>) -> Refused,
) -> PageResult {
    match error {
        AppError::Invalid(issues) => {
            let errors = field_errors(&ctx.tr, &issues);
            render_page(
                state,
                viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(again(errors)),
            )
            .await
        }
        e => Err(e.page(ctx, "justice-title").into()),
    }
}

async fn proceeding_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = posted(&body, &ctx)?;
    let who = who(&state, user);
    match mnir_app::justice::record_proceeding(&state.app, &who, &id, &proceeding_input(&typed))
        .await
    {
        Ok(p) => {
            Ok(Redirect::to(&format!("/cases/{id}/justice#proceeding-{}", p.id)).into_response())
        }
        Err(e) => {
            refused(&state, &viewer, &id, &ctx, e, |errors| {
                Refused::Proceeding(None, typed, errors)
            })
            .await
        }
    }
}

async fn proceeding_update_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, proceeding_id)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = posted(&body, &ctx)?;
    let who = who(&state, user);
    let input = proceeding_input(&typed);
    match mnir_app::justice::update_proceeding(&state.app, &who, &id, &proceeding_id, &input).await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/cases/{id}/justice#proceeding-{proceeding_id}"))
                .into_response(),
        ),
        Err(e) => {
            refused(&state, &viewer, &id, &ctx, e, |errors| {
                Refused::Proceeding(Some(proceeding_id), typed, errors)
            })
            .await
        }
    }
}

async fn hearing_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, proceeding_id)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = posted(&body, &ctx)?;
    let who = who(&state, user);
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let input = HearingInput {
        held_on: get("held_on"),
        kind: get("kind"),
        note: get("note"),
    };
    match mnir_app::justice::record_hearing(&state.app, &who, &id, &proceeding_id, &input).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/cases/{id}/justice#proceeding-{proceeding_id}"))
                .into_response(),
        ),
        Err(e) => {
            refused(&state, &viewer, &id, &ctx, e, |errors| {
                Refused::Hearing(proceeding_id, typed, errors)
            })
            .await
        }
    }
}

async fn flag_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = posted(&body, &ctx)?;
    let who = who(&state, user);
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let input = NonPunishmentInput {
        offence: get("offence"),
        proceeding_id: get("proceeding_id"),
    };
    match mnir_app::justice::record_non_punishment(&state.app, &who, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/justice#non-punishment")).into_response()),
        Err(e) => {
            refused(&state, &viewer, &id, &ctx, e, |errors| {
                Refused::Flag(typed, errors)
            })
            .await
        }
    }
}

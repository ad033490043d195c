//! Disclosures of support records (mnir.md §9): a case's register with the form that records one
//! (by the person's consent to sharing with police, or a prosecutor's order) and the button that
//! ends one early; and the register across cases, read page by page.

use super::{Typed, posted};
use crate::kit::auth::Viewer;
use crate::kit::error::{FieldError, PageError};
use crate::kit::form::{Opt, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::{Shown, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_app::justice::DisclosureInput;
use mnir_domain::justice::{DisclosedRecord, DisclosureBasis, DisclosureStatus};
use mnir_store::{DisclosureRecord, ListPlace, RegisterScope};
use serde::Deserialize;
use std::collections::BTreeMap;

type PageResult = Result<Response, crate::kit::form::Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/disclosures", disclosures_page)
        .post("/cases/{id}/disclosures", disclosure_submit)
        .post("/cases/{id}/disclosures/{disclosure_id}/end", end_submit)
        .get("/disclosures", register_page)
}

/// A disclosure as a line of a register.
struct DisclosureLine {
    id: String,
    text: String,
    status: String,
    in_force: bool,
    /// The case's reference, and where it opens (the register across cases).
    reference: String,
    case: Option<String>,
}

#[derive(Template)]
#[template(path = "disclosures.html")]
struct DisclosuresView {
    ctx: PageCtx,
    id: String,
    reference: String,
    lines: Vec<DisclosureLine>,
    may_end: bool,
    sees_justice: bool,
    /// The form: recipients, bases, consents, records (code, name, ticked), what was typed.
    form: Option<DisclosureForm>,
    errors: Vec<FieldError>,
    field_errors: BTreeMap<String, String>,
}

struct DisclosureForm {
    recipients: Vec<Opt>,
    bases: Vec<Opt>,
    consents: Vec<Opt>,
    records: Vec<(String, String, bool)>,
    order_number: String,
    order_on: String,
    order_office: String,
    until_on: String,
}

#[derive(Template)]
#[template(path = "disclosure_register.html")]
struct RegisterView {
    ctx: PageCtx,
    intro: String,
    lines: Vec<DisclosureLine>,
    later: Option<String>,
    first_page: bool,
}

/// What a disclosure says, in the user's language.
fn line_text(tr: &Tr, d: &DisclosureRecord, org_name: &dyn Fn(&str) -> String) -> String {
    let records: Vec<String> = d
        .records
        .iter()
        .map(|r| tr.term("disclosed", r.as_str()))
        .collect();
    let basis = match d.basis {
        DisclosureBasis::Consent => tr.t("disclosure-basis-consent-line"),
        DisclosureBasis::ProsecutorOrder => tr.t_with(
            "disclosure-basis-order-line",
            &[
                ("number", d.order_number.clone().into()),
                (
                    "day",
                    d.order_on.map(|o| tr.date(o)).unwrap_or_default().into(),
                ),
                ("office", d.order_office.clone().into()),
            ],
        ),
    };
    tr.t_with(
        "disclosure-line",
        &[
            ("records", records.join(", ").into()),
            ("to", org_name(&d.recipient_org).into()),
            ("basis", basis.into()),
            ("until", tr.date(d.until_on).into()),
            ("at", tr.date_of(d.recorded_at_ms).into()),
        ],
    )
}

fn status_text(tr: &Tr, status: DisclosureStatus) -> String {
    tr.term("disclosurestatus", status.as_str())
}

async fn render_case(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    status: StatusCode,
    refused: Option<(Typed, Vec<FieldError>)>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let who = who(state, user);
    let page = mnir_app::justice::disclosures(&state.app, &who, id)
        .await
        .map_err(|e| e.page(&ctx, "disclosure-title"))?;
    let name = |code: &str| page.org_name(code);
    let lines = page
        .disclosures
        .iter()
        .map(|(d, s)| {
            let mut text = line_text(&tr, d, &name);
            text.push(' ');
            text.push_str(&tr.t_with(
                "disclosure-recorded-by",
                &[("who", page.login(&d.recorded_by).into())],
            ));
            if let (Some(at), Some(by)) = (d.ended_at_ms, &d.ended_by) {
                text.push(' ');
                text.push_str(&tr.t_with(
                    "disclosure-ended-by",
                    &[
                        ("who", page.login(by).into()),
                        ("at", tr.date_of(at).into()),
                    ],
                ));
            }
            DisclosureLine {
                id: d.id.clone(),
                text,
                status: status_text(&tr, *s),
                in_force: *s == DisclosureStatus::InForce,
                reference: page.reference.clone(),
                case: None,
            }
        })
        .collect();
    let (typed, errors) = refused.unwrap_or_default();
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let form = page.may_record.then(|| {
        let recipient = get("recipient_org");
        let basis = get("basis");
        let consent = get("consent_id");
        let mut recipients = vec![Opt {
            value: String::new(),
            label: tr.t("justice-choose"),
            selected: recipient.is_empty(),
        }];
        recipients.extend(page.recipients.iter().map(|o| Opt {
            selected: o.code == recipient,
            label: format!("{} ({})", o.name, o.code),
            value: o.code.clone(),
        }));
        let bases = DisclosureBasis::ALL
            .iter()
            .map(|b| Opt {
                value: b.as_str().into(),
                label: tr.term("basis", b.as_str()),
                selected: b.as_str() == basis
                    || (basis.is_empty() && *b == DisclosureBasis::ProsecutorOrder),
            })
            .collect();
        let mut consents = vec![Opt {
            value: String::new(),
            label: if page.consents.is_empty() {
                tr.t("disclosure-no-consent")
            } else {
                tr.t("justice-choose")
            },
            selected: consent.is_empty(),
        }];
        consents.extend(page.consents.iter().map(|c| {
            Opt {
                selected: c.id == consent,
                label: tr.t_with(
                    "disclosure-consent-option",
                    &[
                        (
                            "to",
                            c.recipient_org
                                .as_deref()
                                .map(|o| page.org_name(o))
                                .unwrap_or_default()
                                .into(),
                        ),
                        ("at", tr.date_of(c.given_at_ms).into()),
                    ],
                ),
                value: c.id.clone(),
            }
        }));
        DisclosureForm {
            recipients,
            bases,
            consents,
            records: DisclosedRecord::ALL
                .iter()
                .map(|r| {
                    (
                        r.as_str().to_string(),
                        tr.term("disclosed", r.as_str()),
                        typed.contains_key(&format!("records.{r}")),
                    )
                })
                .collect(),
            order_number: get("order_number"),
            order_on: get("order_on"),
            order_office: get("order_office"),
            until_on: {
                let typed_until = get("until_on");
                if typed_until.is_empty() && typed.is_empty() {
                    (page.today + chrono::Duration::days(90))
                        .format("%Y-%m-%d")
                        .to_string()
                } else {
                    typed_until
                }
            },
        }
    });
    let view = DisclosuresView {
        id: id.to_string(),
        reference: page.reference.clone(),
        may_end: page.may_record,
        sees_justice: page.sees_justice,
        lines,
        form,
        field_errors: crate::kit::refusal::errors_by_field(&errors),
        errors,
        ctx: ctx.clone(),
    };
    render(viewer, status, &view, &ctx)
}

async fn disclosures_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    render_case(&state, &viewer, &id, StatusCode::OK, None).await
}

/// The posted disclosure form as the use case's input.
fn disclosure_input(typed: &Typed) -> DisclosureInput {
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    DisclosureInput {
        recipient_org: get("recipient_org"),
        basis: get("basis"),
        consent_id: get("consent_id"),
        order_number: get("order_number"),
        order_on: get("order_on"),
        order_office: get("order_office"),
        records: DisclosedRecord::ALL
            .iter()
            .filter(|r| typed.contains_key(&format!("records.{r}")))
            .map(|r| r.as_str().to_string())
            .collect(),
        until_on: get("until_on"),
    }
}

async fn disclosure_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = posted(&body, &ctx)?;
    let who = who(&state, user);
    match mnir_app::justice::record_disclosure(&state.app, &who, &id, &disclosure_input(&typed))
        .await
    {
        Ok(d) => Ok(Redirect::to(&format!("/cases/{id}/disclosures#d-{}", d.id)).into_response()),
        Err(AppError::Invalid(issues)) => {
            let errors = field_errors(&ctx.tr, &issues);
            render_case(
                &state,
                &viewer,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((typed, errors)),
            )
            .await
        }
        Err(e) => Err(e.page(&ctx, "disclosure-title").into()),
    }
}

async fn end_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, disclosure_id)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    posted(&body, &ctx)?;
    let who = who(&state, user);
    mnir_app::justice::end_disclosure(&state.app, &who, &id, &disclosure_id)
        .await
        .map_err(|e| e.page(&ctx, "disclosure-title"))?;
    Ok(Redirect::to(&format!("/cases/{id}/disclosures#d-{disclosure_id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RegisterParams {
    after: Option<String>,
}

async fn register_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(params): PageQuery<RegisterParams>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "disclosures");
    let tr = ctx.tr;
    let after = match params.after.as_deref() {
        None => None,
        Some(text) => Some(
            text.parse::<ListPlace>()
                .map_err(|_| PageError::bad_request(&ctx, tr.t("disclosure-register-bad-place")))?,
        ),
    };
    let page = mnir_app::justice::register(&state.app, &who(&state, user), after.as_ref())
        .await
        .map_err(|e| e.page(&ctx, "disclosure-register-title"))?;
    let name = |code: &str| page.org_name(code);
    let intro = match &page.scope {
        RegisterScope::National => tr.t("disclosure-register-national"),
        RegisterScope::CasesOf(org) => tr.t_with(
            "disclosure-register-cases-of",
            &[("org", page.org_name(org).into())],
        ),
        RegisterScope::MadeTo(org) => tr.t_with(
            "disclosure-register-made-to",
            &[("org", page.org_name(org).into())],
        ),
    };
    let made_to_us = matches!(page.scope, RegisterScope::MadeTo(_));
    let lines = page
        .lines
        .iter()
        .map(|(l, s)| {
            let d = &l.disclosure;
            // An investigator's way into the case is its summary, open while the disclosure is
            // in force; the others open the case's register.
            let in_force = *s == DisclosureStatus::InForce;
            let href = if !made_to_us {
                Some(format!("/cases/{}/disclosures", d.case_id))
            } else if in_force {
                Some(format!("/cases/{}/justice", d.case_id))
            } else {
                None
            };
            DisclosureLine {
                id: d.id.clone(),
                text: line_text(&tr, d, &name),
                status: status_text(&tr, *s),
                in_force,
                reference: l.case_reference.clone(),
                case: href,
            }
        })
        .collect();
    let view = RegisterView {
        intro,
        lines,
        later: page
            .later
            .as_ref()
            .map(|p| format!("/disclosures?after={p}")),
        first_page: after.is_none(),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &view, &ctx)
}

//! The victim profile page of a case (HTCDS victim and exploitation fields, mnir.md §11): read by
//! the case's organisations, recorded and corrected by those who run the identification
//! interview once the person is presumed a victim.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::form::{Opt, Reply, render, signed_in, who};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::query::PagePath;
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
use mnir_app::victim::ProfileView;
use mnir_domain::reference;
use mnir_domain::victim::{ProfileField, ValueKind, VictimProfile};
use std::collections::BTreeMap;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/victim-profile", profile_page)
        .post("/cases/{id}/victim-profile", profile_submit)
}

/// How many citizenships the form offers at least (more when more are recorded, so that a save
/// never drops one the API stored).
const CITIZENSHIPS: usize = 3;

/// A value of a picklist, worded in the reader's language.
pub fn value_label(tr: &Tr, field: ProfileField, code: &str) -> String {
    match field.kind() {
        ValueKind::Picklist(set) => mnir_domain::victim::value(set, code).map_or_else(
            || code.to_string(),
            |v| match tr.lang {
                Lang::Ro => v.label_ro.clone(),
                Lang::En => v.label_en.clone(),
            },
        ),
        ValueKind::Country => tr.country(code),
        ValueKind::Place => reference::county(code).map_or_else(
            || tr.country(code),
            |c| tr.t_with("victim-place-county", &[("county", c.name.clone().into())]),
        ),
    }
}

/// One field of the profile as the page shows or asks it.
struct FieldView {
    code: &'static str,
    label: String,
    hint: String,
    /// `checks`, `select` or `radios`.
    control: &'static str,
    options: Vec<Opt>,
    /// For a place: the counties, then the countries.
    groups: Vec<(String, Vec<Opt>)>,
    /// For citizenship: one list of countries per select, under its label.
    selects: Vec<(String, Vec<Opt>)>,
    /// What is recorded, in words (the read-only view).
    shown: String,
}

/// `countries`: every country's name in the reader's language and its code, by name (made once
/// per page for the fields that list them).
fn field_view(
    tr: &Tr,
    countries: &[(String, &'static str)],
    field: ProfileField,
    chosen: &[String],
) -> FieldView {
    let chosen_codes: Vec<&str> = chosen.iter().map(String::as_str).collect();
    let opt = |value: &str, label: String, selected: bool| Opt {
        value: value.to_string(),
        label,
        selected,
    };
    let blank = |selected: bool| opt("", tr.t("form-not-known"), selected);
    let mut view = FieldView {
        code: field.as_str(),
        label: tr.term("victim-field", field.as_str()),
        hint: tr.t(&format!("victim-hint-{}", field.as_str())),
        control: "select",
        options: Vec::new(),
        groups: Vec::new(),
        selects: Vec::new(),
        shown: if chosen.is_empty() {
            tr.t("form-not-known")
        } else {
            chosen
                .iter()
                .map(|c| value_label(tr, field, c))
                .collect::<Vec<_>>()
                .join("; ")
        },
    };
    match field.kind() {
        ValueKind::Picklist(_) => {
            let picks = field.options().into_iter().map(|v| {
                let label = value_label(tr, field, &v.code);
                opt(&v.code, label, chosen_codes.contains(&v.code.as_str()))
            });
            if field.multiple() {
                view.control = "checks";
                view.options = picks.collect();
            } else {
                view.control = if field.options().len() <= 3 {
                    "radios"
                } else {
                    "select"
                };
                view.options = std::iter::once(blank(chosen.is_empty()))
                    .chain(picks)
                    .collect();
            }
        }
        ValueKind::Country => {
            view.control = "citizenship";
            view.selects = (0..CITIZENSHIPS.max(chosen.len() + 1))
                .map(|n| {
                    let current = chosen.get(n).map(String::as_str);
                    let label = tr.t_with("victim-citizenship-n", &[("n", (n as i64 + 1).into())]);
                    let list = std::iter::once(blank(current.is_none()))
                        .chain(
                            countries
                                .iter()
                                .map(|(name, code)| opt(code, name.clone(), current == Some(code))),
                        )
                        .collect();
                    (label, list)
                })
                .collect();
        }
        ValueKind::Place => {
            view.control = "place";
            view.options = vec![blank(chosen.is_empty())];
            let mut counties: Vec<&reference::County> = reference::counties().iter().collect();
            counties.sort_by(|a, b| a.name.cmp(&b.name));
            view.groups = vec![
                (
                    tr.t("victim-place-counties"),
                    counties
                        .into_iter()
                        .map(|c| {
                            opt(
                                &c.code,
                                c.name.clone(),
                                chosen_codes.contains(&c.code.as_str()),
                            )
                        })
                        .collect(),
                ),
                (
                    tr.t("victim-place-countries"),
                    countries
                        .iter()
                        .map(|(name, code)| opt(code, name.clone(), chosen_codes.contains(code)))
                        .collect(),
                ),
            ];
        }
    }
    view
}

#[derive(Template)]
#[template(path = "victim_profile.html")]
struct ProfilePage {
    ctx: PageCtx,
    id: String,
    reference: String,
    fields: Vec<FieldView>,
    age: String,
    age_shown: String,
    /// When and by whom it was last recorded, in words; `None` before the first.
    recorded: Option<String>,
    /// Whether the reader may record it; otherwise the page only shows it.
    editable: bool,
    /// Why it may not be recorded yet, when the reader could otherwise.
    not_yet: Option<String>,
    /// Whether the places say the person was exploited abroad, in words.
    scope: Option<String>,
    /// What is wrong: the field's id on the page, and the message naming it.
    errors: Vec<(String, String)>,
}

/// The page; `country` is the jurisdiction's, against which a place abroad is told apart.
fn page(
    ctx: PageCtx,
    country: &str,
    id: &str,
    view: &ProfileView,
    profile: &VictimProfile,
    age: String,
    errors: Vec<(String, String)>,
) -> ProfilePage {
    let tr = ctx.tr;
    let mut shown = profile.clone();
    // A first profile's form starts from the citizenship the case was notified with (only the
    // form: a reader is not shown it as recorded).
    if view.may_record
        && view.record.is_none()
        && errors.is_empty()
        && shown.get(ProfileField::Citizenship).is_empty()
    {
        shown.values.insert(
            ProfileField::Citizenship,
            vec![view.notified_citizenship.clone()],
        );
    }
    let mut countries: Vec<(String, &'static str)> = reference::countries()
        .iter()
        .map(|c| (tr.country(&c.code), c.code.as_str()))
        .collect();
    countries.sort();
    let fields = ProfileField::ALL
        .iter()
        .map(|f| field_view(&tr, &countries, *f, shown.get(*f)))
        .collect();
    let may_record_later = !view.may_record && !mnir_app::victim::recordable_in(view.state);
    ProfilePage {
        id: id.to_string(),
        reference: view.reference.clone(),
        fields,
        age_shown: profile
            .age_when_trafficked
            .map_or_else(|| tr.t("form-not-known"), |a| a.to_string()),
        age,
        recorded: view.record.as_ref().map(|r| {
            tr.t_with(
                "victim-recorded",
                &[
                    ("at", tr.datetime(r.updated_at_ms).into()),
                    ("org", r.org_code.clone().into()),
                ],
            )
        }),
        editable: view.may_record,
        not_yet: may_record_later.then(|| {
            tr.t_with(
                "victim-profile-state",
                &[("state", tr.term("state", view.state.as_str()).into())],
            )
        }),
        scope: profile.international(country).map(|abroad| {
            tr.t(if abroad {
                "victim-international"
            } else {
                "victim-internal"
            })
        }),
        errors,
        ctx,
    }
}

async fn profile_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let view = mnir_app::victim::profile(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "victim-title"))?;
    let profile = view
        .record
        .as_ref()
        .map(|r| r.profile.clone())
        .unwrap_or_default();
    let age = profile
        .age_when_trafficked
        .map(|a| a.to_string())
        .unwrap_or_default();
    let country = &state.app.jurisdiction().country;
    let page = page(ctx.clone(), country, &id, &view, &profile, age, Vec::new());
    render(&viewer, StatusCode::OK, &page, &ctx)
}

/// A posted profile: each field's values by its name, the age as typed. A name the form does not
/// have is refused rather than ignored.
fn read_posted(body: &Bytes) -> Result<(BTreeMap<ProfileField, Vec<String>>, String), String> {
    let pairs: Vec<(String, String)> =
        serde_html_form::from_bytes(body).map_err(|e| e.to_string())?;
    let mut values: BTreeMap<ProfileField, Vec<String>> = BTreeMap::new();
    let mut age = String::new();
    for (name, value) in pairs {
        match name.as_str() {
            "csrf" => {}
            "age_when_trafficked" => age = value,
            other => {
                let field = ProfileField::parse(other).ok_or_else(|| other.to_string())?;
                values.entry(field).or_default().push(value);
            }
        }
    }
    Ok((values, age))
}

async fn profile_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let (values, age) = read_posted(&body).map_err(|name| {
        crate::kit::error::PageError::bad_request(
            &ctx,
            ctx.tr
                .t_with("victim-field-unknown", &[("name", name.into())]),
        )
    })?;
    let who = who(&state, user);
    let result = mnir_app::victim::record_profile(
        &state.app,
        &who,
        &id,
        values.clone(),
        &age,
        mnir_app::victim::Blanks::Skipped,
    )
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/victim-profile")).into_response()),
        Err(AppError::Invalid(issues)) => {
            let view = mnir_app::victim::profile(&state.app, &who, &id)
                .await
                .map_err(|e| e.page(&ctx, "victim-title"))?;
            // Each message links to its field, so a keyboard or screen-reader user reaches it.
            let errors = field_errors(&ctx.tr, &issues)
                .into_iter()
                .map(|f| {
                    (
                        format!("f-{}", f.field),
                        format!("{}: {}", field_name(&ctx.tr, &f.field), f.message),
                    )
                })
                .collect();
            let typed = VictimProfile {
                values: values
                    .into_iter()
                    .map(|(f, v)| (f, v.into_iter().filter(|c| !c.trim().is_empty()).collect()))
                    .collect(),
                age_when_trafficked: None,
            };
            let country = &state.app.jurisdiction().country;
            let page = page(ctx.clone(), country, &id, &view, &typed, age, errors);
            render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
        }
        Err(other) => Err(other.page(&ctx, "victim-title").into()),
    }
}

/// The label of a field an error names.
fn field_name(tr: &Tr, field: &str) -> String {
    match ProfileField::parse(field) {
        Some(f) => tr.term("victim-field", f.as_str()),
        None => tr.t("victim-field-age_when_trafficked"),
    }
}

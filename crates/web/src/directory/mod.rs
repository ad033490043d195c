//! The referral directory (mnir.md §6): anyone who refers searches it; an administrator, or an
//! organisation's supervisor for its own entry, keeps it current.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::form::{Opt, Reply, options, read_form, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::PageQuery;
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
use mnir_domain::directory::{SERVICES, TARGET_GROUPS};
use mnir_domain::reference;
use serde::Deserialize;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/directory", search)
        .get("/directory/edit", edit_page)
        .post("/directory/edit", edit_submit)
}

struct Row {
    code: String,
    name: String,
    services: String,
    counties: String,
    groups: String,
    languages: String,
    capacity: String,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    ctx: PageCtx,
    services: Vec<Opt>,
    counties: Vec<Opt>,
    groups: Vec<Opt>,
    rows: Vec<Row>,
    count_text: String,
    edit_own: bool,
}

use mnir_app::directory::{EntryInput, SearchQuery};

fn labels(tr: &Tr, prefix: &str, values: &[String]) -> String {
    values
        .iter()
        .map(|v| tr.term(prefix, v))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn search(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(q): PageQuery<SearchQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "directory");
    let tr = ctx.tr;
    let pick = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (service, county, group) = (pick(&q.service), pick(&q.county), pick(&q.group));
    let entries = mnir_app::directory::search_entries(&state.app, &q)
        .await
        .map_err(|e| e.page(&ctx, "directory-title"))?;
    let orgs = mnir_app::accounts::organisations(&state.app)
        .await
        .map_err(|e| e.page(&ctx, "directory-title"))?;
    let rows: Vec<Row> = entries
        .into_iter()
        .map(|e| Row {
            name: orgs
                .iter()
                .find(|o| o.code == e.org_code)
                .map_or_else(String::new, |o| o.name.clone()),
            services: labels(&tr, "service", &e.services),
            counties: if e.counties.is_empty() {
                tr.t("directory-nationwide")
            } else {
                e.counties
                    .iter()
                    .map(|c| reference::county(c).map_or(c.clone(), |k| k.name.clone()))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            groups: labels(&tr, "group", &e.target_groups),
            languages: e.languages.join(", "),
            capacity: e
                .capacity
                .map_or_else(|| tr.t("form-not-known"), |c| tr.number(c)),
            code: e.org_code,
        })
        .collect();
    let page = DirectoryPage {
        services: options(
            SERVICES.iter().map(|s| (*s, tr.term("service", s))),
            &[service.as_deref().unwrap_or("")],
        ),
        counties: options(
            reference::counties()
                .iter()
                .map(|c| (c.code.as_str(), c.name.clone())),
            &[county.as_deref().unwrap_or("")],
        ),
        groups: options(
            TARGET_GROUPS.iter().map(|g| (*g, tr.term("group", g))),
            &[group.as_deref().unwrap_or("")],
        ),
        count_text: tr.t_with("orgs-count", &[("count", (rows.len() as i64).into())]),
        rows,
        edit_own: mnir_app::directory::may_edit_own(&who(&state, user)),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

#[derive(Template)]
#[template(path = "directory_edit.html")]
struct EditPage {
    ctx: PageCtx,
    org_code: String,
    org_name: String,
    services: Vec<Opt>,
    counties: Vec<Opt>,
    groups: Vec<Opt>,
    languages: String,
    capacity: String,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
struct EditQuery {
    org: Option<String>,
}

/// The organisation whose entry is edited, if the user may edit it.
async fn editable(
    state: &AppState,
    viewer: &Viewer,
    ctx: &PageCtx,
    org: Option<&str>,
) -> Result<mnir_store::Organisation, Reply> {
    let user = signed_in(viewer)?;
    mnir_app::directory::editable(&state.app, &who(state, user), org)
        .await
        .map_err(|e| e.page(ctx, "directory-title").into())
}

#[allow(clippy::too_many_arguments)]
fn edit_view(
    ctx: PageCtx,
    org: &mnir_store::Organisation,
    services: &[String],
    counties: &[String],
    groups: &[String],
    languages: String,
    capacity: String,
    errors: Vec<String>,
) -> EditPage {
    let tr = ctx.tr;
    EditPage {
        org_code: org.code.clone(),
        org_name: org.name.clone(),
        services: options(
            SERVICES.iter().map(|s| (*s, tr.term("service", s))),
            &chosen(services),
        ),
        counties: options(
            reference::counties()
                .iter()
                .map(|c| (c.code.as_str(), c.name.clone())),
            &chosen(counties),
        ),
        groups: options(
            TARGET_GROUPS.iter().map(|g| (*g, tr.term("group", g))),
            &chosen(groups),
        ),
        languages,
        capacity,
        errors,
        ctx,
    }
}

async fn edit_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(q): PageQuery<EditQuery>,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "directory");
    let org = editable(&state, &viewer, &ctx, q.org.as_deref()).await?;
    let entry = mnir_app::directory::entry(&state.app, &org.code)
        .await
        .map_err(|e| e.page(&ctx, "directory-title"))?;
    let page = match entry {
        Some(e) => edit_view(
            ctx.clone(),
            &org,
            &e.services,
            &e.counties,
            &e.target_groups,
            e.languages.join(", "),
            e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            Vec::new(),
        ),
        None => edit_view(
            ctx.clone(),
            &org,
            &[],
            &[],
            &[],
            "ro".into(),
            String::new(),
            Vec::new(),
        ),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

/// A directory entry as its edit page posts it: ticked lists, languages as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct EntryForm {
    services: Vec<String>,
    counties: Vec<String>,
    groups: Vec<String>,
    languages: String,
    capacity: String,
}

async fn edit_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(q): PageQuery<EditQuery>,
    body: Bytes,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "directory");
    let form: EntryForm = read_form(&body, &ctx)?;
    let org = editable(&state, &viewer, &ctx, q.org.as_deref()).await?;
    let user = signed_in(&viewer)?;
    let EntryForm {
        services,
        counties,
        groups,
        languages: languages_text,
        capacity: capacity_text,
    } = form;
    let languages: Vec<String> = languages_text
        .split(',')
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .collect();
    let capacity_text = capacity_text.trim().to_string();
    let capacity = if capacity_text.is_empty() {
        Ok(None)
    } else {
        capacity_text.parse::<i64>().map(Some)
    };
    let result = match capacity {
        Ok(capacity) => {
            let input = EntryInput {
                services: services.clone(),
                counties: counties.clone(),
                target_groups: groups.clone(),
                languages,
                capacity,
            };
            mnir_app::directory::save_entry(&state.app, &who(&state, user), &org, input)
                .await
                .map(|_| ())
        }
        Err(_) => Err(AppError::invalid("capacity", "directory-invalid-capacity")),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/directory").into_response()),
        Err(AppError::Invalid(issues)) => {
            let errors = field_errors(&ctx.tr, &issues)
                .into_iter()
                .map(|f| f.message)
                .collect();
            let page = edit_view(
                ctx.clone(),
                &org,
                &services,
                &counties,
                &groups,
                languages_text,
                capacity_text,
                errors,
            );
            render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
        }
        Err(other) => Err(other.page(&ctx, "directory-title").into()),
    }
}

fn chosen(values: &[String]) -> Vec<&str> {
    values.iter().map(String::as_str).collect()
}

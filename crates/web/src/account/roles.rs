//! An administrator changes an account's roles, on a page and through the API. Where the
//! profile requires it, the screener role goes only to a certified account (mnir.md §12).

use crate::kit::api::{ApiResult, Caller, answer, caller, parse_json};
use crate::kit::auth::Viewer;
use crate::kit::error::ApiErrorEnvelope;
use crate::kit::form::{Opt, Posted, Reply, options, posted, render, signed_in, who};
use crate::kit::query::{ApiPath, PagePath};
use crate::kit::refusal::{Shown, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, Type};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/admin/users/{id}/roles", roles_page)
        .post("/admin/users/{id}/roles", roles_submit)
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(set_roles))
}

#[derive(Template)]
#[template(path = "admin_user_roles.html")]
struct RolesPage {
    ctx: PageCtx,
    id: String,
    login: String,
    org: String,
    roles: Vec<Opt>,
    error: Option<String>,
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    id: &str,
    chosen: Option<Vec<String>>,
    error: Option<String>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let tr = ctx.tr;
    let users = mnir_app::accounts::users(&state.app, &who(state, user))
        .await
        .map_err(|e| e.page(&ctx, "admin-roles-title"))?;
    let account = users
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| AppError::NotFound.page(&ctx, "admin-roles-title"))?;
    let chosen = chosen.unwrap_or_else(|| {
        account
            .roles
            .iter()
            .map(|r| r.as_str().to_string())
            .collect()
    });
    let chosen: Vec<&str> = chosen.iter().map(String::as_str).collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = RolesPage {
        id: account.id.clone(),
        login: account.login.clone(),
        org: account.org.name.clone(),
        roles: options(
            Role::ALL
                .iter()
                .map(|r| (r.as_str(), tr.term("role", r.as_str()))),
            &chosen,
        ),
        error,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn roles_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "admin");
    show(&state, &viewer, ctx, &id, None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RolesForm {
    roles: Vec<String>,
}

async fn roles_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<RolesForm>(&viewer, &state, &body, "admin")?;
    match mnir_app::accounts::set_roles_by_admin(&state.app, &who(&state, user), &id, &form.roles)
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(AppError::Invalid(issues)) => {
            let message = field_errors(&ctx.tr, &issues)
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" ");
            show(&state, &viewer, ctx, &id, Some(form.roles), Some(message)).await
        }
        Err(e) => Err(e.page(&ctx, "admin-roles-title").into()),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RolesInput {
    #[schema(schema_with = role_list)]
    roles: Vec<String>,
}

/// The roles an account may hold, at least one. Not `uniqueItems`: a role given twice is held
/// once.
fn role_list() -> Array {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(Role::ALL.map(Role::as_str))),
        )
        .min_items(Some(1))
        .description(Some(
            "The account's roles from now on, at least one. Where the profile requires it, the \
             screener role needs a valid certificate.",
        ))
        .build()
}

#[derive(Serialize, ToSchema)]
pub struct RolesJson {
    id: String,
    login: String,
    roles: Vec<String>,
}

/// Replaces an account's roles (an administrator's). Where the profile requires it, the
/// screener role needs a valid certificate: without one it is refused with 409, naming `roles`.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/roles", params(("id" = String, Path, description = "Account id")),
    request_body = RolesInput, responses(
    (status = 200, body = RolesJson), (status = 400, body = ApiErrorEnvelope), (status = 401, body = ApiErrorEnvelope),
    (status = 403, body = ApiErrorEnvelope), (status = 404, body = ApiErrorEnvelope),
    (status = 409, body = ApiErrorEnvelope), (status = 422, body = ApiErrorEnvelope)
))]
async fn set_roles(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Json<RolesJson>> {
    let Caller { user, tr } = caller(&state, &headers).await?;
    let input: RolesInput = parse_json(&tr, &body)?;
    let who = crate::kit::api::who(&state, &user);
    let changed = answer!(
        tr,
        mnir_app::accounts::set_roles_by_admin(&state.app, &who, &id, &input.roles)
    );
    Ok(Json(RolesJson {
        id: changed.id,
        login: changed.login,
        roles: changed
            .roles
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
    }))
}

//! Platform administration endpoints.

use axum::Json;
use axum::extract::{Query, State};
use entraide_store::admin::PersonRow;
use entraide_store::audit::AuditEntry;
use serde::Deserialize;
use utoipa::IntoParams;

use super::me::PageParams;
use crate::auth::PlatformAdmin;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct PeopleParams {
    /// Part of a name, email or login.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/admin/people", tag = "administration", params(PeopleParams), responses((status = 200, body = [PersonRow]), (status = 403)))]
pub async fn people(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Query(params): Query<PeopleParams>,
) -> Result<Json<Vec<PersonRow>>, AppError> {
    let page = PageParams {
        page: params.page,
        per_page: params.per_page,
    }
    .page();
    Ok(Json(
        state
            .db
            .people(params.q.as_deref().unwrap_or(""), page)
            .await?
            .rows,
    ))
}

#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "administration", params(PageParams), responses((status = 200, body = [AuditEntry]), (status = 403)))]
pub async fn audit(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Query(params): Query<PageParams>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    Ok(Json(state.db.audit_entries(params.page()).await?.rows))
}

//! The platform administration: people, organisations and the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use entraide_store::Page;
use entraide_store::admin::PersonRow;
use entraide_store::audit::AuditEntry;
use entraide_store::orgs::Organisation;

use super::PageQuery;
use super::layout::{Base, Pager};
use crate::auth::PlatformAdmin;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "admin/dashboard.html")]
pub struct Dashboard {
    base: Base,
    people: i64,
    organisations: Vec<Organisation>,
    organisation_count: i64,
    jobs: entraide_store::jobs::JobCounts,
    pager: Pager,
}

pub async fn dashboard(
    State(state): State<AppState>,
    PlatformAdmin(me): PlatformAdmin,
    Query(query): Query<PageQuery>,
) -> Result<Dashboard, AppError> {
    let page = Page::new(query.page.unwrap_or(1), 50);
    let listing = state.db.organisations(page).await?;
    Ok(Dashboard {
        base: Base::new(&me.ctx, "admin-title"),
        people: state.db.count_people().await?,
        organisation_count: state.db.count_organisations().await?,
        jobs: state.db.job_counts().await?,
        pager: Pager::new("/admin?page=", page.number, listing.more),
        organisations: listing.rows,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/people.html")]
pub struct PeoplePage {
    base: Base,
    query: String,
    people: Vec<PersonRow>,
    pager: Pager,
}

pub async fn people(
    State(state): State<AppState>,
    PlatformAdmin(me): PlatformAdmin,
    Query(query): Query<PageQuery>,
) -> Result<PeoplePage, AppError> {
    let page = Page::new(query.page.unwrap_or(1), 50);
    let text = query.q.unwrap_or_default();
    let listing = state.db.people(&text, page).await?;
    let prefix = format!(
        "/admin/people?q={}&page=",
        url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
    );
    Ok(PeoplePage {
        base: Base::new(&me.ctx, "admin-people-title"),
        pager: Pager::new(prefix, page.number, listing.more),
        query: text,
        people: listing.rows,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    base: Base,
    entries: Vec<AuditEntry>,
    pager: Pager,
}

pub async fn audit(
    State(state): State<AppState>,
    PlatformAdmin(me): PlatformAdmin,
    Query(query): Query<PageQuery>,
) -> Result<AuditPage, AppError> {
    let page = Page::new(query.page.unwrap_or(1), 100);
    let listing = state.db.audit_entries(page).await?;
    Ok(AuditPage {
        base: Base::new(&me.ctx, "admin-audit-title"),
        pager: Pager::new("/admin/audit?page=", page.number, listing.more),
        entries: listing.rows,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/jobs.html")]
pub struct JobsPage {
    base: Base,
    counts: entraide_store::jobs::JobCounts,
    jobs: Vec<entraide_store::jobs::DeadJob>,
    pager: Pager,
}

/// Jobs waiting and dead letters, with a retry button for each.
pub async fn jobs(
    State(state): State<AppState>,
    PlatformAdmin(me): PlatformAdmin,
    Query(query): Query<PageQuery>,
) -> Result<JobsPage, AppError> {
    let page = Page::new(query.page.unwrap_or(1), 50);
    let listing = state.db.dead_jobs(page).await?;
    Ok(JobsPage {
        base: Base::new(&me.ctx, "admin-jobs-title"),
        counts: state.db.job_counts().await?,
        pager: Pager::new("/admin/jobs?page=", page.number, listing.more),
        jobs: listing.rows,
    })
}

pub async fn retry_job(
    State(state): State<AppState>,
    PlatformAdmin(me): PlatformAdmin,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<axum::response::Response, AppError> {
    crate::jobs::retry(&state, me.user.id, id).await?;
    Ok(super::see_other("/admin/jobs?done=job-retried"))
}

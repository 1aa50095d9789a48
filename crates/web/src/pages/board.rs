//! Pages of the local board: the posts reaching one's home, posting, a post
//! with its comments, merci, reporting, deleting one's own post after a
//! confirmation, and the moderators' queue.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use entraide_core::board::{PostInput, PostKind, RADII};
use entraide_store::board_moderation::BoardReport;

use super::layout::{Base, Pager};
use super::see_other;
use crate::api::neighbourhood::parse_action;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::board::{self, PostDetail, PostView};
use crate::services::board_moderation;
use crate::state::AppState;

fn link(id: i64) -> String {
    format!("/neighbourhood/posts/{id}")
}

#[derive(Template, WebTemplate)]
#[template(path = "neighbourhood/board.html")]
pub struct BoardPage {
    base: Base,
    form: FormView,
    kinds: &'static [PostKind],
    posts: Vec<PostView>,
    has_home: bool,
    moderator: bool,
    pager: Pager,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct BoardParams {
    post_kind: Option<String>,
    page: Option<i64>,
    kind: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<BoardParams>,
) -> Result<Response, AppError> {
    let kind = params.post_kind.clone().unwrap_or_default();
    let page = params.page.unwrap_or(1);
    let form = FormView::default().with("post_kind", kind.clone());
    let moderator = board_moderation::queue(&state, &me.user, 1).await.is_ok();
    let mut view = BoardPage {
        base: Base::new(&me.ctx, "board-title"),
        form: form.clone(),
        kinds: PostKind::ALL,
        posts: Vec::new(),
        has_home: me.user.home_cell.is_some(),
        moderator,
        pager: Pager::new(
            format!("/neighbourhood/board?post_kind={kind}&page="),
            page,
            false,
        ),
    };
    match board::board(&state, &me.user, Some(&kind), page, board::PER_PAGE).await {
        Ok(listing) => {
            view.posts = listing.rows;
            view.pager.has_next = listing.more;
            Ok(view.into_response())
        }
        Err(error @ AppError::Invalid(_)) => {
            view.form = form.with_error(&error, me.ctx.lang);
            Ok((error.status(), view).into_response())
        }
        Err(error) => Err(error),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "neighbourhood/new.html")]
pub struct NewPage {
    base: Base,
    form: FormView,
    kinds: &'static [PostKind],
    radii: Vec<(String, String)>,
    has_home: bool,
}

fn new_page(me: &SignedIn, form: FormView) -> NewPage {
    let lang = me.ctx.lang;
    NewPage {
        base: Base::new(&me.ctx, "board-new-title"),
        form,
        kinds: PostKind::ALL,
        radii: RADII
            .iter()
            .map(|r| (r.to_string(), lang.distance(*r)))
            .collect(),
        has_home: me.user.home_cell.is_some(),
    }
}

pub async fn new(me: SignedIn, Query(params): Query<BoardParams>) -> NewPage {
    let kind = params.kind.unwrap_or_else(|| "info".to_owned());
    let form = FormView::default()
        .with("post_kind", kind)
        .with("radius", "1000");
    new_page(&me, form)
}

pub async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    form: FormData,
) -> Result<Response, AppError> {
    let input = PostInput {
        kind: form.get("post_kind").into(),
        title: form.get("title").into(),
        body: form.get("body").into(),
        radius: form.get("radius").into(),
        event_date: form.get("event_date").into(),
        event_time: form.get("event_time").into(),
    };
    match board::create(&state, &me.user, &input).await {
        Ok(id) => Ok(see_other(&format!("{}?done=post-published", link(id)))),
        Err(error) => Ok(refuse(error, &form, me.ctx.lang, |view| {
            new_page(&me, view)
        })),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "neighbourhood/post.html")]
pub struct PostPage {
    base: Base,
    d: PostDetail,
    form: FormView,
}

async fn post_page(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    form: FormView,
) -> Result<PostPage, AppError> {
    let d = board::show(state, &me.user, id).await?;
    let title = if d.post.title.is_empty() {
        me.ctx.lang.t("post-hidden")
    } else {
        d.post.title.clone()
    };
    Ok(PostPage {
        base: Base::titled(&me.ctx, title),
        d,
        form,
    })
}

pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<PostPage, AppError> {
    post_page(&state, &me, id, FormView::default()).await
}

/// Shows the post again with the error of a refused form on it.
async fn refused(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    error: AppError,
    form: &FormData,
) -> Result<Response, AppError> {
    let page = post_page(state, me, id, FormView::default()).await?;
    Ok(refuse(error, form, me.ctx.lang, |form| PostPage {
        form,
        ..page
    }))
}

pub async fn comment(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    match board::comment(&state, &me.user, id, form.get("comment_body")).await {
        Ok(comment) => Ok(see_other(&format!(
            "{}?done=comment-sent#comment-{comment}",
            link(id)
        ))),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            refused(&state, &me, id, error, &form).await
        }
        Err(error) => Err(error),
    }
}

pub async fn thank(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    match board::thank(&state, &me.user, id).await {
        Ok(_) => Ok(see_other(&format!("{}?done=post-thanked", link(id)))),
        Err(error @ AppError::Conflict(_)) => refused(&state, &me, id, error, &form).await,
        Err(error) => Err(error),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "neighbourhood/report.html")]
pub struct ReportPage {
    base: Base,
    form: FormView,
    id: i64,
    comment: i64,
    quoted: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReportParams {
    comment: Option<i64>,
}

async fn report_page_for(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    comment: i64,
    form: FormView,
) -> Result<ReportPage, AppError> {
    let d = board::show(state, &me.user, id).await?;
    let quoted = if comment == 0 {
        d.post.body
    } else {
        d.comments
            .into_iter()
            .find(|c| c.id == comment)
            .map(|c| c.body)
            .ok_or(AppError::NotFound)?
    };
    Ok(ReportPage {
        base: Base::new(&me.ctx, "board-report-title"),
        form,
        id,
        comment,
        quoted,
    })
}

pub async fn report_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(params): Query<ReportParams>,
) -> Result<ReportPage, AppError> {
    let comment = params.comment.unwrap_or(0);
    report_page_for(&state, &me, id, comment, FormView::default()).await
}

pub async fn report(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let comment = form.get("comment").parse::<i64>().unwrap_or(0);
    match board_moderation::report(&state, &me.user, id, comment, form.get("reason")).await {
        Ok(_) => Ok(see_other(&format!("{}?done=post-reported", link(id)))),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let page = report_page_for(&state, &me, id, comment, FormView::default()).await?;
            Ok(refuse(error, &form, me.ctx.lang, |form| ReportPage {
                form,
                ..page
            }))
        }
        Err(error) => Err(error),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "neighbourhood/delete.html")]
pub struct DeletePage {
    base: Base,
    id: i64,
    title: String,
}

pub async fn delete_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<DeletePage, AppError> {
    let post = state.db.board_post(id).await?;
    if post.author_id != me.user.id {
        return Err(AppError::NotFound);
    }
    Ok(DeletePage {
        base: Base::new(&me.ctx, "post-delete-title"),
        id,
        title: post.title,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    board::delete(&state, &me.user, id).await?;
    Ok(see_other("/neighbourhood/board?done=post-deleted"))
}

pub async fn moderate(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let action = parse_action(form.get("action"))?;
    let comment = form.get("comment_id").parse::<i64>().unwrap_or(0);
    board_moderation::act(&state, &me.user, id, comment, action, form.get("comment")).await?;
    if form.get("back") == "reports" {
        Ok(see_other("/neighbourhood/reports?done=board-moderated"))
    } else {
        Ok(see_other(&format!("{}?done=board-moderated", link(id))))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "neighbourhood/reports.html")]
pub struct ReportsPage {
    base: Base,
    reports: Vec<BoardReport>,
    pager: Pager,
}

pub async fn reports(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<BoardParams>,
) -> Result<ReportsPage, AppError> {
    let page = params.page.unwrap_or(1);
    let listing = board_moderation::queue(&state, &me.user, page).await?;
    Ok(ReportsPage {
        base: Base::new(&me.ctx, "board-reports-title"),
        reports: listing.rows,
        pager: Pager::new("/neighbourhood/reports?page=", page, listing.more),
    })
}

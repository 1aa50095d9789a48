//! The local board for the pages and the API: posting around one's home,
//! reading what reaches one's home, comments, mercis and deleting one's own
//! posts. A post is seen by its author, by the people whose home it reaches
//! while it is on the board and not hidden, and by its moderators.

use entraide_core::board::{MAX_COMMENT, NewPost, PostInput, parse_text};
use entraide_core::geo::Point;
use entraide_core::notify::Kind;
use entraide_store::board::{BoardQuery, Comment, NewPost as StoredPost, Post, reaches};
use entraide_store::users::User;
use entraide_store::{Listing, Page, StoreError, now};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::board_moderation::moderates_post;
use crate::services::notifications::{Event, notify};
use crate::state::AppState;

/// Posts per page of the board.
pub const PER_PAGE: i64 = 20;

/// A post as one reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostView {
    pub id: i64,
    /// `info`, `question`, `lost-found`, `alert` or `event`.
    pub kind: String,
    pub title: String,
    /// Empty when hidden by moderation, except for its author and moderators.
    pub body: String,
    pub author_id: i64,
    pub author_name: String,
    /// Events: when it starts (Unix seconds).
    pub event_at: Option<i64>,
    /// Reach around the author's home, in metres.
    pub radius_m: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub hidden: bool,
    pub comments: i64,
    pub mercis: i64,
    /// The reader wrote it.
    pub mine: bool,
}

impl PostView {
    pub fn new(post: Post, reader: &User, may_read_hidden: bool) -> Self {
        let mine = post.author_id == reader.id;
        let hidden = post.hidden_at.is_some();
        Self {
            id: post.id,
            kind: post.kind,
            title: if hidden && !(mine || may_read_hidden) {
                String::new()
            } else {
                post.title
            },
            body: if hidden && !(mine || may_read_hidden) {
                String::new()
            } else {
                post.body
            },
            author_id: post.author_id,
            author_name: post.author_name,
            event_at: post.event_at,
            radius_m: post.radius_m,
            created_at: post.created_at,
            expires_at: post.expires_at,
            hidden,
            comments: post.comments,
            mercis: post.mercis,
            mine,
        }
    }
}

/// A comment as one reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// Empty when hidden by moderation (moderators still read it).
    pub body: String,
    pub created_at: i64,
    pub hidden: bool,
}

impl CommentView {
    fn new(comment: Comment, moderator: bool) -> Self {
        let hidden = comment.hidden_at.is_some();
        Self {
            id: comment.id,
            author_id: comment.author_id,
            author_name: comment.author_name,
            body: if hidden && !moderator {
                String::new()
            } else {
                comment.body
            },
            created_at: comment.created_at,
            hidden,
        }
    }
}

/// A post with its comments and what the reader may do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostDetail {
    pub post: PostView,
    pub comments: Vec<CommentView>,
    pub moderator: bool,
    /// The reader already said merci for it.
    pub thanked: bool,
}

/// A person's home, exact: only ever used for their own queries.
pub fn home(user: &User) -> Option<Point> {
    Some(Point {
        lat: user.home_lat?,
        lng: user.home_lng?,
    })
}

/// One page of the posts reaching the reader's home (none without a home).
pub async fn board(
    state: &AppState,
    user: &User,
    kind: Option<&str>,
    page: i64,
    per_page: i64,
) -> Result<Listing<PostView>, AppError> {
    let Some(home) = home(user) else {
        return Ok(Listing {
            rows: Vec::new(),
            more: false,
        });
    };
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some(
            entraide_core::board::PostKind::parse(k)
                .map_err(AppError::field)?
                .key(),
        ),
        None => None,
    };
    let query = BoardQuery {
        kind,
        upcoming_events: false,
    };
    let listing = state
        .db
        .board(home, query, Page::new(page, per_page))
        .await?;
    Ok(listing.map(|p| PostView::new(p, user, false)))
}

/// The events still to come around the reader's home, soonest first.
pub async fn events(state: &AppState, user: &User, limit: i64) -> Result<Vec<PostView>, AppError> {
    let Some(home) = home(user) else {
        return Ok(Vec::new());
    };
    let query = BoardQuery {
        kind: Some("event"),
        upcoming_events: true,
    };
    let listing = state.db.board(home, query, Page::new(1, limit)).await?;
    Ok(listing
        .rows
        .into_iter()
        .map(|p| PostView::new(p, user, false))
        .collect())
}

async fn refuse_if_suspended(state: &AppState, user: &User) -> Result<(), AppError> {
    if state.db.suspended_until(user.id).await?.is_some() {
        return Err(AppError::Conflict("account-suspended"));
    }
    Ok(())
}

/// Posts on the board around the author's home; returns the post's id.
pub async fn create(state: &AppState, user: &User, input: &PostInput) -> Result<i64, AppError> {
    let post = NewPost::parse(input, time::OffsetDateTime::now_utc()).map_err(AppError::Invalid)?;
    let Some(home_cell) = user.home_cell else {
        return Err(AppError::Conflict("home-needed"));
    };
    refuse_if_suspended(state, user).await?;
    let id = state
        .db
        .post_to_board(&StoredPost {
            author_id: user.id,
            kind: post.kind.key(),
            title: post.title.as_str(),
            body: &post.body,
            radius_m: post.radius_m,
            event_at: post.event_at,
            expires_at: post.expires_at,
            home_cell,
        })
        .await?;
    Ok(id)
}

/// A post the reader may see, and whether they moderate it; `NotFound`
/// otherwise (posts out of reach are not confirmed to exist).
pub async fn readable(state: &AppState, user: &User, id: i64) -> Result<(Post, bool), AppError> {
    let post = state.db.board_post(id).await?;
    if post.author_id == user.id {
        return Ok((post, false));
    }
    let moderator = moderates_post(state, user, post.id).await?;
    let on_board = post.hidden_at.is_none() && post.expires_at > now();
    let reached = home(user).is_some_and(|h| {
        reaches(
            Point {
                lat: post.lat,
                lng: post.lng,
            },
            post.radius_m,
            h,
        )
    });
    if moderator || (on_board && reached) {
        Ok((post, moderator))
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn show(state: &AppState, user: &User, id: i64) -> Result<PostDetail, AppError> {
    let (post, moderator) = readable(state, user, id).await?;
    let comments = state
        .db
        .post_comments(id)
        .await?
        .into_iter()
        .map(|c| CommentView::new(c, moderator))
        .collect();
    Ok(PostDetail {
        thanked: state.db.thanked_post(id, user.id).await?,
        post: PostView::new(post, user, moderator),
        comments,
        moderator,
    })
}

/// Deletes one's own post, its comments, reports and mercis' link.
pub async fn delete(state: &AppState, user: &User, id: i64) -> Result<(), AppError> {
    Ok(state.db.delete_board_post(id, user.id).await?)
}

/// Comments on a post one may see that is still on the board.
pub async fn comment(state: &AppState, user: &User, id: i64, body: &str) -> Result<i64, AppError> {
    let (post, _) = readable(state, user, id).await?;
    if post.hidden_at.is_some() || post.expires_at <= now() {
        return Err(AppError::Conflict("post-closed"));
    }
    let body = parse_text("comment_body", body, MAX_COMMENT).map_err(AppError::field)?;
    refuse_if_suspended(state, user).await?;
    Ok(state.db.comment_on_post(id, user.id, &body).await?)
}

/// Says merci for a post (a thanks to its author, within the daily
/// allowance); returns the thanks left today.
pub async fn thank(state: &AppState, user: &User, id: i64) -> Result<i64, AppError> {
    let (post, _) = readable(state, user, id).await?;
    if post.author_id == user.id {
        return Err(AppError::Conflict("thanks-self"));
    }
    let start = crate::services::thanks::day_start();
    match state.db.thank_post(user.id, &post, start).await {
        Ok(Some(_)) => {}
        Ok(None) => return Err(AppError::Conflict("thanks-allowance")),
        Err(StoreError::Conflict) => return Err(AppError::Conflict("already-thanked")),
        Err(other) => return Err(other.into()),
    }
    let subject: String = post.title.chars().take(80).collect();
    if let Err(error) = notify(
        state,
        &[post.author_id],
        Event {
            kind: Kind::Thanks,
            actor_id: Some(user.id),
            subject: &subject,
            link: format!("/neighbourhood/posts/{id}"),
            dedup: None,
            collapse: false,
        },
    )
    .await
    {
        tracing::error!(%error, "could not notify a merci");
    }
    Ok(state.db.thanks_left(user.id, start).await?)
}

//! The local board: posts reaching the homes within their radius of the
//! author's home cell, their comments and their mercis (thanks rows naming
//! the post). Reports and moderation live in [`crate::board_moderation`].

use entraide_core::board::MAX_RADIUS_M;
use entraide_core::geo::{Covering, Point, shown_position};
use serde::Serialize;

use crate::sql::{Arg, Clauses, bind_all};
use crate::{Db, Listing, Page, StoreError, now, one_row};

/// Columns of [`Post`], from `p` (posts) and `a` (authors).
const POST_COLUMNS: &str = "p.id, p.author_id, a.display_name AS author_name, p.kind, p.title, \
     p.body, p.event_at, p.radius_m, p.lat, p.lng, p.created_at, p.expires_at, p.hidden_at, \
     (SELECT COUNT(*) FROM board_comments c WHERE c.post_id = p.id AND c.hidden_at IS NULL) AS comments, \
     (SELECT COUNT(*) FROM thanks t WHERE t.post_id = p.id) AS mercis";

/// A post as stored. `lat` and `lng` are the centre of the author's home
/// cell, already approximate: nobody's home is stored with a post.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Post {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub event_at: Option<i64>,
    pub radius_m: i64,
    #[serde(skip)]
    pub lat: f64,
    #[serde(skip)]
    pub lng: f64,
    pub created_at: i64,
    pub expires_at: i64,
    pub hidden_at: Option<i64>,
    pub comments: i64,
    pub mercis: i64,
}

/// A comment under a post.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub hidden_at: Option<i64>,
}

/// A post to store.
pub struct NewPost<'a> {
    pub author_id: i64,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub radius_m: i64,
    pub event_at: Option<i64>,
    pub expires_at: i64,
    /// The author's home cell (resolution 9): the post is placed at its centre.
    pub home_cell: i64,
}

/// What part of the board to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct BoardQuery<'a> {
    /// Only this kind of post.
    pub kind: Option<&'a str>,
    /// Only events still to come, soonest first.
    pub upcoming_events: bool,
}

/// Squared planar distance between a post's centre (`p`) and a home, in the
/// units [`Point::lng_scale`] describes, both databases computing it alike.
fn reach_clause(c: &mut Clauses, home: Point) -> String {
    let lat = c.arg(Arg::Float(home.lat));
    let lng = c.arg(Arg::Float(home.lng));
    let scale = c.arg(Arg::Float(home.lng_scale()));
    format!(
        "((p.lat - {lat}) * (p.lat - {lat}) + (p.lng - {lng}) * {scale} * (p.lng - {lng}) * {scale}) \
         <= (p.radius_m * p.radius_m) / (111195.0 * 111195.0)"
    )
}

/// Whether a post placed at `centre` with `radius_m` reaches `home`, by the
/// same arithmetic as the board's query.
pub fn reaches(centre: Point, radius_m: i64, home: Point) -> bool {
    let scale = home.lng_scale();
    let d = (centre.lat - home.lat).powi(2) + ((centre.lng - home.lng) * scale).powi(2);
    d <= (radius_m as f64).powi(2) / (111_195.0 * 111_195.0)
}

impl Db {
    /// Stores a post at the centre of the author's home cell.
    pub async fn post_to_board(&self, post: &NewPost<'_>) -> Result<i64, StoreError> {
        let centre = shown_position(post.home_cell).ok_or(StoreError::NotFound)?;
        Ok(sqlx::query_scalar(
            "INSERT INTO board_posts (author_id, kind, title, body, event_at, radius_m, lat, lng, cell, \
             area, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             RETURNING id",
        )
        .bind(post.author_id)
        .bind(post.kind)
        .bind(post.title)
        .bind(post.body)
        .bind(post.event_at)
        .bind(post.radius_m)
        .bind(centre.lat)
        .bind(centre.lng)
        .bind(post.home_cell)
        .bind(centre.area())
        .bind(now())
        .bind(post.expires_at)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn board_post(&self, id: i64) -> Result<Post, StoreError> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM board_posts p JOIN users a ON a.id = p.author_id WHERE p.id = $1"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// One page of the posts reaching `home` that are still on the board
    /// and not hidden, newest first (events: soonest first). Only the area
    /// cells around the home are read.
    pub async fn board(
        &self,
        home: Point,
        query: BoardQuery<'_>,
        page: Page,
    ) -> Result<Listing<Post>, StoreError> {
        let Covering::Areas(areas) = home.covering(MAX_RADIUS_M as f64) else {
            return Ok(Listing {
                rows: Vec::new(),
                more: false,
            });
        };
        let mut c = Clauses::default();
        let list = c.list(&areas);
        c.push(format!("p.area IN ({list})"));
        let at = c.arg(Arg::Int(now()));
        c.push(format!("p.expires_at > {at}"));
        c.push("p.hidden_at IS NULL".to_owned());
        let reach = reach_clause(&mut c, home);
        c.push(reach);
        if let Some(kind) = query.kind {
            let k = c.arg(Arg::Text(kind.to_owned()));
            c.push(format!("p.kind = {k}"));
        }
        let order = if query.upcoming_events {
            c.push(format!("p.event_at IS NOT NULL AND p.event_at >= {at}"));
            "p.event_at, p.id"
        } else {
            "p.id DESC"
        };
        let limit = c.arg(Arg::Int(page.limit()));
        let offset = c.arg(Arg::Int(page.offset()));
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM board_posts p JOIN users a ON a.id = p.author_id{} \
             ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            c.where_sql()
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        let rows = bind_all!(query, &c.args).fetch_all(&self.pool).await?;
        Ok(Listing::cut(rows, page))
    }

    /// A person's own posts, newest first, expired and hidden ones included.
    pub async fn posts_of(&self, author: i64, page: Page) -> Result<Listing<Post>, StoreError> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM board_posts p JOIN users a ON a.id = p.author_id \
             WHERE p.author_id = $1 ORDER BY p.id DESC LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(author)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(Listing::cut(rows, page))
    }

    /// Deletes a post of `author`; `NotFound` for anyone else's.
    pub async fn delete_board_post(&self, id: i64, author: i64) -> Result<(), StoreError> {
        one_row(
            sqlx::query("DELETE FROM board_posts WHERE id = $1 AND author_id = $2")
                .bind(id)
                .bind(author)
                .execute(&self.pool)
                .await?,
        )
    }

    pub async fn comment_on_post(
        &self,
        post: i64,
        author: i64,
        body: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO board_comments (post_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(post)
        .bind(author)
        .bind(body)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// A post's comments, oldest first (at most 200).
    pub async fn post_comments(&self, post: i64) -> Result<Vec<Comment>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.post_id, c.author_id, u.display_name AS author_name, c.body, c.created_at, \
             c.hidden_at FROM board_comments c LEFT JOIN users u ON u.id = c.author_id \
             WHERE c.post_id = $1 ORDER BY c.id LIMIT 200",
        )
        .bind(post)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn board_comment(&self, id: i64) -> Result<Comment, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.post_id, c.author_id, u.display_name AS author_name, c.body, c.created_at, \
             c.hidden_at FROM board_comments c LEFT JOIN users u ON u.id = c.author_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Says merci for a post: a thanks to its author, within `from`'s daily
    /// allowance (counted since `day_start`), once per person and post.
    /// `None` when the allowance is spent; `Conflict` when already thanked.
    pub async fn thank_post(
        &self,
        from: i64,
        post: &Post,
        day_start: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO thanks (from_id, to_id, message, post_id, created_at) \
             SELECT $1, $2, '', $3, $4 WHERE (SELECT COUNT(*) FROM thanks WHERE from_id = $1 AND created_at >= $5) < $6 \
             RETURNING id",
        )
        .bind(from)
        .bind(post.author_id)
        .bind(post.id)
        .bind(now())
        .bind(day_start)
        .bind(crate::thanks::DAILY_ALLOWANCE)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Whether `from` already said merci for `post`.
    pub async fn thanked_post(&self, post: i64, from: i64) -> Result<bool, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM thanks WHERE post_id = $1 AND from_id = $2")
                .bind(post)
                .bind(from)
                .fetch_one(&self.pool)
                .await?;
        Ok(count > 0)
    }
}

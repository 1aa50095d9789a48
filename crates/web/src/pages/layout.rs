//! What every page shares: the language, the signed-in person's name, the
//! language switch and the notice after an action; plus the error page.

use askama::Template;
use askama_web::WebTemplate;

use crate::auth::Ctx;
use crate::i18n::Lang;

/// The frame around every page.
pub struct Base {
    pub lang: Lang,
    pub title: String,
    pub user_name: Option<String>,
    pub user_id: i64,
    pub is_admin: bool,
    pub pending_deletion: bool,
    /// Translated notice shown once after a redirect (`?done=…`).
    pub notice: Option<String>,
    /// Where the language switch brings people back, URL-encoded.
    pub here: String,
    pub counts: crate::services::notifications::Counts,
}

impl Base {
    /// `title_key` names the page title in the `.ftl` files.
    pub fn new(ctx: &Ctx, title_key: &str) -> Self {
        Self::titled(ctx, ctx.lang.t(title_key))
    }

    pub fn titled(ctx: &Ctx, title: String) -> Self {
        let notice = url::Url::parse(&format!("http://x{}", ctx.path))
            .ok()
            .and_then(|u| {
                u.query_pairs()
                    .find(|(k, _)| k == "done")
                    .map(|(_, v)| v.into_owned())
            })
            .and_then(|key| ctx.lang.try_t(&format!("done-{key}")));
        Self {
            lang: ctx.lang,
            title,
            user_name: ctx.user.as_ref().map(|u| u.display_name.clone()),
            user_id: ctx.user_id().unwrap_or(0),
            is_admin: ctx.user.as_ref().is_some_and(|u| u.platform_admin),
            pending_deletion: ctx
                .user
                .as_ref()
                .is_some_and(|u| u.deletion_requested_at.is_some()),
            notice,
            here: url::form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect(),
            counts: ctx.counts,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        self.lang.t_with(key, &[(name, value.to_owned())])
    }

    /// A sentence about a number, in the right plural form.
    pub fn tn(&self, key: &str, count: &i64) -> String {
        self.lang.t_count(key, *count, &[])
    }

    /// Like [`Base::tn`], with one more named argument.
    pub fn tn1(&self, key: &str, count: &i64, name: &'static str, value: &str) -> String {
        self.lang.t_count(key, *count, &[(name, value.to_owned())])
    }

    pub fn label(&self, prefix: &str, key: &str) -> String {
        self.lang.label(prefix, key)
    }

    /// A distance as people say it («800 m», «1,2 km»).
    pub fn distance(&self, metres: &i64) -> String {
        self.lang.distance(*metres)
    }

    /// A stored day (`YYYY-MM-DD`) the way this language writes days.
    pub fn day(&self, day: &str) -> String {
        self.lang.day(day)
    }

    pub fn date(&self, unix: &i64) -> String {
        self.lang.date(*unix)
    }

    /// A moment as read on a clock in France (events are set in French time).
    pub fn local_date(&self, unix: &i64) -> String {
        let offset = time::OffsetDateTime::from_unix_timestamp(*unix)
            .map(|at| i64::from(entraide_core::notify::paris_offset(at).whole_seconds()))
            .unwrap_or(0);
        self.lang.date(*unix + offset)
    }

    /// The other language, for the switch.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub base: Base,
    pub status: u16,
    pub message: String,
}

impl ErrorPage {
    pub fn new(ctx: &Ctx, status: u16, message: String) -> Self {
        Self {
            base: Base::new(ctx, "error-title"),
            status,
            message,
        }
    }
}

/// Previous / next links of a paginated list.
pub struct Pager {
    pub page: i64,
    pub has_next: bool,
    /// The list's path with its other query parameters, ending in `page=`.
    pub prefix: String,
}

impl Pager {
    pub fn new(prefix: impl Into<String>, page: i64, has_next: bool) -> Self {
        Self {
            page,
            has_next,
            prefix: prefix.into(),
        }
    }
}

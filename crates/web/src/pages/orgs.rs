//! Organisation pages: list, create, edit, members and roles, invitations,
//! registering people without email, and CSV export / import.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use entraide_core::authz::{Action, Actor, allows};
use entraide_core::credentials::token_digest;
use entraide_core::role::{OrgKind, OrgRole};
use entraide_store::Page;
use entraide_store::orgs::Organisation;

use super::layout::{Base, Pager};
use super::{PageQuery, see_other};
use crate::auth::{Ctx, SignedIn};
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::members_csv::{self, ImportReport};
use crate::services::orgs::{self, Handout, OrgInput, RegisterInput, require};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "orgs/list.html")]
pub struct ListPage {
    base: Base,
    mine: Vec<(Organisation, String)>,
    all: Vec<Organisation>,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<ListPage, AppError> {
    let page = Page::new(query.page.unwrap_or(1), 50);
    let listing = state.db.organisations(page).await?;
    Ok(ListPage {
        base: Base::new(&me.ctx, "orgs-title"),
        mine: state.db.memberships_of(me.user.id).await?,
        pager: Pager::new("/orgs?page=", page.number, listing.more),
        all: listing.rows,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/form.html")]
pub struct OrgFormPage {
    base: Base,
    form: FormView,
    kinds: &'static [OrgKind],
    /// `None` when creating.
    org_id: Option<i64>,
}

pub async fn new_page(me: SignedIn) -> OrgFormPage {
    OrgFormPage {
        base: Base::new(&me.ctx, "org-new-title"),
        form: FormView::default().with("kind", "association"),
        kinds: OrgKind::ALL,
        org_id: None,
    }
}

pub async fn create(State(state): State<AppState>, me: SignedIn, form: FormData) -> Response {
    match orgs::create(&state, &me.user, &OrgInput::from_form(&form)).await {
        Ok(id) => see_other(&format!("/orgs/{id}?done=org-created")),
        Err(error) => refuse(error, &form, me.ctx.lang, |form| OrgFormPage {
            base: Base::new(&me.ctx, "org-new-title"),
            form,
            kinds: OrgKind::ALL,
            org_id: None,
        }),
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<OrgFormPage, AppError> {
    require(&state, &me.user, id, Action::EditOrganisation).await?;
    let org = state.db.organisation(id).await?;
    let form = FormView::default()
        .with("name", org.name)
        .with("kind", org.kind)
        .with("description", org.description);
    Ok(OrgFormPage {
        base: Base::new(&me.ctx, "org-edit-title"),
        form,
        kinds: OrgKind::ALL,
        org_id: Some(id),
    })
}

pub async fn edit(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    match orgs::update(&state, &me.user, id, &OrgInput::from_form(&form)).await {
        Ok(()) => see_other(&format!("/orgs/{id}?done=org-saved")),
        Err(error) => refuse(error, &form, me.ctx.lang, |form| OrgFormPage {
            base: Base::new(&me.ctx, "org-edit-title"),
            form,
            kinds: OrgKind::ALL,
            org_id: Some(id),
        }),
    }
}

/// What the viewer may do in an organisation, for showing the right buttons.
pub(super) struct Rights {
    pub role: Option<String>,
    pub view_members: bool,
    pub invite: bool,
    pub manage: bool,
    pub accompany: bool,
    pub contacts: bool,
    pub coordinate: bool,
}

pub(super) async fn rights(
    state: &AppState,
    me: &SignedIn,
    org_id: i64,
) -> Result<Rights, AppError> {
    let role = state.db.role_in(org_id, me.user.id).await?;
    let actor = Actor {
        platform_admin: me.user.platform_admin,
        org_role: role.as_deref().and_then(|r| OrgRole::parse(r).ok()),
    };
    Ok(Rights {
        view_members: allows(actor, Action::ViewMembers),
        invite: allows(actor, Action::InviteMembers),
        manage: allows(actor, Action::ManageRoles),
        accompany: allows(actor, Action::AccompanyPeople),
        contacts: allows(actor, Action::ViewContacts),
        coordinate: allows(actor, Action::CoordinateVisits),
        role,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/show.html")]
pub struct ShowPage {
    base: Base,
    org: Organisation,
    rights: Rights,
    programmes: Vec<entraide_store::programmes::Programme>,
    /// The viewer belongs to the team and may open its conversation.
    conversation: bool,
}

pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let org = state.db.organisation(id).await?;
    let rights = rights(&state, &me, id).await?;
    let conversation = crate::services::conversations::may_open(
        &state,
        &me.user,
        entraide_store::conversations::Group::Team(id),
    )
    .await?;
    Ok(ShowPage {
        base: Base::titled(&me.ctx, org.name.clone()),
        org,
        rights,
        programmes: state.db.programmes_of(id).await?,
        conversation,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/register.html")]
pub struct RegisterPage {
    base: Base,
    org: Organisation,
    form: FormView,
}

pub async fn register_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<RegisterPage, AppError> {
    require(&state, &me.user, id, Action::AccompanyPeople).await?;
    let org = state.db.organisation(id).await?;
    Ok(RegisterPage {
        base: Base::new(&me.ctx, "register-title"),
        org,
        form: FormView::default().with("language", "fr"),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/handout.html")]
pub struct HandoutPage {
    base: Base,
    handout: Handout,
    /// The handout is written in the person's language, not the worker's.
    person_lang: crate::i18n::Lang,
}

impl HandoutPage {
    fn heading(&self) -> String {
        self.person_lang.t_with(
            "handout-heading",
            &[("name", self.handout.display_name.clone())],
        )
    }
    /// The number as the person writes it.
    fn phone(&self) -> Option<String> {
        self.handout
            .phone
            .as_deref()
            .map(entraide_core::notify::phone_as_written)
    }
    fn how(&self) -> String {
        self.person_lang
            .t_with("handout-how", &[("url", self.handout.sign_in_url.clone())])
    }
}

pub async fn register(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let input = RegisterInput {
        display_name: form.get("display_name").into(),
        birth_year: form.get("birth_year").into(),
        phone: form.get("phone").into(),
        language: form.get("language").into(),
    };
    match orgs::register_person(&state, &me.user, id, &input).await {
        Ok(handout) => {
            let person_lang = crate::i18n::Lang::from_code(&handout.language).unwrap_or_default();
            HandoutPage {
                base: Base::new(&me.ctx, "handout-title"),
                handout,
                person_lang,
            }
            .into_response()
        }
        Err(error) => match state.db.organisation(id).await {
            Ok(org) => refuse(error, &form, me.ctx.lang, |form| RegisterPage {
                base: Base::new(&me.ctx, "register-title"),
                org,
                form,
            }),
            Err(other) => AppError::from(other).into_response(),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/import.html")]
pub struct ImportPage {
    base: Base,
    org: Organisation,
    report: Option<ImportReport>,
    form: FormView,
}

pub async fn import_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<ImportPage, AppError> {
    require(&state, &me.user, id, Action::ExportImportMembers).await?;
    let org = state.db.organisation(id).await?;
    Ok(ImportPage {
        base: Base::new(&me.ctx, "import-title"),
        org,
        report: None,
        form: FormView::default(),
    })
}

/// Reads the uploaded CSV (or pasted text) and the chosen mode.
async fn import_fields(mut multipart: Multipart) -> Result<(String, bool), AppError> {
    let (mut text, mut apply) = (String::new(), false);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Malformed)?
    {
        match field.name() {
            Some("file") | Some("text") => {
                let bytes = field.bytes().await.map_err(|_| AppError::Malformed)?;
                if !bytes.is_empty() {
                    text = String::from_utf8_lossy(&bytes).into_owned();
                }
            }
            Some("mode") => apply = field.text().await.map_err(|_| AppError::Malformed)? == "apply",
            _ => {}
        }
    }
    Ok((text, apply))
}

pub async fn import(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    require(&state, &me.user, id, Action::ExportImportMembers).await?;
    let org = state.db.organisation(id).await?;
    let (text, apply) = import_fields(multipart).await?;
    let base = Base::new(&me.ctx, "import-title");
    match members_csv::import(&state, &me.user, me.ctx.lang, id, &text, !apply).await {
        Ok(report) => Ok(ImportPage {
            base,
            org,
            report: Some(report),
            form: FormView::default(),
        }
        .into_response()),
        Err(error @ (AppError::Conflict(_) | AppError::Malformed)) => {
            let form = FormView::default().with_error(&error, me.ctx.lang);
            Ok((
                error.status(),
                ImportPage {
                    base,
                    org,
                    report: None,
                    form,
                },
            )
                .into_response())
        }
        Err(error) => Err(error),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/join.html")]
pub struct JoinPage {
    base: Base,
    org: Organisation,
    token: String,
    signed_in: bool,
}

pub async fn join_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<JoinPage, AppError> {
    let invitation = state
        .db
        .invitation(&token_digest(&token))
        .await
        .map_err(|_| AppError::Conflict("link-expired"))?;
    let org = state.db.organisation(invitation.org_id).await?;
    Ok(JoinPage {
        base: Base::titled(
            &ctx,
            ctx.lang.t_with("join-title", &[("org", org.name.clone())]),
        ),
        org,
        token,
        signed_in: ctx.user.is_some(),
    })
}

pub async fn join(
    State(state): State<AppState>,
    me: SignedIn,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let org = orgs::accept_invitation(&state, &me.user, &token).await?;
    Ok(see_other(&format!("/orgs/{org}?done=joined")))
}

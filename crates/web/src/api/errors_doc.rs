//! The refusals every API operation may answer, added to the OpenAPI
//! description in one place: each operation's own annotation documents the
//! answers particular to it, and the shared layers (body readers, bearer
//! check, roles, size limit) can refuse any of them the same way.

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

/// Name of the error body's schema in the description's components.
const ERROR_SCHEMA: &str = "Error";

/// Operations anyone may call without a token, and whether they are rate
/// limited per address (guessable secrets, and what sends mail).
const PUBLIC: [(&str, bool); 6] = [
    ("/api/v1/signup", true),
    ("/api/v1/login", true),
    ("/api/v1/login/pin", true),
    ("/api/v1/password/forgot", true),
    ("/api/v1/password/reset", false),
    ("/api/v1/verify", false),
];

pub struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let error = ObjectBuilder::new()
            .property(
                "error",
                ObjectBuilder::new()
                    .property("code", text())
                    .property("message", text())
                    .property(
                        "fields",
                        ObjectBuilder::new()
                            .additional_properties(Some(AdditionalProperties::RefOr(text().into())))
                            .description(Some("The refused fields, each with its reason.")),
                    )
                    .required("code")
                    .required("message")
                    .required("fields"),
            )
            .required("error");
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .schemas
            .insert(ERROR_SCHEMA.to_owned(), error.into());
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = PUBLIC.iter().find(|(p, _)| p == path).map(|(_, l)| *l);
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                add(operation, public);
            }
        }
    }
}

/// Adds the shared refusals `operation` does not document itself; a public
/// operation (`Some(rate limited)`) also says it needs no token.
fn add(operation: &mut Operation, public: Option<bool>) {
    if public.is_some() {
        operation.security = Some(Vec::new());
    }
    let has = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == place)
    };
    let (in_path, in_query) = (has(ParameterIn::Path), has(ParameterIn::Query));
    let body = operation.request_body.is_some();
    let mut shared = vec![(
        "400",
        "Unreadable request: a body, path or query that does not parse",
    )];
    // A token that is wrong is refused even where none is needed.
    shared.push(("401", "Missing, wrong or expired bearer token"));
    match public {
        None => shared.push(("403", "Not allowed for this account or role")),
        Some(true) => shared.push(("429", "Too many attempts; try again later")),
        Some(false) => {}
    }
    if in_path {
        shared.push(("404", "Not found, or not visible to this account"));
    }
    if body {
        shared.push(("413", "Request body too large"));
    }
    if body || in_query {
        shared.push(("422", "Invalid fields, each with its reason"));
    }
    if body {
        shared.push(("408", "The body did not arrive in time"));
    }
    shared.push((
        "503",
        "Busy, or the database or document store is not answering; nothing \
         was changed. Retry after the seconds in `Retry-After`",
    ));
    for (status, description) in shared {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content(
                            "application/json",
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name(ERROR_SCHEMA)))
                                .build(),
                        )
                        .build(),
                )
            });
    }
}

//! Reading submitted forms and showing them back with their errors.
//! Forms are read into a multimap (checkbox groups repeat a name), so a
//! missing field is an empty value that validation reports, not a crash.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use entraide_core::error::Errors;

use crate::error::{AppError, field_message};
use crate::i18n::Lang;

/// A submitted `application/x-www-form-urlencoded` body.
#[derive(Debug, Default, Clone)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn parse(body: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(AppError::Malformed);
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|e| AppError::from_rejection(e.status()))?;
        Ok(Self::parse(&body))
    }
}

/// A JSON body whose syntax errors become a JSON 400 error.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|j| Self(j.0))
            .map_err(|e| AppError::from_rejection(e.status()))
    }
}

/// A form as shown back to a person: what they typed and what was wrong.
#[derive(Debug, Default, Clone)]
pub struct FormView {
    values: HashMap<String, Vec<String>>,
    errors: Vec<(String, String)>,
    /// A message about the whole form (wrong credentials, conflicts…).
    pub alert: Option<String>,
}

impl FormView {
    /// Shows back the submitted values (never passwords or PINs).
    pub fn from_data(data: &FormData) -> Self {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in &data.0 {
            if !matches!(
                k.as_str(),
                "password" | "pin" | "new_password" | "current_password"
            ) {
                values.entry(k.clone()).or_default().push(v.clone());
            }
        }
        Self {
            values,
            ..Self::default()
        }
    }

    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.values.insert(name.to_owned(), vec![value.into()]);
        self
    }

    pub fn with_all(mut self, name: &str, values: Vec<String>) -> Self {
        self.values.insert(name.to_owned(), values);
        self
    }

    /// Records the error for the form: field errors go beside their field,
    /// anything else becomes the alert.
    pub fn with_error(mut self, error: &AppError, lang: Lang) -> Self {
        match error {
            AppError::Invalid(Errors(list)) => {
                for e in list {
                    let label = lang.t(&format!("field-{}", e.field.replace('_', "-")));
                    let message = field_message(lang, e);
                    let text =
                        lang.t_with("field-error", &[("label", label), ("message", message)]);
                    self.errors.push((e.field.to_owned(), text));
                }
            }
            other => self.alert = Some(other.message(lang)),
        }
        self
    }

    pub fn value(&self, name: &str) -> &str {
        self.values
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn checked(&self, name: &str, value: &str) -> bool {
        self.values
            .get(name)
            .is_some_and(|v| v.iter().any(|x| x == value))
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
    }

    pub fn errors(&self) -> &[(String, String)] {
        &self.errors
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.alert.is_some()
    }
}

/// Answers a refused form: the same page again with the errors and the
/// right status, or the error itself when it is not about the form
/// (missing rights, server failure).
pub fn refuse<P: axum::response::IntoResponse>(
    error: AppError,
    form: &FormData,
    lang: Lang,
    page: impl FnOnce(FormView) -> P,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    match error {
        AppError::Internal(_)
        | AppError::Unauthorized
        | AppError::Forbidden
        | AppError::NotFound => error.into_response(),
        error => {
            let view = FormView::from_data(form).with_error(&error, lang);
            (error.status(), page(view)).into_response()
        }
    }
}

//! The sandbox's open-banking error answers, in the standard's shape: `Code`, `Message` and
//! `Errors` with each `ErrorCode`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::bank::openbanking::wire::{ErrorItem, ErrorResponse};

pub(super) fn not_found(consent_id: &str) -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        "UK.OBIE.Resource.NotFound",
        &format!("consent {consent_id} does not exist"),
    )
}

pub(super) fn field_refusal(message: &str, path: &str) -> Response {
    let body = ErrorResponse {
        code: Some("400 BadRequest".into()),
        message: Some("the request is invalid".into()),
        errors: vec![ErrorItem {
            error_code: "UK.OBIE.Field.Invalid".into(),
            message: message.into(),
            path: Some(path.into()),
        }],
    };
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

pub(super) fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = ErrorResponse {
        code: Some(status.to_string()),
        message: Some(message.into()),
        errors: vec![ErrorItem {
            error_code: code.into(),
            message: message.into(),
            path: None,
        }],
    };
    (status, Json(body)).into_response()
}

//! Files a page or the API hands over (a printed plan, a statistics report or workbook): laid
//! out off the threads that answer requests, and sent under a name that says what they are.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The document's PDF, laid out on a blocking thread (it is processor work); `None` when the
/// layout task died.
pub async fn rendered(doc: mnir_pdf::Document) -> Option<Vec<u8>> {
    tokio::task::spawn_blocking(move || mnir_pdf::render(&doc))
        .await
        .ok()
}

/// How the browser is asked to treat a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Shown in the browser when it can (a PDF).
    Inline,
    /// Saved (a spreadsheet).
    Attachment,
}

/// `bytes` as an answer of `content_type`, named `name` (which the caller makes from codes and
/// numbers, so it needs no quoting).
pub fn file(
    content_type: &'static str,
    disposition: Disposition,
    name: &str,
    bytes: Vec<u8>,
) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let how = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    if let Ok(value) = HeaderValue::from_str(&format!("{how}; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub const PDF: &str = "application/pdf";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV: &str = "text/csv; charset=utf-8";

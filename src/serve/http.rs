//! The preview server's HTTP side: files from memory, the live-reload script and the
//! Server-Sent Events stream at `/__zhiku/events`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::{Notice, Shared};

/// Where the browser listens for rebuilds.
pub const EVENTS_PATH: &str = "/__zhiku/events";
const SCRIPT_PATH: &str = "/__zhiku/livereload.js";
const SCRIPT: &str = include_str!("livereload.js");

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(script))
        .fallback(file)
        .with_state(shared)
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
        .into_response()
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let snapshot = shared.current();
    let hello = serde_json::json!({"server": shared.server_id, "error": snapshot.error});
    let first = tokio_stream::once(Ok(Event::default().event("hello").data(hello.to_string())));
    let rest = BroadcastStream::new(shared.notices.subscribe())
        // The stream (and with it the connection) ends when the server stops.
        .take_while(|n| !matches!(n, Ok(Notice::Shutdown)))
        .filter_map(|n| match n {
            Ok(Notice::Reload(paths)) => Some(Ok(Event::default()
                .event("reload")
                .data(serde_json::to_string(&paths).unwrap_or_default()))),
            Ok(Notice::Error(text)) => Some(Ok(Event::default().event("error").data(text))),
            Ok(Notice::Shutdown) | Err(_) => None,
        });
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Decode `%XX` escapes; `None` for malformed escapes or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let v = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The output path a request path names, or `None` if it tries to leave the site
/// (`..`, encoded or not, backslashes, NUL, empty segments used as absolute paths).
pub fn clean_path(raw: &str) -> Option<String> {
    let decoded = percent_decode(raw)?;
    if decoded.contains(['\\', '\0']) || !decoded.starts_with('/') || decoded.starts_with("//") {
        return None;
    }
    let rel = &decoded[1..];
    if rel.split('/').any(|seg| seg == ".." || seg == ".") {
        return None;
    }
    Some(rel.to_string())
}

fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn respond(status: StatusCode, path: &str, bytes: &[u8], head: bool) -> Response {
    let ct = content_type(path);
    let body = if ct.starts_with("text/html") {
        inject(bytes)
    } else {
        bytes.to_vec()
    };
    let len = body.len();
    let mut res = if head {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(body))
    };
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    res
}

async fn file(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
    }
    let head = method == Method::HEAD;
    let snap = shared.current();
    let Some(rel) = clean_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let base = snap.base_path.trim_start_matches('/');
    let rel = rel.strip_prefix(base).unwrap_or(&rel).to_string();
    let files = &snap.files;
    if let Some(bytes) = files
        .get(&rel)
        .filter(|_| !rel.is_empty() && !rel.ends_with('/'))
    {
        return respond(StatusCode::OK, &rel, bytes, head);
    }
    let index = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        format!("{rel}/index.html")
    };
    if let Some(bytes) = files.get(&index) {
        if !rel.is_empty() && !rel.ends_with('/') {
            let location = format!("{}/", uri.path());
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::MOVED_PERMANENTLY;
            if let Ok(v) = HeaderValue::from_str(&location) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            return res;
        }
        return respond(StatusCode::OK, &index, bytes, head);
    }
    match files.get("404.html") {
        Some(bytes) => respond(StatusCode::NOT_FOUND, "404.html", bytes, head),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(
            clean_path("/cases/%E5%A4%A9%E6%B4%A5/").as_deref(),
            Some("cases/天津/")
        );
        assert_eq!(clean_path("/").as_deref(), Some(""));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2E%2E/x",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "//etc/passwd",
            "/a/%00",
            "/%ff",
            "/./x",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn script_is_injected_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(
            out.ends_with("<script src=\"/__zhiku/livereload.js\"></script></body></html>"),
            "{out}"
        );
    }
}

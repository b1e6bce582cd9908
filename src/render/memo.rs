//! Incremental rendering for `serve`: what each output was made from, so that a rebuild
//! renders again only the outputs whose inputs changed.
//!
//! An output's *fingerprint* is a hash of everything its template sees: the template set
//! (every template's name and text, so a change to any of them renders everything again),
//! the template's name and the whole context (`page`, `section`, `paginator`, `config`,
//! `nav`, …). Templates can also read other data through functions (`get_page`,
//! `get_section`, `get_taxonomy`, `get_url`): every call made while rendering is recorded
//! with a hash of its result, and the output is reused only if each call still gives the
//! same result. So a one-page edit renders again that page and exactly the outputs whose
//! data include it (listings, term pages, feeds, neighbours' prev/next, related lists,
//! backlinks), and nothing else.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use serde_json::Value;

/// A function call a template made: function name, arguments (as JSON) and a hash of the
/// result (errors hash as their message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    pub function: &'static str,
    pub args: String,
    pub result: u64,
}

/// What one output was made from.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub fingerprint: u64,
    pub calls: Vec<Call>,
}

/// Fingerprints of a build's outputs, by output path.
#[derive(Debug, Default)]
pub struct Memo {
    pub(crate) entries: HashMap<String, Entry>,
    /// Output paths this build rendered (or copied) rather than kept, sorted.
    pub rendered: Vec<String>,
}

/// How a rebuild used the memo.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Outputs produced (rendered, read or generated).
    pub rendered: usize,
    /// Outputs whose previous bytes were reused.
    pub reused: usize,
}

/// The memo being filled by a build, shared by the render threads.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub entries: Mutex<HashMap<String, Entry>>,
    /// Result hashes of calls already checked in this build: a `get_taxonomy` used by every
    /// page is evaluated once, not once per page.
    pub checked: Mutex<HashMap<(&'static str, String), u64>>,
    pub rendered: Mutex<Vec<String>>,
}

impl Recorder {
    pub(crate) fn into_memo(self) -> Memo {
        let mut rendered = self.rendered.into_inner().unwrap_or_default();
        rendered.sort();
        Memo {
            entries: self.entries.into_inner().unwrap_or_default(),
            rendered,
        }
    }
}

/// What an incremental render works with, lent from [`crate::state::State`]: the previous
/// build's memo and the search index's kept tokens.
pub struct Incremental<'a> {
    pub(crate) previous: &'a Memo,
    pub(crate) search: &'a mut crate::search::SearchCache,
}

impl<'a> Incremental<'a> {
    pub(crate) fn new(previous: &'a Memo, search: &'a mut crate::search::SearchCache) -> Self {
        Incremental { previous, search }
    }
}

/// The renderer's incremental state during one build: the previous memo to reuse from, the
/// one being recorded, and the search cache.
pub(super) struct Reuse<'a> {
    previous: &'a Memo,
    recorder: Recorder,
    pub(super) search: Mutex<&'a mut crate::search::SearchCache>,
}

impl<'a> Reuse<'a> {
    pub(super) fn new(previous: &'a Memo, search: &'a mut crate::search::SearchCache) -> Self {
        Reuse {
            previous,
            recorder: Recorder::default(),
            search: Mutex::new(search),
        }
    }

    /// Can the previous build's output at `path` be kept: same fingerprint, and every
    /// function call its template made still gives the same result?
    pub(super) fn reusable(
        &self,
        path: &str,
        fingerprint: u64,
        tables: &std::sync::Arc<super::functions::Tables>,
    ) -> bool {
        let Some(entry) = self.previous.entries.get(path) else {
            return false;
        };
        let recorder = &self.recorder;
        entry.fingerprint == fingerprint
            && entry.calls.iter().all(|call| {
                let key = (call.function, call.args.clone());
                let known = recorder
                    .checked
                    .lock()
                    .ok()
                    .and_then(|m| m.get(&key).copied());
                let now = known.unwrap_or_else(|| {
                    let args = args_from_key(&call.args);
                    let h = result_hash(&super::functions::eval(tables, call.function, &args));
                    if let Ok(mut m) = recorder.checked.lock() {
                        m.insert(key, h);
                    }
                    h
                });
                now == call.result
            })
    }

    /// The function calls the previous build recorded for `path` (kept with its output).
    pub(super) fn previous_calls(&self, path: &str) -> Vec<Call> {
        self.previous
            .entries
            .get(path)
            .map(|e| e.calls.clone())
            .unwrap_or_default()
    }

    /// Record what the output at `path` was made from.
    pub(super) fn remember(&self, path: &str, fingerprint: u64, calls: Vec<Call>) {
        if let Ok(mut m) = self.recorder.entries.lock() {
            m.insert(path.to_string(), Entry { fingerprint, calls });
        }
    }

    /// Record that `path` was rendered rather than kept.
    pub(super) fn rendered(&self, path: &str) {
        if let Ok(mut list) = self.recorder.rendered.lock() {
            list.push(path.to_string());
        }
    }

    pub(super) fn into_memo(self) -> Memo {
        self.recorder.into_memo()
    }
}

thread_local! {
    /// The calls of the output being rendered on this thread, while one is.
    static CALLS: RefCell<Option<Vec<Call>>> = const { RefCell::new(None) };
}

/// Start recording function calls on this thread.
pub(crate) fn start_recording() {
    CALLS.with(|c| *c.borrow_mut() = Some(Vec::new()));
}

/// Stop recording and return the calls made since [`start_recording`].
pub(crate) fn stop_recording() -> Vec<Call> {
    CALLS.with(|c| c.borrow_mut().take()).unwrap_or_default()
}

/// Record a call (when recording) and return its result unchanged.
pub(crate) fn record(
    function: &'static str,
    args: &HashMap<String, Value>,
    result: tera::Result<Value>,
) -> tera::Result<Value> {
    CALLS.with(|c| {
        if let Some(calls) = c.borrow_mut().as_mut() {
            calls.push(Call {
                function,
                args: args_key(args),
                result: result_hash(&result),
            });
        }
    });
    result
}

/// The arguments of a call, as a stable string (sorted keys).
pub(crate) fn args_key(args: &HashMap<String, Value>) -> String {
    let sorted: std::collections::BTreeMap<&String, &Value> = args.iter().collect();
    serde_json::to_string(&sorted).unwrap_or_default()
}

/// The arguments back from [`args_key`].
pub(crate) fn args_from_key(key: &str) -> HashMap<String, Value> {
    serde_json::from_str(key).unwrap_or_default()
}

pub(crate) fn result_hash(result: &tera::Result<Value>) -> u64 {
    let mut h = crate::fingerprint::hasher();
    match result {
        Ok(v) => {
            0u8.hash(&mut h);
            h.write_u64(crate::fingerprint::of_json(v));
        }
        Err(e) => {
            1u8.hash(&mut h);
            e.to_string().hash(&mut h);
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn calls_are_recorded_only_while_recording() {
        let args = HashMap::from([("path".to_string(), json!("cases/a.md"))]);
        let _ = record("get_page", &args, Ok(json!({"title": "甲"})));
        start_recording();
        let r = record("get_page", &args, Ok(json!({"title": "甲"})));
        assert_eq!(r.ok(), Some(json!({"title": "甲"})));
        let _ = record("get_url", &args, Err(tera::Error::msg("no such page")));
        let calls = stop_recording();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].function, "get_page");
        assert_eq!(args_from_key(&calls[0].args), args);
        assert_ne!(calls[0].result, calls[1].result);
        assert!(stop_recording().is_empty());
    }
}

//! Converting a generated HTML document: text and the readable attributes converted, code,
//! scripts and `translate="no"` content kept, page links pointed at the edition, `<html
//! lang>` and the 简/繁 switch set.

use super::tag::{find_ascii_ci, is_void, Tag};
use super::Edition;

impl Edition {
    /// Convert a generated HTML document at output `path`.
    pub fn html(&self, html: &str, path: &str) -> String {
        let mut out = String::with_capacity(html.len() + html.len() / 8);
        // The element whose contents are kept as they are, and how deep inside it we are.
        let mut keep: Option<(String, usize)> = None;
        let mut i = 0;
        while i < html.len() {
            let rest = &html[i..];
            let Some(lt) = rest.find('<') else {
                self.push_text(&mut out, rest, keep.is_some());
                break;
            };
            self.push_text(&mut out, &rest[..lt], keep.is_some());
            i += lt;
            let rest = &html[i..];
            if rest.starts_with("<!--") {
                let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
                out.push_str(&rest[..end]);
                i += end;
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                out.push_str(&rest[..end]);
                i += end;
                continue;
            }
            let Some(tag) = Tag::parse(rest) else {
                out.push('<');
                i += 1;
                continue;
            };
            let raw = &rest[..tag.len];
            i += tag.len;
            if tag.closing {
                out.push_str(raw);
                if let Some((name, depth)) = &mut keep {
                    if *name == tag.name {
                        *depth -= 1;
                        if *depth == 0 {
                            keep = None;
                        }
                    }
                }
                continue;
            }
            if keep.is_some() {
                // Inside kept content: the tag's attributes are not touched either, but
                // for the switch's links: the current edition is 繁.
                if raw.contains("data-zhiku-variant=\"zh-CN\"") {
                    out.push_str(&raw.replacen(" aria-current=\"true\"", "", 1));
                } else if raw.contains("data-zhiku-variant=\"zh-Hant\"")
                    && !raw.contains("aria-current")
                {
                    out.push_str(&raw[..raw.len() - 1]);
                    out.push_str(" aria-current=\"true\">");
                } else {
                    out.push_str(raw);
                }
                if let Some((name, depth)) = &mut keep {
                    if *name == tag.name && !tag.self_closing && !is_void(&tag.name) {
                        *depth += 1;
                    }
                }
            } else {
                self.push_tag(&mut out, raw, &tag, path);
            }
            if matches!(tag.name.as_str(), "script" | "style" | "textarea") {
                // Raw text up to the closing tag, copied.
                let close = format!("</{}", tag.name);
                let body = &html[i..];
                let end = find_ascii_ci(body, &close).unwrap_or(body.len());
                out.push_str(&body[..end]);
                i += end;
                continue;
            }
            if keep.is_none()
                && !tag.self_closing
                && !is_void(&tag.name)
                && (matches!(tag.name.as_str(), "code" | "pre" | "kbd" | "samp")
                    || tag
                        .attrs(raw)
                        .any(|(n, v)| (n == "translate" && v == "no") || n == "data-zhiku-variant"))
            {
                keep = Some((tag.name.clone(), 1));
            }
        }
        out
    }

    pub(super) fn push_text(&self, out: &mut String, text: &str, keep: bool) {
        if keep || text.is_ascii() {
            out.push_str(text);
        } else {
            self.conv.convert_to(text, out);
        }
    }

    /// A start tag of the edition: readable attributes converted, page links pointed at the
    /// edition, `<html lang>` set.
    fn push_tag(&self, out: &mut String, raw: &str, tag: &Tag, path: &str) {
        let attrs: Vec<(&str, &str)> = tag.attrs(raw).collect();
        let get = |name: &str| attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let has_hreflang = get("hreflang").is_some();
        let meta_text = tag.name == "meta"
            && matches!(
                get("name").or(get("property")),
                Some("description" | "og:title" | "og:description" | "og:site_name")
            );
        let refresh = tag.name == "meta"
            && get("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh"));
        let mut last = 0;
        for (name, value) in tag.attrs(raw) {
            // `value` is a slice of `raw`: its offset locates it.
            let start = value.as_ptr() as usize - raw.as_ptr() as usize;
            let replacement = match name {
                "lang" if tag.name == "html" => Some(format!(
                    "{}\" data-zhiku-edition=\"{}/",
                    self.lang, self.dir
                )),
                "title" | "alt" | "aria-label" | "placeholder" | "label" => {
                    (!value.is_ascii()).then(|| self.text(value))
                }
                "content" if meta_text => Some(self.text(value)),
                "content" if refresh => refresh_url(value).and_then(|(before, url)| {
                    self.edition_url(url).map(|u| format!("{before}{u}"))
                }),
                // The edition's own locale; the other edition is the alternate.
                "content" if tag.name == "meta" && get("property") == Some("og:locale") => {
                    Some(self.og_locale.to_string())
                }
                "content"
                    if tag.name == "meta" && get("property") == Some("og:locale:alternate") =>
                {
                    Some(self.simplified_og_locale.clone())
                }
                "content" if tag.name == "meta" && get("property") == Some("og:url") => {
                    self.edition_url(value)
                }
                n if crate::html::is_url_attr(n) && !has_hreflang => self
                    .edition_url(value)
                    .or_else(|| self.relative_asset(value, path)),
                _ => None,
            };
            if let Some(new) = replacement {
                out.push_str(&raw[last..start]);
                out.push_str(&new);
                last = start + value.len();
            }
        }
        out.push_str(&raw[last..]);
    }
}

/// `0; url=/x/` → (`0; url=`, `/x/`).
fn refresh_url(content: &str) -> Option<(&str, &str)> {
    let at = find_ascii_ci(content, "url=")? + 4;
    Some((&content[..at], &content[at..]))
}

#[cfg(test)]
mod tests {
    use crate::variants::tests::edition;

    #[test]
    fn html_text_converted_code_urls_ids_kept() {
        let e = edition("");
        let html = r##"<html lang="zh-CN"><head><meta name="description" content="党建"><link rel="stylesheet" href="/kb/css/site.css"></head><body><h2 id="主要做法">主要做法</h2><p title="说明">党员<a href="/kb/tags/党员发展/#发展">党员发展</a><code>党 x</code><cite translate="no">《关于党建》</cite><a href="#主要做法">之后</a></p><pre><code>发展 <b>党</b></code></pre><script>var a = "<b>党</b>";</script><img alt="图书馆" src="/kb/cases/x/图.png"><a href="https://example.org/党">外</a><script src="../../js/search.js"></script><a href="../y/">y</a></body></html>"##;
        let out = e.html(html, "cases/x/index.html");
        assert!(
            out.contains(r#"<html lang="zh-Hant" data-zhiku-edition="zh-hant/">"#),
            "{out}"
        );
        assert!(out.contains(r#"content="黨建""#), "{out}");
        assert!(out.contains(r#"href="/kb/css/site.css""#), "{out}");
        assert!(out.contains(r#"<h2 id="主要做法">主要做法</h2>"#), "{out}");
        assert!(out.contains(r#"title="說明""#), "{out}");
        assert!(
            out.contains(r#"<a href="/kb/zh-hant/tags/党员发展/#发展">黨員發展</a>"#),
            "{out}"
        );
        assert!(out.contains("<code>党 x</code>"), "{out}");
        assert!(out.contains("《关于党建》"), "{out}");
        assert!(out.contains(r##"<a href="#主要做法">之後</a>"##), "{out}");
        assert!(
            out.contains("<pre><code>发展 <b>党</b></code></pre>"),
            "{out}"
        );
        assert!(out.contains(r#"var a = "<b>党</b>";"#), "{out}");
        assert!(
            out.contains(r#"alt="圖書館" src="/kb/cases/x/图.png""#),
            "{out}"
        );
        assert!(out.contains(r#"href="https://example.org/党""#), "{out}");
        assert!(out.contains(r#"src="../../../js/search.js""#), "{out}");
        assert!(out.contains(r#"<a href="../y/">y</a>"#), "{out}");
    }
}

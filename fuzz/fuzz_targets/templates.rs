//! Random template sources with random includes, imports, macros and extends between them:
//! compiling and rendering never crashes. Any recursion (a template including itself, a
//! macro calling itself, an extends or import cycle of any length) must come back as an
//! error — a stack overflow aborts the fuzzer and is reported as a crash.
//!
//! Input: up to five template sources separated by NUL bytes, named `t0.html` … `t4.html`.
//! A few byte pairs are expanded into tags so that the fuzzer reaches cycles quickly:
//! `\x01N` → `{% include "tN.html" %}`, `\x02N` → `{% extends "tN.html" %}`,
//! `\x03N` → `{% import "tN.html" as mN %}`, `\x04N` → `{{ mN::f(n=1) }}`,
//! `\x05` → `{% macro f(n) %}`, `\x06` → `{% endmacro f %}`, `\x07` → `{{ self::f(n=n) }}`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhiku::theme::{TemplateSource, Theme};

fn expand(src: &str) -> String {
    let mut out = String::with_capacity(src.len() * 2);
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        let digit = |chars: &mut std::iter::Peekable<std::str::Chars>| -> u32 {
            chars.next().and_then(|d| d.to_digit(10)).unwrap_or(0) % 5
        };
        match c {
            '\x01' => out.push_str(&format!("{{% include \"t{}.html\" %}}", digit(&mut chars))),
            '\x02' => out.push_str(&format!("{{% extends \"t{}.html\" %}}", digit(&mut chars))),
            '\x03' => {
                let n = digit(&mut chars);
                out.push_str(&format!("{{% import \"t{n}.html\" as m{n} %}}"))
            }
            '\x04' => out.push_str(&format!("{{{{ m{}::f(n=1) }}}}", digit(&mut chars))),
            '\x05' => out.push_str("{% macro f(n) %}"),
            '\x06' => out.push_str("{% endmacro f %}"),
            '\x07' => out.push_str("{{ self::f(n=n) }}"),
            c => out.push(c),
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() > 4096 {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut theme = Theme::default();
    for (i, src) in text.split('\0').take(5).enumerate() {
        theme.templates.insert(
            format!("t{i}.html"),
            TemplateSource {
                text: expand(src),
                shown: format!("templates/t{i}.html").into(),
            },
        );
    }
    // The templates every theme needs, so that compiling gets past that check.
    for req in zhiku::render::REQUIRED_TEMPLATES {
        theme
            .templates
            .entry(req.to_string())
            .or_insert_with(|| TemplateSource {
                text: "{% include \"t0.html\" %}".into(),
                shown: format!("templates/{req}").into(),
            });
    }
    let Some(tera) = zhiku::render::compile_templates(&theme).value else {
        return;
    };
    let mut ctx = tera::Context::new();
    ctx.insert("page", &serde_json::json!({"title": "标题", "children": [{"children": []}]}));
    for name in theme.templates.keys() {
        let _ = tera.render(name, &ctx);
    }
});

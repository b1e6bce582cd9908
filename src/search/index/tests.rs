use super::codec::*;
use super::collect::*;
use super::count::*;
use super::doc_key::*;
use super::doc_tokens::*;
use super::files::*;
use super::*;

fn doc(title: &str, body: &str) -> Doc<'static> {
    Doc {
        title: title.into(),
        path: format!("p/{title}/"),
        section: "案例库".into(),
        headings: vec![],
        terms: vec!["党员发展".into()],
        term_counts: vec![1],
        top: "案例库".into(),
        body: body.to_string().into(),
        ..Default::default()
    }
}

/// The shard object holding `token`, parsed.
fn lookup(index: &Index, token: &str) -> Option<Vec<(u32, u32)>> {
    let manifest = std::str::from_utf8(
        &index
            .files
            .iter()
            .find(|(p, _)| p.ends_with("manifest.js"))?
            .1,
    )
    .ok()?;
    let m: serde_json::Value = serde_json::from_str(
        manifest
            .split_once(",0,")?
            .1
            .trim_end()
            .trim_end_matches(");"),
    )
    .ok()?;
    let split = m.get("split").and_then(|v| v.as_str()).unwrap_or("");
    let first = token.chars().next()?;
    let n = if split.contains(first) { 2 } else { 1 };
    let end = token.char_indices().nth(n).map_or(token.len(), |(i, _)| i);
    let g = &token[..end];
    let id = shard_of(g, index.shards);
    let (_, bytes) = index
        .files
        .iter()
        .find(|(p, _)| *p == format!("search/s/{id}.js"))?;
    let text = std::str::from_utf8(bytes).ok()?;
    let json = text
        .split_once(&format!(",{id},"))?
        .1
        .trim_end()
        .trim_end_matches(");");
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let entries = v.get(g)?.as_str()?;
    let suffix = &token[g.len()..];
    let s = entries
        .split(',')
        .find_map(|e| e.split_once(':').filter(|(k, _)| *k == suffix))?
        .1;
    Some(decode_postings(s))
}

/// Every token of `doc` with its code, from its [`DocTokens`].
fn decoded(doc: &Doc) -> std::collections::BTreeMap<String, u32> {
    let t = tokens_of(doc);
    let mut acc = PartPostings::default();
    for p in 0..PARTS {
        t.add_part(p, 7, &mut acc);
    }
    let mut out = std::collections::BTreeMap::new();
    for (k, a) in acc.short {
        assert_eq!(a.n, 1);
        out.insert(unpack(k), decode_postings(&a.s)[0].1);
    }
    for (k, a) in acc.long {
        out.insert(k.to_string(), decode_postings(&a.s)[0].1);
    }
    out
}

#[test]
fn document_tokens_are_counted_and_kept_exactly() {
    let d = Doc {
        title: "黨建工作 GDP".into(),
        path: "a/".into(),
        section: "案例库".into(),
        headings: vec!["ひらがなカタカナ".into(), "한국어 문서".into()],
        terms: vec!["㐀㐁𠀀𠀁丂".into()],
        body: "党建工作，党建引领。ꀀꀁ가나 1,460个 98.1% gdp 龥龦 〇〇"
            .repeat(3)
            .into(),
        ..Default::default()
    };
    let mut expected = std::collections::BTreeMap::<String, u32>::new();
    let fields = [(d.title.as_str(), TITLE, true), (&d.body, 0, true)]
        .into_iter()
        .chain(
            d.headings
                .iter()
                .chain(&d.terms)
                .chain([&d.section])
                .map(|m| (m.as_str(), META, false)),
        );
    for (text, bits, count) in fields {
        for (t, _) in tokenize::tokenize(text) {
            let c = expected.entry(t).or_insert(0);
            *c = (*c + if count { 4 } else { 0 }) | bits;
        }
    }
    for c in expected.values_mut() {
        *c = ((*c >> 2).clamp(1, MAX_TF) << 2) | (*c & 3);
    }
    assert_eq!(decoded(&d), expected);
    assert!(expected.contains_key("ひら") && expected.contains_key("𠀀𠀁"));
}

#[test]
fn numbers_round_trip() {
    let mut b = Vec::new();
    let vals = [
        0u64,
        1,
        127,
        128,
        300,
        u64::from(u32::MAX),
        (1 << 63) | 12345,
    ];
    for &v in &vals {
        put(&mut b, v);
    }
    let mut at = 0;
    for &v in &vals {
        assert_eq!(get(&b, &mut at), v);
    }
    assert_eq!(at, b.len());
}

#[test]
fn parts_follow_the_order_of_packed_keys() {
    let mut keys: Vec<u64> = [
        "a", "党", "一", "龥", "𠀀", "党建", "a党", "建党", "党𠀀", "ab",
    ]
    .iter()
    .filter_map(|t| pack(t))
    .collect();
    keys.sort_unstable();
    let parts: Vec<usize> = keys.iter().map(|&k| part_of_short(k)).collect();
    assert!(parts.windows(2).all(|w| w[0] <= w[1]), "{parts:?}");
    assert!(parts.iter().all(|&p| p < PARTS));
    assert!(part_of_long("覆盖率") < PARTS);
}

/// The document data as first written (serde).
#[derive(serde::Serialize)]
struct DocOut<'a> {
    t: &'a str,
    u: &'a str,
    s: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    k: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<&'a [usize]>,
    x: &'a str,
}

fn snippet_json_of(text: &str) -> String {
    let mut out = Vec::new();
    snippet_json(text, &mut out);
    String::from_utf8(out).unwrap()
}

/// `snippet_json`'s text, character by character.
fn snippet_reference(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    // 0: nothing due, 1: a space, 2: a block break.
    let mut due = 0;
    for (n, c) in body.chars().enumerate() {
        if n >= MAX_TEXT_CHARS {
            break;
        }
        if c.is_whitespace() {
            if !out.is_empty() {
                due = if c == '\n' || due == 2 { 2 } else { 1 };
            }
        } else {
            match due {
                1 => out.push(' '),
                2 => out.push('\n'),
                _ => {}
            }
            due = 0;
            out.push(c);
        }
    }
    out
}

#[test]
fn snippets_collapse_whitespace() {
    let alphabet: Vec<char> =
            " \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{202f}\u{205f}\u{3000}\u{1c}\u{0}\u{8}\u{7f}\"\\a党，。é𠀀\u{a1}\u{2010}\u{3001}"
                .chars()
                .collect();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    for _ in 0..5000 {
        let len = next(30);
        let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        assert_eq!(
            snippet_json_of(&text),
            serde_json::to_string(&snippet_reference(&text)).unwrap(),
            "{text:?}"
        );
        let d = Doc {
            title: text.clone(),
            path: "a/\"b\"/".into(),
            section: String::new(),
            headings: vec![],
            terms: if len % 2 == 0 {
                vec![text.clone(), "x".into()]
            } else {
                vec![]
            },
            term_counts: if len % 2 == 0 { vec![1, 1] } else { vec![] },
            body: text.as_str().into(),
            ..Default::default()
        };
        let mut ours = Vec::new();
        doc_json(&d, &mut ours);
        let x = snippet_reference(&d.body);
        let reference = DocOut {
            t: &d.title,
            u: &d.path,
            s: &d.section,
            k: &d.terms,
            n: (!d.terms.is_empty()).then_some(d.term_counts.as_slice()),
            x: &x,
        };
        assert_eq!(ours, serde_json::to_vec(&reference).unwrap());
    }
    let long = "党 建\n".repeat(MAX_TEXT_CHARS);
    let json = snippet_json_of(&long);
    assert_eq!(
        json,
        serde_json::to_string(&snippet_reference(&long)).unwrap()
    );
    let text: String = serde_json::from_str(&json).unwrap();
    assert_eq!(text.chars().count(), MAX_TEXT_CHARS - 1);
    assert!(text.contains("党 建\n党 建"), "blocks stay apart");
}

#[test]
fn document_keys_see_every_field() {
    let a = doc("党建", "正文");
    let mut keys = vec![doc_key(&a)];
    let mut b = a.clone();
    b.body.to_mut().push('。');
    keys.push(doc_key(&b));
    let mut c = a.clone();
    c.headings.push("标题".into());
    keys.push(doc_key(&c));
    let mut d = a.clone();
    d.terms.clear();
    keys.push(doc_key(&d));
    let mut e = a.clone();
    e.section.push('x');
    keys.push(doc_key(&e));
    // Field boundaries count: "党建" + "p/…" is not "党" + "建p/…".
    let mut f = a.clone();
    f.title = "党".into();
    f.path = format!("建{}", a.path);
    keys.push(doc_key(&f));
    let n = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), n);
    assert_eq!(doc_key(&a), doc_key(&a.clone()));
}

#[test]
fn sections_start_at_their_headings() {
    let d = Doc {
        headings: vec![
            "背景".into(),
            "做 法".into(),
            "缺失的标题".into(),
            "结语".into(),
        ],
        anchors: vec!["bj".into(), "zf".into(), "qs".into(), "".into()],
        body: "导语。\n背景\n\n正文，背景介绍。\n  做   法 \n一段。\n结语\n完。".into(),
        ..Default::default()
    };
    // Blocks: 导语 0, 背景 1, 正文 2, 做法 3, 一段 4, 结语 5, 完 6.
    assert_eq!(section_starts(&d), [(1, "bj"), (3, "zf"), (5, "")]);
    let mut out = Vec::new();
    doc_json(&d, &mut out);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["h"], serde_json::json!([[1, "bj"], [3, "zf"], [5, ""]]));
    let blocks: Vec<&str> = v["x"].as_str().unwrap().split('\n').collect();
    assert_eq!(blocks[3], "做 法");
    assert_eq!(blocks.len(), 7);
}

#[test]
fn packed_tokens_round_trip() {
    for t in ["党", "党建", "a", "𠀀字", "ab"] {
        assert_eq!(unpack(pack(t).unwrap()), t);
    }
    assert_eq!(pack("覆盖率"), None);
    assert_ne!(pack("党"), pack("党\0"));
}

#[test]
fn vlq_round_trip() {
    let mut s = String::new();
    for (d, c) in [(0u32, 5u32), (31, 32), (1000, 4095), (70_000, 1)] {
        push_posting(d, c, &mut s);
    }
    let mut at = 0;
    let mut nums = Vec::new();
    let mut t = String::new();
    for v in [0u32, 31, 32, 1000, 4095, 70_000] {
        vlq(v, &mut t);
    }
    while at < t.len() {
        nums.push(unvlq(t.as_bytes(), &mut at));
    }
    assert_eq!(nums, [0, 31, 32, 1000, 4095, 70_000]);
    assert_eq!(
        decode_postings(&s),
        [(0, 5), (31, 32), (1031, 4095), (71_031, 1)]
    );
}

#[test]
fn shard_hash_matches_search_js() {
    // Values computed by search.js's shardOf (FNV-1a over code points).
    assert_eq!(shard_of("党建", 1 << 31), 0x4bc7_e015);
    assert_eq!(shard_of("a", 4096), 0xe40c_292c % 4096);
}

#[test]
fn groups_by_first_character_unless_split() {
    let g = Groups::new([("覆盖", 10), ("覆盖率", 10), ("a", 1)].into_iter(), 15);
    assert_eq!(g.split_chars(), "覆");
    assert_eq!(g.of("覆盖率"), "覆盖");
    assert_eq!(g.of("覆"), "覆");
    assert_eq!(g.of("ab"), "a");
    assert_eq!(g.of("a"), "a");
}

#[test]
fn postings_round_trip_with_codes_in_the_delta() {
    let list = [
        (0, 4),
        (1, 8),
        (3, 12),
        (7, 5),
        (40, 4),
        (41, 16),
        (5000, 4),
    ];
    let s = encode_postings(&list);
    assert_eq!(decode_postings(&s), list);
    // Once to three times in the text, no field: one number each.
    assert_eq!(encode_postings(&[(2, 4)]).len(), 1);
    assert_eq!(encode_postings(&[(2, 5)]).len(), 2);
}

#[test]
fn postings_carry_fields_and_frequency() {
    let docs = vec![
        doc("天津党建", "社会组织党组织覆盖率达到98.1%。党建引领。"),
        doc("议事会", "党员议事会：党员议事，党建为先。黨建工作。"),
    ];
    let index = build(&docs, "search/", None);
    let dj = lookup(&index, "党建").unwrap();
    // Doc 0: title + body (tf 2), doc 1: body twice (党建, 黨建).
    assert_eq!(dj, [(0, (2 << 2) | TITLE), (1, 2 << 2)]);
    let fz = lookup(&index, "员发").unwrap();
    assert_eq!(fz.len(), 2, "taxonomy term indexed");
    assert!(fz.iter().all(|&(_, c)| c & META != 0));
    assert_eq!(lookup(&index, "98.1%").unwrap(), [(0, 1 << 2)]);
    assert!(lookup(&index, "覆盖率").is_some(), "jieba word indexed");
    assert!(lookup(&index, "织覆").is_some(), "bigram indexed");
    assert!(lookup(&index, "黨建").is_none(), "index is folded");
    // The fold table ships 黨 → 党 (党 is in the index) but not pairs for absent characters.
    let fold = &index
        .files
        .iter()
        .find(|(p, _)| p == "search/fold.js")
        .unwrap()
        .1;
    let fold = String::from_utf8_lossy(fold);
    assert!(fold.contains("黨党"), "{fold}");
    assert!(!fold.contains("龍龙"), "{fold}");
}

#[test]
fn files_are_deterministic_and_named() {
    let docs: Vec<Doc> = (0..40)
        .map(|i| doc(&format!("第{i}篇"), &"党组织建设。".repeat(i + 1)))
        .collect();
    let a = build(&docs, "search/", None);
    let b = build(&docs, "search/", None);
    assert_eq!(a.files, b.files);
    let names: Vec<&str> = a.files.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.contains(&"search/manifest.js"));
    assert!(names.contains(&"search/d/39.js"));
    assert_eq!(
        names.iter().filter(|n| n.starts_with("search/s/")).count(),
        a.shards
    );
    let m = String::from_utf8_lossy(&a.files[0].1).into_owned();
    assert!(
        m.starts_with(&format!("__zhikuSearch(\"m\",\"{}\",0,{{", a.build)),
        "{m}"
    );
}

#[test]
fn a_one_document_edit_changes_few_shards() {
    // 400 documents of varied text, enough for many shards.
    let chars: Vec<char> = "党建引领基层治理社区组织覆盖率议事会群众服务发展党员支部书记教育培训制度规范村民委员会街道网格志愿者活动阵地工作机制创新示范点"
        .chars()
        .collect();
    let mut seed = 7u64;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize
    };
    let mut docs: Vec<Doc> = (0..400)
        .map(|i| {
            let body: String = (0..600).map(|_| chars[next() % chars.len()]).collect();
            doc(&format!("文档{i}"), &body)
        })
        .collect();
    let mut cache = crate::search::SearchCache::default();
    let first = prepare(&docs, "search/", Some(&mut cache), &[]);
    assert!(first.shards >= 16, "{} shards", first.shards);
    assert!(cache.same_files(&first.head).iter().all(|s| !s));
    // The same documents: every file is the same.
    let again = prepare(&docs, "search/", Some(&mut cache), &[]);
    assert!(cache.same_files(&again.head).iter().all(|s| *s));
    // One word of one document changes: only the shards of the tokens around it.
    let mut body = docs[123].body.to_string();
    body.insert_str(300, "乡村振兴");
    docs[123].body = body.into();
    let edited = prepare(&docs, "search/", Some(&mut cache), &[]);
    let same = cache.same_files(&edited.head);
    let changed: Vec<&String> = edited
        .head
        .iter()
        .zip(&same)
        .filter(|(_, s)| !**s)
        .map(|((p, _), _)| p)
        .collect();
    assert!(changed.iter().any(|p| p.ends_with("manifest.js")));
    let shards = changed.iter().filter(|p| p.contains("/s/")).count();
    assert!(
        (1..=8).contains(&shards),
        "{shards} of {} shards changed: {changed:?}",
        edited.shards
    );
}

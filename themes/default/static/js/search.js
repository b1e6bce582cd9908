// 知库 full-text search. Loaded by site.js the first time a search box is used, by the
// search page, and on a page opened from a search result (to highlight what matched). No
// framework, no network beyond this site's own search/ files, which are JavaScript (JSONP)
// so that they load from file:// as well as over HTTP.
//
// The index (see src/search/ in zhiku): search/manifest.js, search/fold.js, shards
// search/s/<n>.js (tokens grouped by their first two characters, hashed to a shard), one
// file per document search/d/<n>.js and the filters' data search/facets.js. A query loads
// the manifest, the fold table, one shard per unit of the query, and the documents it must
// check or show.
//
// What matches: a query is cut at spaces into parts, and a document matches when every part
// occurs in it as written (after folding Traditional to Simplified, full width to half
// width, upper to lower case). The index finds the documents that have every unit of a part
// (its character pairs, numbers with their unit, words); documents where that does not prove
// the part is written as such are checked against their text. A single character of a longer
// part never matches on its own.
(function () {
  "use strict";
  if (window.__zhikuSearchUI) return;

  // The site root, from this script's own URL (…/js/search.js): works at the domain root,
  // under a sub-path, with relative URLs and from file://.
  var self = document.currentScript;
  var selfSrc = (self && self.src) || "";
  var root = selfSrc.replace(/js\/[^\/?#]*(?:[?#].*)?$/, "");
  var indexBase = root + "search/";
  // A script edition (site.toml [variants], e.g. zh-hant/): its pages are under root +
  // edition; manifest, fold table, shards and document files are shared (a document file
  // holds the document in both scripts: "d" Simplified, "h" the edition's).
  var edition = document.documentElement.getAttribute("data-zhiku-edition") || "";
  var pageRoot = root + edition;
  var isFile = location.protocol === "file:";

  var PAGE_SIZE = 10;
  var POPUP_SIZE = 8;
  var DEBOUNCE_MS = 120;
  // Documents checked against their text at once; all of them in the first round when
  // there are at most CHECK_ALL (then the count is exact from the start).
  var CHECK_BATCH = 24;
  var CHECK_ALL = 40;
  // Documents a query (or a click on 继续查找 / 显示更多结果) checks at most. The postings
  // hold no positions, so a query whose character pairs are on nearly every page but which
  // is written on none has thousands of candidates: unbounded, a first query at 10,000
  // pages loaded 2.9 MB of document files before it could say 没有找到. 120 files of
  // about 3.5 KB are about 420 KB; with the manifest, fold table and shards a first query
  // stays below Pagefind's worst case (726 KB) at that scale. When the budget is spent
  // with no result, the page says how many candidates were checked and offers 继续查找.
  var BUDGET = 120;
  var TITLE = 1;
  var META = 2;

  // ---- Loading index files --------------------------------------------------------------
  var build = null;
  // Document files carry the layout id (which document each id is) instead of the build id:
  // an unchanged document keeps its file from one build to the next.
  var layout = null;
  var manifest = null;
  var pending = {};
  var loaded = {};

  window.__zhikuSearch = function (kind, fileBuild, id, data) {
    var key = kind + id;
    var p = pending[key];
    if (!p) return;
    delete pending[key];
    // "h": the zh-Hant edition's document, in the same file as "d" (site.toml [variants]).
    var expected = kind === "d" || kind === "h" ? layout : fileId(kind, id);
    if (kind !== "m" && expected !== null && fileBuild !== expected) {
      p.reject(new Error("stale"));
      return;
    }
    p.resolve(data);
  };

  // The id a file carries: document files the layout; shards, fold table and filters a
  // hash of their data, listed in the manifest (so a file stays the same, and cached,
  // from one build to the next when its data does).
  var ID_LEN = 8;
  function fileId(kind, id) {
    if (!manifest) return null;
    if (kind === "s") return manifest.sh.substr(id * ID_LEN, ID_LEN);
    if (kind === "f") return manifest.fh;
    if (kind === "t") return manifest.th;
    return build;
  }

  function load(kind, id, path) {
    var key = kind + id;
    if (loaded[key]) return loaded[key];
    loaded[key] = new Promise(function (resolve, reject) {
      pending[key] = { resolve: resolve, reject: reject };
      var s = document.createElement("script");
      // The manifest is always fetched fresh; everything else is named by its id (document
      // files by the build).
      s.src = indexBase + path + "?v=" + ((kind === "d" ? build : fileId(kind, id)) || Date.now());
      s.async = true;
      s.onerror = function () {
        fail();
      };
      s.onload = function () {
        if (pending[key]) fail();
        if (s.parentNode) s.parentNode.removeChild(s);
      };
      function fail() {
        if (!pending[key]) return;
        delete pending[key];
        delete loaded[key];
        reject(new Error("cannot load " + path));
      }
      document.head.appendChild(s);
    });
    return loaded[key];
  }

  var t2s = {};
  // Characters whose tokens are grouped by their first two characters (the others by
  // their first): the manifest's `split`.
  var splitChars = {};
  var ready = null;
  function init() {
    if (!ready) {
      ready = load("m", 0, "manifest.js")
        .then(function (m) {
          manifest = m;
          build = m.build;
          layout = m.layout || null;
          Array.from(m.split || "").forEach(function (c) { splitChars[c] = true; });
          return load("f", 0, "fold.js");
        })
        .then(function (pairs) {
          var cps = Array.from(pairs);
          for (var i = 0; i + 1 < cps.length; i += 2) t2s[cps[i]] = cps[i + 1];
        });
      ready.catch(function () {
        ready = null;
      });
    }
    return ready;
  }

  // ---- Folding and tokens: the same rules as src/search/tokenize.rs ----------------------
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var ALPHA = /\p{Alphabetic}/u;

  function foldChar(ch) {
    var c = ch.codePointAt(0);
    if (c < 128) return ch.toLowerCase();
    if ((c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) ||
        (c >= 0xff41 && c <= 0xff5a) || c === 0xff05 || c === 0xff0e) {
      return String.fromCharCode(c - 0xfee0).toLowerCase();
    }
    if (c === 0x3000) return " ";
    if (c < 0x530 && ALPHA.test(ch)) {
      var l = ch.toLowerCase();
      return l.length === 1 ? l : ch;
    }
    return t2s[ch] || ch;
  }

  function fold(s) {
    var out = "";
    for (var ch of s) out += foldChar(ch);
    return out;
  }

  function isCjk(c) {
    return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x2fdf) ||
      (c >= 0x2ff0 && c <= 0x303e) || (c >= 0x3041 && c <= 0x33ff) ||
      (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xa000 && c <= 0xa4cf) || (c >= 0xa960 && c <= 0xa97f) ||
      (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe10 && c <= 0xfe19) || (c >= 0xfe30 && c <= 0xfe6f) ||
      (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0xff61 && c <= 0xffdc) || (c >= 0x1b000 && c <= 0x1b16f) ||
      (c >= 0x20000 && c <= 0x2fffd) || (c >= 0x30000 && c <= 0x3fffd);
  }
  function isCjkLetter(ch) {
    return ch !== undefined && isCjk(ch.codePointAt(0)) && ALNUM.test(ch);
  }
  function isWordChar(ch) {
    return ch !== undefined && ALNUM.test(ch) && !isCjkLetter(ch);
  }
  function isDigit(ch) {
    return ch !== undefined && ch >= "0" && ch <= "9";
  }

  // Commas between digits removed (1,460 → 1460), as the index reads numbers.
  function noSeparators(s) {
    return s.replace(/(\d),(?=\d)/g, "$1");
  }

  // The units of one folded query part (tokenize.rs `part_units`): bigrams of CJK runs, a
  // CJK character alone (unless it follows a number), numbers with the CJK character after
  // them (18法), other numbers and Latin words. `prefix`: a Latin word matches longer words.
  function partUnits(part) {
    var cs = Array.from(part);
    var out = [];
    function push(t, prefix) {
      for (var k = 0; k < out.length; k++) if (out[k].t === t) return;
      out.push({ t: t, prefix: !!prefix });
    }
    var i = 0, covered = -1;
    while (i < cs.length) {
      var ch = cs[i];
      if (isCjkLetter(ch)) {
        var start = i;
        while (i < cs.length && isCjkLetter(cs[i])) i++;
        if (i - start === 1) {
          if (start !== covered) push(cs[start]);
        } else {
          for (var k = start; k + 1 < i; k++) push(cs[k] + cs[k + 1]);
        }
      } else if (isWordChar(ch)) {
        var s0 = i, numeric = true;
        while (i < cs.length) {
          var c = cs[i];
          if (isWordChar(c)) {
            if (!isDigit(c)) numeric = false;
            i++;
          } else if ((c === "." || c === ",") && i > s0 && isDigit(cs[i - 1]) && isDigit(cs[i + 1])) {
            i++;
          } else {
            break;
          }
        }
        var percent = numeric && cs[i] === "%";
        if (percent) i++;
        var w = cs.slice(s0, i).join("").replace(/,/g, "");
        if (numeric && !percent && isCjkLetter(cs[i])) {
          covered = i;
          push(w + cs[i]);
        } else {
          push(w, !numeric && Array.from(w).length >= 2);
        }
      } else {
        i++;
      }
    }
    return out;
  }

  // The query's parts: [{text, units, cjk}] (`cjk`: the part is CJK letters only).
  function parse(query) {
    var out = [];
    fold(query).split(/\s+/).forEach(function (p) {
      if (!p) return;
      var units = partUnits(p);
      if (!units.length) return;
      var text = noSeparators(p);
      for (var k = 0; k < out.length; k++) if (out[k].text === text) return;
      var cs = Array.from(text);
      out.push({ text: text, units: units, cjk: cs.every(isCjkLetter) });
    });
    return out;
  }

  // ---- Shards and postings --------------------------------------------------------------
  function groupOf(token) {
    var cs = Array.from(token);
    return cs.slice(0, splitChars[cs[0]] ? 2 : 1).join("");
  }
  function shardOf(group) {
    var h = 0x811c9dc5;
    for (var ch of group) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h % manifest.shards;
  }
  function loadShard(n) {
    return load("s", n, "s/" + n + ".js");
  }
  function loadDoc(n) {
    return load(edition ? "h" : "d", n, "d/" + n + ".js");
  }
  var facets = null;
  function loadFacets() {
    return load("t", 0, "facets.js").then(function (f) {
      facets = f;
      return f;
    });
  }

  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var DEC = [];
  for (var di = 0; di < DIGITS.length; di++) DEC[DIGITS.charCodeAt(di)] = di;

  // "postings" → Map(doc → code), code = tf << 2 | fields. Each posting is a number
  // `delta << 2 | sel`: `sel` 1–3 is the code `sel << 2` (once to three times in the text,
  // no field), 0 that the code follows as a number of its own.
  var decoded = new Map();
  function decode(s) {
    if (!s) return new Map();
    var hit = decoded.get(s);
    if (hit) return hit;
    var out = new Map();
    var doc = 0, v = 0, shift = 0, second = false;
    for (var i = 0; i < s.length; i++) {
      var d = DEC[s.charCodeAt(i)];
      v += (d & 31) * Math.pow(2, shift);
      if (d >= 32) {
        shift += 5;
        continue;
      }
      if (second) {
        out.set(doc, v);
        second = false;
      } else {
        var sel = v % 4;
        doc += (v - sel) / 4;
        if (sel) out.set(doc, sel * 4);
        else second = true;
      }
      v = 0;
      shift = 0;
    }
    if (decoded.size > 2000) decoded.clear();
    decoded.set(s, out);
    return out;
  }
  // Document ids written as deltas (facets.js) → array.
  function decodeIds(s) {
    var out = [];
    var doc = 0, v = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var d = DEC[s.charCodeAt(i)];
      v += (d & 31) * Math.pow(2, shift);
      if (d >= 32) {
        shift += 5;
        continue;
      }
      doc += v;
      out.push(doc);
      v = 0;
      shift = 0;
    }
    return out;
  }

  // The tokens of group `g` as {suffix: postings}; a shard holds each group as one string
  // "suffix:postings,suffix:postings" (read on first use).
  function groups(shards, g) {
    var sh = shards[shardOf(g)];
    var v = sh && sh[g];
    if (typeof v !== "string") return v || null;
    var obj = {};
    v.split(",").forEach(function (e) {
      var i = e.indexOf(":");
      if (i >= 0) obj[e.slice(0, i)] = e.slice(i + 1);
    });
    sh[g] = obj;
    return obj;
  }

  // Is this token in the index at all?
  function known(shards, token) {
    var g = groupOf(token);
    var grp = groups(shards, g);
    return !!grp && grp[token.slice(g.length)] !== undefined;
  }

  // Postings of one unit; `prefix`: every token that starts with it.
  function unitPostings(shards, unit) {
    var g = groupOf(unit.t);
    var grp = groups(shards, g);
    if (!grp) return new Map();
    var rest = unit.t.slice(g.length);
    if (!unit.prefix) return decode(grp[rest]);
    var merged = null;
    Object.keys(grp).forEach(function (suffix) {
      if (suffix.slice(0, rest.length) !== rest) return;
      var p = decode(grp[suffix]);
      if (!merged) {
        merged = new Map(p);
        return;
      }
      p.forEach(function (code, doc) {
        var old = merged.get(doc);
        if (old === undefined) merged.set(doc, code);
        else merged.set(doc, Math.max(old >> 2, code >> 2) * 4 | (old & 3) | (code & 3));
      });
    });
    return merged || new Map();
  }

  function shardsFor(parts, shards) {
    var need = {};
    parts.forEach(function (p) {
      p.units.forEach(function (u) {
        var n = shardOf(groupOf(u.t));
        if (!shards[n]) need[n] = true;
      });
    });
    var ids = Object.keys(need).map(Number);
    return Promise.all(ids.map(loadShard)).then(function (datas) {
      ids.forEach(function (id, i) { shards[id] = datas[i]; });
      return shards;
    });
  }

  // The candidates of one part: Map(doc → {code, sure}). `sure`: the index proves the part
  // is written in the document (it is one token, or a word of the index that is the whole
  // part); otherwise the document's text is checked.
  function candidates(shards, part) {
    var lists = part.units.map(function (u) { return unitPostings(shards, u); });
    var order = lists.slice().sort(function (a, b) { return a.size - b.size; });
    var single = part.units.length === 1 && part.units[0].t === part.text;
    var word = null;
    if (!single && part.cjk && Array.from(part.text).length >= 3 && known(shards, part.text)) {
      word = unitPostings(shards, { t: part.text });
    }
    var out = new Map();
    order[0].forEach(function (code, doc) {
      var tf = code >> 2, all = code & 3;
      for (var k = 1; k < order.length; k++) {
        var c = order[k].get(doc);
        if (c === undefined) return;
        tf = Math.min(tf, c >> 2);
        all &= c;
      }
      var w = word ? word.get(doc) : undefined;
      if (w !== undefined) out.set(doc, { tf: w >> 2, fields: w & 3, sure: true });
      else out.set(doc, { tf: tf, fields: all, sure: single });
    });
    return out;
  }

  // ---- Checking a document's text ------------------------------------------------------
  var WORDISH = /[\p{Alphabetic}\p{N}]/u;
  // Start offsets (UTF-16) where `needle` (folded) occurs as written in `hay` (folded,
  // separators removed): a part that starts with a letter or digit does not start inside
  // a word; one that ends with a digit does not end inside a number.
  function occurrences(hay, needle, max) {
    var out = [];
    if (!needle) return out;
    var first = Array.from(needle)[0];
    var startsWord = isWordChar(first);
    var endsDigit = isDigit(needle[needle.length - 1]);
    var from = 0;
    for (;;) {
      var i = hay.indexOf(needle, from);
      if (i < 0) break;
      from = i + 1;
      if (startsWord && i > 0) {
        var before = hay.slice(Math.max(0, i - 2), i);
        var prev = Array.from(before).pop();
        if (isWordChar(prev)) continue;
      }
      if (endsDigit) {
        var next = hay[i + needle.length], after = hay[i + needle.length + 1];
        if (isDigit(next) || next === "%" || (next === "." && isDigit(after))) continue;
      }
      out.push(i);
      if (max && out.length >= max) break;
    }
    return out;
  }

  // A document's text, folded, ready to check and score: cached per document.
  var prepared = new Map();
  function prep(id, d) {
    var hit = prepared.get(id);
    if (hit) return hit;
    var blocks = d.x ? d.x.split("\n") : [];
    var heads = {};
    (d.h || []).forEach(function (h) { heads[h[0]] = h[1]; });
    var p = {
      d: d,
      id: id,
      title: noSeparators(fold(d.t)),
      meta: noSeparators(fold([d.s].concat(d.k || []).join("\n"))),
      blocks: blocks,
      folded: blocks.map(function (b) { return noSeparators(fold(b)); }),
      isHead: heads,
    };
    if (prepared.size > 400) prepared.clear();
    prepared.set(id, p);
    return p;
  }

  // Does part `text` occur in the document, and where: {title, head, meta, tf, blocks}.
  function features(p, text) {
    var f = { title: occurrences(p.title, text, 1).length > 0, head: false, meta: false, tf: 0, blocks: [] };
    f.meta = occurrences(p.meta, text, 1).length > 0;
    for (var b = 0; b < p.folded.length; b++) {
      var n = occurrences(p.folded[b], text, 50).length;
      if (!n) continue;
      f.blocks.push(b);
      if (p.isHead[b] !== undefined) f.head = true;
      f.tf += n;
    }
    f.any = f.title || f.meta || f.tf > 0;
    return f;
  }

  // ---- Ranking -------------------------------------------------------------------------
  // Per part: the phrase in the title counts most, then in a heading, then a taxonomy term
  // or section name, then the text, with term frequency saturating (tf / (tf + 2)), so that a
  // long page is not favoured by its length alone. Several parts in one block (a paragraph,
  // a heading) add a proximity bonus.
  function partScore(title, head, meta, tf) {
    return (title ? 8 : 0) + (head ? 3 : 0) + (meta ? 2 : 0) + 3 * tf / (tf + 2);
  }

  function scoreFromText(p, parts) {
    var s = 0, sets = [];
    for (var k = 0; k < parts.length; k++) {
      var f = features(p, parts[k].text);
      if (!f.any) return null;
      s += partScore(f.title, f.head, f.meta, f.tf);
      sets.push(f.blocks);
    }
    if (parts.length > 1) {
      var common = sets[0].filter(function (b) {
        return sets.every(function (set) { return set.indexOf(b) >= 0; });
      });
      if (common.length) s += 2;
    }
    if (p.title === parts.map(function (x) { return x.text; }).join("")) s += 2;
    return s;
  }

  function scoreFromIndex(hits) {
    var s = 0;
    hits.forEach(function (h) {
      s += partScore((h.fields & TITLE) !== 0, (h.fields & META) !== 0, false, h.tf);
    });
    return s;
  }

  // ---- The whole query -----------------------------------------------------------------
  // A result set for `parts`: every document that has every part. Resolves to
  // {list: [{doc, score, checked}], open: [unchecked candidates, by score], parts}.
  function match(parts, shards, budget) {
    var per = parts.map(function (p) { return candidates(shards, p); });
    per.sort(function (a, b) { return a.size - b.size; });
    var list = [], open = [];
    if (!per.length) return Promise.resolve({ list: list, open: open, parts: parts, spent: 0 });
    per[0].forEach(function (h0, doc) {
      var hits = [h0], sure = h0.sure;
      for (var k = 1; k < per.length; k++) {
        var h = per[k].get(doc);
        if (!h) return;
        hits.push(h);
        sure = sure && h.sure;
      }
      var r = { doc: doc, score: scoreFromIndex(hits), checked: false, sure: sure };
      (sure ? list : open).push(r);
    });
    var byScore = function (a, b) { return b.score - a.score || a.doc - b.doc; };
    open.sort(byScore);
    var res = { list: list, open: open, parts: parts, spent: 0 };
    return check(res, open.length <= CHECK_ALL ? open.length : CHECK_BATCH, budget).then(function () {
      list.sort(byScore);
      return res;
    });
  }

  // Check up to `n` of the open candidates against their text; those that have every part
  // join the list (scored from their text). With a `budget` ({left: documents}), no more
  // than it has left, which is spent.
  function check(res, n, budget) {
    if (budget) n = Math.min(n, Math.max(budget.left, 0));
    var batch = res.open.splice(0, n);
    if (!batch.length) return Promise.resolve(res);
    if (budget) budget.left -= batch.length;
    res.spent = (res.spent || 0) + batch.length;
    return Promise.all(batch.map(function (r) { return loadDoc(r.doc); })).then(function (docs) {
      batch.forEach(function (r, i) {
        var s = scoreFromText(prep(r.doc, docs[i]), res.parts);
        if (s === null) return;
        r.score = s;
        r.checked = true;
        res.list.push(r);
      });
      return res;
    });
  }

  // Cut a CJK part at the character pairs that occur nowhere in the index (天津覆盖率 →
  // 天津 + 覆盖率 when 津覆 is never written): [{text, ok}], `ok` for pieces of two or more
  // characters; characters left alone are merged into pieces that are not `ok`. Null for a
  // part that is not CJK or does not split.
  function splitAtAbsent(shards, part) {
    var cs = Array.from(part.text);
    if (!part.cjk || cs.length < 3) return null;
    var pieces = [], start = 0;
    for (var i = 0; i + 1 < cs.length; i++) {
      if (!known(shards, cs[i] + cs[i + 1])) {
        pieces.push(cs.slice(start, i + 1).join(""));
        start = i + 1;
      }
    }
    pieces.push(cs.slice(start).join(""));
    if (pieces.length < 2) return null;
    var items = [];
    pieces.forEach(function (t) {
      var ok = Array.from(t).length >= 2;
      var top = items[items.length - 1];
      if (!ok && top && !top.ok) top.text += t;
      else items.push({ text: t, ok: ok });
    });
    return items;
  }

  function toParts(texts) {
    var out = [];
    texts.forEach(function (t) {
      parse(t).forEach(function (p) {
        if (!out.some(function (o) { return o.text === p.text; })) out.push(p);
      });
    });
    return out;
  }

  // Two words typed together that are never written together (孝义三同步: 孝义 and 三同步
  // are on the same pages, never side by side). A CJK part of at least JOIN_MIN characters
  // (shorter ones are usually one word: 社区发展 is not 社区 + 发展) that occurs nowhere is
  // cut in two pieces of two or more characters, each of which must occur as written;
  // cuts where the pair of characters across the cut is rarest are tried first (a word
  // boundary). Resolves to {res, joined: {part: [a, b]}} for the first cut whose pieces
  // occur together, or null.
  var JOIN_MIN = 5;
  var JOIN_TRIES = 4;
  // Resolves to the whole query's result (see search): the first cut found, else the
  // fallback's; pending when the budget is spent on a cut (see settle).
  function rejoin(parts, shards, budget) {
    var tries = [];
    parts.forEach(function (p, at) {
      var cs = Array.from(p.text);
      if (!p.cjk || cs.length < JOIN_MIN) return;
      for (var i = 2; i + 2 <= cs.length; i++) {
        var a = parse(cs.slice(0, i).join(""))[0], b = parse(cs.slice(i).join(""))[0];
        if (!a || !b) continue;
        tries.push({
          at: at, a: a, b: b,
          across: unitPostings(shards, { t: cs[i - 1] + cs[i] }).size,
          balance: Math.abs(cs.length - 2 * i)
        });
      }
    });
    tries.sort(function (x, y) { return x.across - y.across || x.balance - y.balance || x.at - y.at; });
    // Only cuts whose pieces the postings allow in one document (no text loaded for those).
    tries = tries.filter(function (t) {
      var ca = candidates(shards, t.a), cb = candidates(shards, t.b);
      var small = ca.size < cb.size ? ca : cb, big = small === ca ? cb : ca;
      for (var doc of small.keys()) if (big.has(doc)) return true;
      return false;
    }).slice(0, JOIN_TRIES);
    function next(i, budget) {
      if (i >= tries.length) return fallback(parts, shards, budget);
      var t = tries[i];
      var others = parts.filter(function (_, k) { return k !== t.at; });
      var cut = others.concat([t.a, t.b]);
      return match(cut, shards, budget).then(function (res) {
        return firstHit(res, budget);
      }).then(function (res) {
        return settle(res, budget, function (res, budget) {
          if (!some(res)) return next(i + 1, budget);
          var r = finish(res, null, null);
          r.joined = {};
          r.joined[parts[t.at].text] = [t.a.text, t.b.text];
          return Promise.resolve(r);
        });
      });
    }
    return next(0, budget);
  }

  // Check candidates, a batch at a time, until one has the query, none is left or the
  // budget is spent. Only when none is left is "nothing matches" known (on a big site, a
  // query whose character pairs are everywhere may have thousands of candidates and no
  // result): then the page says 没有找到 and offers what does occur.
  function firstHit(res, budget) {
    if (res.list.length || !res.open.length || budget.left <= 0) return Promise.resolve(res);
    return check(res, CHECK_BATCH, budget).then(function () {
      res.list.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      return firstHit(res, budget);
    });
  }

  // After firstHit: `done(res, budget)` (a promise of the whole result) when `res` has a
  // result or every candidate is checked. Otherwise the budget is spent with candidates
  // left: a result with nothing in it, `pending` (neither 没有找到 nor “0 条以上” is true),
  // whose `resume()` checks the next budget's worth and goes on the same way.
  function settle(res, budget, done) {
    if (res.list.length || !res.open.length) {
      return done(res, budget).then(function (r) {
        if (!r.budget) r.budget = budget;
        return r;
      });
    }
    var r = finish(res, null, null);
    r.pending = true;
    r.budget = budget;
    r.resume = function () {
      var more = { left: BUDGET };
      return firstHit(res, more).then(function () { return settle(res, more, done); });
    };
    return Promise.resolve(r);
  }

  function some(res) {
    return !!res && (res.list.length > 0 || res.open.length > 0);
  }

  // The whole query: resolves to {parts, results, open, res, split, partial, joined,
  // pending, resume, budget}.
  // - pending: the budget (BUDGET documents) is spent, none of those checked has the query
  //   and candidates are left; resume() checks the next ones (see settle);
  // - budget: what is left of it, for the first page of results (Box.showMore);
  // - joined: {part: [a, b]} when a part written nowhere was found as two words (the
  //   results have both; see rejoin);
  // - results: documents with every part (`open`: candidates not checked yet; `res` both);
  // - split: {part: pieces} when a part written nowhere was read as separate words;
  // - partial: when nothing matches, {found: [parts], missing: [texts], res} of the
  //   documents that have the parts that do occur (null when no part of two or more
  //   characters occurs anywhere: single characters never count).
  function search(query) {
    var shards = {};
    var parts = [];
    return init()
      .then(function () {
        // Only now: folding needs the Traditional → Simplified table.
        parts = parse(query);
        return parts.length ? shardsFor(parts, shards) : null;
      })
      .then(function () {
        if (!parts.length) return finish({ list: [], open: [], parts: [] }, null, null);
        var budget = { left: BUDGET };
        return match(parts, shards, budget).then(function (res) {
          return firstHit(res, budget);
        }).then(function (res) {
          return settle(res, budget, function (res, budget) {
            if (some(res)) return Promise.resolve(finish(res, null, null));
            return rejoin(parts, shards, budget);
          });
        });
      });
  }

  function finish(res, split, partial) {
    return { parts: res.parts, results: res.list, open: res.open, res: res, split: split, partial: partial };
  }

  // Nothing has every part. A part written nowhere is cut where its character pairs never
  // occur; when the pieces (two or more characters each) occur together, those pages are
  // the near matches (孝义三同步 → pages with 孝义 and 三同步), otherwise the parts and pieces
  // that do occur give them. Near matches are shown apart, never as results.
  function fallback(parts, shards, budget) {
    var alone = parts.map(function (p) {
      return parts.length > 1 ? match([p], shards, budget) : Promise.resolve(null);
    });
    return Promise.all(alone).then(function (single) {
      var split = null, broken = false, next = [], missing = [];
      parts.forEach(function (p, i) {
        if (some(single[i])) {
          next.push(p);
          return;
        }
        var items = splitAtAbsent(shards, p);
        if (items && items.every(function (x) { return x.ok; })) {
          split = split || {};
          split[p.text] = items.map(function (x) { return x.text; });
          next = next.concat(toParts(split[p.text]));
        } else if (items && items.some(function (x) { return x.ok; })) {
          broken = true;
          items.forEach(function (x) {
            if (x.ok) next = next.concat(toParts([x.text]));
            else missing.push(x.text);
          });
        } else {
          next.push(p);
        }
      });
      var go = split || broken ? shardsFor(next, shards) : Promise.resolve();
      return go.then(function () {
        return split && !broken ? match(next, shards, budget) : null;
      }).then(function (res) {
        // Not written together, but each word is there: a near match, never a result.
        if (some(res)) {
          return finish({ list: [], open: [], parts: parts }, split,
            { found: next, missing: [], split: split, res: res });
        }
        return partialOf(next, shards, missing, budget);
      });
    });
  }

  // Partial matches for parts that do not occur together: the documents with all the parts
  // that occur (or, when each occurs but never all together, with any of them).
  function partialOf(parts, shards, missing, budget) {
    var empty = { list: [], open: [], parts: parts };
    return Promise.all(parts.map(function (p) { return match([p], shards, budget); })).then(function (single) {
      var found = [], foundRes = [];
      missing = missing.slice();
      parts.forEach(function (p, i) {
        // A single character never stands for a longer query.
        var long = !p.cjk || Array.from(p.text).length >= 2;
        if (some(single[i]) && long) {
          found.push(p);
          foundRes.push(single[i]);
        } else {
          missing.push(p.text);
        }
      });
      if (!found.length) return finish(empty, null, null);
      var together = missing.length ? match(found, shards, budget) : Promise.resolve(null);
      return together.then(function (res) {
        if (!some(res)) {
          // Any of them: the union, best first.
          var seen = {}, list = [], open = [];
          foundRes.forEach(function (r) {
            r.list.forEach(function (x) { if (!seen[x.doc]) { seen[x.doc] = true; list.push(x); } });
            r.open.forEach(function (x) { if (!seen[x.doc]) { seen[x.doc] = true; open.push(x); } });
          });
          list.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
          res = { list: list, open: open, parts: found };
          if (!missing.length) return finish(empty, null, { found: found, missing: [], any: true, res: res });
        }
        return finish(empty, null, { found: found, missing: missing, any: false, res: res });
      });
    });
  }

  // ---- Snippets, deep links and highlighting --------------------------------------------
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Offsets in `orig` of the folded, separator-free `hay` (hay drops the commas between
  // digits): map[i] = offset in orig of hay[i].
  function offsetMap(orig) {
    var map = [];
    for (var i = 0; i < orig.length; i++) {
      if (orig[i] === "," && isDigit(orig[i - 1]) && isDigit(orig[i + 1])) continue;
      map.push(i);
    }
    map.push(orig.length);
    return map;
  }

  // Match intervals [start, end] (UTF-16 offsets in `orig`) of the parts in `orig`.
  function matchesIn(orig, parts) {
    var hay = noSeparators(fold(orig));
    var map = hay.length === orig.length ? null : offsetMap(orig);
    var out = [];
    parts.forEach(function (p) {
      occurrences(hay, p.text, 200).forEach(function (i) {
        var e = i + p.text.length;
        out.push(map ? [map[i], map[e - 1] + 1] : [i, e]);
      });
    });
    out.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    return out;
  }

  function markUp(text, ms, from, to) {
    var html = "";
    var pos = from;
    var merged = [];
    ms.forEach(function (m) {
      var top = merged[merged.length - 1];
      if (top && m[0] <= top[1]) top[1] = Math.max(top[1], m[1]);
      else merged.push([m[0], m[1]]);
    });
    merged.forEach(function (m) {
      var s = Math.max(m[0], pos), e = Math.min(m[1], to);
      if (e <= s) return;
      html += escapeHtml(text.slice(pos, s)) + "<mark>" + escapeHtml(text.slice(s, e)) + "</mark>";
      pos = e;
    });
    return html + escapeHtml(text.slice(pos, to));
  }

  function marked(text, parts) {
    return markUp(text, matchesIn(text, parts), 0, text.length);
  }

  var SENTENCE_END = /[。！？；!?;]/;
  // A window of one block around its first match, cut at sentence ends when they are near.
  function cutBlock(text, ms, width) {
    if (text.length <= width) return { html: markUp(text, ms, 0, text.length) };
    var m0 = ms.length ? ms[0][0] : 0;
    var start = 0;
    // Back to the start of the sentence of the match, if it is not too far.
    for (var i = m0 - 1; i >= 0 && m0 - i < width / 2; i--) {
      if (SENTENCE_END.test(text[i])) {
        start = i + 1;
        break;
      }
      if (i === 0) start = 0;
      else start = -1;
    }
    if (start < 0) start = Math.max(0, m0 - 20);
    var end = Math.min(text.length, start + width);
    // Forward to a sentence end within the window.
    for (var j = end - 1; j > m0 && j > start + width / 2; j--) {
      if (SENTENCE_END.test(text[j])) {
        end = j + 1;
        break;
      }
    }
    if (start > 0 && /[\udc00-\udfff]/.test(text[start])) start--;
    if (end < text.length && /[\udc00-\udfff]/.test(text[end])) end++;
    return {
      html: (start > 0 ? "…" : "") + markUp(text, ms, start, end) + (end < text.length ? "…" : ""),
    };
  }

  // The block to show for a document: the one with the most parts, a heading before the
  // text (a section whose heading has the query is the place to go); its section's heading
  // id for the link.
  function bestBlock(p, parts) {
    var best = -1, bestN = 0;
    for (var b = 0; b < p.folded.length; b++) {
      var n = 0;
      for (var k = 0; k < parts.length; k++) {
        if (occurrences(p.folded[b], parts[k].text, 1).length) n++;
      }
      var v = n * 2 + (n && p.isHead[b] !== undefined ? 1 : 0);
      if (v > bestN) {
        bestN = v;
        best = b;
      }
    }
    return best;
  }

  // The section a block is in: {id, title} of the heading before it ("" id: none).
  function sectionOf(p, block) {
    var id = null, title = "";
    (p.d.h || []).forEach(function (h) {
      if (h[0] <= block) {
        id = h[1];
        title = p.blocks[h[0]] || "";
      }
    });
    return id === null ? null : { id: id, title: title, block: block };
  }

  // The taxonomy titles of a document's terms: [[title, [terms]], …].
  function termGroups(d) {
    var out = [];
    var tax = (manifest && manifest.tax) || [];
    var at = 0;
    (d.n || [(d.k || []).length]).forEach(function (n, i) {
      var list = (d.k || []).slice(at, at + n);
      at += n;
      if (list.length) out.push([(tax[i] && tax[i][1]) || "分类", list]);
    });
    return out;
  }

  // What a result shows: {html, section} — the best block, or the terms that matched, or
  // the first block.
  function describe(id, d, parts) {
    var p = prep(id, d);
    var b = bestBlock(p, parts);
    if (b >= 0) {
      var section = sectionOf(p, b);
      // A heading alone says little (it is shown as the section): the text under it.
      if (p.isHead[b] !== undefined && b + 1 < p.blocks.length && p.isHead[b + 1] === undefined) b++;
      var text = p.blocks[b];
      return { html: cutBlock(text, matchesIn(text, parts), 120).html, section: section };
    }
    var hits = [];
    termGroups(d).forEach(function (g) {
      var terms = g[1].filter(function (t) { return matchesIn(t, parts).length > 0; });
      if (terms.length) {
        hits.push(escapeHtml(g[0]) + "：" + terms.map(function (t) { return marked(t, parts); }).join("、"));
      }
    });
    if (hits.length) return { html: hits.join("；"), section: null };
    var first = p.blocks[0] || "";
    return { html: cutBlock(first, [], 120).html, section: null };
  }

  function pageUrl(path) {
    var u = pageRoot + path;
    if (isFile && (path === "" || /\/$/.test(path))) u += "index.html";
    return u;
  }
  // A result's link: the page, with the query to highlight (`hl`) and the heading of the
  // section that matched.
  function resultUrl(d, parts, section) {
    var u = pageUrl(d.u);
    if (parts.length) u += "?hl=" + encodeURIComponent(parts.map(function (p) { return p.text; }).join(" "));
    if (section && section.id) u += "#" + encodeURIComponent(section.id);
    return u;
  }
  function searchPageUrl(q, filters) {
    var u = pageRoot + "search/" + (isFile ? "index.html" : "") + "?q=" + encodeURIComponent(q);
    Object.keys(filters || {}).forEach(function (k) {
      if (filters[k]) u += "&" + encodeURIComponent(k) + "=" + encodeURIComponent(filters[k]);
    });
    return u;
  }

  // On a page opened from a result: mark what matched (`?hl=`) in the page's content, and
  // bring the first mark into view when the link has no heading to go to.
  function highlightPage(q) {
    var scope = document.querySelector("article") || document.querySelector("main");
    if (!scope) return Promise.resolve(0);
    return init().then(function () {
      var parts = parse(q);
      if (!parts.length) return 0;
      var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, null);
      var nodes = [];
      for (var n = walker.nextNode(); n; n = walker.nextNode()) {
        var el = n.parentNode;
        if (el && !/^(SCRIPT|STYLE|MARK|TEXTAREA)$/.test(el.nodeName)) nodes.push(n);
      }
      var count = 0;
      nodes.forEach(function (node) {
        var text = node.nodeValue;
        var ms = matchesIn(text, parts);
        if (!ms.length) return;
        var frag = document.createDocumentFragment();
        var pos = 0;
        ms.forEach(function (m) {
          if (m[0] < pos) return;
          frag.appendChild(document.createTextNode(text.slice(pos, m[0])));
          var mark = document.createElement("mark");
          mark.className = "search-hit";
          mark.textContent = text.slice(m[0], m[1]);
          frag.appendChild(mark);
          count++;
          pos = m[1];
        });
        frag.appendChild(document.createTextNode(text.slice(pos)));
        node.parentNode.replaceChild(frag, node);
      });
      if (count && !location.hash) {
        var first = scope.querySelector("mark.search-hit");
        if (first && first.scrollIntoView) first.scrollIntoView({ block: "center" });
      }
      document.documentElement.setAttribute("data-search-hits", String(count));
      return count;
    });
  }

  // ---- Filters (search page) -------------------------------------------------------------
  // `in`: a top-level section's title; a taxonomy's name: one of its terms.
  function readFilters() {
    var params = new URLSearchParams(location.search);
    var f = {};
    params.forEach(function (v, k) {
      if (k !== "q" && v) f[k] = v;
    });
    return f;
  }

  // Does document `doc` pass the filters? (Needs facets.js.)
  var facetSets = null;
  function facetSet(name, value) {
    if (!facets) return null;
    if (!facetSets) facetSets = {};
    var key = name + "\u0000" + value;
    if (facetSets[key]) return facetSets[key];
    var set = new Set();
    if (name === "in") {
      var t = facets.top.indexOf(value);
      facets.d.forEach(function (x, doc) { if (x === t && t >= 0) set.add(doc); });
    } else {
      (facets.tax || []).forEach(function (tx) {
        if (tx.n !== name) return;
        tx.terms.forEach(function (e) {
          if (e[0] === value) decodeIds(e[1]).forEach(function (d) { set.add(d); });
        });
      });
    }
    facetSets[key] = set;
    return set;
  }
  function passes(doc, filters) {
    return Object.keys(filters).every(function (k) {
      var set = facetSet(k, filters[k]);
      return !set || set.has(doc);
    });
  }

  // ---- User interface --------------------------------------------------------------------
  var uid = 0;

  function Box(form) {
    var ui = this;
    this.form = form;
    this.page = form.getAttribute("data-zhiku-search") === "page";
    this.input = form.querySelector("input[name=q]");
    this.id = "zhiku-search-" + ++uid;
    this.seq = 0;
    this.shown = 0;
    this.active = -1;
    this.timer = 0;
    this.last = null;
    this.filters = this.page ? readFilters() : {};

    if (this.page) {
      var area = form.parentNode;
      this.status = area.querySelector(".search-status");
      this.list = area.querySelector(".search-results");
      this.more = area.querySelector(".search-more");
      this.nav = area.querySelector(".search-filters");
      if (!this.nav) {
        this.nav = document.createElement("nav");
        this.nav.className = "search-filters";
        this.nav.setAttribute("aria-label", "筛选结果");
        area.insertBefore(this.nav, this.list);
      }
      this.nav.hidden = true;
      this.partial = document.createElement("section");
      this.partial.className = "search-partial";
      this.partial.hidden = true;
      area.insertBefore(this.partial, this.more ? this.more.nextSibling : null);
      this.cont = document.createElement("button");
      this.cont.className = "search-more search-continue";
      area.insertBefore(this.cont, this.partial);
    } else {
      this.popup = document.createElement("div");
      this.popup.className = "search-popup";
      this.popup.hidden = true;
      this.status = document.createElement("p");
      this.status.className = "search-status";
      this.list = document.createElement("ul");
      this.more = document.createElement("a");
      this.more.className = "search-all";
      this.more.hidden = true;
      this.partial = document.createElement("div");
      this.partial.className = "search-partial";
      this.partial.hidden = true;
      this.popup.appendChild(this.status);
      this.popup.appendChild(this.list);
      this.popup.appendChild(this.partial);
      this.popup.appendChild(this.more);
      this.cont = document.createElement("button");
      this.cont.className = "search-all search-continue";
      this.popup.appendChild(this.cont);
      form.appendChild(this.popup);
    }
    // 继续查找: when a query's budget is spent with no result (see settle).
    this.cont.type = "button";
    this.cont.hidden = true;
    this.cont.addEventListener("click", function (e) {
      e.preventDefault();
      ui.resume();
    });
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.list.id = this.id + "-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "搜索结果");
    this.list.classList.add("search-results");
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-controls", this.list.id);
    this.input.setAttribute("aria-expanded", "false");

    this.input.addEventListener("input", function () {
      clearTimeout(ui.timer);
      ui.timer = setTimeout(function () { ui.run(); }, DEBOUNCE_MS);
    });
    this.input.addEventListener("focus", function () {
      init();
      if (!ui.page && ui.input.value.trim() && ui.list.children.length) ui.open(true);
    });
    this.input.addEventListener("keydown", function (e) { ui.key(e); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      ui.enter();
    });
    if (this.page && this.more) {
      this.more.addEventListener("click", function () { ui.showMore(null); });
    }
    if (!this.page) {
      document.addEventListener("click", function (e) {
        if (!form.contains(e.target)) ui.open(false);
      });
    }
  }

  Box.prototype.open = function (on) {
    if (this.page) return;
    this.popup.hidden = !on;
    this.input.setAttribute("aria-expanded", on ? "true" : "false");
  };

  Box.prototype.activeFilters = function () {
    return this.page ? this.filters : {};
  };

  Box.prototype.run = function () {
    var q = this.input.value;
    var seq = ++this.seq;
    this.form.removeAttribute("data-state");
    if (this.page) {
      try {
        var url = q.trim() ? searchPageUrl(q.trim(), this.filters).replace(/^[^?]*/, "") : location.pathname;
        history.replaceState(null, "", url);
      } catch (err) { /* file:// may refuse; the results still show */ }
    }
    if (!q.trim()) {
      this.clear();
      this.setStatus("");
      this.open(false);
      return Promise.resolve();
    }
    if (!manifest) this.setStatus("正在加载搜索索引…");
    var filters = this.activeFilters();
    var needFacets = this.page ? init().then(loadFacets).catch(function () { return null; }) : Promise.resolve(null);
    var found = Promise.all([search(q), needFacets]).then(function (all) { return all[0]; });
    return this.present(found, seq, q.trim(), filters);
  };

  // Show the outcome `found` (a promise of a search's result) of query `q` with `filters`,
  // unless a newer query (`seq`) has started since; an index that cannot be loaded is said so.
  Box.prototype.present = function (found, seq, q, filters) {
    var ui = this;
    return found.then(function (r) {
      if (seq !== ui.seq) return;
      ui.last = { q: q, r: r, filters: filters };
      ui.clear();
      ui.renderFilters(r);
      return ui.fill(r, seq);
    }).then(function () {
      if (seq === ui.seq) ui.form.setAttribute("data-state", "done");
    }, function (err) {
      if (seq !== ui.seq) return;
      ui.setStatus(err && err.message === "stale" ? "搜索索引已更新，请刷新页面后再试" : "无法加载搜索索引");
      ui.open(true);
      ui.form.setAttribute("data-state", "error");
    });
  };

  // The results of the filters: the list without the documents that do not pass.
  Box.prototype.filtered = function (list) {
    var f = this.activeFilters();
    if (!Object.keys(f).length) return list;
    return list.filter(function (r) { return passes(r.doc, f); });
  };

  Box.prototype.fill = function (r, seq) {
    var ui = this;
    var q = this.last.q;
    this.results = this.filtered(r.results);
    var openCount = r.open.length;
    if (r.pending) {
      this.setStatus("已检查的前 " + r.res.spent + " 篇候选内容都不包含“" + q + "”，还有 " +
        openCount + " 篇尚未检查");
      this.cont.textContent = "继续查找（还有 " + openCount + " 篇待检查）";
      this.cont.disabled = false;
      this.cont.hidden = false;
      this.open(true);
      return Promise.resolve();
    }
    if (!this.results.length && !openCount) {
      var none = r.parts.length ? "没有找到与“" + q + "”相关的内容" : "请输入要搜索的文字";
      if (r.parts.length && Object.keys(this.activeFilters()).length && r.results.length) {
        none = "在所选范围内没有找到与“" + q + "”相关的内容（共 " + r.results.length + " 条在其他范围）";
      }
      this.setStatus(none);
      this.open(true);
      return this.showPartial(r.partial, r.budget);
    }
    this.setStatus("找到 " + this.results.length + (openCount ? " 条以上" : " 条") + "结果");
    if (r.joined) this.showJoined(r.joined);
    return this.showMore(r.budget);
  };

  // 继续查找: the next budget's worth of candidates of a pending query, same query, same
  // filters; then the page shows what that gives (results, still pending, or 没有找到).
  Box.prototype.resume = function () {
    var last = this.last;
    if (!last || !last.r.resume) return Promise.resolve();
    var seq = ++this.seq;
    // The popup stays open while it is worked in.
    if (!this.page) this.input.focus();
    this.form.removeAttribute("data-state");
    this.cont.disabled = true;
    this.setStatus("正在继续查找…");
    return this.present(last.r.resume(), seq, last.q, last.filters);
  };

  Box.prototype.renderFilters = function (r) {
    if (!this.page || !this.nav) return;
    var ui = this;
    this.nav.innerHTML = "";
    this.nav.hidden = true;
    if (!facets || !r.results.length) return;
    var q = this.last.q;
    var f = this.filters;
    var all = r.results;
    function count(name, value) {
      var set = facetSet(name, value);
      var other = {};
      Object.keys(f).forEach(function (k) { if (k !== name) other[k] = f[k]; });
      return all.filter(function (x) { return set.has(x.doc) && passes(x.doc, other); }).length;
    }
    function link(label, name, value, n) {
      var a = document.createElement("a");
      var next = {};
      Object.keys(f).forEach(function (k) { next[k] = f[k]; });
      if (value === null) delete next[name];
      else next[name] = value;
      a.href = searchPageUrl(q, next);
      a.className = "search-filter";
      a.setAttribute("data-filter", name);
      a.textContent = label + (n === null ? "" : "（" + n + "）");
      if ((value === null && !f[name]) || (value !== null && f[name] === value)) a.setAttribute("aria-current", "true");
      return a;
    }
    function row(label, items) {
      var p = document.createElement("p");
      p.className = "search-filter-row";
      var l = document.createElement("span");
      l.className = "search-filter-label";
      l.textContent = label + "：";
      p.appendChild(l);
      items.forEach(function (a, i) {
        if (i) p.appendChild(document.createTextNode(" · "));
        p.appendChild(a);
      });
      ui.nav.appendChild(p);
    }
    var tops = [];
    (facets.top || []).forEach(function (t) {
      var n = count("in", t);
      if (n) tops.push(link(t, "in", t, n));
    });
    if (tops.length > 1 || f["in"]) row("范围", [link("全部", "in", null, null)].concat(tops));
    (facets.tax || []).forEach(function (tx) {
      var items = [];
      tx.terms.forEach(function (e) {
        if (items.length >= 12 && f[tx.n] !== e[0]) return;
        var n = count(tx.n, e[0]);
        if (n) items.push(link(e[0], tx.n, e[0], n));
      });
      if (items.length > 1 || f[tx.n]) row(tx.t || tx.n, [link("全部", tx.n, null, null)].concat(items));
    });
    this.nav.hidden = !this.nav.children.length;
  };

  Box.prototype.setStatus = function (text) {
    this.status.textContent = text;
  };

  // The results of a part found as two words: a note above them says so.
  Box.prototype.showJoined = function (joined) {
    if (!this.joinedNote) {
      this.joinedNote = document.createElement("p");
      this.joinedNote.className = "search-joined-note";
      this.list.parentNode.insertBefore(this.joinedNote, this.list);
    }
    this.joinedNote.innerHTML = Object.keys(joined).map(function (p) {
      var w = joined[p];
      return "未找到连续的“" + escapeHtml(p) + "”，以下结果包含 <b>" + escapeHtml(w[0]) +
        "</b> 和 <b>" + escapeHtml(w[1]) + "</b>";
    }).join("；") + "。";
    this.joinedNote.hidden = false;
  };

  Box.prototype.clear = function () {
    if (this.joinedNote) {
      this.joinedNote.innerHTML = "";
      this.joinedNote.hidden = true;
    }
    this.list.innerHTML = "";
    this.shown = 0;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.form.removeAttribute("data-state");
    if (this.more) this.more.hidden = true;
    if (this.cont) this.cont.hidden = true;
    if (this.partial) {
      this.partial.innerHTML = "";
      this.partial.hidden = true;
    }
  };

  // When nothing matches: the documents that have the parts that do occur, apart, under a
  // heading that names what is missing.
  Box.prototype.showPartial = function (partial, budget) {
    var ui = this;
    if (!partial) return Promise.resolve();
    var res = partial.res;
    var fill = res.open.length ? check(res, CHECK_BATCH * 2, budget) : Promise.resolve(res);
    return fill.then(function () {
      var list = ui.filtered(res.list).slice(0, ui.page ? PAGE_SIZE : 4);
      if (!list.length) return;
      return Promise.all(list.map(function (r) { return loadDoc(r.doc); })).then(function (docs) {
        var h = document.createElement(ui.page ? "h2" : "p");
        h.className = "search-partial-title";
        h.textContent = "部分匹配";
        var note = document.createElement("p");
        note.className = "search-partial-note";
        var names = function (list, tag) {
          return list.map(function (t) { return "<" + tag + ">" + escapeHtml(t) + "</" + tag + ">"; }).join(" ");
        };
        var found = partial.found.map(function (p) { return p.text; });
        if (partial.split) {
          note.innerHTML = Object.keys(partial.split).map(function (p) {
            return "没有连在一起的“" + escapeHtml(p) + "”。";
          }).join("") + "同时包含 " + names(found, "b") + " 的结果：";
        } else if (partial.any) {
          note.innerHTML = "没有同时包含 " + names(found, "b") + " 的内容。以下结果只包含其中一部分：";
        } else {
          note.innerHTML = "包含 " + names(found, "b") + " 的结果，其中没有 " + names(partial.missing, "s") + "：";
        }
        var ol = document.createElement(ui.page ? "ol" : "ul");
        ol.className = "search-partial-results";
        docs.forEach(function (d, i) {
          ol.appendChild(ui.item(d, list[i].doc, partial.found, "search-partial-result"));
        });
        ui.partial.appendChild(h);
        ui.partial.appendChild(note);
        ui.partial.appendChild(ol);
        ui.partial.hidden = false;
        ui.open(document.activeElement === ui.input);
      });
    });
  };

  // Show the next page of results (the popup shows only the first few); candidates not yet
  // checked against their text are checked first when the page needs them, up to a budget
  // (what the query left of its own for the first page; BUDGET for each click).
  Box.prototype.showMore = function (budget) {
    var ui = this;
    budget = budget || { left: BUDGET };
    var last = this.last;
    if (!last) return Promise.resolve();
    var seq = this.seq;
    var n = this.page ? PAGE_SIZE : POPUP_SIZE;
    var res = last.r.res;
    function need() {
      ui.results = ui.filtered(res.list);
      if (ui.results.length >= ui.shown + n || !res.open.length || budget.left <= 0) return Promise.resolve();
      return check(res, CHECK_BATCH, budget).then(function () {
        res.list.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
        return need();
      });
    }
    return need().then(function () {
      if (seq !== ui.seq) return;
      // What is already shown stays where it is.
      var shownDocs = {};
      for (var i = 0; i < ui.list.children.length; i++) shownDocs[ui.list.children[i].getAttribute("data-doc")] = true;
      var rest = ui.results.filter(function (r) { return !shownDocs[r.doc]; });
      var slice = rest.slice(0, n);
      return Promise.all(slice.map(function (s) { return loadDoc(s.doc); })).then(function (docs) {
        if (seq !== ui.seq) return;
        docs.forEach(function (d, i) {
          ui.list.appendChild(ui.item(d, slice[i].doc, last.r.parts, "search-result", ui.shown + i));
        });
        ui.shown += slice.length;
        var total = ui.results.length;
        var more = total > ui.shown || res.open.length > 0;
        ui.setStatus(ui.status.textContent.replace(/找到 \d+ 条(以上)?结果/, "找到 " + total + (res.open.length ? " 条以上" : " 条") + "结果"));
        if (ui.page) {
          ui.more.hidden = !more;
        } else {
          ui.more.hidden = !more;
          ui.more.href = searchPageUrl(last.q);
          ui.more.textContent = "查看全部 " + total + (res.open.length ? "+" : "") + " 条结果";
          ui.open(ui.form.contains(document.activeElement));
        }
      });
    });
  };

  Box.prototype.item = function (d, doc, parts, cls, i) {
    var li = document.createElement("li");
    li.className = cls;
    li.setAttribute("data-doc", String(doc));
    if (cls === "search-result") {
      li.id = this.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
    }
    var what = describe(doc, d, parts);
    var a = document.createElement("a");
    a.href = resultUrl(d, parts, what.section);
    a.className = "search-result-title";
    a.innerHTML = marked(d.t, parts);
    li.appendChild(a);
    if (d.s) {
      var s = document.createElement("span");
      s.className = "search-result-section";
      s.innerHTML = marked(d.s, parts);
      li.appendChild(s);
    }
    if (what.section && what.section.title) {
      // The heading of the section the link goes to.
      var h = document.createElement("span");
      h.className = "search-result-heading";
      h.innerHTML = "§ " + marked(what.section.title, parts);
      li.appendChild(h);
    }
    var p = document.createElement("p");
    p.className = "search-result-snippet";
    p.innerHTML = what.html;
    li.appendChild(p);
    return li;
  };

  Box.prototype.select = function (i) {
    var items = this.list.children;
    if (!items.length) return;
    if (this.active >= 0 && items[this.active]) items[this.active].setAttribute("aria-selected", "false");
    this.active = (i + items.length) % items.length;
    var el = items[this.active];
    el.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", el.id);
    if (el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
  };

  Box.prototype.key = function (e) {
    if (e.key === "ArrowDown" || e.key === "Down") {
      e.preventDefault();
      this.open(true);
      this.select(this.active + 1);
    } else if (e.key === "ArrowUp" || e.key === "Up") {
      e.preventDefault();
      this.select(this.active < 0 ? -1 : this.active - 1);
    } else if (e.key === "Escape" || e.key === "Esc") {
      if (!this.page && !this.popup.hidden) {
        e.preventDefault();
        this.open(false);
      }
    } else if (e.key === "Enter") {
      e.preventDefault();
      this.enter();
    }
  };

  Box.prototype.enter = function () {
    var items = this.list.children;
    if (this.active >= 0 && items[this.active]) {
      location.href = items[this.active].querySelector("a").href;
      return;
    }
    var q = this.input.value.trim();
    if (!q) return;
    if (this.page) {
      clearTimeout(this.timer);
      this.run();
    } else {
      location.href = searchPageUrl(q);
    }
  };

  var boxes = [];
  function wire() {
    var forms = document.querySelectorAll("form[data-zhiku-search]");
    for (var i = 0; i < forms.length; i++) {
      var f = forms[i];
      if (f.__zhikuBox) continue;
      var b = new Box(f);
      f.__zhikuBox = b;
      boxes.push(b);
      if (b.page) {
        var q = new URLSearchParams(location.search).get("q");
        if (q) b.input.value = q;
        if (b.input.value.trim()) b.run();
      } else if (document.activeElement === b.input && b.input.value.trim()) {
        b.run();
      }
    }
    var hl = new URLSearchParams(location.search).get("hl");
    if (hl && !document.querySelector("form[data-zhiku-search=page]")) highlightPage(hl);
    init();
  }

  // All matching documents, checked (tests and the benchmark): resolves to
  // {paths: [result paths in order], partial: [paths] | null, split, joined}.
  function searchAll(query) {
    function settled(r) {
      return r.pending ? r.resume().then(settled) : Promise.resolve(r);
    }
    return search(query).then(settled).then(function (r) {
      function drain(res) {
        if (!res || !res.open.length) return Promise.resolve(res);
        return check(res, CHECK_BATCH * 4).then(drain);
      }
      return drain(r.res).then(function () {
        return r.partial ? drain(r.partial.res) : null;
      }).then(function () {
        var list = r.res ? r.res.list.slice() : [];
        list.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
        return Promise.all(list.map(function (x) { return loadDoc(x.doc); })).then(function (docs) {
          var partial = r.partial ? r.partial.res.list.map(function (x) { return x.doc; }) : null;
          return { paths: docs.map(function (d) { return d.u; }), partial: partial, split: r.split, joined: r.joined || null };
        });
      });
    });
  }

  window.__zhikuSearchUI = {
    search: search,
    searchAll: searchAll,
    parse: parse,
    fold: fold,
    init: init,
    root: root,
    boxes: boxes,
    highlight: highlightPage,
    doc: loadDoc
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();

// 知库 full-text search. Loaded by site.js the first time a search box is used, and by the
// search page. No framework, no network beyond this site's own search/ files, which are
// JavaScript (JSONP) so that they load from file:// as well as over HTTP.
//
// The index (see src/search/ in zhiku): search/manifest.js, search/fold.js, shards
// search/s/<n>.js (tokens grouped by their first two characters, hashed to a shard) and one
// file per document search/d/<n>.js. A query loads the manifest, the fold table, one shard
// per bigram or Latin word of the query, and the documents it shows.
(function () {
  "use strict";
  if (window.__zhikuSearchUI) return;

  // The site root, from this script's own URL (…/js/search.js): works at the domain root,
  // under a sub-path, with relative URLs and from file://.
  var self = document.currentScript;
  var selfSrc = (self && self.src) || "";
  var root = selfSrc.replace(/js\/[^\/?#]*(?:[?#].*)?$/, "");
  var indexBase = root + "search/";
  // A script edition (site.toml [variants], e.g. zh-hant/): its pages and its converted
  // document files are under root + edition; manifest, fold table and shards are shared.
  var edition = document.documentElement.getAttribute("data-zhiku-edition") || "";
  var pageRoot = root + edition;
  var isFile = location.protocol === "file:";

  var PAGE_SIZE = 10;
  var POPUP_SIZE = 8;
  var DEBOUNCE_MS = 120;
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
    var expected = kind === "d" ? layout : build;
    if (kind !== "m" && expected !== null && fileBuild !== expected) {
      p.reject(new Error("stale"));
      return;
    }
    p.resolve(data);
  };

  function load(kind, id, path) {
    var key = kind + id;
    if (loaded[key]) return loaded[key];
    loaded[key] = new Promise(function (resolve, reject) {
      pending[key] = { resolve: resolve, reject: reject };
      var s = document.createElement("script");
      // The manifest is always fetched fresh; everything else is named by the build.
      s.src = indexBase + path + "?v=" + (build || Date.now());
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
  var ready = null;
  function init() {
    if (!ready) {
      ready = load("m", 0, "manifest.js")
        .then(function (m) {
          manifest = m;
          build = m.build;
          layout = m.layout || null;
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
    return isCjk(ch.codePointAt(0)) && ALNUM.test(ch);
  }
  function isWordChar(ch) {
    return ALNUM.test(ch) && !isCjkLetter(ch);
  }
  function isDigit(ch) {
    return ch !== undefined && ch >= "0" && ch <= "9";
  }

  // Latin words and numbers of a folded run without CJK letters.
  function latinTokens(cps, out) {
    var i = 0;
    while (i < cps.length) {
      if (!isWordChar(cps[i])) {
        i++;
        continue;
      }
      var start = i;
      var sep = false;
      while (i < cps.length) {
        var ch = cps[i];
        if (isWordChar(ch)) {
          i++;
        } else if ((ch === "." || ch === ",") && i > start && isDigit(cps[i - 1]) && isDigit(cps[i + 1])) {
          if (ch === ",") sep = true;
          i++;
        } else {
          break;
        }
      }
      var numeric = cps.slice(start, i).every(function (x) {
        return isDigit(x) || x === "." || x === ",";
      });
      if (numeric && cps[i] === "%") i++;
      var w = cps.slice(start, i).join("");
      out.push(sep ? w.replace(/,/g, "") : w);
    }
  }

  // The query's terms: CJK runs (matched through their bigrams) and Latin words.
  function terms(query) {
    var cps = Array.from(fold(query));
    var out = [];
    var i = 0;
    while (i < cps.length) {
      var cjk = isCjkLetter(cps[i]);
      var start = i;
      while (i < cps.length && isCjkLetter(cps[i]) === cjk) i++;
      if (cjk) {
        out.push(cps.slice(start, i).join(""));
      } else {
        latinTokens(cps.slice(start, i), out);
      }
    }
    var seen = {};
    return out.filter(function (t) {
      if (seen[t]) return false;
      seen[t] = true;
      return true;
    });
  }

  // ---- Shards and postings --------------------------------------------------------------
  function groupOf(token) {
    return Array.from(token).slice(0, 2).join("");
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
    return load("d", n, (edition ? "../" + edition + "search/" : "") + "d/" + n + ".js");
  }

  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var DEC = [];
  for (var di = 0; di < DIGITS.length; di++) DEC[DIGITS.charCodeAt(di)] = di;

  // "postings" → Map(doc → code), code = tf << 2 | fields.
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
      if (second) out.set(doc, v);
      else doc += v;
      second = !second;
      v = 0;
      shift = 0;
    }
    if (decoded.size > 2000) decoded.clear();
    decoded.set(s, out);
    return out;
  }

  function groups(shards, g) {
    var sh = shards[shardOf(g)];
    return (sh && sh[g]) || null;
  }

  // The units of a term: what must all be present for a document to match it.
  // CJK: its bigrams (or the character itself); Latin: the word, as a prefix.
  function unitsOf(term) {
    var cps = Array.from(term);
    if (!isCjkLetter(cps[0])) return [term];
    if (cps.length === 1) return [term];
    var u = [];
    for (var i = 0; i + 1 < cps.length; i++) u.push(cps[i] + cps[i + 1]);
    return u;
  }

  // Postings of one unit; `prefix` for Latin words of two or more characters.
  function unitPostings(shards, unit, prefix) {
    var g = groupOf(unit);
    var grp = groups(shards, g);
    if (!grp) return new Map();
    var rest = unit.slice(g.length);
    if (!prefix) return decode(grp[rest]);
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

  // Jieba words (three or more characters) of the index that occur in a CJK term: their
  // documents rank above documents that only contain the bigrams.
  function wordPostings(shards, term) {
    var cps = Array.from(term);
    var out = [];
    for (var i = 0; i + 2 < cps.length; i++) {
      var grp = groups(shards, cps[i] + cps[i + 1]);
      if (!grp) continue;
      var after = cps.slice(i + 2).join("");
      Object.keys(grp).forEach(function (suffix) {
        if (suffix && after.slice(0, suffix.length) === suffix) out.push(decode(grp[suffix]));
      });
    }
    return out;
  }

  // Documents matching every unit of a term: Map(doc → {tf, title, meta}).
  function matchTerm(shards, term) {
    var units = unitsOf(term);
    var latin = !isCjkLetter(Array.from(term)[0]);
    var lists = units.map(function (u) {
      return unitPostings(shards, u, latin && Array.from(u).length >= 2);
    });
    lists.sort(function (a, b) { return a.size - b.size; });
    var out = new Map();
    lists[0].forEach(function (code, doc) {
      var tf = code >> 2, all = code & 3;
      for (var k = 1; k < lists.length; k++) {
        var c = lists[k].get(doc);
        if (c === undefined) return;
        tf = Math.min(tf, c >> 2);
        all &= c;
      }
      out.set(doc, { tf: tf, title: (all & TITLE) !== 0, meta: (all & META) !== 0 });
    });
    return out;
  }

  function shardsFor(termList) {
    var need = {};
    termList.forEach(function (t) {
      unitsOf(t).forEach(function (u) {
        need[shardOf(groupOf(u))] = true;
      });
    });
    var ids = Object.keys(need).map(Number);
    return Promise.all(ids.map(loadShard)).then(function (datas) {
      var shards = {};
      ids.forEach(function (id, i) { shards[id] = datas[i]; });
      return shards;
    });
  }

  // Split CJK terms where a bigram occurs nowhere in the index (天津党建 → 天津, 党建 when
  // 津党 is never written): such a term could match no document as a whole.
  function splitAbsent(shards, termList) {
    var out = [];
    termList.forEach(function (t) {
      var cps = Array.from(t);
      if (cps.length < 3 || !isCjkLetter(cps[0])) {
        out.push(t);
        return;
      }
      var start = 0;
      for (var i = 0; i + 1 < cps.length; i++) {
        var b = cps[i] + cps[i + 1];
        var grp = groups(shards, b);
        if (!grp || grp[""] === undefined) {
          if (i + 1 - start >= 1) out.push(cps.slice(start, i + 1).join(""));
          start = i + 1;
        }
      }
      out.push(cps.slice(start).join(""));
    });
    return out.filter(function (t, i) { return t && out.indexOf(t) === i; });
  }

  function rank(shards, termList) {
    var scores = new Map();
    var anyFull = false;
    termList.forEach(function (term) {
      var m = matchTerm(shards, term);
      if (m.size) anyFull = true;
      m.forEach(function (hit, doc) {
        var s = scores.get(doc);
        if (!s) {
          s = { doc: doc, terms: 0, title: 0, meta: 0, words: 0, tf: 0 };
          scores.set(doc, s);
        }
        s.terms++;
        if (hit.title) s.title++;
        if (hit.meta) s.meta++;
        s.tf += hit.tf;
      });
      var tcps = Array.from(term);
      if (tcps.length >= 3 && isCjkLetter(tcps[0])) {
        wordPostings(shards, term).forEach(function (p) {
          p.forEach(function (code, doc) {
            var s = scores.get(doc);
            if (s) s.words++;
          });
        });
      }
    });
    var list = Array.from(scores.values());
    list.sort(function (a, b) {
      return b.terms - a.terms || b.title - a.title || b.meta - a.meta ||
        b.words - a.words || b.tf - a.tf || a.doc - b.doc;
    });
    return { list: list, anyFull: anyFull };
  }

  // The whole query: resolves to {terms, results: [{doc, …}], partial}.
  function search(query) {
    var termList = [];
    return init()
      .then(function () {
        // Only now: folding needs the Traditional → Simplified table.
        termList = terms(query);
        return termList.length ? shardsFor(termList) : null;
      })
      .then(function (shards) {
        if (!shards) return { terms: [], results: [], partial: false };
        var split = splitAbsent(shards, termList);
        // Characters left alone by the split need their own shard.
        return shardsFor(split).then(function (more) {
          Object.keys(more).forEach(function (k) { shards[k] = more[k]; });
          var r = rank(shards, split);
          var partial = false;
          if (!r.anyFull) {
            // Nothing has a whole term: rank by the bigrams found instead.
            var pieces = [];
            split.forEach(function (t) {
              unitsOf(t).forEach(function (u) { if (pieces.indexOf(u) < 0) pieces.push(u); });
            });
            r = rank(shards, pieces);
            partial = r.list.length > 0;
          }
          return { terms: split, results: r.list, partial: partial };
        });
      });
  }

  // ---- Snippets and highlighting ---------------------------------------------------------
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Match intervals [start, end, needle] of the query's terms in `text` (UTF-16 offsets;
  // the folded text has the same offsets as the original).
  // With `whole`, only terms as written (titles); otherwise the pieces of a term that is not
  // written as such are marked too (snippets).
  function matches(text, termList, whole) {
    var f = fold(text);
    var out = [];
    termList.forEach(function (term, ti) {
      var needles = f.indexOf(term) >= 0 ? [term] : whole ? [] : unitsOf(term);
      needles.forEach(function (n) {
        if (!n) return;
        var from = 0, count = 0;
        for (;;) {
          var i = f.indexOf(n, from);
          if (i < 0 || count++ > 500) break;
          out.push([i, i + n.length, ti]);
          from = i + n.length;
        }
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

  function snippet(text, termList) {
    var WIDTH = 110, BEFORE = 24;
    var ms = matches(text, termList);
    var start = 0;
    if (ms.length) {
      var best = -1;
      ms.forEach(function (m) {
        var s = Math.max(0, m[0] - BEFORE);
        var seen = {};
        var n = 0;
        ms.forEach(function (x) {
          if (x[0] >= s && x[1] <= s + WIDTH && !seen[x[2]]) {
            seen[x[2]] = true;
            n++;
          }
        });
        if (n > best) {
          best = n;
          start = s;
        }
      });
    }
    var end = Math.min(text.length, start + WIDTH);
    // Do not cut a surrogate pair.
    if (start > 0 && /[\udc00-\udfff]/.test(text[start])) start--;
    if (end < text.length && /[\udc00-\udfff]/.test(text[end])) end++;
    return (start > 0 ? "…" : "") + markUp(text, ms, start, end) + (end < text.length ? "…" : "");
  }

  // How many of the terms a document has as written (not only through their bigrams).
  function written(d, termList) {
    var hay = fold([d.t, d.s, (d.k || []).join("\n"), d.x].join("\n")).replace(/(\d),(?=\d)/g, "$1");
    return termList.filter(function (t) { return hay.indexOf(t) >= 0; }).length;
  }

  function marked(text, termList) {
    return markUp(text, matches(text, termList, true), 0, text.length);
  }

  // The snippet; when the text does not have the query but a taxonomy term does, the terms.
  function describe(d, termList) {
    if (d.k && !matches(d.x, termList, true).length) {
      var hits = d.k.filter(function (t) { return matches(t, termList, true).length > 0; });
      if (hits.length) {
        return "标签：" + hits.map(function (t) { return marked(t, termList); }).join("、");
      }
    }
    return snippet(d.x, termList);
  }

  function docUrl(path) {
    var u = pageRoot + path;
    if (isFile && (path === "" || /\/$/.test(path))) u += "index.html";
    return u;
  }
  function searchPageUrl(q) {
    return pageRoot + "search/" + (isFile ? "index.html" : "") + "?q=" + encodeURIComponent(q);
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

    if (this.page) {
      this.status = form.parentNode.querySelector(".search-status");
      this.list = form.parentNode.querySelector(".search-results");
      this.more = form.parentNode.querySelector(".search-more");
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
      this.popup.appendChild(this.status);
      this.popup.appendChild(this.list);
      this.popup.appendChild(this.more);
      form.appendChild(this.popup);
    }
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
      this.more.addEventListener("click", function () { ui.showMore(); });
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

  Box.prototype.run = function () {
    var ui = this;
    var q = this.input.value;
    var seq = ++this.seq;
    this.form.removeAttribute("data-state");
    if (this.page) {
      try {
        history.replaceState(null, "", q.trim() ? "?q=" + encodeURIComponent(q.trim()) : location.pathname);
      } catch (err) { /* file:// may refuse; the results still show */ }
    }
    if (!q.trim()) {
      this.clear();
      this.setStatus("");
      this.open(false);
      return Promise.resolve();
    }
    if (!manifest) this.setStatus("正在加载搜索索引…");
    return search(q).then(function (r) {
      if (seq !== ui.seq) return;
      ui.last = { q: q.trim(), r: r };
      ui.clear();
      if (!r.results.length) {
        ui.setStatus(r.terms.length ? "没有找到与“" + q.trim() + "”相关的内容" : "请输入要搜索的文字");
        ui.open(true);
        ui.form.setAttribute("data-state", "done");
        return;
      }
      ui.setStatus((r.partial ? "没有完全匹配的结果，以下是部分匹配：" : "") +
        "找到 " + r.results.length + " 条结果");
      return ui.showMore().then(function () {
        if (seq === ui.seq) ui.form.setAttribute("data-state", "done");
      });
    }, function (err) {
      if (seq !== ui.seq) return;
      ui.setStatus(err && err.message === "stale" ? "搜索索引已更新，请刷新页面后再试" : "无法加载搜索索引");
      ui.open(true);
      ui.form.setAttribute("data-state", "error");
    });
  };

  Box.prototype.setStatus = function (text) {
    this.status.textContent = text;
  };

  Box.prototype.clear = function () {
    this.list.innerHTML = "";
    this.shown = 0;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.form.removeAttribute("data-state");
    if (this.more) this.more.hidden = true;
  };

  // Show the next page of results (the popup shows only the first few). A document matches
  // a term when it has all the term's bigrams; the documents about to be shown are checked
  // for the terms as written, and those that have only the pieces move to the end.
  Box.prototype.showMore = function () {
    var ui = this;
    var last = this.last;
    if (!last) return Promise.resolve();
    var seq = this.seq;
    var n = this.page ? PAGE_SIZE : POPUP_SIZE;
    var list = last.r.results;
    var rounds = 0;
    function step() {
      var slice = list.slice(ui.shown, ui.shown + n);
      return Promise.all(slice.map(function (s) { return loadDoc(s.doc); })).then(function (docs) {
        if (seq !== ui.seq) return;
        if (!last.r.partial && rounds++ < 4) {
          var loose = slice.filter(function (s, i) {
            return !s.demoted && written(docs[i], last.r.terms) < s.terms;
          });
          if (loose.length) {
            loose.forEach(function (s) {
              s.demoted = true;
              list.splice(list.indexOf(s), 1);
              list.push(s);
            });
            return step();
          }
        }
        docs.forEach(function (d, i) {
          ui.list.appendChild(ui.item(d, ui.shown + i, last.r.terms));
        });
        ui.shown += slice.length;
        var total = list.length;
        if (ui.page) {
          ui.more.hidden = ui.shown >= total;
        } else {
          ui.more.hidden = total <= ui.shown;
          ui.more.href = searchPageUrl(last.q);
          ui.more.textContent = "查看全部 " + total + " 条结果";
          ui.open(document.activeElement === ui.input);
        }
      });
    }
    return step();
  };

  Box.prototype.item = function (d, i, termList) {
    var li = document.createElement("li");
    li.className = "search-result";
    li.id = this.id + "-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    var a = document.createElement("a");
    a.href = docUrl(d.u);
    a.className = "search-result-title";
    a.innerHTML = marked(d.t, termList);
    li.appendChild(a);
    if (d.s) {
      var s = document.createElement("span");
      s.className = "search-result-section";
      s.innerHTML = marked(d.s, termList);
      li.appendChild(s);
    }
    var p = document.createElement("p");
    p.className = "search-result-snippet";
    p.innerHTML = describe(d, termList);
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
    init();
  }

  window.__zhikuSearchUI = {
    search: search,
    terms: terms,
    fold: fold,
    init: init,
    root: root,
    boxes: boxes,
    snippet: snippet
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();

// 知库 default theme: small enhancements only; every page works without JavaScript.
(function () {
  "use strict";
  // Mark the table-of-contents entry of the heading being read: the last heading whose top
  // has passed the upper fifth of the window (or the first heading, above it).
  var tocs = document.querySelectorAll(".toc, .toc-inline");
  if (!tocs.length) return;
  var headings = [].slice.call(document.querySelectorAll(".prose h2[id], .prose h3[id]"));
  if (!headings.length) return;
  var byId = {};
  tocs.forEach(function (toc) {
    toc.querySelectorAll("a[href^='#']").forEach(function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      (byId[id] = byId[id] || []).push(a);
    });
  });
  var current = null;
  function update() {
    var line = Math.min(window.innerHeight * 0.2, 160);
    var found = headings[0];
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top <= line) found = headings[i];
      else break;
    }
    if (found === current) return;
    current = found;
    tocs.forEach(function (toc) {
      toc.querySelectorAll("a[aria-current]").forEach(function (x) { x.removeAttribute("aria-current"); });
    });
    (byId[found.id] || []).forEach(function (a) {
      a.setAttribute("aria-current", "location");
      // Keep the marked entry visible in a sticky contents list that scrolls.
      var box = a.closest(".toc");
      if (box && box.scrollHeight > box.clientHeight) {
        var r = a.getBoundingClientRect(), b = box.getBoundingClientRect();
        if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - b.height / 2;
      }
    });
  }
  var queued = false;
  window.addEventListener("scroll", function () {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () { queued = false; update(); });
  }, { passive: true });
  window.addEventListener("resize", update);
  window.addEventListener("hashchange", function () { setTimeout(update, 0); });
  update();
})();

(function () {
  "use strict";
  // Search: search.js is loaded only when a search box is first used; `/` focuses the box.
  var form = document.querySelector("form.site-search");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  function loadSearch() {
    if (window.__zhikuSearchUI || form.getAttribute("data-loading")) return;
    form.setAttribute("data-loading", "1");
    var s = document.createElement("script");
    s.src = form.getAttribute("data-search-src");
    s.onerror = function () { form.removeAttribute("data-loading"); };
    document.head.appendChild(s);
  }
  // The `/` shortcut is for keyboards: mention it only where there is a fine pointer.
  if (window.matchMedia && window.matchMedia("(hover: hover) and (pointer: fine)").matches) {
    input.setAttribute("placeholder", "搜索（按 / 键）");
  }
  input.addEventListener("focus", loadSearch);
  input.addEventListener("input", loadSearch);
  // Opened from a search result (`?hl=`): search.js marks what matched.
  if (/[?&]hl=/.test(location.search)) loadSearch();
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var page = document.querySelector("form[data-zhiku-search=page] input[name=q]");
    var target = page || input;
    e.preventDefault();
    target.focus();
    if (target.select) target.select();
  });
})();

(function () {
  "use strict";
  // Print buttons (module handout, lesson, case): window.print().
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });

  // Citation of a case: the page address is filled in from where the page is read (an
  // intranet, a USB stick), then one click copies the text.
  document.querySelectorAll("[data-cite]").forEach(function (box) {
    var text = box.querySelector("[data-cite-text]");
    var url = box.querySelector("[data-cite-url]");
    var button = box.querySelector("[data-copy-cite]");
    var status = box.querySelector(".cite-status");
    if (url && !url.textContent) url.textContent = location.href.split("#")[0];
    if (!text || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var value = text.textContent.replace(/\s+/g, " ").trim();
      function done(ok) {
        if (status) status.textContent = ok ? "已复制，可粘贴到讲义或报告中" : "请选中上面的文字复制";
        box.setAttribute("data-copied", ok ? "1" : "0");
      }
      function fallback() {
        var range = document.createRange();
        range.selectNodeContents(text);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        done(ok);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(value).then(function () { done(true); }, fallback);
      } else {
        fallback();
      }
    });
  });
})();

(function () {
  "use strict";
  // Learning progress, kept in this browser only (localStorage; nothing is sent anywhere;
  // works from file://). One record per site: {lessons: {path: {done, quiz: {n: right}}}}.
  var KEY = "zhiku-progress:" + (document.body.getAttribute("data-site") || "");
  var store = null;
  try { store = window.localStorage; store.getItem(KEY); } catch (e) { store = null; }
  function load() {
    if (!store) return { lessons: {} };
    try {
      var v = JSON.parse(store.getItem(KEY) || "{}");
      if (!v || typeof v !== "object" || typeof v.lessons !== "object" || !v.lessons) v = { lessons: {} };
      return v;
    } catch (e) { return { lessons: {} }; }
  }
  function save(v) {
    if (!store) return;
    try { store.setItem(KEY, JSON.stringify(v)); } catch (e) { /* full or refused: keep going */ }
  }
  function lesson(v, path) {
    var l = v.lessons[path];
    if (!l || typeof l !== "object") l = v.lessons[path] = { done: false, quiz: {} };
    if (!l.quiz || typeof l.quiz !== "object") l.quiz = {};
    return l;
  }

  // A lesson page: 已学完 toggle, marked too when the reader scrolls to the end.
  var article = document.querySelector("article[data-lesson]");
  if (article && store) {
    var path = article.getAttribute("data-lesson");
    var toggle = article.querySelector("[data-lesson-toggle]");
    var status = article.querySelector("[data-lesson-status]");
    var show = function () {
      var done = !!(load().lessons[path] || {}).done;
      if (toggle) {
        toggle.hidden = false;
        toggle.textContent = done ? "已学完 ✓（点击改为未学完）" : "标记为已学完";
        toggle.setAttribute("aria-pressed", done ? "true" : "false");
      }
      if (status) { status.hidden = !done; status.textContent = done ? "已学完" : ""; }
    };
    // `set`: marked by the reader or on reaching the end once; after that, only the reader
    // changes it (a reload that restores the scroll position does not mark it again).
    var set = function (done) {
      var v = load();
      var l = lesson(v, path);
      l.done = done;
      l.set = true;
      save(v);
      show();
    };
    if (toggle) toggle.addEventListener("click", function () { set(!(load().lessons[path] || {}).done); });
    var end = article.querySelector("[data-lesson-end]");
    if (end && "IntersectionObserver" in window) {
      var scrolled = false;
      window.addEventListener("scroll", function () { scrolled = true; }, { passive: true, once: true });
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.isIntersecting && scrolled && !(load().lessons[path] || {}).set) {
            set(true);
            io.disconnect();
          }
        });
      });
      io.observe(end);
    }
    show();
  }

  // Self-check questions: checked on the page; the result counts in the progress.
  document.querySelectorAll("[data-quiz]").forEach(function (quiz) {
    var path = quiz.getAttribute("data-quiz");
    quiz.querySelectorAll("[data-quiz-item]").forEach(function (item) {
      var n = item.getAttribute("data-quiz-item");
      var answer = item.getAttribute("data-answer") || "";
      var button = item.querySelector("[data-quiz-check]");
      var result = item.querySelector(".quiz-result");
      var details = item.querySelector(".quiz-answer");
      if (!button) return;
      button.hidden = false;
      var before = (load().lessons[path] || {}).quiz;
      if (before && n in before && result) {
        result.textContent = before[n] ? "上次已答对" : "上次答错，可以再试";
      }
      button.addEventListener("click", function () {
        var chosen = [].slice.call(item.querySelectorAll("input:checked")).map(function (i) { return i.value; }).sort().join("");
        if (!chosen) {
          result.textContent = "请先选择答案";
          result.removeAttribute("data-right");
          return;
        }
        var right = chosen === answer;
        result.textContent = right ? "回答正确" : "回答不对，正确答案是 " + answer.split("").join("、");
        result.setAttribute("data-right", right ? "1" : "0");
        if (details) details.open = true;
        var v = load();
        lesson(v, path).quiz[n] = right;
        save(v);
      });
    });
  });

  // Modules (on their page and on the course index): 已学 N/M 课 and the self-check score.
  function showModules() {
    var v = load();
    document.querySelectorAll("[data-progress-module]").forEach(function (el) {
      var paths = (el.getAttribute("data-lessons") || "").split(" ").filter(Boolean);
      var counts = (el.getAttribute("data-quizzes") || "").split(" ").map(Number);
      var done = 0, right = 0, total = 0;
      paths.forEach(function (p, i) {
        var l = v.lessons[p] || {};
        if (l.done) done++;
        total += counts[i] || 0;
        var q = l.quiz || {};
        Object.keys(q).forEach(function (k) { if (q[k]) right++; });
      });
      el.hidden = !store;
      el.setAttribute("data-done", String(done));
      el.textContent = "已学 " + done + "/" + paths.length + " 课" + (total ? " · 自测答对 " + right + "/" + total + " 题" : "");
    });
    document.querySelectorAll("[data-lesson]:not(article)").forEach(function (el) {
      if ((v.lessons[el.getAttribute("data-lesson")] || {}).done) el.setAttribute("data-done", "");
      else el.removeAttribute("data-done");
    });
  }
  showModules();
  document.querySelectorAll("[data-progress-reset]").forEach(function (b) {
    if (!store) return;
    b.hidden = false;
    b.addEventListener("click", function () {
      try { store.removeItem(KEY); } catch (e) { /* ignore */ }
      showModules();
      b.textContent = "学习记录已清除";
    });
  });
  // Another tab changed the record (a lesson marked there).
  window.addEventListener("storage", function (e) { if (e.key === KEY) showModules(); });
})();

// 知库 default theme: small enhancements only; every page works without JavaScript.
(function () {
  "use strict";
  // Mark the table-of-contents entry of the heading being read.
  var toc = document.querySelector(".toc");
  if (!toc || !("IntersectionObserver" in window)) return;
  var links = {};
  toc.querySelectorAll("a[href^='#']").forEach(function (a) {
    links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
  });
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      var a = links[e.target.id];
      if (a && e.isIntersecting) {
        toc.querySelectorAll("a[aria-current]").forEach(function (x) { x.removeAttribute("aria-current"); });
        a.setAttribute("aria-current", "location");
      }
    });
  }, { rootMargin: "0px 0px -70% 0px" });
  document.querySelectorAll(".prose h2[id], .prose h3[id]").forEach(function (h) { observer.observe(h); });
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

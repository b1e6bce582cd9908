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

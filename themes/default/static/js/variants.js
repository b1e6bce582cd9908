// 知库: the 简/繁 switch of a site with a zh-Hant edition (site.toml [variants]). Without
// JavaScript the two links still go to the same page of the other edition; with it they also
// keep the section being read (#anchor) and the search query, and the choice is remembered
// (localStorage): a page opened in the other script is replaced by its twin. No redirect is
// written into the pages, so everything works from file://.
(function () {
  "use strict";
  var KEY = "zhiku-script";
  var links = document.querySelectorAll("a[data-zhiku-variant]");
  if (!links.length) return;
  var here = document.documentElement.hasAttribute("data-zhiku-edition") ? "zh-Hant" : "zh-CN";
  function get() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function set(v) { try { localStorage.setItem(KEY, v); } catch (e) { /* private mode */ } }
  var bases = [];
  links.forEach(function (a) { bases.push(a.href.split("#")[0].split("?")[0]); });
  function update() {
    links.forEach(function (a, i) { a.href = bases[i] + location.search + location.hash; });
  }
  update();
  window.addEventListener("hashchange", update);
  links.forEach(function (a) {
    a.addEventListener("click", function () {
      set(a.getAttribute("data-zhiku-variant"));
      update();
    });
  });
  var want = get();
  if (want && want !== here) {
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("data-zhiku-variant") === want) {
        location.replace(bases[i] + location.search + location.hash);
        return;
      }
    }
  }
})();

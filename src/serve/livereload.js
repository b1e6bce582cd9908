// zhiku serve: live reload. Injected by `zhiku serve` only, never by `zhiku build`.
(function () {
  "use strict";
  var KEY = "zhiku-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(KEY);
  if (saved !== null) {
    sessionStorage.removeItem(KEY);
    var y = parseInt(saved, 10);
    var restore = function () { window.scrollTo(0, y); };
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
  }
  function here() {
    var p = decodeURIComponent(location.pathname);
    return p.replace(/index\.html$/, "");
  }
  function reload() {
    sessionStorage.setItem(KEY, String(window.scrollY));
    location.reload();
  }
  var overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "zhiku-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.92);color:#fff;" +
        "overflow:auto;padding:2rem;font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      var h = document.createElement("h2");
      h.textContent = "构建失败（修正后页面会自动刷新）";
      h.style.cssText = "margin:0 0 1rem;font:bold 18px sans-serif;color:#ff8a80";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.appendChild(h);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
  function clearError() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  var buildId = null;
  var hadError = false;
  function connect() {
    var es = new EventSource(window.ZHIKU_EVENTS || "/__zhiku/events");
    es.addEventListener("hello", function (e) {
      var info = JSON.parse(e.data);
      if (buildId !== null && info.server !== buildId) { reload(); return; }
      buildId = info.server;
      document.documentElement.setAttribute("data-zhiku-live", "connected");
      if (info.error) { hadError = true; showError(info.error); } else if (hadError) { hadError = false; clearError(); }
    });
    es.addEventListener("reload", function (e) {
      var paths = JSON.parse(e.data);
      var me = here();
      var mine = paths.some(function (p) { return p === me || /\.(css|js)$/.test(p); });
      if (hadError) { hadError = false; clearError(); }
      if (mine) reload();
    });
    es.addEventListener("error", function (e) {
      if (e.data === undefined) return; // connection error: EventSource reconnects by itself
      hadError = true;
      showError(e.data);
    });
  }
  connect();
})();

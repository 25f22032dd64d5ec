/* 长者模式 (适老化) toggle: larger type and stronger contrast, remembered on this device. */
(function () {
  var KEY = "gongkai-elder";
  var root = document.documentElement;
  function apply(on) {
    root.classList.toggle("gk-elder", on);
    document.querySelectorAll("[data-gk-elder]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "退出长者模式" : "长者模式";
    });
  }
  var stored = false;
  try { stored = localStorage.getItem(KEY) === "1"; } catch (e) {}
  apply(stored);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-gk-elder]");
    if (!button) return;
    var on = !root.classList.contains("gk-elder");
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) {}
    apply(on);
  });
})();

/* Print buttons ([data-gk-print], e.g. on a 年报), without an inline handler that a Content-Security-Policy blocks. */
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-gk-print]")) window.print();
});

/* gongkai: the 长者模式, 高对比度 and 字号 saved on an earlier visit, put on <html> before the first paint.
 * Loaded synchronously in <head> (a file, not inline, so the site's Content-Security-Policy allows it); gongkai.js,
 * at the end of <body>, reads the same keys and wires up the buttons. Without it the normal look flashes first. */
(function () {
  "use strict";
  try {
    var classes = document.documentElement.classList;
    var get = function (key) { return localStorage.getItem("gongkai-" + key); };
    if (get("elder") === "1") classes.add("gk-elder");
    if (get("contrast") === "1") classes.add("gk-contrast");
    var step = parseInt(get("font"), 10);
    if (step >= -1 && step <= 3 && step !== 0) classes.add("gk-font-" + step);
  } catch (e) { /* storage blocked (private mode): the default look */ }
})();

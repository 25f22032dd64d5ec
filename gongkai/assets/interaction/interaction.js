/* 意见征集 live status (gongkai/interaction).
 * Pages are static: a page built on Monday must not say 征集中 after a Thursday close. Every element with
 * data-gk-start / data-gk-end (ISO instants with offset) is re-evaluated against the visitor's clock:
 *   [data-gk-label]  gets 未开始 / 征集中 / 已结束,
 *   [data-gk-left]   gets the days left while open (counted in the 征集's own time zone, data-gk-offset),
 *   [data-gk-show]   is shown only when its space-separated statuses include the current one.
 * Rows of a [data-gk-sortable] list are re-ordered: open, then upcoming, then closed.
 * The labels and wording come from the build (assets/interaction/rules.js, window.gkInteraction), read when
 * the page is ready, so the order of the two scripts does not matter. */
(function () {
  "use strict";
  var OPEN, UPCOMING, CLOSED, CLASSES, RULES;
  var DAY = 86400000;

  function statusAt(el, now) {
    var start = Date.parse(el.getAttribute("data-gk-start"));
    var end = Date.parse(el.getAttribute("data-gk-end"));
    if (isNaN(start) || isNaN(end)) return el.getAttribute("data-gk-status");
    return now < start ? UPCOMING : now < end ? OPEN : CLOSED;
  }

  function daysLeft(el, now) {
    var offset = parseInt(el.getAttribute("data-gk-offset") || "480", 10) * 60000;
    var parts = (el.getAttribute("data-gk-last-day") || "").split("-");
    var lastDay = Date.UTC(+parts[0], +parts[1] - 1, +parts[2]) / DAY;
    var today = Math.floor((now + offset) / DAY);  // the calendar day in the 征集's time zone
    return Math.max(lastDay - today, 0);
  }

  function own(scope, selector) {
    // Elements of this scope only, not of a nested one.
    return Array.prototype.filter.call(scope.querySelectorAll(selector), function (el) {
      return el.parentElement.closest("[data-gk-start]") === scope;
    });
  }

  function update(scope, now) {
    var status = statusAt(scope, now);
    scope.setAttribute("data-gk-status", status);
    own(scope, "[data-gk-label]").forEach(function (label) {
      label.textContent = status;
      label.className = label.className.replace(/gk-zj-badge--\w+/, "gk-zj-badge--" + CLASSES[status]);
    });
    own(scope, "[data-gk-left]").forEach(function (left) {
      var days = daysLeft(scope, now);
      left.textContent = days === 0 ? RULES.lastDay : RULES.daysLeft.replace("{n}", days);
      left.hidden = status !== OPEN;
    });
    own(scope, "[data-gk-show]").forEach(function (el) {
      el.hidden = el.getAttribute("data-gk-show").split(" ").indexOf(status) < 0;
    });
    return status;
  }

  function sortRows(body, now) {
    var groups = [], current = null;
    Array.prototype.forEach.call(body.children, function (row) {
      if (row.hasAttribute("data-gk-start") || !current) {
        current = {rows: [row], row: row};
        groups.push(current);
      } else {
        current.rows.push(row);  // a 反馈 row stays right after its 征集
      }
    });
    function key(group) {
      var row = group.row;
      if (!row.hasAttribute("data-gk-start")) return [9, 0];
      var status = row.getAttribute("data-gk-status");
      var start = Date.parse(row.getAttribute("data-gk-start")), end = Date.parse(row.getAttribute("data-gk-end"));
      if (status === OPEN) return [0, end];
      if (status === UPCOMING) return [1, start];
      return [2, -end];
    }
    var sorted = groups.map(function (g, i) { return {g: g, k: key(g), i: i}; }).sort(function (a, b) {
      return a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i;
    });
    sorted.forEach(function (item) {
      item.g.rows.forEach(function (row) { body.appendChild(row); });
    });
  }

  function run() {
    RULES = window.gkInteraction;
    if (!RULES) return;  // rules.js missing: keep the build-time status
    OPEN = RULES.open; UPCOMING = RULES.upcoming; CLOSED = RULES.closed;
    CLASSES = {};
    CLASSES[OPEN] = RULES.classes[OPEN]; CLASSES[UPCOMING] = RULES.classes[UPCOMING];
    CLASSES[CLOSED] = RULES.classes[CLOSED];
    var now = Date.now();
    document.querySelectorAll("[data-gk-start][data-gk-end]").forEach(function (scope) { update(scope, now); });
    document.querySelectorAll("[data-gk-sortable]").forEach(function (body) { sortRows(body, now); });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);  // mkdocs-material instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
  // A page left open across the close (a kiosk, a forgotten tab) updates itself too.
  setInterval(run, 60000);
})();

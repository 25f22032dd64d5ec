/* gongkai: the 无障碍 utility bar (长者模式, 高对比度, 字号, 朗读) and the scroll cue of wide tables.
 * Settings are remembered on this device (localStorage); nothing is sent anywhere. */
(function () {
  "use strict";
  var root = document.documentElement;
  var FONT_STEPS = [-1, 0, 1, 2, 3];

  function load(key, fallback) {
    try { var v = localStorage.getItem("gongkai-" + key); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem("gongkai-" + key, value); } catch (e) { /* private mode: not remembered */ }
  }
  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  // ---- 长者模式 and 高对比度: on/off switches ---------------------------------------------------------------
  var SWITCHES = {
    elder: { cls: "gk-elder", attr: "data-gk-elder", on: "退出长者模式", off: "长者模式" },
    contrast: { cls: "gk-contrast", attr: "data-gk-contrast", on: "退出高对比度", off: "高对比度" }
  };
  function setSwitch(name, on) {
    var s = SWITCHES[name];
    root.classList.toggle(s.cls, on);
    each("[" + s.attr + "]", function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? s.on : s.off;
    });
  }

  // ---- 字号: one step of five, applied as a class on <html> ---------------------------------------------
  function setFont(step) {
    FONT_STEPS.forEach(function (s) { root.classList.remove("gk-font-" + s); });
    if (step) root.classList.add("gk-font-" + step);
    each("[data-gk-font]", function (b) {
      var d = parseInt(b.getAttribute("data-gk-font"), 10);
      b.disabled = (d < 0 && step <= FONT_STEPS[0]) || (d > 0 && step >= FONT_STEPS[FONT_STEPS.length - 1]);
      if (d === 0) b.setAttribute("aria-pressed", step === 0 ? "true" : "false");
    });
  }
  var fontStep = parseInt(load("font", "0"), 10) || 0;

  // ---- 朗读: the selected text, else the page's main text, through the browser's own speech synthesis ------
  var synth = window.speechSynthesis;
  function setSpeaking(on) {
    each("[data-gk-speak]", function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "停止朗读" : "朗读";
    });
  }
  // Some devices have speech synthesis but no voice at all (or none yet: Chrome loads them after the page):
  // then 朗读 says so in words, visibly, instead of doing nothing.
  function voices() { try { return synth ? synth.getVoices() : []; } catch (e) { return []; } }
  function tell(message) {
    each("[data-gk-speak-status]", function (s) { s.textContent = message; });
  }
  function withVoices(fn) {
    if (voices().length) { fn(voices()); return; }
    var done = false;
    var finish = function () { if (!done) { done = true; fn(voices()); } };
    if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", finish, { once: true });
    setTimeout(finish, 600);
  }
  function speak() {
    if (!synth || !window.SpeechSynthesisUtterance) {
      tell("本浏览器不支持朗读。可使用手机或电脑自带的读屏功能朗读本页。");
      return;
    }
    if (synth.speaking || synth.pending) { synth.cancel(); setSpeaking(false); tell(""); return; }
    var selected = String(window.getSelection ? window.getSelection() : "").trim();
    var main = document.getElementById("gk-main");
    var text = selected || (main ? main.innerText : document.body.innerText);
    withVoices(function (list) {
      if (!list.length) {
        tell("本设备没有可用的朗读语音，无法朗读。可在系统设置中添加中文语音，或使用自带的读屏功能。");
        setSpeaking(false);
        return;
      }
      var chinese = list.filter(function (v) { return /^zh/i.test(v.lang); });
      tell(chinese.length ? "" : "本设备没有中文语音，朗读可能不准确。可在系统设置中添加中文语音。");
      // Long texts are spoken in sentences: some engines stop after about 15 seconds of one utterance.
      var parts = text.replace(/\s+/g, " ").match(/[^。！？；\n]{1,200}[。！？；]?/g) || [];
      parts.forEach(function (part, i) {
        var u = new SpeechSynthesisUtterance(part);
        u.lang = "zh-CN";
        try { if (chinese.length) u.voice = chinese[0]; } catch (e) { /* the lang alone picks a voice */ }
        if (i === parts.length - 1) u.onend = u.onerror = function () { setSpeaking(false); };
        synth.speak(u);
      });
      setSpeaking(parts.length > 0);
    });
  }

  // ---- the metadata box of a document folds on phones (its title comes first) ---------------------------
  var phone = window.matchMedia ? window.matchMedia("(max-width: 44.9375em)") : null;
  function fold() {
    each("details[data-gk-fold]", function (d) { if (phone && phone.matches) d.removeAttribute("open"); else d.setAttribute("open", ""); });
  }
  if (phone && phone.addEventListener) phone.addEventListener("change", fold);

  // ---- wide tables: a visible cue when a scroll box holds more than it shows ----------------------------
  function cueFor(box) {
    var cue = box.previousElementSibling;
    if (!cue || !cue.classList.contains("gk-scroll-cue")) {
      cue = document.createElement("p");
      cue.className = "gk-scroll-cue";
      cue.textContent = "表格较宽，可在表格上左右滑动查看全部列";
      box.parentNode.insertBefore(cue, box);
    }
    return cue;
  }
  function checkScroll() {
    each(".gk-scroll", function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide) box.setAttribute("data-gk-overflow", ""); else box.removeAttribute("data-gk-overflow");
      if (wide || box.previousElementSibling && box.previousElementSibling.classList.contains("gk-scroll-cue")) {
        cueFor(box).hidden = !wide;
      }
    });
  }

  function init() {
    setSwitch("elder", load("elder", "0") === "1");
    setSwitch("contrast", load("contrast", "0") === "1");
    setFont(fontStep);
    each("[data-gk-speak]", function (b) { b.hidden = false; });
    fold();
    checkScroll();
  }

  document.addEventListener("click", function (event) {
    var t = event.target.closest ? event.target.closest("button") : null;
    if (!t) return;
    Object.keys(SWITCHES).forEach(function (name) {
      if (!t.hasAttribute(SWITCHES[name].attr)) return;
      var on = !root.classList.contains(SWITCHES[name].cls);
      save(name, on ? "1" : "0");
      setSwitch(name, on);
      checkScroll();
    });
    if (t.hasAttribute("data-gk-font")) {
      var d = parseInt(t.getAttribute("data-gk-font"), 10);
      fontStep = d === 0 ? 0 : Math.min(Math.max(fontStep + d, FONT_STEPS[0]), FONT_STEPS[FONT_STEPS.length - 1]);
      save("font", String(fontStep));
      setFont(fontStep);
      checkScroll();
    }
    if (t.hasAttribute("data-gk-speak")) speak();
  });
  window.addEventListener("resize", checkScroll);
  // Stop reading when the visitor leaves the page.
  window.addEventListener("pagehide", function () { if (synth) synth.cancel(); });

  // early.js set these classes in <head> before the first paint; set again here to sync the buttons with them.
  setSwitch("elder", load("elder", "0") === "1");
  setSwitch("contrast", load("contrast", "0") === "1");
  root.classList.toggle("gk-font-" + fontStep, fontStep !== 0);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

/* Print buttons ([data-gk-print], e.g. on a 年报), without an inline handler that a Content-Security-Policy blocks. */
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-gk-print]")) window.print();
});

/* 智能微厅: the idle timer (data-kiosk-idle seconds without a touch or key: every field is cleared and the visit
   ended through the hidden log-out form) and the on-screen keypad of the ID-number field. No inline script (CSP). */
(function () {
  "use strict";
  function clearForms(except) {
    document.querySelectorAll("form").forEach(function (form) {
      if (form === except) { return; }
      form.querySelectorAll("input, textarea, select").forEach(function (el) {
        if (el.type === "hidden" || el.type === "submit" || el.type === "button") { return; }
        if (el.type === "checkbox" || el.type === "radio") { el.checked = false; }
        else if (el.type === "file") { el.value = ""; el.dispatchEvent(new Event("change")); }
        else if (el.tagName === "SELECT") { el.selectedIndex = -1; }
        else { el.value = ""; }
      });
    });
  }
  function startIdleTimer() {
    var seconds = parseInt(document.body.getAttribute("data-kiosk-idle") || "0", 10);
    var form = document.getElementById("kiosk-idle-form");
    if (!seconds || !form) { return; }
    var timer = null;
    function wipe() { clearForms(form); form.submit(); }
    function reset() { window.clearTimeout(timer); timer = window.setTimeout(wipe, seconds * 1000); }
    ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (name) {
      document.addEventListener(name, reset, {capture: true, passive: true});
    });
    reset();
  }
  function keypad() {
    var target = document.querySelector("[data-kiosk-keypad-target]");
    if (!target) { return; }
    document.querySelectorAll("[data-kiosk-key]").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-kiosk-key");
        if (key === "back") { target.value = target.value.slice(0, -1); }
        else if (target.value.length < 18) { target.value += key; }
        target.focus();
      });
    });
  }
  function filePickers() {
    // The chosen file's name beside the 选择文件 button (the browser's own picker, in English, is hidden).
    document.querySelectorAll("[data-kiosk-file]").forEach(function (box) {
      var input = box.querySelector("input[type=file]");
      var name = box.querySelector("[data-kiosk-file-name]");
      if (!input || !name) { return; }
      function show() {
        name.textContent = input.files && input.files.length ? input.files[0].name : name.getAttribute("data-empty");
      }
      input.addEventListener("change", show);
      show();
    });
  }
  function printButtons() {
    document.querySelectorAll("[data-kiosk-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { startIdleTimer(); keypad(); filePickers(); printButtons(); });
  // A page restored from the back-forward cache after the visit ended shows nothing typed.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { window.location.reload(); } });
}());

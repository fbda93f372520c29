// Large-text mode (适老化): remembered for a year in a cookie the server also reads.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-gx-toggle-large]");
  if (!button) return;
  var on = !document.documentElement.classList.contains("large-text");
  document.documentElement.classList.toggle("large-text", on);
  document.cookie = "gx_large_text=" + (on ? "1" : "0") + "; path=/; max-age=31536000; SameSite=Lax";
  button.setAttribute("aria-pressed", on ? "true" : "false");
});
// htmx requests carry the CSRF token.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("meta[name=csrf-token]");
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});
// No inline script or event handler anywhere (Content-Security-Policy script-src 'self'): pages mark elements with
// data attributes and these listeners act on them.
// A button that prints the page (posters, notices, report cards).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-gx-print]")) window.print();
});
// A select that submits its form when changed (list filters, the language switch).
document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-gx-autosubmit]");
  if (field && field.form) field.form.submit();
});
// Bootstrap classes for the fields of a form rendered without them (data-gx-fields on the form).
function gxStyleFields() {
  document.querySelectorAll("form[data-gx-fields]").forEach(function (form) {
    form.querySelectorAll("input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file]), select, textarea")
      .forEach(function (el) { el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control"); });
    form.querySelectorAll("input[type=file]").forEach(function (el) { el.classList.add("form-control", "form-control-sm"); });
  });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", gxStyleFields);
else gxStyleFields();
// Parts of a form shown only for one choice of one of its fields (data-gx-show-when="outcome:faq"), or one of several
// ("kind:notice,explainer"): the 云导办 outcome form shows the FAQ question only for 新增常见问题, the situation only
// for 发起申请 …; 云资讯 shows 阅读对象 only for the categories that may target. Without script all show.
function gxShowWhen(form) {
  form.querySelectorAll("[data-gx-show-when]").forEach(function (part) {
    var rule = part.getAttribute("data-gx-show-when").split(":");
    var field = form.elements[rule[0]];
    part.hidden = !!field && rule[1].split(",").indexOf(field.value) < 0;
  });
}
document.addEventListener("change", function (event) {
  if (event.target.form && event.target.form.querySelector("[data-gx-show-when]")) gxShowWhen(event.target.form);
});
function gxShowWhenAll() {
  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("[data-gx-show-when]")) gxShowWhen(form);
  });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", gxShowWhenAll);
else gxShowWhenAll();

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

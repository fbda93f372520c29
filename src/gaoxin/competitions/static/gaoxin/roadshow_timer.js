// The "8+7" mock roadshow timer: a pitch of data-pitch minutes, then questions for data-qa minutes. No inline
// script (the content security policy allows only this site's static files).
(function () {
  "use strict";
  function setup(box) {
    var phases = [
      { label: "路演陈述", seconds: parseInt(box.dataset.pitch, 10) * 60 },
      { label: "答辩提问", seconds: parseInt(box.dataset.qa, 10) * 60 },
    ];
    var phase = 0, left = phases[0].seconds, timer = null;
    var clock = box.querySelector("[data-role=clock]");
    var title = box.querySelector("[data-role=phase]");
    var hint = box.querySelector("[data-role=hint]");
    var next = box.querySelector("[data-action=next]");
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function show() {
      clock.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
      title.textContent = phases[phase].label + "（" + phases[phase].seconds / 60 + " 分钟）";
      box.classList.toggle("border-warning", left > 0 && left <= 60);
      box.classList.toggle("border-danger", left === 0);
      next.hidden = phase !== 0;
    }
    function stop() { if (timer) { clearInterval(timer); timer = null; } }
    function tick() {
      if (left > 0) { left -= 1; }
      if (left === 60) { hint.textContent = phases[phase].label + "剩余 1 分钟"; }
      if (left === 0) {
        if (phase === 0) { phase = 1; left = phases[1].seconds; hint.textContent = "陈述时间到，进入答辩提问"; }
        else { stop(); hint.textContent = "时间到，本场路演结束"; }
      }
      show();
    }
    box.querySelector("[data-action=start]").addEventListener("click", function () {
      if (!timer && !(phase === 1 && left === 0)) { timer = setInterval(tick, 1000); hint.textContent = phases[phase].label + "计时中"; }
    });
    box.querySelector("[data-action=pause]").addEventListener("click", function () { stop(); hint.textContent = "已暂停"; });
    next.addEventListener("click", function () { phase = 1; left = phases[1].seconds; hint.textContent = "进入答辩提问"; show(); });
    box.querySelector("[data-action=reset]").addEventListener("click", function () {
      stop(); phase = 0; left = phases[0].seconds; hint.textContent = "点“开始”计时"; show();
    });
    show();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-testid=roadshow-timer]").forEach(setup);
  });
})();

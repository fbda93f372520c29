/* Charts of the leader's dashboard and a figure's page (ECharts, vendored). The data comes from a JSON script
   element written by the server (no inline script: the Content-Security-Policy forbids it). */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(el, option) {
    if (!window.echarts) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-gx-drawn", "true");
  }
  function line(months, series) {
    return {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: months }, yAxis: { type: "value" },
      series: series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
    };
  }
  function start() {
    var board = data("gx-dashboard-chart");
    if (board) {
      document.querySelectorAll("[data-gx-chart=trend]").forEach(function (el) {
        draw(el, line(board.trend.months || [], board.trend.series || []));
      });
    }
    var figure = data("gx-figure-chart");
    if (figure) {
      document.querySelectorAll("[data-gx-chart=figure]").forEach(function (el) {
        draw(el, line(figure.months, [{ name: figure.name, data: figure.values }]));
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

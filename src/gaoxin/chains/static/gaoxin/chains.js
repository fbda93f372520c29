/* The chain map of a chain's page (ECharts, vendored): the nodes in three columns (上游, 中游, 下游), each with the
   number of its firms and the first of them in the tooltip; a gap (补链) node is red. The data comes from a JSON
   script element written by the server (no inline script: the Content-Security-Policy forbids it). */
(function () {
  "use strict";
  function option(map) {
    var nodes = [], links = [], columns = map.segments || [], tallest = 1;
    columns.forEach(function (s) { tallest = Math.max(tallest, s.nodes.length); });
    columns.forEach(function (s, col) {
      var step = 100 / (s.nodes.length + 1);
      s.nodes.forEach(function (n, row) {
        nodes.push({
          id: String(n.id), name: n.name, x: col * 100, y: (row + 1) * step * tallest / 2,
          value: n.count, symbol: "roundRect", symbolSize: [110, 36],
          itemStyle: { color: n.gap ? "#fdecea" : "#e7f1ff", borderColor: n.gap ? "#dc3545" : "#0d6efd", borderWidth: 2 },
          label: { show: true, color: n.gap ? "#b02a37" : "#0a3d91", formatter: n.gap ? n.name + "\n补链" : n.name + "\n" + n.count + " 家" },
          firms: n.firms, gap: n.gap, segment: s.label, more: n.more
        });
      });
      if (col > 0) {
        columns[col - 1].nodes.forEach(function (a) {
          s.nodes.forEach(function (b) { links.push({ source: String(a.id), target: String(b.id) }); });
        });
      }
    });
    return {
      tooltip: {
        formatter: function (p) {
          if (p.dataType !== "node") { return ""; }
          var d = p.data, text = d.segment + " · " + d.name + "<br>";
          if (d.gap) { return text + "本区尚无链主或配套企业（补链方向）"; }
          text += d.value + " 家企业";
          (d.firms || []).forEach(function (f) { text += "<br>" + f.name + "（" + f.role + "）"; });
          return d.more ? text + "<br>……" : text;
        }
      },
      series: [{
        type: "graph", layout: "none", roam: true, data: nodes, links: links, edgeSymbol: ["none", "arrow"],
        lineStyle: { color: "#adb5bd", opacity: 0.6, curveness: 0.1 }, label: { fontSize: 11 }
      }]
    };
  }
  function start() {
    var el = document.getElementById("gx-chain-map");
    if (!el || !window.echarts) { return; }
    var map = JSON.parse(el.textContent);
    document.querySelectorAll("[data-gx-chart=chain-map]").forEach(function (box) {
      var chart = window.echarts.init(box, null, { renderer: "canvas" });
      chart.setOption(option(map));
      window.addEventListener("resize", function () { chart.resize(); });
      box.setAttribute("data-gx-drawn", "true");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

/* The dashboard's charts: every panel's chart data comes from a json_script element named by
   its [data-chart] placeholder (no inline script: the CSP forbids it); Apache ECharts (our own
   static copy) draws it. A click on a chart opens the list behind it. Without JavaScript (or
   ECharts) the placeholders stay hidden and the tables below them show the same numbers. */
(function () {
  "use strict";
  if (!window.echarts) return;

  function option(d) {
    var horizontal = !!d.horizontal, unit = d.unit || "";
    var category = { type: "category", data: d.categories || [] };
    var value = { type: "value", axisLabel: { formatter: "{value}" + unit } };
    if (unit === "%") { value.max = 100; }
    var series = (d.series || []).map(function (s, i) {
      var one = { name: s.name, type: s.kind || d.kind || "line", data: s.data, connectNulls: true };
      if (i === 0 && d.target) {
        one.markLine = {
          silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#c0392b" },
          label: { formatter: d.target.name + " " + d.target.value + unit },
          data: [horizontal ? { xAxis: d.target.value } : { yAxis: d.target.value }]
        };
      }
      return one;
    });
    return {
      aria: { enabled: true },
      animation: false,
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + unit; } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series
    };
  }

  function draw(el) {
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src) return;
    var d = JSON.parse(src.textContent);
    el.hidden = false;
    var chart = window.echarts.init(el);
    chart.setOption(option(d));
    chart.on("click", function (p) {
      var s = (d.series || [])[p.seriesIndex] || {};
      var url = s.url || (d.urls && d.urls[p.dataIndex]) || d.url;
      if (url) window.location.href = url;
    });
    el.style.cursor = "pointer";
    window.addEventListener("resize", function () { chart.resize(); });
    // The chart says it: its numbers fold away (still there, one click to open).
    var panel = el.closest(".panel");
    var numbers = panel && panel.querySelector("details[data-numbers]");
    if (numbers) numbers.open = false;
  }

  function start() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      try { draw(el); } catch (e) { el.hidden = true; }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

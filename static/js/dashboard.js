/* Draws the dashboard's charts (Chart.js, vendored in static/vendor/chartjs/).
 *
 * Each <canvas data-chart-source="ID"> is drawn from the JSON in <script id="ID">, written
 * by dashboards/tables.py Chart.as_json. The htmx refresh replaces the panels every 15 s:
 * after the swap the new charts are drawn, the old ones (their canvases have left the
 * page) are destroyed, and the "Show the numbers" boxes that were open stay open.
 */
(function () {
  "use strict";

  var TONES = {
    brand: "#0b5cad",
    ok: "#12b76a",
    warn: "#f79009",
    danger: "#d92d20",
    muted: "#98a2b3",
    "status-open": "#f79009",
    "status-in_progress": "#0b5cad",
    "status-resolved": "#12b76a",
    "status-closed": "#98a2b3",
    "status-cancelled": "#d0d5dd"
  };
  // For series without a meaning of their own (kinds, categories): distinct and calm.
  var PALETTE = ["#0b5cad", "#12b76a", "#f79009", "#7a5af8", "#ee46bc", "#06aed4", "#d92d20",
    "#667085", "#84cc16", "#b54708"];

  function colour(tone, index) {
    return TONES[tone] || PALETTE[index % PALETTE.length];
  }

  function datasets(spec) {
    return spec.datasets.map(function (set, index) {
      var colours = set.tones ? set.tones.map(function (tone, i) { return colour(tone, i); })
        : colour(set.tone, index);
      var line = spec.type === "line";
      return {
        label: set.label,
        data: set.data,
        backgroundColor: line ? "rgba(11, 92, 173, 0.12)" : colours,
        borderColor: line ? colours : (spec.type === "doughnut" ? "#fff" : colours),
        borderWidth: line ? 2 : 1,
        fill: line,
        tension: 0.25,
        pointRadius: line ? 2 : 0,
        maxBarThickness: 28
      };
    });
  }

  function suffix(spec) {
    if (spec.percent) { return "%"; }
    return spec.unit ? " " + spec.unit : "";
  }

  function options(spec) {
    var valueAxis = spec.horizontal ? "x" : "y";
    var opts = {
      responsive: true,
      maintainAspectRatio: false,
      // No animation: a wall of charts that grow every 15 s is tiring over a shift.
      animation: false,
      locale: spec.locale,
      indexAxis: spec.horizontal ? "y" : "x",
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: {
          callbacks: {
            label: function (item) {
              var value = item.raw === null ? "—" : item.formattedValue + suffix(spec);
              return (item.dataset.label || item.label) + ": " + value;
            }
          }
        }
      }
    };
    if (spec.type === "doughnut") {
      opts.plugins.tooltip.callbacks.label = function (item) {
        return item.label + ": " + item.formattedValue;
      };
      opts.cutout = "60%";
      return opts;
    }
    opts.scales = { x: { stacked: spec.stacked }, y: { stacked: spec.stacked } };
    opts.scales[valueAxis].beginAtZero = true;
    opts.scales[valueAxis].ticks = { precision: 0 };
    if (spec.percent) {
      opts.scales[valueAxis].max = 100;
      opts.scales[valueAxis].ticks.callback = function (value) { return value + "%"; };
    }
    opts.scales[spec.horizontal ? "y" : "x"].grid = { display: false };
    return opts;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source || !window.Chart) { return; }
    var spec = JSON.parse(source.textContent);
    var old = window.Chart.getChart(canvas);
    if (old) { old.destroy(); }
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec)
    });
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart-source]").forEach(draw);
  }

  var openNumbers = [];

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) { return; }
    var font = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.font.family = font;
    window.Chart.defaults.color = "#334155";
    drawAll(document);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "dashboard-panels") { return; }
    openNumbers = Array.prototype.map.call(
      target.querySelectorAll("details[open]"), function (el) { return el.id; });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "dashboard-panels") { return; }
    openNumbers.forEach(function (id) {
      var details = document.getElementById(id);
      if (details) { details.open = true; }
    });
    if (!window.Chart) { return; }
    // The swapped-out canvases are gone from the page: free their charts.
    Object.keys(window.Chart.instances).forEach(function (key) {
      var chart = window.Chart.instances[key];
      if (chart && !chart.canvas.isConnected) { chart.destroy(); }
    });
    drawAll(target);
  });
}());

// The complaint summary's charts: each canvas[data-chart] names a json_script block with
// labels, this period's and the previous period's counts. The tables below each chart
// carry the same numbers for anyone who cannot see the chart.
(function () {
  "use strict";
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var legend = read("chart-legend") || {current: "", previous: ""};
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#334155";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var data = read(canvas.dataset.chart);
      if (!data) { return; }
      var horizontal = data.labels.length > 6;
      canvas.parentElement.style.height = (horizontal ? Math.max(220, data.labels.length * 34 + 60) : 260) + "px";
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            {label: legend.current, data: data.current, backgroundColor: "#0b5cad", maxBarThickness: 40},
            {label: legend.previous, data: data.previous, backgroundColor: "#b9c7d6", maxBarThickness: 40}
          ]
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          plugins: {legend: {position: "bottom"}},
          scales: {
            x: {beginAtZero: true, ticks: {precision: 0}},
            y: {beginAtZero: true, ticks: {precision: 0}}
          }
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// Draws each <canvas data-chart-for="TABLE-ID"> from the table it names: the table is the
// figures (read by everyone, screen readers included); the chart is a picture of them. The first
// numeric column is drawn as bars against the left axis, the second as a line against the right.
// No inline script (the Content-Security-Policy allows the service's own files only): this file
// and Chart.js are served by the app. Without JavaScript the table alone is shown.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart-for]").forEach(function (canvas) {
    var table = document.getElementById(canvas.getAttribute("data-chart-for"));
    if (!table) {
      return;
    }
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    var labels = [];
    var bars = [];
    var line = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var values = row.querySelectorAll("td[data-value]");
      labels.push(row.querySelector("th").textContent.trim());
      bars.push(Number(values[0].getAttribute("data-value")));
      line.push(Number(values[1].getAttribute("data-value")));
    });
    new window.Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          { type: "bar", label: headers[1], data: bars, yAxisID: "left", backgroundColor: "#1d70b8" },
          {
            type: "line",
            label: headers[2],
            data: line,
            yAxisID: "right",
            borderColor: "#d4351c",
            backgroundColor: "#d4351c"
          }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          left: { type: "linear", position: "left", beginAtZero: true, title: { display: true, text: headers[1] } },
          right: {
            type: "linear",
            position: "right",
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: headers[2] }
          }
        }
      }
    });
  });
})();

// Draws each <canvas data-chart-for="TABLE-ID"> from the table it names: the table is the
// figures (read by everyone, screen readers included); the chart is a picture of them. Each row is
// a label (its <th>) and numbers (its <td data-value>), one dataset per numeric column, named by
// the column's header. The canvas's data-chart-kind chooses the picture:
//   "bar-line" (the default): the first column as bars against the left axis, the second as a
//     line against the right (two measures of different units, such as pounds and people);
//   "bars": every column as bars side by side against one axis (measures of the same unit, such
//     as FTE budgeted and FTE in post).
// No inline script (the Content-Security-Policy allows the service's own files only): this file
// and Chart.js are served by the app. Without JavaScript the table alone is shown.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#f47738"];

  function read(table) {
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    var labels = [];
    var columns = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      labels.push(row.querySelector("th").textContent.trim());
      row.querySelectorAll("td[data-value]").forEach(function (cell, i) {
        (columns[i] = columns[i] || []).push(Number(cell.getAttribute("data-value")));
      });
    });
    return { headers: headers.slice(1), labels: labels, columns: columns };
  }

  function axis(position, text, extra) {
    var found = { type: "linear", position: position, beginAtZero: true, title: { display: true, text: text } };
    Object.keys(extra || {}).forEach(function (key) {
      found[key] = extra[key];
    });
    return found;
  }

  function barLine(figures) {
    return {
      datasets: [
        { type: "bar", label: figures.headers[0], data: figures.columns[0], yAxisID: "left", backgroundColor: COLOURS[0] },
        {
          type: "line",
          label: figures.headers[1],
          data: figures.columns[1],
          yAxisID: "right",
          borderColor: COLOURS[1],
          backgroundColor: COLOURS[1]
        }
      ],
      scales: {
        left: axis("left", figures.headers[0]),
        right: axis("right", figures.headers[1], { grid: { drawOnChartArea: false } })
      }
    };
  }

  function bars(figures, title) {
    return {
      datasets: figures.columns.map(function (data, i) {
        return { type: "bar", label: figures.headers[i], data: data, yAxisID: "left", backgroundColor: COLOURS[i % COLOURS.length] };
      }),
      scales: { left: axis("left", title || "") }
    };
  }

  document.querySelectorAll("canvas[data-chart-for]").forEach(function (canvas) {
    var table = document.getElementById(canvas.getAttribute("data-chart-for"));
    if (!table) {
      return;
    }
    var figures = read(table);
    var kind = canvas.getAttribute("data-chart-kind") || "bar-line";
    var drawn = kind === "bars" ? bars(figures, canvas.getAttribute("data-chart-axis")) : barLine(figures);
    new window.Chart(canvas, {
      data: { labels: figures.labels, datasets: drawn.datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: drawn.scales }
    });
  });
})();

// The only code the page runs: turn the inlined ChartSpecs into Chart.js charts. Kept as plain
// ES2017 in a string (no build step for the browser); charts/to-chartjs.ts does the same in Node
// for the PNGs — keep the two in step.

export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('fleetstorm-charts').textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#374151';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;

  var MARKER_COLOUR = 'rgba(124, 58, 237, 0.75)';
  function drawMarkers(chart, markers) {
    var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = MARKER_COLOUR;
    ctx.fillStyle = MARKER_COLOUR;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.font = '10px ' + Chart.defaults.font.family;
    ctx.textAlign = 'center';
    markers.forEach(function (m) {
      var px = x.getPixelForValue(m.x);
      if (px < area.left || px > area.right) return;
      ctx.beginPath();
      ctx.moveTo(px, area.top + 30);
      ctx.lineTo(px, area.bottom);
      ctx.stroke();
      ctx.fillText(m.label, px, area.top + 26);
    });
    ctx.restore();
  }

  var bandPlugin = {
    id: 'fleetstormBand',
    beforeDatasetsDraw: function (chart, args, opts) {
      if (opts && opts.markers && opts.markers.length) drawMarkers(chart, opts.markers);
      if (!opts || opts.from == null) return;
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      var left = Math.max(x.getPixelForValue(opts.from), area.left);
      var right = Math.min(x.getPixelForValue(opts.to), area.right);
      if (!(right > left)) return;
      ctx.save();
      ctx.fillStyle = 'rgba(22, 163, 74, 0.07)';
      ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      ctx.fillStyle = 'rgba(22, 101, 52, 0.8)';
      ctx.font = '11px ' + Chart.defaults.font.family;
      ctx.fillText(opts.label, left + 4, area.top + 12);
      ctx.restore();
    }
  };

  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    var config = spec.config;
    config.options.plugins = config.options.plugins || {};
    var band = spec.band || {};
    config.options.plugins.fleetstormBand = { from: band.from, to: band.to, label: band.label, markers: spec.markers || [] };
    config.options.interaction = { mode: 'nearest', axis: 'x', intersect: false };
    (spec.fixedTicks || []).forEach(function (fixed) {
      var scale = config.options.scales[fixed.axis];
      var ticks = fixed.ticks;
      scale.afterBuildTicks = function (axis) {
        axis.ticks = ticks.map(function (t) { return { value: t.value }; });
      };
      scale.ticks = scale.ticks || {};
      scale.ticks.autoSkip = false;
      scale.ticks.callback = function (value) {
        for (var i = 0; i < ticks.length; i++) if (ticks[i].value === value) return ticks[i].label;
        return '';
      };
    });
    config.plugins = [bandPlugin];
    new Chart(canvas, config);
  });
})();
`;

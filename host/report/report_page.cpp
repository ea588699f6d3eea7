#include "host/report/report_page.hpp"

namespace mmm {
namespace {

// The license of the embedded library, in full: the minified file's own header only names it.
constexpr const char* kChartJsNotice = R"(<!--
Charts are drawn with Chart.js (https://www.chartjs.org), embedded below from Debian's
libjs-chart.js package. Copyright 2014-2022 Chart.js Contributors. Released under the MIT License:

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
-->
)";

constexpr const char* kStyle = R"CSS(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#263238;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px;font-weight:600;word-break:break-all}
header p{margin:4px 0 0;color:#cfd8dc;font-size:13px}
main{max-width:1200px;margin:0 auto;padding:8px 24px 48px}
section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;margin:16px 0;padding:12px 16px}
h2{font-size:17px;margin:4px 0 8px}
p.note{color:#555;font-size:13px;margin:4px 0 8px}
.chart{position:relative;height:320px}
.curves{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.curve{position:relative;height:260px}
table{border-collapse:collapse;font-size:13px;margin-top:8px}
td,th{border-bottom:1px solid #eee;padding:3px 10px;text-align:right}
td:first-child,th:first-child{text-align:left}
ul.warnings li{color:#8a4b00}
#picker{background:#eceff1;padding:8px 24px}
.zone{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;border-radius:2px}
#selftest{color:#999;font-size:10px;white-space:pre-wrap}
)CSS";

constexpr const char* kBody = R"HTML(
<div id="picker" hidden><label>Segment: <select id="segment"></select></label>
 <span class="note">(GLOBAL is the pooled model; every chart below follows the choice)</span></div>
<main>
<section><h2>How far to trust this model</h2><ul id="summary"></ul>
<h2>Warnings of the fit</h2><ul id="warnings" class="warnings"></ul></section>
<section><h2>Actual vs fitted</h2>
<p class="note">Shaded spans are the test windows of the rolling cross-validation folds: there the
model was fitted without those weeks.</p><div class="chart"><canvas id="chart-fit"></canvas></div></section>
<section><h2>Decomposition</h2><p class="note">The fitted KPI split into the baseline (intercept,
trend, seasonality, controls) and each channel's contribution, stacked.</p>
<div class="chart"><canvas id="chart-decomposition"></canvas></div></section>
<section><h2>ROI per channel</h2><p class="note">The bar spans each channel's bootstrap interval;
the diamond is the point estimate.</p><div class="chart"><canvas id="chart-roi"></canvas></div>
<div id="roi-table"></div></section>
<section><h2>Response curves</h2><p class="note">Predicted contribution per period against
weekly spend, with its bootstrap band. Colour shows the efficiency zone:
<span class="zone" style="background:#2e7d32"></span>efficient
<span class="zone" style="background:#f9a825"></span>diminishing
<span class="zone" style="background:#c62828"></span>saturated. Circle: current spend;
triangle: recommended spend. Flow channels' curves follow with their bootstrap band, stock
channels' (against active units) with ±2 SD of their touches.</p><div id="curves" class="curves"></div></section>
<section><h2>Budget plan</h2><p class="note">Spend per period (a row of the data) per channel now and as the allocator
recommends (same total).</p><div class="chart"><canvas id="chart-allocation"></canvas></div>
<div id="allocation-table"></div></section>
<section id="segments-section" hidden><h2>Segment comparison</h2><p class="note">ROAS per channel
in every segment.</p><div class="chart"><canvas id="chart-segments"></canvas></div>
<div id="segments-table"></div></section>
<section><h2>Model settings</h2><div id="hyper-table"></div><div id="settings-table"></div></section>
<p class="note" id="credits"></p>
<pre id="selftest"></pre>
</main>
)HTML";

// Everything user-named (channels, segments, dates, messages) reaches the page through
// textContent or Chart.js's canvas text, never through innerHTML.
constexpr const char* kScript = R"JS(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('mmm-data').textContent);
  var charts = {};
  var current = 0;
  var palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1',
                 '#ff9da7', '#9c755f', '#bab0ac'];
  var zoneColors = {EFFICIENT: '#2e7d32', DIMINISHING: '#f9a825', SATURATED: '#c62828'};
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  function color(i, alpha) {
    var h = palette[i % palette.length];
    var r = parseInt(h.substr(1, 2), 16), g = parseInt(h.substr(3, 2), 16),
        b = parseInt(h.substr(5, 2), 16);
    return 'rgba(' + r + ',' + g + ',' + b + ',' + (alpha === undefined ? 1 : alpha) + ')';
  }
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
    return Number(v.toPrecision(4)).toLocaleString('en-US');
  }
  function el(tag, text, parent) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }
  function table(holder, header, rows) {
    holder.textContent = '';
    var t = el('table', null, holder), tr = el('tr', null, t);
    header.forEach(function (h) { el('th', h, tr); });
    rows.forEach(function (r) {
      var row = el('tr', null, t);
      r.forEach(function (c) { el('td', typeof c === 'number' || c === null ? fmt(c) : c, row); });
    });
  }
  function make(id, canvas, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart(canvas.getContext('2d'), config);
    return charts[id];
  }
  // Interpolates a curve's value at `spend` (the curves are sampled at 100 spends).
  function at(xs, ys, spend) {
    for (var i = 1; i < xs.length; ++i) {
      if (spend <= xs[i]) {
        var w = xs[i] === xs[i - 1] ? 0 : (spend - xs[i - 1]) / (xs[i] - xs[i - 1]);
        return ys[i - 1] + w * (ys[i] - ys[i - 1]);
      }
    }
    return ys[ys.length - 1];
  }

  // Marks the CV folds' test windows behind the lines.
  var foldPlugin = {
    id: 'folds',
    beforeDatasetsDraw: function (chart, args, options) {
      var folds = options.folds || [], x = chart.scales.x, area = chart.chartArea;
      var labels = chart.data.labels, ctx = chart.ctx;
      ctx.save();
      folds.forEach(function (f, i) {
        var a = labels.indexOf(f.test_start), b = labels.indexOf(f.test_end);
        if (a < 0 || b < 0) return;
        var x0 = x.getPixelForValue(a), x1 = x.getPixelForValue(b);
        ctx.fillStyle = i % 2 ? 'rgba(242,142,43,0.12)' : 'rgba(78,121,167,0.12)';
        ctx.fillRect(x0, area.top, Math.max(1, x1 - x0), area.bottom - area.top);
        ctx.fillStyle = '#666';
        ctx.font = '10px sans-serif';
        ctx.fillText('fold ' + f.fold, x0 + 2, area.top + 10);
      });
      ctx.restore();
    }
  };

  function drawFit(v) {
    make('fit', document.getElementById('chart-fit'), {
      type: 'line',
      data: {labels: v.dates, datasets: [
        {label: 'actual ' + data.kpi, data: v.actual, borderColor: '#263238', pointRadius: 0,
         borderWidth: 1.5},
        {label: 'fitted', data: v.predicted, borderColor: color(0), pointRadius: 0,
         borderWidth: 1.5, borderDash: [5, 3]}]},
      options: {plugins: {folds: {folds: v.folds}}, interaction: {mode: 'index', intersect: false}},
      plugins: [foldPlugin]
    });
  }
  function drawDecomposition(v) {
    var sets = [{label: 'baseline', data: v.baseline, fill: 'origin', borderColor: '#90a4ae',
                 backgroundColor: 'rgba(144,164,174,0.5)', pointRadius: 0, borderWidth: 1}];
    v.contributors.forEach(function (name, k) {
      sets.push({label: name, data: v.contributions[k], fill: '-1', borderColor: color(k),
                 backgroundColor: color(k, 0.55), pointRadius: 0, borderWidth: 1});
    });
    make('decomposition', document.getElementById('chart-decomposition'), {
      type: 'line', data: {labels: v.dates, datasets: sets},
      options: {scales: {y: {stacked: true}}, interaction: {mode: 'index', intersect: false}}
    });
  }
  function drawRoi(v) {
    make('roi', document.getElementById('chart-roi'), {
      type: 'bar',
      data: {labels: v.roi.map(function (r) { return r.channel; }), datasets: [
        {type: 'bar', label: data.ci ? Math.round(data.ci * 100) + '% interval' : 'interval',
         data: v.roi.map(function (r) {
           return r.lower === null || r.upper === null ? null : [r.lower, r.upper];
         }),
         backgroundColor: v.roi.map(function (r) {
           return r.significant ? 'rgba(46,125,50,0.35)' : 'rgba(158,158,158,0.35)';
         }), borderColor: '#555', borderWidth: 1},
        {type: 'line', label: 'ROI', data: v.roi.map(function (r) { return r.roi; }),
         showLine: false, pointRadius: 6, pointStyle: 'rectRot', borderColor: '#263238',
         backgroundColor: '#263238'}]}
    });
    table(document.getElementById('roi-table'),
          ['channel', 'ROI', 'lower', 'upper', 'interval excludes 0', 'marginal ROI', 'weekly spend'],
          v.roi.map(function (r) {
            return [r.channel, r.roi, r.lower, r.upper, r.significant ? 'yes' : 'no',
                    r.marginal_roi, r.spend];
          }));
  }
  function drawCurves(v) {
    Object.keys(charts).forEach(function (id) {
      if (id.indexOf('curve:') === 0) { charts[id].destroy(); delete charts[id]; }
    });
    var holder = document.getElementById('curves');
    holder.textContent = '';
    v.curves.concat(v.kind_curves).forEach(function (c, k) {
      var box = el('div', null, holder);
      box.className = 'curve';
      var canvas = el('canvas', null, box);
      var pts = function (ys) {
        return c.spend.map(function (s, i) { return {x: s, y: ys[i]}; });
      };
      // Flow and stock curves have no zones: one colour.
      var zones = c.spend.map(function (s, i) { return zoneColors[c.zone[i]] || color(k); });
      var sets = [
        {label: 'band upper', data: pts(c.upper), borderWidth: 0, pointRadius: 0, fill: false},
        {label: c.band_label || 'band', data: pts(c.lower), borderWidth: 0, pointRadius: 0,
         fill: '-1',
         backgroundColor: color(k, 0.18)},
        {label: c.channel, data: pts(c.revenue), borderWidth: 2, pointRadius: 1.5,
         pointBackgroundColor: zones, pointBorderColor: zones,
         segment: {borderColor: function (ctx) { return zones[ctx.p1DataIndex]; }}}];
      if (c.current !== null) {
        sets.push({label: 'current', data: [{x: c.current, y: at(c.spend, c.revenue, c.current)}],
                   showLine: false, pointRadius: 7, pointStyle: 'circle',
                   backgroundColor: '#263238', borderColor: '#fff'});
      }
      if (c.recommended !== null) {
        sets.push({label: 'recommended',
                   data: [{x: c.recommended, y: at(c.spend, c.revenue, c.recommended)}],
                   showLine: false, pointRadius: 8, pointStyle: 'triangle',
                   backgroundColor: '#1565c0', borderColor: '#fff'});
      }
      make('curve:' + k, canvas, {
        type: 'line', data: {datasets: sets},
        options: {parsing: true, scales: {x: {type: 'linear', title: {display: true,
                  text: c.x_label || 'weekly spend'}}},
                  plugins: {title: {display: true,
                                    text: c.kind ? c.channel + ' (' + c.kind + ')' : c.channel},
                            legend: {labels: {filter: function (item) {
                              return item.text !== 'band upper';
                            }}}}}
      });
    });
  }
  function drawAllocation(v) {
    var a = v.allocation;
    make('allocation', document.getElementById('chart-allocation'), {
      type: 'bar',
      data: {labels: a.map(function (r) { return r.channel; }), datasets: [
        {label: 'current', data: a.map(function (r) { return r.current; }),
         backgroundColor: '#90a4ae'},
        {label: 'recommended', data: a.map(function (r) { return r.recommended; }),
         backgroundColor: color(0)}]}
    });
    var rows = a.map(function (r) {
      var pct = r.current ? ((r.recommended / r.current - 1) * 100).toFixed(1) + '%' : '–';
      return [r.channel, r.current, r.recommended, pct, r.contribution_current,
              r.contribution_recommended, r.lift];
    });
    if (v.allocation_total) {
      var t = v.allocation_total;
      rows.push(['TOTAL', t.current, t.recommended, '', t.contribution_current,
                 t.contribution_recommended, t.lift]);
    }
    table(document.getElementById('allocation-table'),
          ['channel', 'current spend', 'recommended', 'change', 'contribution now',
           'contribution after', 'lift'], rows);
  }
  function drawSegments() {
    var s = data.segment_roas, section = document.getElementById('segments-section');
    if (!s) {
      section.parentNode.removeChild(section);  // a single market: no canvas left unused
      return;
    }
    section.hidden = false;
    var sets = s.segments.map(function (seg, i) {
      return {label: seg, backgroundColor: color(i, 0.8), data: s.channels.map(function (ch) {
        var row = s.rows.filter(function (r) { return r.segment === seg && r.channel === ch; })[0];
        return row ? row.roas : null;
      })};
    });
    make('segments', document.getElementById('chart-segments'), {
      type: 'bar', data: {labels: s.channels, datasets: sets}
    });
    table(document.getElementById('segments-table'), ['segment', 'channel', 'ROAS', 'lower', 'upper'],
          s.rows.map(function (r) { return [r.segment, r.channel, r.roas, r.lower, r.upper]; }));
  }
  function drawStatic() {
    document.title = data.title;
    var ul = document.getElementById('summary');
    data.summary.forEach(function (line) { el('li', line, ul); });
    var w = document.getElementById('warnings');
    if (data.warnings.length === 0) el('li', 'none', w);
    data.warnings.forEach(function (line) { el('li', line, w); });
    table(document.getElementById('hyper-table'), ['channel', 'saturation', 'theta (adstock)',
          'alpha (Hill shape)', 'gamma (half-saturation)'], data.hyperparameters.map(function (h) {
            return [h.channel, h.saturation, h.theta,
                    h.saturation === 'logistic' ? 'unused' : h.alpha, h.gamma];
          }));
    table(document.getElementById('settings-table'), ['setting', 'value'], data.settings);
    document.getElementById('credits').textContent = 'Written by mmm ' + data.version +
        '. Charts drawn with Chart.js ' + Chart.version +
        ' (MIT License, embedded from Debian libjs-chart.js).';
    if (data.views.length > 1) {
      var picker = document.getElementById('segment');
      data.views.forEach(function (v, i) { var o = el('option', v.name, picker); o.value = i; });
      var hash = decodeURIComponent(location.hash || '');
      data.views.forEach(function (v, i) { if (hash === '#segment=' + v.name) current = i; });
      picker.value = String(current);
      picker.addEventListener('change', function () { render(Number(picker.value)); });
      document.getElementById('picker').hidden = false;
    }
    drawSegments();
  }
  // Pixels the chart painted (not transparent) on its canvas.
  function painted(canvas) {
    var px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data, n = 0;
    for (var i = 3; i < px.length; i += 4) if (px[i] !== 0) ++n;
    return n;
  }
  function readback(chart, dataset, index) {
    var p = chart.getDatasetMeta(dataset).data[index];
    return p ? chart.scales.y.getValueForPixel(p.y) : null;
  }
  function selftest() {
    var v = data.views[current];
    var out = {errors: window.mmmErrors.slice(), view: v.name, charts: 0, drawn: 0,
               expected: 4 + v.curves.length + v.kind_curves.length + (data.segment_roas ? 1 : 0),
               canvases: document.querySelectorAll('canvas').length, painted: {}, readback: {}};
    Object.keys(charts).forEach(function (id) {
      var c = charts[id], placed = false;
      c.data.datasets.forEach(function (d, i) {
        c.getDatasetMeta(i).data.forEach(function (p) {
          if (isFinite(p.x) && isFinite(p.y)) placed = true;
        });
      });
      var n = painted(c.canvas);
      out.painted[id] = n;
      out.charts += 1;
      if (placed && n > 0) out.drawn += 1;
    });
    if (charts.roi) out.readback.roi = {channel: v.roi[0].channel, value: readback(charts.roi, 1, 0)};
    if (charts.fit) out.readback.actual = {date: v.dates[0], value: readback(charts.fit, 0, 0)};
    if (charts.allocation) {
      out.readback.recommended = {channel: v.allocation[0].channel,
                                  value: readback(charts.allocation, 1, 0)};
    }
    document.getElementById('selftest').textContent = JSON.stringify(out);
  }
  function render(index) {
    current = index;
    var v = data.views[index];
    try {
      drawFit(v);
      drawDecomposition(v);
      drawRoi(v);
      drawCurves(v);
      drawAllocation(v);
    } catch (e) {
      window.mmmErrors.push(String(e && e.stack || e));
    }
    selftest();
  }
  try {
    drawStatic();
  } catch (e) {
    window.mmmErrors.push(String(e && e.stack || e));
  }
  render(current);
})();
)JS";

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string script_json(const nlohmann::json& data) {
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string report_html(const nlohmann::json& payload, const std::string& chartjs) {
  const std::string title = html_escape(payload.value("title", std::string("mmm report")));
  std::string page;
  page.reserve(chartjs.size() + 64 * 1024);
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<title>" + title + "</title>\n<style>" + kStyle + "</style>\n";
  // First, so that an error while the library itself loads is caught too.
  page +=
      "<script>window.mmmErrors=[];window.onerror=function(m,s,l,c){"
      "window.mmmErrors.push(String(m)+' (line '+l+':'+c+')');};</script>\n";
  page += "</head>\n<body>\n<header><h1>" + title + "</h1><p>" +
          html_escape(payload.value("segmented", false) ? "segmented fit" : "single-market fit") +
          " · mmm " + html_escape(payload.value("version", std::string())) + "</p></header>\n";
  page += kBody;
  page += kChartJsNotice;
  page += "<script>\n" + chartjs + "\n</script>\n";
  page +=
      "<script type=\"application/json\" id=\"mmm-data\">" + script_json(payload) + "</script>\n";
  page += "<script>";
  page += kScript;
  page += "</script>\n</body>\n</html>\n";
  return page;
}

}  // namespace mmm

#!/usr/bin/env node
// Renders conf/grafana/spire-server-dashboard.json from real data into docs/images/grafana-dashboard.png.
//
// It starts a real `spire-server run` with the Prometheus sink and a real Prometheus scraping it
// (the helpers of test/src/e2e), drives a few rounds of traffic, asks Prometheus for each panel's
// targets (/api/v1/query_range for graphs, /api/v1/query for stats and tables), draws every panel
// as a plain SVG chart or value in an HTML page laid out on the dashboard's grid, and screenshots
// that page with the system Chromium through playwright-core. This is our own drawing of the
// dashboard's panels, not Grafana (which is neither in Debian nor on npm).
//
// Usage: bash scripts/pnpm.sh exec tsc -b test/tsconfig.test.json && node scripts/render-dashboard.mjs [--rounds N] [--out path.png]
// Needs /usr/bin/prometheus and /usr/bin/chromium (apt-get install -y prometheus chromium).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '8' }, out: { type: 'string', default: join(ROOT, 'docs', 'images', 'grafana-dashboard.png') } } });

const dist = join(ROOT, 'test', 'dist', 'e2e');
if (!existsSync(join(dist, 'dashboard-load.js'))) {
  console.error('test/dist is not built: run `bash scripts/pnpm.sh exec tsc -b test/tsconfig.test.json` first');
  process.exit(1);
}
for (const bin of ['/usr/bin/prometheus', CHROMIUM]) {
  if (!existsSync(bin)) {
    console.error(`${bin} is missing (apt-get install -y prometheus chromium)`);
    process.exit(1);
  }
}
const { startMonitoredServer, driveLoad } = await import(join(dist, 'dashboard-load.js'));
const { loadDashboard, dashboardPanels, expandVariables } = await import(join(dist, 'dashboard-queries.js'));
const { chromium } = await import('playwright-core');

const PAGE_WIDTH = 1600;
const GRID_UNIT = 30; // Grafana's height of one grid row, in pixels
const GAP = 8;
const COLORS = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#fade2a', '#96d98d', '#ffb357', '#ca95e5', '#8f3bb8'];
const VARS = { instance: '.*', rateInterval: '15s', interval: '1s' };

/** Renders a legend template (`{{label}}`, `__auto`) for one series. */
function legend(format, metric, expr) {
  if (!format || format === '__auto') {
    const labels = Object.entries(metric).filter(([k]) => !['job', 'host', '__name__'].includes(k));
    return labels.length ? labels.map(([k, v]) => `${k}=${v}`).join(', ') : expr.slice(0, 60);
  }
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '').replace(/\s+/g, ' ').trim();
}

/** A value in a panel's unit, as a short human string. */
function fmt(v, unit) {
  if (!Number.isFinite(v)) return String(v);
  const num = (x, d = 2) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(d)).replace(/\.0+$/, '');
  switch (unit) {
    case 's':
      if (v >= 86400) return `${num(v / 86400)} day`;
      if (v >= 3600) return `${num(v / 3600)} hour`;
      if (v >= 60) return `${num(v / 60)} min`;
      return `${num(v)} s`;
    case 'ms':
      return v >= 1000 ? `${num(v / 1000)} s` : `${num(v)} ms`;
    case 'bytes': {
      const u = ['B', 'KiB', 'MiB', 'GiB'];
      let i = 0;
      while (v >= 1024 && i < u.length - 1) {
        v /= 1024;
        i++;
      }
      return `${num(v)} ${u[i]}`;
    }
    case 'reqps':
      return `${num(v)} req/s`;
    case 'ops':
      return `${num(v)} ops/s`;
    default:
      return Math.abs(v) >= 1000 ? `${num(v / 1000)} K` : num(v);
  }
}

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** The threshold colour of a value (Grafana's absolute steps). */
function thresholdColor(v, steps) {
  let color = steps?.[0]?.color ?? 'green';
  for (const s of steps ?? []) if (s.value !== null && v >= s.value) color = s.color;
  return { green: '#73bf69', orange: '#ff9830', red: '#f2495c' }[color] ?? color;
}

/** An SVG line chart of range series `[{name, points:[[t,v]]}]` in a w×h box. */
function lineChart(series, w, h, unit, start, end, min) {
  const padL = 64;
  const padB = 18;
  const plotW = w - padL - 8;
  const plotH = h - padB - 6;
  const all = series.flatMap((s) => s.points.map((p) => p[1]));
  let lo = Math.min(...all, min ?? Infinity);
  let hi = Math.max(...all);
  if (min !== undefined) lo = min;
  if (hi === lo) hi = lo + 1;
  const X = (t) => padL + ((t - start) / (end - start)) * plotW;
  const Y = (v) => 6 + plotH - ((v - lo) / (hi - lo)) * plotH;
  const grid = [0, 0.5, 1]
    .map((f) => {
      const v = lo + f * (hi - lo);
      return `<line x1="${padL}" x2="${padL + plotW}" y1="${Y(v)}" y2="${Y(v)}" stroke="#2c3235"/><text x="${padL - 6}" y="${Y(v) + 4}" text-anchor="end">${esc(fmt(v, unit))}</text>`;
    })
    .join('');
  const times = [start, (start + end) / 2, end]
    .map((t, i) => `<text x="${X(t)}" y="${h - 4}" text-anchor="${['start', 'middle', 'end'][i]}">${new Date(t * 1000).toISOString().slice(11, 19)}</text>`)
    .join('');
  const lines = series
    .map((s, i) => {
      // A gap in the data (NaN, no sample) breaks the line, as Grafana draws it.
      const segs = [];
      let cur = [];
      for (const [t, v] of s.points) {
        if (Number.isFinite(v)) cur.push(`${X(t).toFixed(1)},${Y(v).toFixed(1)}`);
        else if (cur.length) {
          segs.push(cur);
          cur = [];
        }
      }
      if (cur.length) segs.push(cur);
      const c = COLORS[i % COLORS.length];
      return segs.map((pts) => (pts.length === 1 ? `<circle cx="${pts[0].split(',')[0]}" cy="${pts[0].split(',')[1]}" r="2" fill="${c}"/>` : `<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts.join(' ')}"/>`)).join('');
    })
    .join('');
  return `<svg width="${w}" height="${h}" font-size="10" fill="#9fa7b3">${grid}${times}${lines}</svg>`;
}

async function main() {
  const dashboard = loadDashboard();
  const panels = dashboardPanels(dashboard);
  const m = await startMonitoredServer();
  let html;
  try {
    const start = Math.floor(Date.now() / 1000);
    const rounds = Number(args.rounds);
    for (let i = 0; i < rounds; i++) {
      await driveLoad(m.server, i);
      // Uneven pauses, so the rates rise and fall as they do on a real server.
      await new Promise((r) => setTimeout(r, [1000, 4000, 2000, 6000][i % 4]));
      console.error(`round ${i + 1}/${rounds} done`);
    }
    await m.prom.waitForScrapeAfter('spire_server_started', Date.now() / 1000);
    const end = Math.floor(Date.now() / 1000);
    const step = Math.max(1, Math.round((end - start) / 300));

    const bodies = [];
    let lastRow = '';
    for (const p of panels) {
      const unit = p.fieldConfig?.defaults?.unit ?? 'short';
      const min = p.fieldConfig?.defaults?.min;
      if (p.row !== lastRow) {
        lastRow = p.row;
        // Rows are drawn as headers above the row's first line of panels.
        bodies.push(`<div class="row" style="top:${(p.gridPos.y - 1) * GRID_UNIT}px">${esc(p.row)}</div>`);
      }
      const left = (p.gridPos.x / 24) * PAGE_WIDTH + GAP / 2;
      const top = p.gridPos.y * GRID_UNIT;
      const w = (p.gridPos.w / 24) * PAGE_WIDTH - GAP;
      const h = p.gridPos.h * GRID_UNIT - GAP;
      let content = '';
      if (p.type === 'timeseries') {
        const series = [];
        for (const t of p.targets) {
          const a = await m.prom.queryRange(expandVariables(t.expr, VARS), start, end, step);
          if (a.status !== 'success') throw new Error(`${p.title}: ${a.error}`);
          for (const s of a.data.result) series.push({ name: legend(t.legendFormat, s.metric, t.expr), points: s.values.map(([ts, v]) => [ts, Number(v)]) });
        }
        if (series.length === 0) content = '<div class="nodata">No data</div>';
        else {
          const shown = series.slice(0, 8);
          const more = series.length - shown.length;
          const legendHtml = shown.map((s, i) => `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${esc(s.name)}</span>`).join('') + (more > 0 ? `<span>+${more} more</span>` : '');
          content = `${lineChart(series, w - 12, h - 28 - 34, unit, start, end, min)}<div class="legend">${legendHtml}</div>`;
        }
      } else {
        const results = [];
        for (const t of p.targets) {
          const a = await m.prom.query(expandVariables(t.expr, VARS), end);
          if (a.status !== 'success') throw new Error(`${p.title}: ${a.error}`);
          for (const s of a.data.result) results.push({ t, s });
        }
        if (results.length === 0) content = '<div class="nodata">No data</div>';
        else if (p.type === 'table') {
          const cols = ['instance', 'trust_domain_id', 'version', 'host'];
          const head = `<tr>${cols.map((c) => `<th>${c === 'trust_domain_id' ? 'trust domain' : c}</th>`).join('')}</tr>`;
          content = `<table>${head}${results.map(({ s }) => `<tr>${cols.map((c) => `<td>${esc(s.metric[c] ?? '')}</td>`).join('')}</tr>`).join('')}</table>`;
        } else {
          const steps = p.fieldConfig?.defaults?.thresholds?.steps;
          content = `<div class="stats">${results
            .map(({ t, s }) => {
              const v = Number(s.value[1]);
              return `<div class="stat"><div class="v" style="color:${thresholdColor(v, steps)}">${esc(fmt(v, unit))}</div><div class="n">${esc(legend(t.legendFormat, s.metric, t.expr))}</div></div>`;
            })
            .join('')}</div>`;
        }
      }
      bodies.push(`<div class="panel" style="left:${left}px;top:${top}px;width:${w}px;height:${h}px"><div class="title">${esc(p.title)}</div>${content}</div>`);
    }
    const height = Math.max(...panels.map((p) => (p.gridPos.y + p.gridPos.h) * GRID_UNIT)) + 40;
    const when = new Date(end * 1000).toISOString().slice(0, 16).replace('T', ' ');
    html = `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#111217;color:#ccccdc;font:12px Inter,Helvetica,Arial,sans-serif}
header{height:48px;display:flex;align-items:center;gap:16px;padding:0 12px;border-bottom:1px solid #202226}
header h1{font-size:16px;font-weight:500;margin:0}header .var{background:#181b1f;border:1px solid #2c3235;padding:3px 8px;border-radius:2px}
header .note{margin-left:auto;color:#8e8e8e}
main{position:relative;height:${height}px;margin:8px 0}
.row{position:absolute;left:8px;height:${GRID_UNIT}px;line-height:${GRID_UNIT}px;font-size:14px;font-weight:500;color:#d8d9da}
.panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;padding:4px 6px;box-sizing:border-box;overflow:hidden}
.title{font-size:12px;font-weight:500;height:20px;line-height:20px;color:#d8d9da;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.nodata{color:#8e8e8e;text-align:center;margin-top:20%}
.legend{font-size:10px;line-height:14px;max-height:30px;overflow:hidden}.legend span{margin-right:10px;white-space:nowrap}.legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
.stats{display:flex;gap:12px;justify-content:space-around;align-items:center;height:calc(100% - 24px)}.stat{text-align:center}.stat .v{font-size:28px;font-weight:500}.stat .n{color:#9fa7b3;font-size:11px}
table{border-collapse:collapse;width:100%;font-size:11px}th{text-align:left;color:#6e9fff;font-weight:500;border-bottom:1px solid #2c3235;padding:3px}td{padding:3px;border-bottom:1px solid #202226}
</style></head><body><header><h1>${esc(dashboard.title)}</h1><span class="var">DS_PROMETHEUS: Prometheus (1 s scrapes)</span><span class="var">instance: All</span>
<span class="note">Rendered by scripts/render-dashboard.mjs from a real spire-server run and Prometheus, ${when} UTC. Not Grafana: our drawing of the dashboard's panels.</span></header>
<main>${bodies.join('\n')}</main></body></html>`;
  } finally {
    await m.stop();
  }
  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  // The page is kept for a look in a browser until the next render.
  const htmlDir = mkdtempSync(join(tmpdir(), 'spire-dashboard-'));
  const htmlPath = join(htmlDir, 'dashboard.html');
  writeFileSync(htmlPath, html);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: PAGE_WIDTH, height: 900 }, deviceScaleFactor: 1 });
    await page.setContent(html);
    await page.screenshot({ path: out, fullPage: true });
  } finally {
    await browser.close();
  }
  console.error(`wrote ${out} (and the page, ${htmlPath})`);
}

await main();

/** A line chart as plain SVG (no library): one polyline per series over the same samples. */
export interface Series {
  name: string;
  values: readonly number[];
}

const W = 600;
const H = 140;
const PAD = 4;

/** Polyline points for `values` scaled to the chart box with `max` at the top. */
export function points(values: readonly number[], max: number): string {
  const n = values.length;
  if (n === 0) return '';
  const step = n > 1 ? (W - 2 * PAD) / (n - 1) : 0;
  const top = max > 0 ? max : 1;
  return values.map((v, i) => `${(PAD + i * step).toFixed(1)},${(H - PAD - (v / top) * (H - 2 * PAD)).toFixed(1)}`).join(' ');
}

/** A captioned chart; the text summary is what assistive technology reads. */
export function LineChart(p: { title: string; unit: string; series: readonly Series[] }) {
  const max = Math.max(0, ...p.series.flatMap((s) => s.values));
  const summary = p.series
    .map((s) => `${s.name}: latest ${s.values[s.values.length - 1] ?? 0}, total ${s.values.reduce((a, b) => a + b, 0)}`)
    .join('; ');
  return (
    <figure class="chart">
      <figcaption>{p.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${p.title} (${p.unit}). ${summary}. Peak ${max}.`}>
        <line class="axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
        <line class="axis" x1={PAD} y1={PAD} x2={W - PAD} y2={PAD} />
        {p.series.map((s, i) => (
          <polyline key={s.name} class={`line s${i}`} points={points(s.values, max)} />
        ))}
      </svg>
      <div class="legend" aria-hidden="true">
        {p.series.map((s, i) => (
          <span key={s.name} class={`k${i}`}>
            {s.name}
          </span>
        ))}
        <span class="muted">peak {max} {p.unit}</span>
      </div>
    </figure>
  );
}

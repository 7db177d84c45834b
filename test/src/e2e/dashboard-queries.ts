// Reads conf/grafana/spire-server-dashboard.json: its rows, panels and PromQL targets, and the
// Grafana variables in an expression replaced as Grafana would before it sends the query.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard file, from the repository root. */
export const DASHBOARD_PATH = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'conf', 'grafana', 'spire-server-dashboard.json');

/** One PromQL target of a panel. */
export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
}

/** A panel (not a row) with the row it sits under. */
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  row: string;
  description?: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets: DashboardTarget[];
  fieldConfig?: { defaults?: { unit?: string; min?: number; thresholds?: { steps: { color: string; value: number | null }[] } } };
}

/** The parts of a Grafana dashboard model this repository reads. */
export interface Dashboard {
  title: string;
  schemaVersion: number;
  templating: { list: { name: string; type: string; query?: unknown }[] };
  panels: { id: number; type: string; title: string; gridPos: DashboardPanel['gridPos']; targets?: DashboardTarget[] }[];
}

/** Parses the dashboard file (throws on a missing file or bad JSON). */
export function loadDashboard(path = DASHBOARD_PATH): Dashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as Dashboard;
}

/** The dashboard's panels in order, each with the title of the row above it ('' before any row). */
export function dashboardPanels(d: Dashboard): DashboardPanel[] {
  let row = '';
  const out: DashboardPanel[] = [];
  for (const p of d.panels) {
    if (p.type === 'row') row = p.title;
    else out.push({ ...(p as DashboardPanel), row, targets: p.targets ?? [] });
  }
  return out;
}

/** What Grafana's variables stand for in one evaluation. */
export interface VariableValues {
  /** `$instance`: a regex of instances (`.*` for All). */
  instance: string;
  /** `$__rate_interval` and `$__interval`, as PromQL durations. */
  rateInterval: string;
  interval: string;
}

/** `expr` with `$instance`, `$__rate_interval` and `$__interval` replaced (other `$…`, like label_replace's `$1`, stay). */
export function expandVariables(expr: string, v: VariableValues): string {
  return expr.replaceAll('$__rate_interval', v.rateInterval).replaceAll('$__interval', v.interval).replaceAll('$instance', v.instance);
}

/**
 * The metric names an expression names literally (`spire_server_…`), without the prefixes used
 * inside `__name__` regexes (those end with `_`).
 */
export function metricNames(expr: string): string[] {
  const names = expr.match(/spire_server_[A-Za-z0-9_]*/g) ?? [];
  return [...new Set(names.filter((n) => !n.endsWith('_')))];
}

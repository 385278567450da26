/** @jsxImportSource @kitajs/html */
/**
 * A small server-rendered SVG bar chart: one bar per x value, a y axis with a few ticks, axis labels,
 * and <title>/<desc> for screen readers (role="img" + aria-labelledby). No script, no library.
 */
import { t } from "../../src/i18n/i18n.ts";

export interface BarChartProps {
  title: string;
  xLabel: string;
  yLabel: string;
  points: { x: string; y: number }[];
  /** How a y value is written on the axis and in a bar's tooltip. */
  format?: (y: number) => string;
  /** Counts: the axis ticks fall on whole numbers. */
  integer?: boolean;
  id?: string;
}

const W = 640;
const H = 240;
const PAD = { left: 64, right: 12, top: 16, bottom: 44 };

export function BarChart(p: BarChartProps): JSX.Element {
  const fmt = p.format ?? ((y: number) => String(y));
  const id = p.id ?? "chart";
  const max = Math.max(0, ...p.points.map((q) => q.y));
  const nice = max > 0 ? niceCeil(max) : 1;
  // Four tick intervals: for counts the top is a multiple of 4, so every tick is a whole number.
  const top = p.integer ? Math.ceil(nice / 4) * 4 : nice;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, p.points.length);
  const barW = Math.max(1, slot * 0.7);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  // Label at most ~8 x positions so they stay legible at 360 px.
  const every = Math.max(1, Math.ceil(p.points.length / 8));
  // Values are dates and formatted numbers: nothing t() escapes, so `safe` below does not escape twice.
  const summary = p.points.length ? t("chart.summary", { n: p.points.length, from: p.points[0]!.x, to: p.points.at(-1)!.x, max: fmt(max) }) : t("chart.noData");
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} xmlns="http://www.w3.org/2000/svg">
      <title id={`${id}-title`} safe>{p.title}</title>
      <desc id={`${id}-desc`} safe>{summary}</desc>
      {ticks.map((t) => {
        const y = PAD.top + plotH - (t / top) * plotH;
        return (
          <g class="tick">
            <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} />
            <text x={PAD.left - 6} y={y + 4} text-anchor="end" safe>{fmt(t)}</text>
          </g>
        );
      })}
      {p.points.map((q, i) => {
        const h = (q.y / top) * plotH;
        const x = PAD.left + i * slot + (slot - barW) / 2;
        return (
          <g class="bar">
            <rect x={x} y={PAD.top + plotH - h} width={barW} height={h}>
              <title safe>{`${q.x}: ${fmt(q.y)}`}</title>
            </rect>
            {i % every === 0 ? (
              <text x={x + barW / 2} y={H - PAD.bottom + 16} text-anchor="middle" safe>{q.x.length > 5 ? q.x.slice(5) : q.x}</text>
            ) : ""}
          </g>
        );
      })}
      <text class="axis-label" x={PAD.left + plotW / 2} y={H - 6} text-anchor="middle" safe>{p.xLabel}</text>
      <text class="axis-label" x={14} y={PAD.top + plotH / 2} text-anchor="middle" transform={`rotate(-90 14 ${PAD.top + plotH / 2})`} safe>{p.yLabel}</text>
    </svg>
  );
}

/** 1, 2 or 5 times a power of ten at or above v. */
export function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

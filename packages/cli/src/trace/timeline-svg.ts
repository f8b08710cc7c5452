// The scheduling timeline as a picture: one lane per thread with the intervals it ran, each
// task's budget and period written by its name and its period boundaries ticked on its lane,
// instants (faults, budget events) marked on their lane, and interrupts on a lane of their own.
// A standalone SVG (no scripts, no external fonts) that browsers and editors open; elements carry
// classes and data attributes so tests and tools can read the drawing back.

import type { Timeline, TimelineMark } from '@k5/kernel';

/** A lane's budget annotation. @public */
export interface LaneBudget {
  readonly budget: number;
  readonly period: number;
}

/** Options of {@link renderTimelineSvg}. @public */
export interface TimelineSvgOptions {
  /** Title above the drawing. */
  readonly title?: string;
  /** Kernel ticks per second, for the axis (default 1,000,000). */
  readonly ticksPerSecond?: number;
  /** Budgets by thread id, drawn on their lanes. */
  readonly budgets?: ReadonlyMap<number, LaneBudget>;
  /** Width of the plot area in pixels (default 960). */
  readonly width?: number;
}

const LABEL_WIDTH = 160;
const LANE_HEIGHT = 32;
const TOP = 56;
const RUN_HEIGHT = 18;
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function timeLabel(ticks: number, perSecond: number): string {
  const s = ticks / perSecond;
  if (s === 0) return '0';
  if (s >= 1) return `${+s.toFixed(3)} s`;
  if (s >= 1e-3) return `${+(s * 1e3).toFixed(3)} ms`;
  return `${+(s * 1e6).toFixed(1)} µs`;
}

/** A "nice" axis step: 1, 2 or 5 times a power of ten, giving about `target` ticks. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

/** Renders a timeline as an SVG document. @public */
export function renderTimelineSvg(tl: Timeline, options: TimelineSvgOptions = {}): string {
  const perSecond = options.ticksPerSecond ?? 1_000_000;
  const plot = options.width ?? 960;
  const span = Math.max(1, tl.end - tl.start);
  const x = (t: number) => LABEL_WIDTH + ((t - tl.start) / span) * plot;
  const lanes = tl.lanes;
  const irqLane = lanes.length;
  const height = TOP + (lanes.length + 1) * LANE_HEIGHT + 40;
  const width = LABEL_WIDTH + plot + 24;
  const laneY = (i: number) => TOP + i * LANE_HEIGHT;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12" data-start="${tl.start}" data-end="${tl.end}" data-ticks-per-second="${perSecond}">`,
    // The accessible name of the picture (screen readers, and the tooltip of the whole image).
    `<title>${esc(options.title ?? 'K5 scheduling timeline')}</title>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="12" y="22" font-size="15" font-weight="600">${esc(options.title ?? 'K5 scheduling timeline')}</text>`,
  );
  // Time axis with gridlines.
  const step = niceStep(span, 8);
  out.push('<g class="axis">');
  for (let t = Math.ceil(tl.start / step) * step; t <= tl.end; t += step) {
    out.push(
      `<line class="grid" x1="${x(t)}" y1="${TOP - 6}" x2="${x(t)}" y2="${laneY(irqLane + 1)}" stroke="#e5e5e5"/>`,
      `<text class="tick" data-time="${t}" x="${x(t)}" y="${TOP - 10}" text-anchor="middle" fill="#555">${esc(timeLabel(t, perSecond))}</text>`,
    );
  }
  out.push('</g>');
  const marks = (list: readonly TimelineMark[], y: number) => {
    for (const m of list) {
      const cx = x(m.time);
      const color =
        m.kind === 'fault'
          ? '#d62728'
          : m.kind === 'irq'
            ? '#9467bd'
            : m.kind === 'budget'
              ? '#e15759'
              : '#333';
      out.push(
        `<path class="mark ${m.kind}" data-time="${m.time}" d="M${cx} ${y + 4} l-5 -8 h10 z" fill="${color}"><title>${esc(`${m.label} at ${timeLabel(m.time, perSecond)}`)}</title></path>`,
      );
    }
  };
  const laneMarks = tl.marks.filter(
    (m) => m.kind !== 'syscall' && m.kind !== 'ipc' && m.kind !== 'log',
  );
  lanes.forEach((lane, i) => {
    const y = laneY(i);
    const color = COLORS[i % COLORS.length]!;
    const budget = options.budgets?.get(lane.thread);
    out.push(
      `<g class="lane" data-thread="${lane.thread}" data-name="${esc(lane.name)}">`,
      `<rect class="lane-band" x="${LABEL_WIDTH}" y="${y}" width="${plot}" height="${LANE_HEIGHT}" fill="${i % 2 ? '#fafafa' : '#f3f3f3'}"/>`,
      `<text class="lane-label" x="12" y="${y + 15}" font-weight="600">${esc(lane.name)}</text>`,
    );
    if (budget) {
      out.push(
        `<text class="budget-label" x="12" y="${y + 27}" font-size="10" fill="#666">budget ${esc(timeLabel(budget.budget, perSecond))} / ${esc(timeLabel(budget.period, perSecond))}</text>`,
      );
      for (
        let t = Math.ceil(tl.start / budget.period) * budget.period;
        t <= tl.end;
        t += budget.period
      )
        out.push(
          `<line class="period" data-time="${t}" x1="${x(t)}" y1="${y}" x2="${x(t)}" y2="${y + LANE_HEIGHT}" stroke="#999" stroke-dasharray="3 2"/>`,
        );
    }
    for (const s of lane.slices) {
      const w = Math.max(1, x(s.end) - x(s.start));
      out.push(
        `<rect class="run" data-start="${s.start}" data-end="${s.end}" x="${x(s.start)}" y="${y + (LANE_HEIGHT - RUN_HEIGHT) / 2}" width="${w}" height="${RUN_HEIGHT}" fill="${color}"><title>${esc(`${lane.name} ran ${timeLabel(s.start, perSecond)} – ${timeLabel(s.end, perSecond)}`)}</title></rect>`,
      );
    }
    marks(
      laneMarks.filter((m) => m.thread === lane.thread),
      y,
    );
    out.push('</g>');
  });
  const y = laneY(irqLane);
  out.push(
    `<g class="lane irq-lane" data-name="IRQs">`,
    `<rect class="lane-band" x="${LABEL_WIDTH}" y="${y}" width="${plot}" height="${LANE_HEIGHT}" fill="#f7f3fb"/>`,
    `<text class="lane-label" x="12" y="${y + 20}" font-weight="600">IRQs</text>`,
  );
  marks(
    laneMarks.filter((m) => m.thread === null),
    y + LANE_HEIGHT / 2,
  );
  out.push('</g>');
  const ly = laneY(irqLane + 1) + 24;
  out.push(
    `<g class="legend" font-size="11" fill="#444">`,
    `<rect x="12" y="${ly - 9}" width="14" height="10" fill="${COLORS[0]}"/><text x="30" y="${ly}">running</text>`,
    `<line x1="100" y1="${ly - 9}" x2="100" y2="${ly + 1}" stroke="#999" stroke-dasharray="3 2"/><text x="106" y="${ly}">period start</text>`,
    `<path d="M200 ${ly} l-5 -8 h10 z" fill="#d62728"/><text x="210" y="${ly}">fault</text>`,
    `<path d="M260 ${ly} l-5 -8 h10 z" fill="#e15759"/><text x="270" y="${ly}">budget event</text>`,
    `<path d="M360 ${ly} l-5 -8 h10 z" fill="#9467bd"/><text x="370" y="${ly}">interrupt</text>`,
    `<path d="M440 ${ly} l-5 -8 h10 z" fill="#333"/><text x="450" y="${ly}">other (exit, ...)</text>`,
    '</g>',
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

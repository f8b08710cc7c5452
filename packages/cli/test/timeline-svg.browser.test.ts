// The `k5 trace --svg` picture rendered by headless Chromium: the drawing has one lane per task
// plus the IRQ lane, labels where a person reads them, run bars where the trace says each task
// ran (left to right in time, adjacent at switches), period ticks where budgets renew, and the
// pixels of a run bar really are painted in its lane's colour. Skipped when Chromium is absent.
import { existsSync } from 'node:fs';
import { buildTimeline } from '@k5/kernel';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadApp } from '../src/app/load-app';
import { runApp } from '../src/app/run-app';
import { renderTimelineSvg } from '../src/trace/timeline-svg';
import { REPO } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`SVG browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);

async function pingPongSvg(): Promise<string> {
  const app = await loadApp('apps/ping-pong', REPO);
  const run = runApp(app, { trace: true, options: { rounds: 3 } });
  const sys = run.system;
  const budgets = new Map(
    sys.tasks.map((t) => [t.tcb.id, { budget: t.spec.budget!, period: t.spec.period! }] as const),
  );
  const tl = buildTimeline(run.events, {
    threadName: (id) => sys.taskOfThread(id)?.name,
    end: sys.kernel.now,
  });
  return renderTimelineSvg(tl, { title: 'ping-pong', budgets, width: 1000 });
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe.skipIf(!haveChromium)('k5 trace --svg in headless Chromium', () => {
  it('draws lanes, labels, run bars, period ticks and paints them', {
    timeout: 60_000,
  }, async () => {
    const svg = await pingPongSvg();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 400 } });
      await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
      const span = await page.evaluate(() => {
        const root = document.querySelector('svg')!;
        return Number(root.getAttribute('data-end')) - Number(root.getAttribute('data-start'));
      });
      const drawing = await page.evaluate(() => {
        const box = (e: Element) => {
          const r = e.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        };
        return Array.from(document.querySelectorAll('g.lane')).map((g) => ({
          name: g.getAttribute('data-name'),
          label: g.querySelector('.lane-label')?.textContent,
          labelBox: box(g.querySelector('.lane-label')!),
          band: box(g.querySelector('.lane-band')!),
          budget: g.querySelector('.budget-label')?.textContent ?? null,
          runs: Array.from(g.querySelectorAll('rect.run')).map((r) => ({
            start: Number(r.getAttribute('data-start')),
            end: Number(r.getAttribute('data-end')),
            box: box(r),
          })),
          periods: Array.from(g.querySelectorAll('.period')).map((p) =>
            Number(p.getAttribute('data-time')),
          ),
        }));
      });
      expect(drawing.map((l) => l.name)).toEqual(['pong', 'ping', 'IRQs']);
      expect(drawing.map((l) => l.label)).toEqual(['pong', 'ping', 'IRQs']);
      expect(drawing[0]!.budget).toBe('budget 300 µs / 1 ms');
      const inside = (a: Box, b: Box) => a.y >= b.y - 0.5 && a.y + a.height <= b.y + b.height + 0.5;
      for (const lane of drawing) {
        // Labels sit left of the plot, vertically within their lane.
        expect(lane.labelBox.width).toBeGreaterThan(10);
        expect(lane.labelBox.x + lane.labelBox.width).toBeLessThan(lane.band.x);
        expect(
          inside(lane.labelBox, { ...lane.band, y: lane.band.y - 2, height: lane.band.height + 4 }),
        ).toBe(true);
        for (const r of lane.runs) expect(inside(r.box, lane.band)).toBe(true);
      }
      // Lanes are stacked top to bottom in order.
      expect(drawing[0]!.band.y).toBeLessThan(drawing[1]!.band.y);
      expect(drawing[1]!.band.y).toBeLessThan(drawing[2]!.band.y);
      const [pong, ping] = drawing;
      // pong runs first from the left edge of the plot; ping takes over where pong stops.
      expect(pong!.runs[0]!.start).toBe(0);
      expect(pong!.runs[0]!.box.x).toBeCloseTo(pong!.band.x, 0);
      expect(ping!.runs[0]!.box.x).toBeCloseTo(pong!.runs[0]!.box.x + pong!.runs[0]!.box.width, 0);
      // x grows with time, at one scale for every bar (the plot spans the whole run).
      const pxPerTick = pong!.band.width / span;
      const bars = [...pong!.runs, ...ping!.runs];
      for (const r of bars) {
        expect(r.box.x - pong!.band.x).toBeCloseTo(r.start * pxPerTick, 0);
        expect(r.box.width).toBeCloseTo(Math.max(1, (r.end - r.start) * pxPerTick), 0);
      }
      // One CPU: no two bars overlap in time, and together they are the declared work
      // (3 rounds of 200 µs in pong and 500 µs in ping).
      const sorted = [...bars].sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i]!.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
      expect(bars.reduce((n, r) => n + r.end - r.start, 0)).toBe(3 * 700);
      // Budgets: pong's 300 µs per 1 ms splits its work into more bars than ping has.
      expect(pong!.runs.length).toBeGreaterThan(ping!.runs.length);
      expect(ping!.periods).toEqual([0, 1000, 2000]);

      // The pixels: rasterise the SVG and read the colour at the middle of pong's first bar.
      const first = pong!.runs[0]!.box;
      const rgb = await page.evaluate(
        async ({ source, x, y }) => {
          const img = new Image();
          img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
          await img.decode();
          const canvas = document.createElement('canvas');
          canvas.width = img.width;
          canvas.height = img.height;
          const g = canvas.getContext('2d')!;
          g.drawImage(img, 0, 0);
          return [...g.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)];
        },
        { source: svg, x: first.x + first.width / 2, y: first.y + first.height / 2 },
      );
      expect(rgb).toEqual([0x4e, 0x79, 0xa7]);
    } finally {
      await browser.close();
    }
  });
});

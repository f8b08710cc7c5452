// Manifest validation: walks an untrusted value (an imported module, parsed JSON) and reports
// every problem with its path, so one run shows everything to fix. Checks shapes and ranges,
// unique names, references between sections (regions, endpoints, notifications, IRQ lines),
// CNode slots, the per-thread region limit and the supervisor rules. Relies on manifest.ts.

import { MAX_THREAD_REGIONS, MIN_REGION_BITS, NUM_PRIORITIES } from '@k5/abi';
import { ManifestError } from './errors';
import type { AppManifest, ManifestProblem } from './manifest';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const RIGHTS = new Set(['read', 'write', 'grant', 'grant-reply']);
const ACCESS = new Set(['read', 'read-write']);
const CAP_KINDS = new Set(['endpoint', 'notification', 'irq', 'reply', 'faults']);
/** Largest badge: seL4 keeps 28 badge bits on 32-bit machines. */
export const MAX_BADGE = 0x0fff_ffff;
/** Regions every task gets implicitly: its stack and its IPC buffer. */
export const IMPLICIT_TASK_REGIONS = 2;
const MAX_CNODE_RADIX = 8;

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isPow2 = (v: number) => v > 0 && (v & (v - 1)) === 0;

/** `tasks[1]` + `priority` = `tasks[1].priority`; the manifest root has the empty path. */
const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

class Checker {
  readonly problems: ManifestProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  fields(v: Obj, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key))
        this.add(join(path, key), `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }

  int(
    v: Obj,
    key: string,
    path: string,
    min: number,
    max: number,
    required: boolean,
  ): number | undefined {
    const x = v[key];
    if (x === undefined) {
      if (required) this.add(join(path, key), `is required (an integer ${min}..${max})`);
      return undefined;
    }
    if (!isInt(x) || x < min || x > max) {
      this.add(join(path, key), `must be an integer ${min}..${max}, got ${JSON.stringify(x)}`);
      return undefined;
    }
    return x;
  }

  name(v: Obj, key: string, path: string, seen: Set<string>): string | undefined {
    const x = v[key];
    if (typeof x !== 'string' || !NAME.test(x)) {
      this.add(
        join(path, key),
        `must be a name of letters, digits, _ and - (got ${JSON.stringify(x)})`,
      );
      return undefined;
    }
    if (seen.has(x)) this.add(join(path, key), `"${x}" is already used`);
    seen.add(x);
    return x;
  }

  size(v: Obj, key: string, path: string, max: number): number | undefined {
    const x = this.int(v, key, path, 2 ** MIN_REGION_BITS, max, true);
    if (x !== undefined && !isPow2(x)) {
      this.add(join(path, key), `must be a power of two (got ${x})`);
      return undefined;
    }
    return x;
  }

  bool(v: Obj, key: string, path: string): boolean | undefined {
    const x = v[key];
    if (x !== undefined && typeof x !== 'boolean')
      this.add(join(path, key), 'must be true or false');
    return typeof x === 'boolean' ? x : undefined;
  }

  array(v: Obj, key: string, path: string, required: boolean): unknown[] {
    const x = v[key];
    if (x === undefined) {
      if (required) this.add(join(path, key), 'is required (a list)');
      return [];
    }
    if (!Array.isArray(x)) {
      this.add(join(path, key), 'must be a list');
      return [];
    }
    return x;
  }
}

function checkBoard(c: Checker, v: unknown): { size: number; irqs: number } {
  if (!isObject(v)) {
    c.add('board', 'is required (an object with name and memory)');
    return { size: 2 ** 32, irqs: 0 };
  }
  c.fields(v, 'board', ['name', 'memory', 'irqs', 'ticksPerSecond']);
  if (typeof v.name !== 'string' || v.name === '')
    c.add('board.name', 'must be a non-empty string');
  let size = 2 ** 32;
  if (!isObject(v.memory)) c.add('board.memory', 'is required ({ base, size } in bytes)');
  else {
    c.fields(v.memory, 'board.memory', ['base', 'size']);
    const base = c.int(v.memory, 'base', 'board.memory', 0, 2 ** 32 - 1, true);
    const s = c.int(v.memory, 'size', 'board.memory', 1, 2 ** 32, true);
    if (base !== undefined && s !== undefined) {
      if (base + s > 2 ** 32)
        c.add('board.memory.size', 'memory must end within the 32-bit address space');
      size = s;
    }
  }
  const irqs = c.int(v, 'irqs', 'board', 0, 480, false) ?? 0;
  c.int(v, 'ticksPerSecond', 'board', 1, Number.MAX_SAFE_INTEGER, false);
  return { size, irqs };
}

/** A list of plain names (endpoints, notifications): each valid and unique. */
function checkNames(c: Checker, v: Obj, key: string): Set<string> {
  const seen = new Set<string>();
  c.array(v, key, '', false).forEach((x, i) => {
    c.name({ [`${key}[${i}]`]: x }, `${key}[${i}]`, '', seen);
  });
  return seen;
}

function checkRights(c: Checker, v: Obj, path: string): void {
  const r = v.rights;
  if (!Array.isArray(r)) {
    c.add(`${path}.rights`, `is required (a list of ${[...RIGHTS].join(', ')})`);
    return;
  }
  r.forEach((x, i) => {
    if (typeof x !== 'string' || !RIGHTS.has(x))
      c.add(
        `${path}.rights[${i}]`,
        `must be one of ${[...RIGHTS].join(', ')} (got ${JSON.stringify(x)})`,
      );
  });
}

/**
 * Every problem of a manifest (empty when it is valid).
 * @public
 */
export function checkManifest(value: unknown): ManifestProblem[] {
  const c = new Checker();
  if (!isObject(value)) {
    c.add('(manifest)', 'must be an object with name, board and tasks');
    return c.problems;
  }
  c.fields(value, '', ['name', 'board', 'regions', 'endpoints', 'notifications', 'tasks']);
  if (typeof value.name !== 'string' || value.name === '')
    c.add('name', 'must be a non-empty string');
  const board = checkBoard(c, value.board);

  const regionNames = new Set<string>();
  c.array(value, 'regions', '', false).forEach((r, i) => {
    const path = `regions[${i}]`;
    if (!isObject(r)) {
      c.add(path, 'must be an object with name and size');
      return;
    }
    c.fields(r, path, ['name', 'size', 'base']);
    c.name(r, 'name', path, regionNames);
    const size = c.size(r, 'size', path, 2 ** 31);
    const base = c.int(r, 'base', path, 0, 2 ** 32 - 1, false);
    if (size !== undefined && base !== undefined && base % size !== 0)
      c.add(
        `${path}.base`,
        `must be aligned to the region size ${size} (got 0x${base.toString(16)})`,
      );
  });
  const endpoints = checkNames(c, value, 'endpoints');
  const notifications = checkNames(c, value, 'notifications');

  const taskNames = new Set<string>();
  const irqOwners = new Map<number, string>();
  let supervisors = 0;
  const tasks = c.array(value, 'tasks', '', true);
  if (Array.isArray(value.tasks) && tasks.length === 0)
    c.add('tasks', 'must list at least one task');
  tasks.forEach((t, i) => {
    const path = `tasks[${i}]`;
    if (!isObject(t)) {
      c.add(path, 'must be an object with name, priority and stack');
      return;
    }
    c.fields(t, path, [
      'name',
      'program',
      'priority',
      'budget',
      'period',
      'stack',
      'cnodeRadix',
      'regions',
      'caps',
      'supervisor',
      'start',
    ]);
    c.name(t, 'name', path, taskNames);
    if (t.program !== undefined && (typeof t.program !== 'string' || t.program === ''))
      c.add(`${path}.program`, 'must be a non-empty string');
    c.int(t, 'priority', path, 0, NUM_PRIORITIES - 1, true);
    const budget = c.int(t, 'budget', path, 1, 2 ** 32 - 1, false);
    const period = c.int(t, 'period', path, 1, 2 ** 32 - 1, false);
    if ((t.budget === undefined) !== (t.period === undefined))
      c.add(
        `${path}.${t.budget === undefined ? 'budget' : 'period'}`,
        'budget and period come together: give both or neither',
      );
    if (budget !== undefined && period !== undefined && budget > period)
      c.add(`${path}.budget`, `must not exceed the period (${budget} > ${period})`);
    c.size(t, 'stack', path, board.size);
    const radix = c.int(t, 'cnodeRadix', path, 1, MAX_CNODE_RADIX, false) ?? 4;
    const supervisor = c.bool(t, 'supervisor', path) ?? false;
    if (supervisor) supervisors++;
    c.bool(t, 'start', path);

    const maps = c.array(t, 'regions', path, false);
    if (maps.length + IMPLICIT_TASK_REGIONS > MAX_THREAD_REGIONS)
      c.add(
        `${path}.regions`,
        `a task maps at most ${MAX_THREAD_REGIONS - IMPLICIT_TASK_REGIONS} regions besides its stack and IPC buffer (got ${maps.length})`,
      );
    const mapped = new Set<string>();
    maps.forEach((m, j) => {
      const mp = `${path}.regions[${j}]`;
      if (!isObject(m)) {
        c.add(mp, 'must be an object with region and access');
        return;
      }
      c.fields(m, mp, ['region', 'access']);
      if (typeof m.region !== 'string' || !regionNames.has(m.region))
        c.add(`${mp}.region`, `names no region of the manifest (got ${JSON.stringify(m.region)})`);
      else if (mapped.has(m.region)) c.add(`${mp}.region`, `"${m.region}" is mapped twice`);
      else mapped.add(m.region);
      if (typeof m.access !== 'string' || !ACCESS.has(m.access))
        c.add(`${mp}.access`, `must be read or read-write (got ${JSON.stringify(m.access)})`);
    });

    const slots = new Set<number>();
    c.array(t, 'caps', path, false).forEach((cap, j) => {
      const cp = `${path}.caps[${j}]`;
      if (!isObject(cap)) {
        c.add(cp, 'must be an object with kind and slot');
        return;
      }
      const kind = cap.kind;
      if (typeof kind !== 'string' || !CAP_KINDS.has(kind)) {
        c.add(
          `${cp}.kind`,
          `must be one of ${[...CAP_KINDS].join(', ')} (got ${JSON.stringify(kind)})`,
        );
        return;
      }
      const slot = c.int(cap, 'slot', cp, 1, 2 ** radix - 1, true);
      if (slot !== undefined) {
        if (slots.has(slot))
          c.add(`${cp}.slot`, `slot ${slot} is already used by another cap of this task`);
        slots.add(slot);
      }
      switch (kind) {
        case 'endpoint':
          c.fields(cap, cp, ['kind', 'slot', 'endpoint', 'rights', 'badge']);
          if (typeof cap.endpoint !== 'string' || !endpoints.has(cap.endpoint))
            c.add(
              `${cp}.endpoint`,
              `names no endpoint of the manifest (got ${JSON.stringify(cap.endpoint)})`,
            );
          checkRights(c, cap, cp);
          c.int(cap, 'badge', cp, 0, MAX_BADGE, false);
          break;
        case 'notification':
          c.fields(cap, cp, ['kind', 'slot', 'notification', 'rights', 'badge']);
          if (typeof cap.notification !== 'string' || !notifications.has(cap.notification))
            c.add(
              `${cp}.notification`,
              `names no notification of the manifest (got ${JSON.stringify(cap.notification)})`,
            );
          checkRights(c, cap, cp);
          c.int(cap, 'badge', cp, 0, MAX_BADGE, false);
          break;
        case 'irq': {
          c.fields(cap, cp, ['kind', 'slot', 'irq', 'notification', 'badge']);
          const line = board.irqs > 0 ? c.int(cap, 'irq', cp, 0, board.irqs - 1, true) : undefined;
          if (board.irqs === 0)
            c.add(`${cp}.irq`, 'the board declares no interrupt lines (board.irqs)');
          if (line !== undefined) {
            const owner = irqOwners.get(line);
            if (owner !== undefined)
              c.add(`${cp}.irq`, `IRQ ${line} is already handled by ${owner}`);
            else irqOwners.set(line, path);
          }
          if (typeof cap.notification !== 'string' || !notifications.has(cap.notification))
            c.add(
              `${cp}.notification`,
              `names no notification of the manifest (got ${JSON.stringify(cap.notification)})`,
            );
          c.int(cap, 'badge', cp, 0, MAX_BADGE, false);
          break;
        }
        case 'reply':
          c.fields(cap, cp, ['kind', 'slot']);
          break;
        case 'faults':
          c.fields(cap, cp, ['kind', 'slot']);
          if (!supervisor)
            c.add(
              `${cp}.kind`,
              'only the supervisor task (supervisor: true) may hold the fault endpoint',
            );
          break;
      }
    });
  });
  if (supervisors > 1)
    c.add('tasks', `at most one task may be the supervisor (found ${supervisors})`);
  return c.problems;
}

/**
 * Checks a manifest and returns it typed.
 * @throws {@link ManifestError} listing every problem.
 * @public
 */
export function validateManifest(value: unknown): AppManifest {
  const problems = checkManifest(value);
  if (problems.length > 0) throw new ManifestError(problems);
  return value as AppManifest;
}

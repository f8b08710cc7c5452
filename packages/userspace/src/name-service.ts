// The name service: K5's Listen/Connect by 16-byte port id, built in userspace. A service
// Listens by sending its endpoint cap (with Grant) to the registry; a client Connects and gets
// back a copy of that endpoint minted with a fresh badge, so the service can tell its clients
// apart. The registry is an ordinary task. Relies on sys.ts and invoke.ts.

import { encodeMessageInfo, Rights } from '@k5/abi';
import { cnodeDelete, cnodeMint } from './invoke';
import type { Sys, TaskStep } from './sys';

/** Name-service labels. @public */
export const NameServiceLabel = { Listen: 1, Connect: 2 } as const;

/** Name-service status codes (the reply label). @public */
export const NameServiceStatus = {
  Ok: 0,
  AlreadyListening: 1,
  NoSuchPort: 2,
  Full: 3,
  BadRequest: 4,
} as const;

/** Configuration of {@link nameServer}. @public */
export interface NameServerConfig {
  /** The registry's endpoint (clients need Write and Grant on their copy). */
  readonly endpoint: number;
  /** The registry's Reply object. */
  readonly reply: number;
  /** The registry's CSpace root CNode cap and its depth (the word size). */
  readonly cnode: number;
  readonly depth: number;
  /** Free slots it may use: [first, end). The last one is its scratch slot. */
  readonly freeSlots: readonly [number, number];
}

/** A port id as four words (little-endian). @public */
export function portIdWords(id: Uint8Array): [number, number, number, number] {
  if (id.length !== 16) throw new RangeError(`a port id has 16 bytes, got ${id.length}`);
  const w = (i: number) =>
    (id[i]! | (id[i + 1]! << 8) | (id[i + 2]! << 16) | (id[i + 3]! << 24)) >>> 0;
  return [w(0), w(4), w(8), w(12)];
}

/** The registry task body: serves Listen and Connect forever. @public */
export function* nameServer(sys: Sys, cfg: NameServerConfig): Generator<number, never, void> {
  const ports = new Map<string, number>();
  let next = cfg.freeSlots[0];
  const scratch = cfg.freeSlots[1] - 1;
  let nextBadge = 1;
  for (;;) {
    sys.setReceiveSlot(0, next, cfg.depth);
    yield* sys.recv(cfg.endpoint, cfg.reply);
    const label = sys.label;
    const key = [sys.getMR(0), sys.getMR(1), sys.getMR(2), sys.getMR(3)].join(':');
    let status: number = NameServiceStatus.Ok;
    let replyCaps = 0;
    let badge = 0;
    if (sys.length < 4) status = NameServiceStatus.BadRequest;
    else if (label === NameServiceLabel.Listen) {
      if (sys.extraCaps !== 1 || sys.capsUnwrapped !== 0) status = NameServiceStatus.BadRequest;
      else if (ports.has(key)) {
        status = NameServiceStatus.AlreadyListening;
        yield* cnodeDelete(sys, cfg.cnode, next, cfg.depth);
      } else {
        ports.set(key, next);
        next++;
        if (next >= scratch) status = NameServiceStatus.Full;
      }
    } else if (label === NameServiceLabel.Connect) {
      const slot = ports.get(key);
      if (slot === undefined) status = NameServiceStatus.NoSuchPort;
      else {
        badge = nextBadge++;
        yield* cnodeMint(
          sys,
          cfg.cnode,
          scratch,
          cfg.depth,
          cfg.cnode,
          slot,
          cfg.depth,
          Rights.Write | Rights.GrantReply,
          badge,
        );
        sys.setCap(0, scratch);
        replyCaps = 1;
      }
    } else status = NameServiceStatus.BadRequest;
    sys.setMR(0, badge);
    yield* sys.send(cfg.reply, encodeMessageInfo(status, 1, replyCaps));
    if (replyCaps) yield* cnodeDelete(sys, cfg.cnode, scratch, cfg.depth);
  }
}

/** Registers `serviceEndpoint` under a port id. Returns a {@link NameServiceStatus}. @public */
export function* listen(
  sys: Sys,
  registry: number,
  portId: Uint8Array,
  serviceEndpoint: number,
): TaskStep {
  portIdWords(portId).forEach((w, i) => {
    sys.setMR(i, w);
  });
  sys.setCap(0, serviceEndpoint);
  yield* sys.call(registry, encodeMessageInfo(NameServiceLabel.Listen, 4, 1));
  return sys.label;
}

/**
 * Connects to a port: a badged endpoint cap lands in `destSlot` of the CSpace root (at `depth`).
 * Returns a {@link NameServiceStatus}; the badge is then `sys.getMR(0)`.
 * @public
 */
export function* connect(
  sys: Sys,
  registry: number,
  portId: Uint8Array,
  destSlot: number,
  depth: number,
): TaskStep {
  portIdWords(portId).forEach((w, i) => {
    sys.setMR(i, w);
  });
  sys.setReceiveSlot(0, destSlot, depth);
  yield* sys.call(registry, encodeMessageInfo(NameServiceLabel.Connect, 4, 0));
  return sys.label;
}

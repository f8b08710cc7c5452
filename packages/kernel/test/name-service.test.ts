// The userspace name service and client/server helper running on the kernel.
import {
  connect,
  listen,
  NameServiceStatus,
  nameServer,
  operation,
  request,
  serve,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { C, DEPTH, makeFixture } from './fixture';

const PORT = new Uint8Array(16).map((_, i) => i * 3 + 1);
const OTHER = new Uint8Array(16).fill(9);
const add = operation<[number, number], [number]>(1, 2, 1);

describe('name service and rpc', () => {
  it('a client connects by port id and calls the service through a badged endpoint', () => {
    const log: unknown[] = [];
    const f = makeFixture([
      {
        name: 'registry',
        priority: 200,
        *body(sys) {
          yield* nameServer(sys, {
            endpoint: C.ep(2),
            reply: C.reply,
            cnode: C.cnode,
            depth: DEPTH,
            freeSlots: [C.free, 64],
          });
        },
      },
      {
        name: 'service',
        priority: 150,
        *body(sys) {
          log.push(['listen', yield* listen(sys, C.ep(2), PORT, C.ep(0))]);
          log.push(['listen-again', yield* listen(sys, C.ep(2), PORT, C.ep(0))]);
          yield* serve(sys, C.ep(0), C.reply, {
            [add.label]: (req) => [req.arg(0) + req.arg(1) + req.badge * 1000],
          });
        },
      },
      {
        name: 'client',
        priority: 100,
        *body(sys) {
          log.push(['connect-missing', yield* connect(sys, C.ep(2), OTHER, C.free, DEPTH)]);
          log.push(['connect', yield* connect(sys, C.ep(2), PORT, C.free, DEPTH), sys.getMR(0)]);
          const r = yield* request(sys, C.free, add, 2, 3);
          log.push(['add', r]);
          const bad = yield* request(sys, C.free, operation<[], []>(9, 0, 0));
          log.push(['unknown', bad.ok]);
        },
      },
    ]);
    f.run();
    expect(log).toEqual([
      ['listen', NameServiceStatus.Ok],
      ['listen-again', NameServiceStatus.AlreadyListening],
      ['connect-missing', NameServiceStatus.NoSuchPort],
      ['connect', NameServiceStatus.Ok, 1],
      ['add', { ok: true, value: [1005] }],
      ['unknown', false],
    ]);
  });
});

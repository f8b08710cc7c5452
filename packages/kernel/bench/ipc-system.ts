// The Call/ReplyRecv systems the IPC figures of bench/index.ts and bench/ipc-breakdown.ts share:
// a server that adds one to MR0 and replies with four MRs, a client that calls it with four MRs
// (idle threads optionally alive beside them), and the bare baseline, two generators passing the
// same four-word message and info word through one shared register file in the same process.
import { encodeMessageInfo } from '@k5/abi';
import { C, type Fixture, makeFixture, type ThreadSpec } from '../test/fixture';

/** Round trips per benchmark sample. */
export const ROUND_TRIPS = 1000;

/** The message-info words of the client's Call and the server's reply. */
export const CALL_INFO = encodeMessageInfo(1, 4);
export const REPLY_INFO = encodeMessageInfo(0, 4);

/** The server, the client and `alive - 2` idle threads, started; the client is about to call. */
export function ipcSystem(alive: number, fastpath = true): Fixture {
  const specs: ThreadSpec[] = [
    {
      name: 'server',
      priority: 120,
      *body(sys) {
        yield* sys.recv(C.ep(0), C.reply);
        for (;;) {
          sys.setMR(0, sys.getMR(0) + 1);
          yield* sys.replyRecv(C.ep(0), encodeMessageInfo(0, 4), C.reply);
        }
      },
    },
    {
      name: 'client',
      priority: 100,
      *body(sys) {
        let x = 0;
        for (;;) {
          sys.setMR(0, x);
          sys.setMR(1, 1);
          sys.setMR(2, 2);
          sys.setMR(3, 3);
          yield* sys.call(C.ep(0), encodeMessageInfo(1, 4));
          x = sys.getMR(0);
        }
      },
    },
  ];
  // Idle threads that stay alive, blocked on another endpoint.
  for (let i = 2; i < alive; i++) {
    specs.push({
      name: `idle${i}`,
      priority: 50 + (i % 100),
      *body(sys) {
        yield* sys.recv(C.ep(3), 0);
      },
    });
  }
  const f = makeFixture(specs);
  // The fixture builds its kernel with the default options; the slow-path figure switches the
  // fastpath off through the kernel's private counters field (what `fastpath: false` does).
  if (!fastpath) (f.kernel as unknown as { fastpath: unknown }).fastpath = null;
  f.executor.run({ maxSteps: alive * 2 + 10 });
  return f;
}

/** Fastpath hits of a kernel so far (its private counters field). */
export function fastpathCalls(f: Fixture): number {
  return (f.kernel as unknown as { fastpath: { calls: number } }).fastpath.calls;
}

/** The bare baseline: `ROUND_TRIPS` round trips of two bare generators. */
export function bareBaseline(): () => void {
  const box = new Uint32Array(6);
  function* client(): Generator<void, void, void> {
    let x = 0;
    for (;;) {
      box[0] = x;
      box[1] = 1;
      box[2] = 2;
      box[3] = 3;
      box[5] = encodeMessageInfo(1, 4);
      yield;
      x = box[0]!;
    }
  }
  function* server(): Generator<void, void, void> {
    for (;;) {
      box[0] = box[0]! + 1;
      box[5] = encodeMessageInfo(0, 4);
      yield;
    }
  }
  const c = client();
  const s = server();
  return () => {
    for (let i = 0; i < ROUND_TRIPS; i++) {
      c.next();
      s.next();
    }
  };
}

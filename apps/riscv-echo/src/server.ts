// The TypeScript echo server, a host task on the same RISC-V machine as the C client: it waits
// on its endpoint, replies to each echo with the two words it received and their FNV-1a
// checksum (the client checks it), and logs through defmt.
import { encodeMessageInfo, type HostTask, LogLevel } from '@k5/abi';
import { FrameEncoder } from '@k5/defmt';
import { Sys } from '@k5/userspace';
import { SERVER_LOG_TABLE, ServerLog } from './log-table';

/** The server's capability slots. */
export const SERVER_SLOT = { endpoint: 1, reply: 2 } as const;
/** The label of an echo request (echo-client.c's LABEL_ECHO). */
export const LABEL_ECHO = 1;

/** FNV-1a over 32-bit words, as echo-client.c computes it. */
export function fnv(words: readonly number[]): number {
  let h = 2166136261;
  for (const w of words) h = Math.imul(h ^ w, 16777619) >>> 0;
  return h;
}

const encoder = new FrameEncoder(SERVER_LOG_TABLE);

export const echoServer: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  yield* sys.log(LogLevel.Info, encoder.encode(ServerLog.ready, [SERVER_SLOT.endpoint]));
  let badge = yield* sys.recv(SERVER_SLOT.endpoint, SERVER_SLOT.reply);
  for (;;) {
    const words = [sys.getMR(0), sys.getMR(1)];
    const ok = sys.label === LABEL_ECHO && sys.length === 2;
    const sum = fnv(words);
    if (ok) {
      yield* sys.log(LogLevel.Debug, encoder.encode(ServerLog.echo, [words[0]!, badge, sum]));
      sys.setMR(0, words[0]!);
      sys.setMR(1, words[1]!);
      sys.setMR(2, sum);
    }
    // A malformed request gets an empty reply with label 1.
    const info = ok ? encodeMessageInfo(0, 3) : encodeMessageInfo(1, 0);
    badge = yield* sys.replyRecv(SERVER_SLOT.endpoint, info, SERVER_SLOT.reply);
  }
};

// The demo's defmt table: every log statement of both tasks, interned once. Tasks encode frames
// against it (as defmt firmware does against its ELF's table) and the host decodes with it.
import { TableBuilder } from '@k5/defmt';

const builder = new TableBuilder({ encoding: 'rzcobs' });

/** Indices of the demo's log statements. */
export const Log = {
  serverReady: builder.log('info', 'pong: waiting for pings on endpoint slot {=u32}'),
  ping: builder.log('info', 'ping: sending ping {=u32} with payload {=u32:#x}'),
  pong: builder.log('debug', 'pong: got ping {=u32} from badge {=u32:#x}, replying {=u32:#x}'),
  reply: builder.log('info', 'ping: reply {=u32} is {=u32:#x}'),
  mismatch: builder.log('error', 'ping: reply {=u32} is {=u32:#x}, expected {=u32:#x}'),
  done: builder.log('info', 'ping: {=u32} round trips done'),
} as const;

/** The table both sides use. */
export const LOG_TABLE = builder.build();

// Each task's defmt table, as each task's ELF would carry its own `.defmt` section: the host
// decodes a task's frames with that task's table, so the same index means different statements
// in ping and pong. Frames carry a microsecond timestamp read from the board's timer.
import { TableBuilder } from '@k5/defmt';

const pongTable = new TableBuilder({ encoding: 'rzcobs' }).timestamp('{=u64:us}');
const pingTable = new TableBuilder({ encoding: 'rzcobs' }).timestamp('{=u64:us}');

/** Indices of pong's log statements. */
export const PongLog = {
  ready: pongTable.log('info', 'waiting for pings on endpoint slot {=u32}'),
  pong: pongTable.log('debug', 'got ping {=u32} from badge {=u32:#x}, replying {=u32:#x}'),
} as const;

/** Indices of ping's log statements. */
export const PingLog = {
  ping: pingTable.log('info', 'sending ping {=u32} with payload {=u32:#x}'),
  reply: pingTable.log('info', 'reply {=u32} is {=u32:#x}'),
  mismatch: pingTable.log('error', 'reply {=u32} is {=u32:#x}, expected {=u32:#x}'),
  done: pingTable.log('info', '{=u32} round trips done, pong counted {=u32} in shared memory'),
} as const;

/** The tables by task name. */
export const LOG_TABLES = { pong: pongTable.build(), ping: pingTable.build() } as const;

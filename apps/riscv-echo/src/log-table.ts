// The TypeScript server's defmt table. The C client's table is not here: it is in the client's
// ELF (.defmt symbols its compiler emitted), and the host reads it from there, as defmt-print
// reads Rust firmware's.
import { TableBuilder } from '@k5/defmt';

const builder = new TableBuilder({ encoding: 'raw' });

/** Indices of the server's log statements. */
export const ServerLog = {
  ready: builder.log('info', 'server: waiting for echoes on endpoint slot {=u32}'),
  echo: builder.log('debug', 'server: echo {=u32} from badge {=u32:#x}, checksum {=u32:#010x}'),
} as const;

/** The server's table. */
export const SERVER_LOG_TABLE = builder.build();

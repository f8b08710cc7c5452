// The ping-pong system on the STM32L5-like board: pong serves on the `pings` endpoint with a
// reply object of its own; ping calls it through a capability badged 0x91 with Write and
// GrantReply (a Call without Grant or GrantReply leaves the caller inactive, as in seL4). Both
// have a stack and an IPC buffer; pong writes its count into `stats`, which ping may only read.
// The MPU gets one region per mapping; `k5 mpu apps/ping-pong` shows the layout.
import { STM32L5_BOARD, manifestBoard } from '@k5/arch-armv8m';
import type { AppManifest } from '@k5/kernel';

/** CNode slots both tasks use. */
export const SLOT = { endpoint: 1, reply: 2 } as const;
/** The badge ping's endpoint capability carries. */
export const PING_BADGE = 0x91;

export const PING_PONG: AppManifest = {
  name: 'ping-pong',
  board: manifestBoard(STM32L5_BOARD),
  regions: [{ name: 'stats', size: 256 }],
  endpoints: ['pings'],
  tasks: [
    {
      name: 'pong',
      priority: 150,
      budget: 300,
      period: 1000,
      stack: 1024,
      regions: [{ region: 'stats', access: 'read-write' }],
      caps: [
        { kind: 'endpoint', slot: SLOT.endpoint, endpoint: 'pings', rights: ['read', 'write'] },
        { kind: 'reply', slot: SLOT.reply },
      ],
    },
    {
      name: 'ping',
      priority: 100,
      budget: 700,
      period: 1000,
      stack: 1024,
      regions: [{ region: 'stats', access: 'read' }],
      caps: [
        {
          kind: 'endpoint',
          slot: SLOT.endpoint,
          endpoint: 'pings',
          rights: ['write', 'grant-reply'],
          badge: PING_BADGE,
        },
      ],
    },
  ],
};

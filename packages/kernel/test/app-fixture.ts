// A valid two-task manifest shared by the app tests: a supervisor server and a badged client.
import type { AppManifest } from '../src/app/manifest';

/** Server (supervisor, budgeted) and client sharing an endpoint, a notification and a region. */
export const GOOD: AppManifest = {
  name: 'two',
  board: { name: 'test', memory: { base: 0x2000_0000, size: 64 * 1024 }, irqs: 8 },
  regions: [{ name: 'shared', size: 256 }],
  endpoints: ['pings'],
  notifications: ['events'],
  tasks: [
    {
      name: 'server',
      priority: 150,
      stack: 512,
      budget: 200,
      period: 1000,
      regions: [{ region: 'shared', access: 'read-write' }],
      caps: [
        { kind: 'endpoint', slot: 1, endpoint: 'pings', rights: ['read', 'write'] },
        { kind: 'reply', slot: 2 },
        { kind: 'faults', slot: 3 },
      ],
      supervisor: true,
    },
    {
      name: 'client',
      priority: 100,
      stack: 512,
      regions: [{ region: 'shared', access: 'read' }],
      caps: [
        {
          kind: 'endpoint',
          slot: 1,
          endpoint: 'pings',
          rights: ['write', 'grant-reply'],
          badge: 0x91,
        },
        { kind: 'notification', slot: 2, notification: 'events', rights: ['read'] },
      ],
    },
  ],
};

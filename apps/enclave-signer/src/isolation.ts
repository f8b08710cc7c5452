// What each port did to keep the enclave apart, read from the port models after the run: on
// ARMv8-M the security state each thread runs in (the enclave Secure, everything else
// Non-secure, with the SAU attributing enclave memory Secure); on RISC-V the monitor's locked
// guard entry that leads the rogue's PMP view and the save area where the monitor keeps the
// enclave thread's registers. The generic port only checks accesses.

import { ArmV8mPort, SecurityAttribute } from '@k5/arch-armv8m';
import { RiscvPort } from '@k5/arch-riscv';
import { AccessKind, type ContextId, type HostSystem, type Tcb } from '@k5/kernel';
import { KEY_OFFSET } from './layout';

const hex = (n: number) => `0x${n.toString(16)}`;

const ATTRIBUTE_NAMES: Readonly<Record<number, string>> = {
  [SecurityAttribute.NonSecure]: 'Non-secure',
  [SecurityAttribute.NonSecureCallable]: 'Non-secure callable',
  [SecurityAttribute.Secure]: 'Secure',
};

/** Lines describing the port's enclave isolation for the enclave thread and an outsider. */
export function isolationLines(
  system: HostSystem,
  enclaveThread: number,
  outsider: number,
): string[] {
  const kernel = system.kernel;
  const ctx = (id: number) => (kernel.object(id) as Tcb).context as ContextId;
  const inside = ctx(enclaveThread);
  const outside = ctx(outsider);
  const e = kernel.enclaves()[0]!;
  const port = kernel.port;
  const reads = (c: ContextId, address = e.base) =>
    port.checkAccess(c, address, 4, AccessKind.Read);
  const lines = [
    `port check   enclave thread may read its memory: ${reads(inside)}; the rogue: ${reads(outside)}`,
  ];
  if (port instanceof ArmV8mPort) {
    const attribute = (address: number) =>
      ATTRIBUTE_NAMES[port.sau.attribute(address).attribute] ?? 'unknown';
    lines.push(
      `TrustZone-M  enclave thread runs ${port.securityOf(inside)}, the rogue ${port.securityOf(outside)}; SAU: enclave key memory ${attribute(e.base + KEY_OFFSET)}, entry ${hex(e.entries[0]!)} ${attribute(e.entries[0]!)}`,
    );
  } else if (port instanceof RiscvPort) {
    const guard = port.describePmp(outside).find((p) => p.start === e.base);
    const save = port.enclaveSaveArea(inside);
    lines.push(
      `PMP monitor  the rogue's view: ${guard ? guard.text.trim() : 'no guard entry'}; the enclave's registers are saved by the monitor at ${save === null ? 'none' : `${hex(save)} (the rogue may read it: ${reads(outside, save)})`}`,
    );
  }
  return lines;
}

// A malicious task against enclave memory on a booted K5 system (ArmV8mPort). The root carves a
// 256-byte region, hands it to the port as an enclave (port.addEnclave, as the kernel's
// Enclave_Load does) and, playing a compromised map, also maps that region into the task. The task
// then reads or writes every word of it; the root supervises it, reading each fault and restarting
// it at the next word. Every probe must end in the kernel's VmFault at exactly that address, with
// the port's SecureFault (AUVIOL, SFAR) behind it. Without the enclave the same probes succeed,
// which shows the map really grants the memory and the SAU alone refuses it.

import { type BootInfo, FaultLabel, type HostTask, ObjectType, Rights } from '@k5/abi';
import { AccessKind } from '@k5/kernel';
import {
  type FaultReport,
  readFault,
  regionGetInfo,
  regionMap,
  type Sys,
  tcbRestart,
  tcbSetSupervisor,
  untypedRetype,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { type ArmV8mPort, type PortFault, SFSR } from '../../src/index';
import { type RootReport, runScenario } from './harness';

const ENCLAVE_BITS = 8;
const ENCLAVE_SIZE = 2 ** ENCLAVE_BITS;
/** Every word of the enclave; even words are read, odd ones written. */
const OFFSETS = Array.from({ length: ENCLAVE_SIZE / 4 }, (_, i) => i * 4);

interface Outcome {
  base: number;
  reached: number[];
  reports: FaultReport[];
  faults: (PortFault | null)[];
}

function probe(withEnclave: boolean): Outcome {
  const out: Outcome = { base: 0, reached: [], reports: [], faults: [] };
  let next = 0;
  // Each incarnation probes from the next word on; a fault ends it, the supervisor restarts it.
  const prober: HostTask = function* (ctx) {
    while (next < OFFSETS.length) {
      const i = next++;
      const a = out.base + OFFSETS[i]!;
      if (i % 2 === 0) ctx.read32(a);
      else ctx.write32(a, 0xbad0_0000 + i);
      out.reached.push(a);
    }
    yield* [];
  };
  let portRef: ArmV8mPort | undefined;
  const after = function* (sys: Sys, boot: BootInfo, report: RootReport) {
    const root = boot.caps.rootCNode;
    const untyped = boot.untyped.find((u) => u.sizeBits >= 14)!.cptr;
    const [ntfn, region] = [boot.emptySlots[1] - 1, boot.emptySlots[1] - 2];
    const tcb = report.tcbSlots[0]!;
    expect(
      yield* untypedRetype(sys, untyped, ObjectType.Notification, 0, root, 0, 0, ntfn, 1),
    ).toBe(0);
    expect(
      yield* untypedRetype(sys, untyped, ObjectType.Region, ENCLAVE_BITS, root, 0, 0, region, 1),
    ).toBe(0);
    expect(yield* regionGetInfo(sys, region)).toBe(0);
    out.base = sys.getMR(0);
    // The compromised map: the task is granted the enclave's memory.
    expect(yield* regionMap(sys, region, tcb, Rights.ReadWrite)).toBe(0);
    if (withEnclave) {
      portRef!.addEnclave({
        id: 1,
        base: out.base,
        size: ENCLAVE_SIZE,
        entries: [out.base, out.base + 0x40],
      });
    }
    expect(yield* tcbSetSupervisor(sys, tcb, ntfn)).toBe(0);
    if (!withEnclave) return;
    for (let i = 0; i < OFFSETS.length; i++) {
      yield* sys.wait(ntfn);
      out.faults.push(portRef!.lastFault);
      out.reports.push((yield* readFault(sys, tcb))!);
      if (i + 1 < OFFSETS.length) expect(yield* tcbRestart(sys, tcb, 0)).toBe(0);
    }
  };
  runScenario(
    (port) => {
      portRef = port;
      return { prober };
    },
    [{ program: 'prober', priority: 100 }],
    { after },
  );
  return out;
}

describe('a malicious task probing enclave memory on a booted system', () => {
  it('without the enclave, its compromised map reaches every word', () => {
    const out = probe(false);
    expect(out.reached).toEqual(OFFSETS.map((o) => out.base + o));
  });

  it('with the enclave, every word read or written ends in a VmFault at that address', () => {
    const out = probe(true);
    expect(out.reached).toEqual([]);
    expect(out.reports).toHaveLength(OFFSETS.length);
    out.reports.forEach((report, i) => {
      const address = out.base + OFFSETS[i]!;
      const kind = i % 2 === 0 ? AccessKind.Read : AccessKind.Write;
      expect(report.label).toBe(FaultLabel.VmFault);
      // [ip, address, isInstructionFetch, status]; the host executor reports the access kind.
      expect(report.words.slice(1)).toEqual([address, 0, kind]);
      expect(out.faults[i]).toEqual({
        allowed: false,
        fault: 'SecureFault',
        cause: 'AUVIOL',
        sfsr: SFSR.AUVIOL | SFSR.SFARVALID,
        sfar: address,
        address,
        access: kind === AccessKind.Read ? 'read' : 'write',
      });
    });
  });
});

// The test machine of the enclave scenarios: 64 KiB of RAM with the OS side's code at its base,
// a CLINT, a security monitor whose memory is the top 1 KiB, and an enclave program that fills
// every register with values derived from a secret in its own memory, spins, and exits with
// the XOR of them. The OS layout is "compromised": one entry granting all of RAM.
import { CLINT_DEFAULT_BASE, CLINT_SIZE, Clint } from '../../src/clint';
import { CSR_MIE, MIP_MTIP } from '../../src/csr';
import { SecurityMonitor } from '../../src/enclave/security-monitor';
import { MonitorCall } from '../../src/enclave/types';
import { Hart } from '../../src/hart/hart';
import { MemoryBus } from '../../src/hart/memory';
import { PMP_A_SHIFT, PMP_R, PMP_W, PMP_X, PmpAddressMatching } from '../../src/pmp/registers';
import type { PmpLayout } from '../../src/pmp/solver';
import { addi, assemble, auipc, bne, ecall, lw, xor } from '../asm';

export const RAM = 0x8000_0000;
export const RAM_SIZE = 0x1_0000;
export const MONITOR = { base: RAM + 0xfc00, size: 0x400 } as const;
export const ENCLAVE = { base: RAM + 0x8000, size: 0x1000 } as const;
export const SHARED = { base: RAM + 0xa000, size: 0x100 } as const;
export const SECRET = 0x5ec2_e700;
export const SECRET_OFFSET = 0x400;
/** Iterations of the enclave's spin loop (two instructions each). */
export const SPIN = 1000;

/** Registers the enclave fills with secret + r (all but x0, x5 used as base, x31 the counter). */
export const FILLED = Array.from({ length: 30 }, (_, i) => i + 1);

/** The enclave image: fill x1..x30 with SECRET + r, spin, a0 = XOR of x1..x30, exit. */
export function enclaveImage(): Uint8Array {
  const code = [
    auipc(5, 0),
    lw(6, 5, SECRET_OFFSET),
    ...FILLED.filter((r) => r !== 6).map((r) => addi(r, 6, r)),
    addi(6, 6, 6),
    addi(31, 0, SPIN),
    addi(31, 31, -1),
    bne(31, 0, -4),
    ...FILLED.filter((r) => r !== 10).map((r) => xor(10, 10, r)),
    addi(17, 0, MonitorCall.Exit),
    ecall(),
  ];
  const image = new Uint8Array(SECRET_OFFSET + 4);
  image.set(assemble(code));
  new DataView(image.buffer).setUint32(SECRET_OFFSET, SECRET, true);
  return image;
}

/** The enclave's exit value: the XOR of SECRET + r over the filled registers. */
export function expectedExitValue(): number {
  return FILLED.reduce((acc, r) => (acc ^ (SECRET + r)) >>> 0, 0);
}

/** Every value the enclave's registers hold while it spins. */
export function secretValues(): Set<number> {
  return new Set([SECRET, ...FILLED.map((r) => (SECRET + r) >>> 0)]);
}

/** A layout that gives the OS side's current task R/W/X over all of RAM. */
export function allRamLayout(monitor: SecurityMonitor): PmpLayout {
  return {
    entries: [
      {
        index: monitor.firstOsEntry,
        cfg: (PmpAddressMatching.Napot << PMP_A_SHIFT) | PMP_R | PMP_W | PMP_X,
        addr: (RAM / 4 + (RAM_SIZE / 8 - 1)) >>> 0,
      },
    ],
    used: 1,
  };
}

export function enclaveMachine() {
  const bus = new MemoryBus();
  bus.addRam(RAM, RAM_SIZE);
  const hart = new Hart({ bus, resetVector: RAM, stopOnTrap: true });
  const clint = new Clint({ harts: [hart] });
  bus.addDevice(CLINT_DEFAULT_BASE, CLINT_SIZE, clint, 'clint');
  hart.attachClock(clint);
  hart.writeCsr(CSR_MIE, MIP_MTIP);
  const monitor = new SecurityMonitor({ hart, memory: MONITOR });
  monitor.setOsLayout(allRamLayout(monitor));
  const enclave = monitor.createEnclave({
    name: 'signer',
    memory: ENCLAVE,
    entryPoints: [ENCLAVE.base],
    image: enclaveImage(),
    shared: SHARED,
  });
  return { bus, hart, clint, monitor, enclave };
}

// The machine of the port-level enclave scenarios: a RiscvPort with 64 KiB of RAM, an OS-side
// thread whose (compromised) memory map grants all of RAM, and helpers that drive threads on
// the hart exactly as the MachineCodeRunner does (switchTo, loadOnHart, run, saveFromHart), a
// decoder of the real pmpcfg/pmpaddr CSRs, and an enclave program that loads x1..x31 from a
// table in its own memory and spins.
import { AccessKind, type ContextId, type MemoryGrant } from '@k5/kernel';
import { CSR_PMPADDR0, CSR_PMPCFG0 } from '../../src/csr';
import { StopReason } from '../../src/hart/execute';
import { type HartExit, RiscvPort, type RiscvPortOptions } from '../../src/port/riscv-port';
import { decodeMcause, ExceptionCause } from '../../src/trap';
import { addi, assemble, auipc, bne, ebreak, jal, lw } from '../asm';

/** Register index of the pc in a context. */
export const PC = 32;
export const RAM = 0x2000_0000;
export const RAM_SIZE = 0x1_0000;
/** The OS-side code. */
export const CODE = RAM;
/** An enclave's memory and a second, smaller one. */
export const ENCLAVE = { id: 7, base: RAM + 0x8000, size: 0x1000, entries: [RAM + 0x8000] };
export const SMALL = { id: 9, base: RAM + 0xc000, size: 0x100, entries: [RAM + 0xc000] };
/** A buffer the enclave thread shares with the OS side (outside enclave memory). */
export const SHARED: MemoryGrant = {
  base: RAM + 0x4000,
  size: 0x100,
  access: AccessKind.Read | AccessKind.Write,
};
export const RWX = AccessKind.Read | AccessKind.Write | AccessKind.Execute;
export const ALL_RAM: MemoryGrant = { base: RAM, size: RAM_SIZE, access: RWX };

/** A port with RAM on its bus (the monitor appears with the first enclave). */
export function portMachine(options: RiscvPortOptions = {}): RiscvPort {
  const port = new RiscvPort(options);
  port.bus.addRam(RAM, RAM_SIZE, 'ram');
  return port;
}

/** An OS-side context whose map grants all of RAM, and the given registers. */
export function osThread(port: RiscvPort, registers: readonly number[] = []): ContextId {
  const ctx = port.createContext();
  port.setMemoryMap(ctx, [ALL_RAM]);
  registers.forEach((v, i) => {
    port.writeRegister(ctx, i + 1, v);
  });
  return ctx;
}

/** Runs `ctx` on the hart for up to `cycles` as the runner does; returns how it stopped. */
export function runOnHart(port: RiscvPort, ctx: ContextId, cycles: number): HartExit {
  port.switchTo(ctx);
  port.loadOnHart(ctx);
  const stop = port.hart.run(cycles);
  return port.saveFromHart(ctx, stop === StopReason.Trap);
}

/** One access fault the probe took. */
export interface ProbeFault {
  readonly cause: number;
  readonly mtval: number;
}

/**
 * Runs `op` (its base register a0) at every `step` bytes of [from, to) as OS thread `ctx`,
 * its handler skipping each faulting instruction; returns the faults.
 */
export function probe(
  port: RiscvPort,
  ctx: ContextId,
  op: number,
  from: number,
  to: number,
  step: number,
): ProbeFault[] {
  port.bus.load(CODE, assemble([op, addi(10, 10, step), bne(10, 11, -8), ebreak()]));
  port.writeRegister(ctx, 10, from);
  port.writeRegister(ctx, 11, to);
  port.writeRegister(ctx, PC, CODE);
  const faults: ProbeFault[] = [];
  for (;;) {
    const exit = runOnHart(port, ctx, 100_000);
    if (!exit.trapped) continue;
    const { code } = decodeMcause(exit.mcause);
    if (code === ExceptionCause.Breakpoint) return faults;
    faults.push({ cause: code, mtval: exit.mtval });
    port.writeRegister(ctx, PC, port.readRegister(ctx, PC) + 4);
  }
}

/** One PMP entry as the hart's CSRs hold it. */
export interface CsrEntry {
  readonly locked: boolean;
  /** 0 OFF, 1 TOR, 2 NA4, 3 NAPOT. */
  readonly a: number;
  /** "rwx" with dashes. */
  readonly perms: string;
  /** For NAPOT: the range it matches. */
  readonly base?: number;
  readonly size?: number;
}

/** Entry `i` decoded from pmpcfg(i/4) byte i%4 and pmpaddr(i), as RV32 lays them out. */
export function csrEntry(port: RiscvPort, i: number): CsrEntry {
  const cfg = (port.hart.readCsr(CSR_PMPCFG0 + (i >> 2)) >>> (8 * (i & 3))) & 0xff;
  const addr = port.hart.readCsr(CSR_PMPADDR0 + i) >>> 0;
  const a = (cfg >> 3) & 3;
  const perms = `${cfg & 1 ? 'r' : '-'}${cfg & 2 ? 'w' : '-'}${cfg & 4 ? 'x' : '-'}`;
  const entry = { locked: (cfg & 0x80) !== 0, a, perms };
  if (a !== 3) return entry;
  let ones = 0;
  while (ones < 32 && ((addr >>> ones) & 1) === 1) ones++;
  const span = 2 ** (ones + 1);
  return { ...entry, base: (addr - (addr % span)) * 4, size: 8 * 2 ** ones };
}

/** Offset of the enclave program's register table in its memory. */
export const TABLE = 0x200;

/**
 * The enclave program: x31 = its own address, x1..x30 loaded from the table, x31 last, then
 * an endless `j .` that changes no register.
 */
export function loaderImage(values: readonly number[]): Uint8Array {
  const code = [
    auipc(31, 0),
    ...Array.from({ length: 30 }, (_, i) => lw(i + 1, 31, TABLE + 4 * i)),
    lw(31, 31, TABLE + 4 * 30),
    jal(0, 0),
  ];
  const image = new Uint8Array(TABLE + 4 * 31);
  image.set(assemble(code));
  const view = new DataView(image.buffer);
  values.forEach((v, i) => {
    view.setUint32(TABLE + 4 * i, v >>> 0, true);
  });
  return image;
}

/** Cycles the loader needs to fill every register. */
export const LOADER_CYCLES = 32;

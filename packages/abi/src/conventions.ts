// Syscall register conventions of each architecture: which register holds the syscall number and
// which hold the seven argument/result slots. Ports implement these; host-task stubs write them.
// Relies on syscalls.ts for the slot count.

/** Architectures with a K5 syscall convention. @public */
export type ArchName = 'generic' | 'armv8m' | 'riscv' | 'aarch64';

/** Where a syscall's number and arguments live in an architecture's register file. @public */
export interface SyscallConvention {
  /** The architecture. */
  readonly arch: ArchName;
  /** Index (in the port's register file) of the register with the syscall number. */
  readonly numberRegister: number;
  /** Indices of the seven argument/result registers, slot 0 first. */
  readonly argumentRegisters: readonly number[];
  /** Register names, by index, for docs and traces. */
  readonly registerNames: readonly string[];
  /** Index of the program counter and stack pointer in the register file. */
  readonly pcRegister: number;
  /** Index of the stack pointer in the register file. */
  readonly spRegister: number;
  /** How the syscall is entered. */
  readonly trap: string;
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/**
 * Conventions. ARMv8-M follows Hubris (number in r11, slots in r4-r10, which an SVC exception
 * frame does not stack, so the kernel reads them from the saved callee context). RISC-V puts the
 * number in a7 and slots in a0-a6. AArch64 puts the number in x7 and slots in x0-x6 (contiguous,
 * and the same shape as RISC-V). The generic convention is the host model's: 16 registers, slots
 * in r0-r6, number in r7, pc r15, sp r13.
 * @public
 */
export const SYSCALL_CONVENTIONS: { readonly [A in ArchName]: SyscallConvention } = {
  generic: {
    arch: 'generic',
    numberRegister: 7,
    argumentRegisters: [0, 1, 2, 3, 4, 5, 6],
    registerNames: names('r', 16),
    pcRegister: 15,
    spRegister: 13,
    trap: 'host trap (a host task yields HOST_TRAP_SYSCALL)',
  },
  armv8m: {
    arch: 'armv8m',
    numberRegister: 11,
    argumentRegisters: [4, 5, 6, 7, 8, 9, 10],
    registerNames: [...names('r', 13), 'sp', 'lr', 'pc', 'xpsr'],
    pcRegister: 15,
    spRegister: 13,
    trap: 'svc #0',
  },
  riscv: {
    arch: 'riscv',
    numberRegister: 17,
    argumentRegisters: [10, 11, 12, 13, 14, 15, 16],
    registerNames: [
      'zero',
      'ra',
      'sp',
      'gp',
      'tp',
      't0',
      't1',
      't2',
      's0',
      's1',
      'a0',
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
      'a6',
      'a7',
      's2',
      's3',
      's4',
      's5',
      's6',
      's7',
      's8',
      's9',
      's10',
      's11',
      't3',
      't4',
      't5',
      't6',
      'pc',
    ],
    pcRegister: 32,
    spRegister: 2,
    trap: 'ecall',
  },
  aarch64: {
    arch: 'aarch64',
    numberRegister: 7,
    argumentRegisters: [0, 1, 2, 3, 4, 5, 6],
    registerNames: [...names('x', 31), 'sp', 'pc', 'pstate'],
    pcRegister: 32,
    spRegister: 31,
    trap: 'svc #0',
  },
};

// The reference hart's run loop. It executes decoded instructions straight from the RAM
// region's cache: fetch is one subtraction, one compare against the executable window around
// pc and one cache read; loads and stores that stay in the current data region check one
// byte of the PMP permission map. Everything else (other regions, devices, CSRs, atomics,
// traps, mret, wfi) goes to the slow paths in `state.ts` and ends the inner loop, so the
// outer loop reloads its locals and re-checks interrupts. No allocation per instruction.
// The `case` labels are the `Op` numbers of `decode.ts`, written as literals on purpose.

import { ExceptionCause, PrivilegeMode } from '../trap';
import type { HartState } from './state';

/** Why {@link Hart.run} returned. */
export enum StopReason {
  /** The instruction budget is used up. */
  Budget = 'budget',
  /** A trap was taken and the hart was created with `stopOnTrap`. */
  Trap = 'trap',
  /** The hart executed WFI and no interrupt can arrive within the budget. */
  WaitForInterrupt = 'wfi',
}

function mulhu(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** High 32 bits of the signed × signed 64-bit product. */
function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** High 32 bits of the signed × unsigned 64-bit product. */
function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}

/**
 * Runs `s` until `maxCycles` cycles are used, a trap is taken (when `stopOnTrap`), or the
 * hart waits in WFI with no interrupt in sight. See {@link Hart.run}. @internal
 */
export function runHart(s: HartState, maxCycles: number, stopOnTrap: boolean): StopReason {
  const x = s.x;
  const regions = s.bus.regions;
  const misalign = s.compressed ? 0 : 2;
  let budget = maxCycles;
  while (budget > 0) {
    // ---- Interrupts and WFI ----
    const irq = s.takeableInterrupt();
    if (irq !== 0) {
      s.waiting = false;
      s.takeTrap(irq, 0, s.pc);
      budget--;
      if (stopOnTrap) {
        s.syncClocks();
        return StopReason.Trap;
      }
    }
    const horizon = Math.max(1, s.cyclesUntilEvent());
    if (s.waiting) {
      if ((s.mip & s.mie) !== 0) s.waiting = false;
      else if (horizon === Infinity) return StopReason.WaitForInterrupt;
      else {
        const idle = Math.min(horizon, budget);
        s.cycles += idle;
        budget -= idle;
        s.syncClocks();
        continue;
      }
    }

    // ---- Fast loop over one slice ----
    s.syncPermissions();
    const xMask = s.mode === PrivilegeMode.Machine ? 4 : 32;
    const dataMode = s.dataMode();
    const rMask = dataMode === PrivilegeMode.Machine ? 1 : 8;
    const wMask = rMask << 1;
    const cr = regions[s.codeRegion];
    const cBase = cr === undefined ? 0 : cr.base | 0;
    const cInfo = cr === undefined ? new Int32Array(0) : cr.decodedInfo;
    const cImm = cr === undefined ? cInfo : cr.decodedImm;
    // The executable run of words around pc: fetches inside it need no PMP lookup.
    s.executableWindow(xMask);
    const xLo = s.windowStart;
    const xLen = s.windowEnd - xLo;
    const dr = regions[s.dataRegion];
    const dBase = dr === undefined ? 0 : dr.base | 0;
    const dSize = dr === undefined ? 0 : dr.size;
    const dI32 = dr === undefined ? new Int32Array(0) : dr.i32;
    const dU16 = dr === undefined ? new Uint16Array(0) : dr.u16;
    const dI16 = dr === undefined ? new Int16Array(0) : dr.i16;
    const dU8 = dr === undefined ? new Uint8Array(0) : dr.bytes;
    const dI8 = dr === undefined ? new Int8Array(0) : dr.i8;
    const dLines = dr === undefined ? new Uint8Array(0) : dr.codeLines;
    const dPerm = s.permMaps[s.dataRegion] ?? new Uint8Array(0);
    const limit = Math.min(budget, horizon);
    let pc = s.pc;
    let n = 0;
    let trapped = false;
    let stop = false;
    inner: while (n < limit) {
      const off = (pc - cBase) >>> 0;
      const slot = off >>> 1;
      const rel = (off - xLo) >>> 0;
      const info = rel < xLen ? cInfo[slot]! : 0;
      if (info === 0 || ((info & 0x100_0000) === 0 && rel + 4 > xLen)) {
        s.pc = pc;
        if (!s.prepareFetch()) trapped = true;
        break;
      }
      const rd = (info >>> 8) & 63;
      const rs1 = (info >>> 14) & 31;
      const rs2 = (info >>> 19) & 31;
      const imm = cImm[slot]!;
      let next = (pc + 4 - ((info >>> 23) & 2)) | 0;
      let slowAddress = 0;
      // biome-ignore lint/suspicious/noConfusingLabels: labelled blocks keep the slow path off the hot path
      slowAccess: {
        // biome-ignore lint/suspicious/noConfusingLabels: as above, for bad jump targets
        badTarget: {
          switch (info & 0xff) {
            case 1: // lui
              x[rd] = imm;
              break;
            case 2: // auipc
              x[rd] = pc + imm;
              break;
            case 3: {
              // jal
              const target = (pc + imm) | 0;
              if (target & misalign) {
                s.pc = pc;
                s.raise(ExceptionCause.InstructionAddressMisaligned, target >>> 0);
                trapped = true;
                break inner;
              }
              x[rd] = next;
              next = target;
              break;
            }
            case 4: {
              // jalr
              const target = (x[rs1]! + imm) & ~1;
              if (target & misalign) {
                s.pc = pc;
                s.raise(ExceptionCause.InstructionAddressMisaligned, target >>> 0);
                trapped = true;
                break inner;
              }
              x[rd] = next;
              next = target;
              break;
            }
            case 5: // beq
              if (x[rs1] === x[rs2]) {
                next = (pc + imm) | 0;
                if (next & misalign) break badTarget;
              }
              break;
            case 6: // bne
              if (x[rs1] !== x[rs2]) {
                next = (pc + imm) | 0;
                if (next & misalign) break badTarget;
              }
              break;
            case 7: // blt
              if (x[rs1]! < x[rs2]!) {
                next = (pc + imm) | 0;
                if (next & misalign) break badTarget;
              }
              break;
            case 8: // bge
              if (x[rs1]! >= x[rs2]!) {
                next = (pc + imm) | 0;
                if (next & misalign) break badTarget;
              }
              break;
            case 9: // bltu
              if (x[rs1]! >>> 0 < x[rs2]! >>> 0) {
                next = (pc + imm) | 0;
                if (next & misalign) break badTarget;
              }
              break;
            case 10: // bgeu
              if (x[rs1]! >>> 0 >= x[rs2]! >>> 0) {
                next = (pc + imm) | 0;
                if (next & misalign) break badTarget;
              }
              break;
            case 11: {
              // lb
              const a = (x[rs1]! + imm) | 0;
              const o = (a - dBase) >>> 0;
              if (o < dSize && (dPerm[o >>> 2]! & rMask) !== 0) x[rd] = dI8[o]!;
              else {
                slowAddress = a;
                break slowAccess;
              }
              break;
            }
            case 12: {
              // lh
              const a = (x[rs1]! + imm) | 0;
              const o = (a - dBase) >>> 0;
              if (o < dSize && (o & 1) === 0 && (dPerm[o >>> 2]! & rMask) !== 0) {
                x[rd] = dI16[o >>> 1]!;
              } else {
                slowAddress = a;
                break slowAccess;
              }
              break;
            }
            case 13: {
              // lw
              const a = (x[rs1]! + imm) | 0;
              const o = (a - dBase) >>> 0;
              if (o < dSize && (o & 3) === 0 && (dPerm[o >>> 2]! & rMask) !== 0) {
                x[rd] = dI32[o >>> 2]!;
              } else {
                slowAddress = a;
                break slowAccess;
              }
              break;
            }
            case 14: {
              // lbu
              const a = (x[rs1]! + imm) | 0;
              const o = (a - dBase) >>> 0;
              if (o < dSize && (dPerm[o >>> 2]! & rMask) !== 0) x[rd] = dU8[o]!;
              else {
                slowAddress = a;
                break slowAccess;
              }
              break;
            }
            case 15: {
              // lhu
              const a = (x[rs1]! + imm) | 0;
              const o = (a - dBase) >>> 0;
              if (o < dSize && (o & 1) === 0 && (dPerm[o >>> 2]! & rMask) !== 0) {
                x[rd] = dU16[o >>> 1]!;
              } else {
                slowAddress = a;
                break slowAccess;
              }
              break;
            }
            case 16: {
              // sb
              const a = (x[rs1]! + imm) | 0;
              const o = (a - dBase) >>> 0;
              if (o < dSize && (dPerm[o >>> 2]! & wMask) !== 0) {
                dU8[o] = x[rs2]!;
                if (dLines[o >>> 6] !== 0) dr!.invalidate(o, 1);
              } else {
                slowAddress = a;
                break slowAccess;
              }
              break;
            }
            case 17: {
              // sh
              const a = (x[rs1]! + imm) | 0;
              const o = (a - dBase) >>> 0;
              if (o < dSize && (o & 1) === 0 && (dPerm[o >>> 2]! & wMask) !== 0) {
                dU16[o >>> 1] = x[rs2]!;
                if (dLines[o >>> 6] !== 0) dr!.invalidate(o, 2);
              } else {
                slowAddress = a;
                break slowAccess;
              }
              break;
            }
            case 18: {
              // sw
              const a = (x[rs1]! + imm) | 0;
              const o = (a - dBase) >>> 0;
              if (o < dSize && (o & 3) === 0 && (dPerm[o >>> 2]! & wMask) !== 0) {
                dI32[o >>> 2] = x[rs2]!;
                if (dLines[o >>> 6] !== 0) dr!.invalidate(o, 4);
              } else {
                slowAddress = a;
                break slowAccess;
              }
              break;
            }
            case 19: // addi
              x[rd] = x[rs1]! + imm;
              break;
            case 20: // slti
              x[rd] = x[rs1]! < imm ? 1 : 0;
              break;
            case 21: // sltiu
              x[rd] = x[rs1]! >>> 0 < imm >>> 0 ? 1 : 0;
              break;
            case 22: // xori
              x[rd] = x[rs1]! ^ imm;
              break;
            case 23: // ori
              x[rd] = x[rs1]! | imm;
              break;
            case 24: // andi
              x[rd] = x[rs1]! & imm;
              break;
            case 25: // slli
              x[rd] = x[rs1]! << imm;
              break;
            case 26: // srli
              x[rd] = x[rs1]! >>> imm;
              break;
            case 27: // srai
              x[rd] = x[rs1]! >> imm;
              break;
            case 28: // add
              x[rd] = x[rs1]! + x[rs2]!;
              break;
            case 29: // sub
              x[rd] = x[rs1]! - x[rs2]!;
              break;
            case 30: // sll
              x[rd] = x[rs1]! << x[rs2]!;
              break;
            case 31: // slt
              x[rd] = x[rs1]! < x[rs2]! ? 1 : 0;
              break;
            case 32: // sltu
              x[rd] = x[rs1]! >>> 0 < x[rs2]! >>> 0 ? 1 : 0;
              break;
            case 33: // xor
              x[rd] = x[rs1]! ^ x[rs2]!;
              break;
            case 34: // srl
              x[rd] = x[rs1]! >>> x[rs2]!;
              break;
            case 35: // sra
              x[rd] = x[rs1]! >> x[rs2]!;
              break;
            case 36: // or
              x[rd] = x[rs1]! | x[rs2]!;
              break;
            case 37: // and
              x[rd] = x[rs1]! & x[rs2]!;
              break;
            case 38: // fence: a single hart with no caches orders everything already
              break;
            case 39: // fence.i: stores already invalidate decoded code; drop everything anyway
              for (const r of regions) r.invalidateAll();
              break;
            case 40: // ecall
            case 41: // ebreak
              s.pc = pc;
              if ((info & 0xff) === 41) s.raise(ExceptionCause.Breakpoint, 0);
              else if (s.mode === PrivilegeMode.User)
                s.raise(ExceptionCause.EnvironmentCallFromUMode, 0);
              else s.raise(ExceptionCause.EnvironmentCallFromMMode, 0);
              trapped = true;
              break inner;
            case 42: // mret
              s.pc = pc;
              if (s.mode !== PrivilegeMode.Machine) {
                s.raise(ExceptionCause.IllegalInstruction, s.instructionBits());
                trapped = true;
                break inner;
              }
              s.mret();
              pc = s.pc;
              n++;
              break inner;
            case 43: // wfi
              s.pc = pc;
              if (s.mode !== PrivilegeMode.Machine && s.mstatus & (1 << 21)) {
                s.raise(ExceptionCause.IllegalInstruction, s.instructionBits());
                trapped = true;
                break inner;
              }
              if ((s.mip & s.mie) === 0) s.waiting = true;
              pc = next;
              n++;
              break inner;
            case 44: // csrrw
            case 45: // csrrs
            case 46: // csrrc
            case 47: // csrrwi
            case 48: // csrrsi
            case 49: // csrrci
              s.pc = pc;
              s.retire(n);
              budget -= n;
              n = 0;
              if (!s.csrInstruction(info & 0xff, rd, rs1, imm)) {
                s.raise(ExceptionCause.IllegalInstruction, s.instructionBits());
                trapped = true;
                break inner;
              }
              pc = next;
              n = 1;
              break inner;
            case 50: // mul
              x[rd] = Math.imul(x[rs1]!, x[rs2]!);
              break;
            case 51: // mulh
              x[rd] = mulh(x[rs1]!, x[rs2]!);
              break;
            case 52: // mulhsu
              x[rd] = mulhsu(x[rs1]!, x[rs2]!);
              break;
            case 53: // mulhu
              x[rd] = mulhu(x[rs1]!, x[rs2]!);
              break;
            case 54: {
              // div: x / 0 = -1; INT_MIN / -1 = INT_MIN falls out of the truncation to int32
              const b = x[rs2]!;
              x[rd] = b === 0 ? -1 : x[rs1]! / b;
              break;
            }
            case 55: {
              // divu: x / 0 = 2^32 - 1
              const b = x[rs2]! >>> 0;
              x[rd] = b === 0 ? -1 : (x[rs1]! >>> 0) / b;
              break;
            }
            case 56: {
              // rem: x % 0 = x; INT_MIN % -1 = 0 (JS gives -0, stored as 0)
              const b = x[rs2]!;
              x[rd] = b === 0 ? x[rs1]! : x[rs1]! % b;
              break;
            }
            case 57: {
              // remu: x % 0 = x
              const b = x[rs2]! >>> 0;
              x[rd] = b === 0 ? x[rs1]! : (x[rs1]! >>> 0) % b;
              break;
            }
            case 58: // lr.w
            case 59: // sc.w
            case 60: // amoswap.w
            case 61: // amoadd.w
            case 62: // amoxor.w
            case 63: // amoand.w
            case 64: // amoor.w
            case 65: // amomin.w
            case 66: // amomax.w
            case 67: // amominu.w
            case 68: // amomaxu.w
              s.pc = pc;
              s.retire(n);
              budget -= n;
              n = 0;
              if (!s.atomic(info & 0xff, rd, x[rs1]!, x[rs2]!)) {
                trapped = true;
                break inner;
              }
              pc = next;
              n = 1;
              break inner;
            default:
              // illegal: the decoder kept the instruction bits as immediate
              s.pc = pc;
              s.raise(ExceptionCause.IllegalInstruction, imm >>> 0);
              trapped = true;
              break inner;
          }
          pc = next;
          n++;
          continue;
        }
        // Only reachable without the C extension: a taken branch to a 2-byte boundary.
        s.pc = pc;
        s.raise(ExceptionCause.InstructionAddressMisaligned, next >>> 0);
        trapped = true;
        break;
      }
      // A load or store that left the fast path: other region, device, fault.
      s.pc = pc;
      s.retire(n);
      budget -= n;
      n = 0;
      const op = info & 0xff;
      const size = op === 13 || op === 18 ? 4 : op === 11 || op === 14 || op === 16 ? 1 : 2;
      if (op <= 15) {
        const value = s.load(slowAddress, size, op <= 13);
        if (value === undefined) trapped = true;
        else x[rd] = value;
      } else if (!s.store(slowAddress, size, x[rs2]!)) trapped = true;
      if (!trapped) {
        pc = next;
        n = 1;
      }
      break;
    }
    s.retire(n);
    budget -= n;
    if (trapped) {
      budget--;
      stop = stopOnTrap;
    } else {
      s.pc = pc;
    }
    s.syncClocks();
    if (stop) return StopReason.Trap;
  }
  return s.waiting ? StopReason.WaitForInterrupt : StopReason.Budget;
}

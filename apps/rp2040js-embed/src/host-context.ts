// The context a TypeScript host task (the root task, the fault handler) runs with in the
// embedding: its registers live in the port's saved context, and its memory accesses are
// checked with the port's MPU model, as unprivileged accesses, before they reach the kernel's
// RAM. A refused access throws HostMemoryFault, which the runner reports as a VM fault.
import type { HostTaskContext } from '@k5/abi';
import type { ArmV8mPort } from '@k5/arch-armv8m';
import { AccessKind, type Kernel, KernelUsageError, type Tcb } from '@k5/kernel';

/** A host task's access the MPU refused. */
export class HostMemoryFault extends Error {
  override readonly name = 'HostMemoryFault';
  constructor(
    readonly address: number,
    readonly kind: AccessKind,
  ) {
    super(`host task memory access fault at 0x${address.toString(16)}`);
  }
}

/** Builds the context of host thread `t`. */
export function hostTaskContext(kernel: Kernel, port: ArmV8mPort, t: Tcb): HostTaskContext {
  const ctx = t.context;
  const memory = kernel.memory;
  const check = (address: number, size: number, kind: AccessKind) => {
    if (!port.checkAccess(ctx, address, size, kind) || !memory.contains(address, size)) {
      throw new HostMemoryFault(address, kind);
    }
  };
  return {
    convention: port.convention,
    getRegister: (i) => port.readRegister(ctx, i),
    setRegister: (i, v) => port.writeRegister(ctx, i, v),
    ipcBufferAddress: () => t.ipcBuffer,
    read32: (a) => {
      check(a, 4, AccessKind.Read);
      return memory.read32(a);
    },
    write32: (a, v) => {
      check(a, 4, AccessKind.Write);
      memory.write32(a, v);
    },
    read8: (a) => {
      check(a, 1, AccessKind.Read);
      return memory.read8(a);
    },
    write8: (a, v) => {
      check(a, 1, AccessKind.Write);
      memory.write8(a, v);
    },
    // The rp2040js clock runs the kernel synchronously: no task here may wait for a host promise.
    // biome-ignore lint/correctness/useYield: it refuses before waiting
    *await() {
      throw new KernelUsageError(
        'bad-config',
        'ctx.await is not supported in the rp2040js embedding (its runner is synchronous)',
      );
    },
  };
}

// Shared set-up of the port-level enclave tests: an ArmV8mPort with one kernel enclave (1 KiB of
// Secure memory in RAM, two declared entries), an enclave thread with the whole enclave granted
// (as the kernel grants it) and a malicious ordinary thread whose memory map covers the enclave
// too, so that only the SAU stands between it and the enclave (defence in depth).

import { AccessKind, type ContextId, type EnclaveDomain } from '@k5/kernel';
import { ArmV8mPort, type ArmV8mPortOptions } from '../../src/index';

// checkAccess takes a set of AccessKind bits (the port checks each); the type names one bit.
export const RWX = (AccessKind.Read | AccessKind.Write | AccessKind.Execute) as AccessKind;
export const RW = (AccessKind.Read | AccessKind.Write) as AccessKind;

/** The enclave: 1 KiB at 0x2000_8000, entries at offsets 0 and 0x102 (a halfword, not a word). */
export const ENCLAVE: EnclaveDomain = {
  id: 7,
  base: 0x2000_8000,
  size: 0x400,
  entries: [0x2000_8000, 0x2000_8102],
};

/** The ordinary thread's own RAM, right below the enclave. */
export const TASK_RAM = { base: 0x2000_0000, size: 0x8000 };
/** The malicious map: its RAM and, through a hostile grant, the enclave and what follows. */
export const MALICIOUS_GRANT = { base: 0x2000_0000, size: 0x1_0000, access: RWX };

export interface PortWithEnclave {
  readonly port: ArmV8mPort;
  /** A thread of the enclave (Secure unprivileged). */
  readonly enclaveThread: ContextId;
  /** An ordinary thread whose MPU_NS map covers the enclave. */
  readonly task: ContextId;
}

/** Builds the port, loads the enclave and creates both threads. */
export function portWithEnclave(options: ArmV8mPortOptions = {}): PortWithEnclave {
  const port = new ArmV8mPort(options);
  port.addEnclave(ENCLAVE);
  const enclaveThread = port.createContext();
  port.setMemoryMap(enclaveThread, [{ base: ENCLAVE.base, size: ENCLAVE.size, access: RWX }]);
  port.setEnclave(enclaveThread, ENCLAVE);
  port.writeRegister(enclaveThread, 13, ENCLAVE.base + 0x3f0);
  port.writeRegister(enclaveThread, 15, ENCLAVE.base + 0x200);
  const task = port.createContext();
  port.setMemoryMap(task, [MALICIOUS_GRANT]);
  port.writeRegister(task, 13, TASK_RAM.base + 0x800);
  port.writeRegister(task, 15, 0x0800_1000);
  return { port, enclaveThread, task };
}

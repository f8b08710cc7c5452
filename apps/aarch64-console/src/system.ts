// The console system on the AArch64 port: boots the kernel with an Aarch64Port that knows the
// UART page is a device, wires a PL011 model at the UART's address on the board's bus, runs the
// root task and its children until nothing is runnable, and returns what the UART sent.
// Relies on board.ts, mmio.ts, pl011.ts, root.ts, the tasks, @k5/kernel and @k5/arch-aarch64.

import { Aarch64Port, type PortFault } from '@k5/arch-aarch64';
import { bootSystem, type HostSystem, type Tcb } from '@k5/kernel';
import { SPAN_BASE, SPAN_SIZE, TABLE_BASE, UART_BASE, UART_SIZE } from './board';
import { counter, hello, rogue, supervisor } from './clients';
import { consoleServer } from './console-server';
import { attachMmio } from './mmio';
import { Pl011Uart } from './pl011';
import { consoleRoot } from './root';

/** Options of {@link runConsole}. */
export interface ConsoleOptions {
  /** Receives each byte the UART sends, as it is sent. */
  readonly onByte?: (byte: number) => void;
  /** Run the kernel's invariant checker after every kernel entry. */
  readonly checkInvariants?: boolean;
}

/** What a run did. */
export interface ConsoleRun {
  readonly system: HostSystem;
  readonly port: Aarch64Port;
  readonly uart: Pl011Uart;
  /** Everything the UART sent, decoded as UTF-8. */
  readonly output: string;
  /** The last access the MMU refused (the rogue's store), as the hardware reports it. */
  readonly fault: PortFault | null;
  /** A task by program name (the PC the root gave it names its program). */
  task(program: string): Tcb | undefined;
}

/** Boots the console system and runs it until idle. */
export function runConsole(options: ConsoleOptions = {}): ConsoleRun {
  const bytes: number[] = [];
  const uart = new Pl011Uart((b) => {
    bytes.push(b);
    options.onByte?.(b);
  });
  const port = new Aarch64Port({
    tableBase: TABLE_BASE,
    devices: [{ base: UART_BASE, size: UART_SIZE, name: 'uart0' }],
  });
  const system = bootSystem({
    root: consoleRoot,
    programs: { console: consoleServer, supervisor, hello, counter, rogue },
    port,
    memoryBase: SPAN_BASE,
    memorySize: SPAN_SIZE,
  });
  attachMmio(system.kernel.memory, UART_BASE, UART_SIZE, uart);
  system.run({ checkInvariants: options.checkInvariants ?? false });
  const task = (program: string) => {
    const pc = system.boot.programs[program];
    const k = system.kernel;
    return k
      .threads()
      .find(
        (t) =>
          t !== system.rootThread &&
          k.port.readRegister(t.context, k.port.convention.pcRegister) === pc,
      );
  };
  return {
    system,
    port,
    uart,
    output: new TextDecoder().decode(new Uint8Array(bytes)),
    fault: port.lastFault,
    task,
  };
}

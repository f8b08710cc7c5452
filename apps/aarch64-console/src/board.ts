// The board's physical map, after QEMU `virt`: the PL011 UART0 at 0x0900_0000. K5's host boot
// hands all of its memory span out as untyped and has no device untypeds, so the span runs from
// 1 MiB of RAM below the UART up to and including the UART's page; the root task retypes the
// untyped at the UART's address into the UART region, as an seL4 root retypes a device untyped.
// The page-table pool sits at 0x4000_0000, outside that span, where no task can map it.

/** UART0 (PL011) registers: one 4 KiB page. */
export const UART_BASE = 0x0900_0000;
export const UART_SIZE = 0x1000;
/** RAM the kernel hands out (the root's objects, then untyped), just below the UART. */
export const RAM_BASE = 0x08f0_0000;
export const RAM_SIZE = 0x10_0000;
/** The kernel's memory span: RAM and the UART page. */
export const SPAN_BASE = RAM_BASE;
export const SPAN_SIZE = RAM_SIZE + UART_SIZE;
/** Page tables: outside the span. */
export const TABLE_BASE = 0x4000_0000;

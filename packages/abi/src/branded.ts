// Branded number types for values that mean different things, so that a badge cannot be passed
// where a capability address is expected. Relies on nothing.

declare const brand: unique symbol;

/** A value of `T` carrying a compile-time brand `B`. @public */
export type Branded<T, B extends string> = T & { readonly [brand]: B };

/** A capability address in a CSpace. @public */
export type CPtr = Branded<number, 'CPtr'>;
/** A badge on an endpoint or notification capability. @public */
export type Badge = Branded<number, 'Badge'>;
/** A thread priority, 0..255 (higher runs first). @public */
export type Priority = Branded<number, 'Priority'>;
/** A span of simulated time in timer ticks (CPU cycles for host tasks). @public */
export type Ticks = Branded<number, 'Ticks'>;
/** A physical address of the machine. @public */
export type Address = Branded<number, 'Address'>;

/** Brands a number as a capability address. @public */
export const cptr = (n: number): CPtr => n as CPtr;
/** Brands a number as a badge. @public */
export const badge = (n: number): Badge => n as Badge;
/** Brands a number as a priority. @public */
export const priority = (n: number): Priority => n as Priority;
/** Brands a number as ticks. @public */
export const ticks = (n: number): Ticks => n as Ticks;
/** Brands a number as an address. @public */
export const address = (n: number): Address => n as Address;

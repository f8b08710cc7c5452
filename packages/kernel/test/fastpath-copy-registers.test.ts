// GenericPort.copyRegisters, the bulk copy the IPC fastpath moves message registers with, does
// exactly what the same number of argument/setResult pairs does: the named slots of the target
// take the source's values, every other register of both contexts stays as it was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GenericPort } from '../src/arch/generic-port';
import type { ContextId } from '../src/arch/port';

function registers(port: GenericPort, ctx: ContextId): number[] {
  return Array.from({ length: port.registerCount }, (_, i) => port.readRegister(ctx, i));
}

function fill(port: GenericPort, ctx: ContextId, values: readonly number[]): void {
  values.forEach((v, i) => {
    port.writeRegister(ctx, i, v);
  });
}

describe('GenericPort.copyRegisters', () => {
  it('copies the same slots as argument/setResult pairs and touches nothing else', () => {
    const word = fc.nat().map((v) => v >>> 0);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 16, maxLength: 16 }),
        fc.array(word, { minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        (source, target, first, span, contexts) => {
          const count = Math.min(span, 7 - first);
          const bulk = new GenericPort();
          const pairs = new GenericPort();
          // Several contexts, so that a wrong stride or offset shows in a neighbour.
          const made = Array.from({ length: contexts + 1 }, () => [
            bulk.createContext(),
            pairs.createContext(),
          ]);
          const [from, fromPairs] = made[0]!;
          const [to, toPairs] = made[contexts]!;
          for (const [a, b] of made) {
            fill(bulk, a!, target);
            fill(pairs, b!, target);
          }
          fill(bulk, from!, source);
          fill(pairs, fromPairs!, source);
          bulk.copyRegisters(from!, to!, first, count);
          for (let i = 0; i < count; i++)
            pairs.setResult(toPairs!, first + i, pairs.argument(fromPairs!, first + i));
          for (const [a, b] of made) expect(registers(bulk, a!)).toEqual(registers(pairs, b!));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('copies nothing for a count of zero', () => {
    const port = new GenericPort();
    const a = port.createContext();
    const b = port.createContext();
    fill(port, a, [1, 2, 3, 4, 5, 6, 7]);
    port.copyRegisters(a, b, 2, 0);
    expect(registers(port, b)).toEqual(new Array(16).fill(0));
  });
});

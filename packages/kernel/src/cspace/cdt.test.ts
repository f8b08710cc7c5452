import { ObjectType, Rights } from '@k5/abi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Endpoint } from '../objects/kobject';
import { Cap } from './cap';
import { cdtInsert, cdtUnlink, isAncestor } from './cdt';

const ep = new Endpoint(1, 0, 4, null);
const cap = () => new Cap(ObjectType.Endpoint, ep, Rights.All);
const children = (c: Cap) => {
  const out: Cap[] = [];
  for (let ch = c.firstChild; ch; ch = ch.nextSibling) out.push(ch);
  return out;
};

describe('CDT', () => {
  it('unlinking a middle node moves its children up to its parent, in place', () => {
    const root = cap();
    const [a, b, c] = [cap(), cap(), cap()];
    cdtInsert(root, a);
    cdtInsert(root, b);
    cdtInsert(root, c);
    const [x, y] = [cap(), cap()];
    cdtInsert(b, x);
    cdtInsert(b, y);
    cdtUnlink(b);
    expect(children(root)).toEqual([c, y, x, a]);
    expect(x.parent).toBe(root);
    expect(isAncestor(root, y)).toBe(true);
    expect(isAncestor(b, y)).toBe(false);
  });

  it('random inserts and unlinks keep links symmetric and every remaining cap under the root', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 60 }), (ops) => {
        const root = cap();
        const live: Cap[] = [root];
        for (const [insert, n] of ops) {
          if (insert || live.length === 1) {
            const c = cap();
            cdtInsert(live[n % live.length]!, c);
            live.push(c);
          } else {
            const i = 1 + (n % (live.length - 1));
            cdtUnlink(live[i]!);
            live.splice(i, 1);
          }
        }
        for (const c of live) {
          if (c !== root) expect(isAncestor(root, c)).toBe(true);
          for (const ch of children(c)) expect(ch.parent).toBe(c);
          if (c.nextSibling) expect(c.nextSibling.prevSibling).toBe(c);
        }
      }),
    );
  });
});

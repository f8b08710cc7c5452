// Task ids carry a restart generation that wraps; the index never leaks into it.
import { describe, expect, it } from 'vitest';
import {
  encodeTaskId,
  PEER_DEAD_LABEL,
  MSG_LABEL_BITS,
  TASK_GENERATION_BITS,
  TASK_INDEX_BITS,
  taskIdGeneration,
  taskIdIndex,
} from '../src/index';

describe('task ids', () => {
  it('round-trip index and generation (the generation wraps)', () => {
    for (const index of [0, 1, 37, 2 ** TASK_INDEX_BITS - 1]) {
      for (let generation = 0; generation < 3 * 2 ** TASK_GENERATION_BITS; generation += 7) {
        const id = encodeTaskId(index, generation);
        expect(taskIdIndex(id)).toBe(index);
        expect(taskIdGeneration(id)).toBe(generation % 2 ** TASK_GENERATION_BITS);
      }
    }
  });

  it.each([-1, 2 ** TASK_INDEX_BITS, 1.5])('rejects index %s', (index) => {
    expect(() => encodeTaskId(index, 0)).toThrow(RangeError);
  });

  it('the dead-peer label is the largest label', () => {
    expect(PEER_DEAD_LABEL).toBe(2 ** MSG_LABEL_BITS - 1);
  });
});

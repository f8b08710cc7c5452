// Pins the ABI tables: any change to a number is a deliberate act that updates the snapshot.
import { describe, expect, it } from 'vitest';
import {
  ERROR_TABLE,
  FAULT_LAYOUTS,
  INVOCATION_TABLE,
  IpcBufferWord,
  InvocationLabel,
  KernelError,
  LOOKUP_FAILURE_TABLE,
  OBJECT_TABLE,
  ObjectType,
  objectSizeBits,
  RIGHTS_TABLE,
  SYSCALL_CONVENTIONS,
  SYSCALL_TABLE,
  Syscall,
  syscallByNumber,
} from '../src/index';

describe('ABI tables', () => {
  it('pin every number (snapshot)', () => {
    expect({
      syscalls: SYSCALL_TABLE.map((s) => [s.name, s.number, s.arguments.join(',')]),
      errors: ERROR_TABLE.map((e) => [e.name, e.code, e.detail.join(',')]),
      invocations: INVOCATION_TABLE.map((i) => [
        i.name,
        i.label,
        i.object,
        i.args.join(','),
        i.caps.join(','),
      ]),
      objects: OBJECT_TABLE.map((o) => [o.name, o.type, o.fixedSizeBits, o.userSizeRange ?? null]),
      rights: RIGHTS_TABLE.map((r) => [r.name, r.bit]),
      lookups: LOOKUP_FAILURE_TABLE.map((l) => [l.name, l.kind, l.detail.join(',')]),
      faults: FAULT_LAYOUTS.map((f) => [f.name, f.label, f.words.join(',')]),
      ipcBuffer: IpcBufferWord,
      conventions: SYSCALL_CONVENTIONS,
    }).toMatchSnapshot();
  });

  it.each([
    ['NoError', 0],
    ['InvalidArgument', 1],
    ['InvalidCapability', 2],
    ['IllegalOperation', 3],
    ['RangeError', 4],
    ['AlignmentError', 5],
    ['FailedLookup', 6],
    ['TruncatedMessage', 7],
    ['DeleteFirst', 8],
    ['RevokeFirst', 9],
    ['NotEnoughMemory', 10],
  ] as const)('error %s has the seL4 number %i', (name, code) => {
    expect(KernelError[name]).toBe(code);
    expect(ERROR_TABLE[code]?.name).toBe(name);
  });

  it('tables are indexed by their own numbers', () => {
    INVOCATION_TABLE.forEach((d, i) => {
      expect(d.label).toBe(i);
      expect(InvocationLabel[d.name]).toBe(i);
    });
    for (const [i, d] of OBJECT_TABLE.entries()) expect(d.type).toBe(i);
    for (const [i, d] of FAULT_LAYOUTS.entries()) expect(d.label).toBe(i);
    for (const [i, d] of LOOKUP_FAILURE_TABLE.entries()) expect(d.kind).toBe(i);
    for (const s of SYSCALL_TABLE) {
      expect(Syscall[s.name]).toBe(s.number);
      expect(syscallByNumber(s.number)).toBe(s);
      expect(s.arguments).toHaveLength(7);
    }
    expect(syscallByNumber(11)).toBeUndefined();
  });

  it('every convention has seven distinct argument registers that exclude the number register', () => {
    for (const c of Object.values(SYSCALL_CONVENTIONS)) {
      expect(new Set(c.argumentRegisters).size).toBe(7);
      expect(c.argumentRegisters).not.toContain(c.numberRegister);
      expect(c.registerNames.length).toBeGreaterThan(
        Math.max(c.numberRegister, c.pcRegister, ...c.argumentRegisters),
      );
    }
  });

  it.each([
    [ObjectType.Tcb, 0, 9],
    [ObjectType.Endpoint, 0, 4],
    [ObjectType.CNode, 3, 7],
    [ObjectType.Untyped, 12, 12],
    [ObjectType.Region, 10, 10],
    [ObjectType.SchedControl, 0, undefined],
    [42, 0, undefined],
  ])('objectSizeBits(%i, %i) is %s', (type, user, bits) => {
    expect(objectSizeBits(type, user)).toBe(bits);
  });
});

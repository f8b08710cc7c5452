import { describe, expect, it } from 'vitest';
import { parseFormatString } from '../format/parser';
import { Read, Show, compileTextPlan } from './text-plan';

const plan = (format: string) => compileTextPlan(parseFormatString(format));

describe('compileTextPlan', () => {
  it('splits a format into its head and per-parameter steps', () => {
    const p = plan('sensor {=u8} read {=i32:#x} mV on {=str}!');
    expect(p?.head).toBe('sensor ');
    expect(p?.steps.map((s) => [s.read, s.show, s.after])).toEqual([
      [Read.u8, Show.decimal, ' read '],
      [Read.i32, Show.signed, ' mV on '],
      [Read.str, Show.text, '!'],
    ]);
  });

  it('keeps formats without parameters as their text', () => {
    expect(plan('plain {{text}}')).toEqual({ head: 'plain {text}', steps: [] });
  });

  it.each([
    ['{=u8:us}', Show.seconds],
    ['{=u64:iso8601ms}', Show.iso8601],
    ['{=u16:?}', Show.decimal],
    ['{=u32:tus}', Show.unsigned],
    ['{=i8:?}', Show.signed],
    ['{=str:?}', Show.debugStr],
    ['{=istr}', Show.text],
    ['{=bool:x}', Show.text],
  ])('shows %s with rule %i', (format, show) => {
    expect(plan(format)?.steps[0]?.show).toBe(show);
  });

  it.each([
    '{=u128}',
    '{=i128}',
    '{=?}',
    '{}',
    '{=[u8]}',
    '{=[u8; 2]}',
    '{=[?]}',
    '{=0..4}',
    '{=__internal_Debug}',
    '{1=u8} {0=u8}',
    '{0=u8} {0=u8:x}',
    'x={=u8} y={=?}',
  ])('leaves %s to the general path', (format) => {
    expect(plan(format)).toBeUndefined();
  });
});

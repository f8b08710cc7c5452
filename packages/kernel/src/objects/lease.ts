// Lease access (K5, Hubris-style borrow_read/borrow_write): a server holding the Reply object of
// a call copies bytes between the caller's leased memory and its own, each side checked against
// its memory map. Invoked with Call on a Reply cap (a Send or ReplyRecv through it replies).
// Relies on arch/port.ts and objects/reply.ts's lease list.

import { InvocationLabel, LeaseAttribute } from '@k5/abi';
import { AccessKind } from '../arch/port';
import type { KernelState } from '../state';
import { enclaveAt } from './enclave-isolation';
import { err, type Invocation, type SyscallError } from './invocation';
import type { Reply, Tcb } from './kobject';

/** A checked lease operation. */
export type LeaseOp =
  | { readonly kind: 'Info'; readonly length: number; readonly attributes: number }
  | { readonly kind: 'Copy'; readonly from: number; readonly to: number; readonly length: number };

/** Decodes a lease invocation on a Reply cap. Changes nothing. */
export function decodeLease(inv: Invocation): LeaseOp | SyscallError {
  const reply = inv.cap.obj as Reply;
  const label = inv.label;
  if (
    label !== InvocationLabel.ReplyBorrowRead &&
    label !== InvocationLabel.ReplyBorrowWrite &&
    label !== InvocationLabel.ReplyLeaseInfo
  ) {
    return err.illegalOperation(
      `label ${label} is not a Reply lease method (reply with Send or ReplyRecv instead of Call)`,
    );
  }
  if (inv.length < (label === InvocationLabel.ReplyLeaseInfo ? 1 : 4))
    return err.truncated('lease methods need lease, offset, address and length');
  if (reply.caller === null)
    return err.illegalOperation('the Reply object holds no caller, so there are no leases');
  const index = inv.mr(0);
  if (index >= reply.leases.length)
    return err.range(0, reply.leases.length - 1, `lease ${index} does not exist`);
  const lease = reply.leases[index]!;
  if (label === InvocationLabel.ReplyLeaseInfo)
    return { kind: 'Info', length: lease.length, attributes: lease.attributes };
  const offset = inv.mr(1);
  const address = inv.mr(2);
  const length = inv.mr(3);
  if (offset > lease.length) return err.range(0, lease.length, 'lease offset past its end');
  const n = Math.min(length, lease.length - offset);
  const isRead = label === InvocationLabel.ReplyBorrowRead;
  const need = isRead ? LeaseAttribute.Read : LeaseAttribute.Write;
  if ((lease.attributes & need) === 0)
    return err.illegalOperation(`the lease is not ${isRead ? 'readable' : 'writable'}`);
  const server: Tcb = inv.thread;
  const owner = enclaveAt(inv.k, lease.address + offset, n);
  if (owner !== null && server.enclave !== owner)
    return err.illegalOperation('the lease lies in enclave memory, which only the enclave reaches');
  const kind = isRead ? AccessKind.Write : AccessKind.Read;
  if (n > 0 && !inv.k.port.checkAccess(server.context, address, n, kind)) {
    return err.invalidArgument(
      2,
      `the server may not ${isRead ? 'write' : 'read'} ${n} bytes at ${address}`,
    );
  }
  const leaseAddr = lease.address + offset;
  return isRead
    ? { kind: 'Copy', from: leaseAddr, to: address, length: n }
    : { kind: 'Copy', from: address, to: leaseAddr, length: n };
}

/** Performs a lease operation. */
export function performLease(k: KernelState, op: LeaseOp): number[] {
  if (op.kind === 'Info') return [op.length, op.attributes];
  const m = k.memory;
  if (m.contains(op.from, op.length) && m.contains(op.to, op.length)) {
    m.bytes.copyWithin(op.to - m.base, op.from - m.base, op.from - m.base + op.length);
  }
  return [op.length];
}

// A small client/server helper: typed operations (a label with argument and result word
// counts) carried by Call and served by a Recv/ReplyRecv loop. Relies on sys.ts.

import { encodeMessageInfo } from '@k5/abi';
import type { Sys } from './sys';

/** A request/response operation: a label, argument words and result words. @public */
export interface Operation<A extends readonly number[], R extends readonly number[]> {
  readonly label: number;
  readonly argCount: A['length'];
  readonly resultCount: R['length'];
}

/** Declares an operation. @public */
export function operation<A extends readonly number[], R extends readonly number[]>(
  label: number,
  argCount: A['length'],
  resultCount: R['length'],
): Operation<A, R> {
  return { label, argCount, resultCount };
}

/** Outcome of a request: results, or a non-zero status label from the server. @public */
export type RpcResult<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly status: number };

/** Calls an operation on a server endpoint. @public */
export function* request<A extends readonly number[], R extends readonly number[]>(
  sys: Sys,
  ep: number,
  op: Operation<A, R>,
  ...args: A
): Generator<number, RpcResult<R>, void> {
  for (let i = 0; i < args.length; i++) sys.setMR(i, args[i]!);
  yield* sys.call(ep, encodeMessageInfo(op.label, args.length));
  if (sys.label !== 0) return { ok: false, status: sys.label };
  const out: number[] = [];
  for (let i = 0; i < op.resultCount; i++) out.push(sys.getMR(i));
  return { ok: true, value: out as unknown as R };
}

/** What a handler sees of one request. @public */
export interface Request {
  readonly label: number;
  readonly badge: number;
  readonly length: number;
  arg(i: number): number;
}

/** A handler's answer: result words, or a status (non-zero label, no words). @public */
export type Response = readonly number[] | { readonly status: number };

/** Status returned for an unknown label. @public */
export const RPC_UNKNOWN_OPERATION = 0xfffff;

/**
 * Serves requests forever: receive, dispatch by label, reply and receive again with ReplyRecv.
 * @public
 */
export function* serve(
  sys: Sys,
  ep: number,
  reply: number,
  handlers: Readonly<Record<number, (req: Request) => Response>>,
): Generator<number, never, void> {
  let badge = yield* sys.recv(ep, reply);
  const req: Request = {
    get label() {
      return sys.label;
    },
    get badge() {
      return badge;
    },
    get length() {
      return sys.length;
    },
    arg: (i) => sys.getMR(i),
  };
  for (;;) {
    const h = handlers[sys.label];
    const res = h ? h(req) : { status: RPC_UNKNOWN_OPERATION };
    let info: number;
    if ('status' in res) info = encodeMessageInfo(res.status, 0);
    else {
      const words = res as readonly number[];
      for (let i = 0; i < words.length; i++) sys.setMR(i, words[i]!);
      info = encodeMessageInfo(0, words.length);
    }
    badge = yield* sys.replyRecv(ep, info, reply);
  }
}

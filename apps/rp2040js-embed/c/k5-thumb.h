/* k5-thumb.h: the K5 syscall library for ARMv6-M (Thumb-1) machine-code tasks. Numbers and
   layouts come from k5.h, which @k5/abi generates; registers follow @k5/abi's armv8m
   convention: syscall number in r11, slots 0..6 in r4..r10 (slot 0 the capability, slot 1
   the message info, slots 2..5 message registers 0..3, slot 6 the reply object), results in
   the same registers. Thumb-1 reaches r8..r11 only with MOV, so one assembly routine
   (k5-trap.c) moves the slots between memory and the registers around the SVC. */
#ifndef K5_THUMB_H
#define K5_THUMB_H

#include "k5.h"

/** Slots 0..6, in and out. */
typedef struct {
  uint32_t slot[7];
} k5_slots_t;

/** Loads r4..r10 from `slots`, sets r11 to `number`, executes SVC, stores r4..r10 back. */
void k5_trap(uint32_t number, k5_slots_t *slots);

/** A message-info word: label, length in MRs, no caps. */
static inline uint32_t k5_info(uint32_t label, uint32_t length) {
  return ((label & K5_MSGINFO_LABEL_MASK) << K5_MSGINFO_LABEL_SHIFT) |
         ((length & K5_MSGINFO_LENGTH_MASK) << K5_MSGINFO_LENGTH_SHIFT);
}

/** Call: send `info` with MR0..MR1 to `cptr`, wait for the reply; returns its slots. */
static inline k5_slots_t k5_call2(uint32_t cptr, uint32_t info, uint32_t mr0, uint32_t mr1) {
  k5_slots_t s = {{cptr, info, mr0, mr1, 0, 0, 0}};
  k5_trap(K5_SYS_CALL, &s);
  return s;
}

/** Recv on `src` with the reply object `reply`; returns badge (slot 0), info, MRs. */
static inline k5_slots_t k5_recv(uint32_t src, uint32_t reply) {
  k5_slots_t s = {{src, 0, 0, 0, 0, 0, reply}};
  k5_trap(K5_SYS_RECV, &s);
  return s;
}

/** ReplyRecv: reply `info` with MR0 through `reply`, then wait on `src` again. */
static inline k5_slots_t k5_reply_recv1(uint32_t src, uint32_t info, uint32_t mr0,
                                        uint32_t reply) {
  k5_slots_t s = {{src, info, mr0, 0, 0, 0, reply}};
  k5_trap(K5_SYS_REPLY_RECV, &s);
  return s;
}

/** Log up to 16 bytes (packed little-endian in four words) at `level`. */
static inline uint32_t k5_log(uint32_t level, uint32_t length, uint32_t w0, uint32_t w1,
                              uint32_t w2, uint32_t w3) {
  k5_slots_t s = {{level, length, w0, w1, w2, w3, 0}};
  k5_trap(K5_SYS_LOG, &s);
  return s.slot[0];
}

/** Give up the rest of this time slice. */
static inline void k5_yield(void) {
  k5_slots_t s = {{0, 0, 0, 0, 0, 0, 0}};
  k5_trap(K5_SYS_YIELD, &s);
}

#endif

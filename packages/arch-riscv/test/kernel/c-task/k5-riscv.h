/* k5-riscv.h: the K5 syscall library for RV32 machine-code tasks. The numbers and layouts come
   from k5.h, which @k5/abi generates; the register use is @k5/abi's riscv convention: syscall
   number in a7, slots in a0..a6 (slot 0 the capability, slot 1 the message info, slots 2..5
   message registers 0..3, slot 6 the reply object), results in the same registers. */
#ifndef K5_RISCV_H
#define K5_RISCV_H

#include "k5.h"

/** What a receiving syscall leaves in the registers. */
typedef struct {
  uint32_t badge;
  uint32_t info;
  uint32_t mr[K5_FAST_MESSAGE_REGISTERS];
} k5_msg_t;

/** A message-info word: label, length in MRs, no caps. */
static inline uint32_t k5_msginfo(uint32_t label, uint32_t length) {
  return ((label & K5_MSGINFO_LABEL_MASK) << K5_MSGINFO_LABEL_SHIFT) |
         ((length & K5_MSGINFO_LENGTH_MASK) << K5_MSGINFO_LENGTH_SHIFT);
}

/** Call: send `info` with MRs 0..3 to `cptr` and wait for the reply. */
static inline k5_msg_t k5_call(uint32_t cptr, uint32_t info, uint32_t mr0, uint32_t mr1,
                               uint32_t mr2, uint32_t mr3) {
  register uint32_t a0 __asm__("a0") = cptr;
  register uint32_t a1 __asm__("a1") = info;
  register uint32_t a2 __asm__("a2") = mr0;
  register uint32_t a3 __asm__("a3") = mr1;
  register uint32_t a4 __asm__("a4") = mr2;
  register uint32_t a5 __asm__("a5") = mr3;
  register uint32_t a6 __asm__("a6") = 0;
  register uint32_t a7 __asm__("a7") = K5_SYS_CALL;
  __asm__ volatile("ecall"
                   : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6)
                   : "r"(a7)
                   : "memory");
  k5_msg_t m = {a0, a1, {a2, a3, a4, a5}};
  return m;
}

/** Yield the rest of this time slice. */
static inline void k5_yield(void) {
  register uint32_t a7 __asm__("a7") = K5_SYS_YIELD;
  __asm__ volatile("ecall" : : "r"(a7) : "memory");
}

#endif

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

/* One ecall with all seven slots; every slot register may come back changed. */
#define K5_ECALL7(num, s0, s1, s2, s3, s4, s5, s6)                                              \
  register uint32_t a0 __asm__("a0") = (s0);                                                    \
  register uint32_t a1 __asm__("a1") = (s1);                                                    \
  register uint32_t a2 __asm__("a2") = (s2);                                                    \
  register uint32_t a3 __asm__("a3") = (s3);                                                    \
  register uint32_t a4 __asm__("a4") = (s4);                                                    \
  register uint32_t a5 __asm__("a5") = (s5);                                                    \
  register uint32_t a6 __asm__("a6") = (s6);                                                    \
  register uint32_t a7 __asm__("a7") = (num);                                                   \
  __asm__ volatile("ecall"                                                                      \
                   : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6)      \
                   : "r"(a7)                                                                    \
                   : "memory")

/** Call: send `info` with MRs 0..3 to `cptr` and wait for the reply. */
static inline k5_msg_t k5_call(uint32_t cptr, uint32_t info, uint32_t mr0, uint32_t mr1,
                               uint32_t mr2, uint32_t mr3) {
  K5_ECALL7(K5_SYS_CALL, cptr, info, mr0, mr1, mr2, mr3, 0);
  k5_msg_t m = {a0, a1, {a2, a3, a4, a5}};
  return m;
}

/** Yield the rest of this time slice. */
static inline void k5_yield(void) {
  register uint32_t a7 __asm__("a7") = K5_SYS_YIELD;
  __asm__ volatile("ecall" : : "r"(a7) : "memory");
}

/**
 * Log `length` bytes (at most 16: they travel in MRs 0..3, packed little-endian) at `level`
 * (@k5/abi's LogLevel). Returns the syscall's error code (0 on success).
 */
static inline uint32_t k5_log(uint32_t level, uint32_t length, uint32_t w0, uint32_t w1,
                              uint32_t w2, uint32_t w3) {
  K5_ECALL7(K5_SYS_LOG, level, length, w0, w1, w2, w3, 0);
  return a0;
}

/** Write one byte to the kernel's debug console. */
static inline void k5_debug_putchar(uint32_t c) {
  K5_ECALL7(K5_SYS_DEBUG_PUT_CHAR, c, 0, 0, 0, 0, 0, 0);
}

/** Suspend the thread whose TCB capability is `tcb` (a task passing its own TCB stops). */
static inline uint32_t k5_tcb_suspend(uint32_t tcb) {
  K5_ECALL7(K5_SYS_CALL, tcb, k5_msginfo(K5_LABEL_TCB_SUSPEND, 0), 0, 0, 0, 0, 0);
  return k5_msginfo_label(a1);
}

#endif

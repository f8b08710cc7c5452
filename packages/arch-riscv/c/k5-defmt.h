/* k5-defmt.h: defmt logging from C tasks, decoded on the host by @k5/defmt exactly as Rust
   firmware's logs: every format string becomes a symbol in the .defmt section whose name is
   defmt's JSON (package, tag, data, disambiguator, crate_name) and whose address is the frame
   index; frames use defmt's raw encoding (u16 index, then each u32 argument little-endian)
   and travel through the kernel's Log syscall. Link with task.ld, which places .defmt at 0
   and declares the defmt version and encoding. Format strings may use `{=u32}` parameters
   (with any display hint) and must not contain `"` or `\`; at most 3 arguments per line. */
#ifndef K5_DEFMT_H
#define K5_DEFMT_H

#include "k5-riscv.h"

#ifndef K5_DEFMT_PACKAGE
#define K5_DEFMT_PACKAGE "c-task"
#endif
#ifndef K5_DEFMT_CRATE
#define K5_DEFMT_CRATE K5_DEFMT_PACKAGE
#endif

/* @k5/abi's LogLevel, which the Log syscall's level slot carries. */
#define K5_LOG_TRACE 0u
#define K5_LOG_DEBUG 1u
#define K5_LOG_INFO 2u
#define K5_LOG_WARN 3u
#define K5_LOG_ERROR 4u

#define K5_DEFMT_STR_(x) #x
#define K5_DEFMT_STR(x) K5_DEFMT_STR_(x)

/* task.ld defines it at address 0, where .defmt starts: an interned string's index is its
   address minus this one, which pc-relative code computes right wherever the task is loaded. */
extern const char __k5_defmt_start;

/* The index of an interned format string: a one-byte symbol in .defmt named by defmt's JSON. */
#define K5_DEFMT_INDEX(tag, fmt, id)                                                            \
  ({                                                                                            \
    __attribute__((section(".defmt." tag "." id), used)) static const char k5_defmt_sym_        \
        __asm__("{\"package\":\"" K5_DEFMT_PACKAGE "\",\"tag\":\"defmt_" tag "\",\"data\":\""  \
                fmt "\",\"disambiguator\":\"" id "\",\"crate_name\":\"" K5_DEFMT_CRATE        \
                "\"}") = 0;                                                                     \
    (uint32_t)(&k5_defmt_sym_ - &__k5_defmt_start);                                             \
  })

/** Sends one raw-encoded frame: index, then `count` (0..3) u32 arguments. */
static inline void k5_defmt_write(uint32_t level, uint32_t index, const uint32_t *args,
                                  uint32_t count) {
  uint32_t w[4] = {index & 0xffffu, 0, 0, 0};
  /* Byte 2 + 4i starts argument i: the low half of word i + 0's upper half, and so on. */
  for (uint32_t i = 0; i < count; i++) {
    w[i] |= args[i] << 16;
    w[i + 1] |= args[i] >> 16;
  }
  k5_log(level, 2 + 4 * count, w[0], w[1], w[2], w[3]);
}

#define K5_DEFMT_LOG(level, tag, fmt, ...)                                                      \
  do {                                                                                          \
    const uint32_t k5_defmt_args_[] = {0, ##__VA_ARGS__};                                       \
    _Static_assert(sizeof(k5_defmt_args_) / 4 - 1 <= 3, "at most 3 arguments per log line");   \
    k5_defmt_write(level, K5_DEFMT_INDEX(tag, fmt, K5_DEFMT_STR(__COUNTER__)),                 \
                   k5_defmt_args_ + 1, sizeof(k5_defmt_args_) / 4 - 1);                         \
  } while (0)

#define k5_trace(fmt, ...) K5_DEFMT_LOG(K5_LOG_TRACE, "trace", fmt, ##__VA_ARGS__)
#define k5_debug(fmt, ...) K5_DEFMT_LOG(K5_LOG_DEBUG, "debug", fmt, ##__VA_ARGS__)
#define k5_info(fmt, ...) K5_DEFMT_LOG(K5_LOG_INFO, "info", fmt, ##__VA_ARGS__)
#define k5_warn(fmt, ...) K5_DEFMT_LOG(K5_LOG_WARN, "warn", fmt, ##__VA_ARGS__)
#define k5_error(fmt, ...) K5_DEFMT_LOG(K5_LOG_ERROR, "error", fmt, ##__VA_ARGS__)

#endif

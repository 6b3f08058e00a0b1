// Where blocking calls meet signals (lib/signal; docs/libc.md, "Signals").
//
// The libraries that block (lib/fdtab's waits, newlib's sleeps) sit below
// lib/signal, so they ask through these three functions, which lib/signal
// defines when CONFIG_LIBSIGNAL is set; without it they are inline no-ops
// and an image without signals carries nothing of them.
//
//   kiln_signal_interrupted()  true when the calling thread has a signal to
//                              handle (pending and not blocked): a blocking
//                              wait stops and its call fails with EINTR.
//                              Cheap; safe with events masked.
//   kiln_signal_deliver()      a safe point: runs the calling thread's
//                              pending handlers (or default actions). Call
//                              in thread context, events unmasked, holding
//                              no lock, as the call returns (kiln_sys_ret
//                              does it for -EINTR). True when handlers ran
//                              and every one had SA_RESTART: a restartable
//                              call (read, write on a pipe...) waits again.
//   kiln_signal_pipe()         a write failed with EPIPE: SIGPIPE for the
//                              calling thread, delivered at once.
//
// A signal posted to a blocked thread wakes it (kiln::wake): every wait in
// Kiln tolerates spurious wake-ups, and the waits that must fail with EINTR
// check kiln_signal_interrupted() before sleeping and after every wake-up.
#pragma once
#include <kiln/compiler.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif
#if __has_include(<kiln/config.h>)
#include <kiln/config.h>
#endif

#if defined(CONFIG_LIBSIGNAL) && CONFIG_LIBSIGNAL
KILN_EXTERN_C bool kiln_signal_interrupted(void);
KILN_EXTERN_C bool kiln_signal_deliver(void);
KILN_EXTERN_C void kiln_signal_pipe(void);
#else
static inline bool kiln_signal_interrupted(void) { return false; }
static inline bool kiln_signal_deliver(void) { return false; }
static inline void kiln_signal_pipe(void) {}
#endif

// For a restartable call: re-run expr while it fails with EINTR after
// handlers that all had SA_RESTART (kiln_signal_deliver).
#define KILN_SYS_RESTART(expr)                                      \
  ({                                                                \
    long _kiln_r;                                                   \
    while ((_kiln_r = (expr)) == -EINTR && kiln_signal_deliver()) { \
    }                                                               \
    _kiln_r;                                                        \
  })

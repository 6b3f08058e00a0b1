// The event core of the bare-metal x86 platforms (kvm, xen): masking,
// the scheduler's one-shot timer and idle, on top of each platform's
// timer hardware and interrupt sources (plat/x86bm/src/events.cpp). It
// implements the platform contracts kiln/plat/irq.h, kiln/plat/timer.h
// and kiln_plat_idle_until for both platforms.
//
// Masking is RFLAGS.IF: kiln_plat_irq_save is pushf + cli and returns 0
// when interrupts were on (the contract's "unmasked"), 1 when off.
//
// Deferral: an interrupt that arrives while the CPU idles in
// kiln_plat_idle_until only marks work. Device handlers (kvm IRQ lines,
// xen event-channel ports) then run before kiln_plat_idle_until returns
// -- they only wake threads, and the idle thread runs masked. The timer
// handler may switch threads: it runs when the caller's masked section
// ends (kiln_plat_irq_restore), as on linuxu. Outside idle, an interrupt
// runs everything due at once (after_interrupt).
#pragma once
#include <stdint.h>

namespace kiln::bm {

// From the platform's timer interrupt, masked: marks the timer handler
// due if its deadline has passed, re-arms an early or spurious shot.
void timer_fired();
// From the end of an interrupt handler (masked): runs the deferred
// handlers unless the CPU is idling.
void after_interrupt();
bool idling();

// The hardware hooks: each bare-metal platform (plat/kvm/src/events.cpp,
// plat/xen/src/events.cpp) defines all five. An image whose platform
// leaves one out does not link.
namespace hw {
void timer_init();                 // lazy, idempotent; before the first arm
void timer_arm(uint64_t deadline);  // program the one-shot (monotonic ns); 0 stops it
bool devices_pending();            // device handlers are due
void run_devices();                // run them (masked)
void halt(uint64_t wake);          // wait for an interrupt, at most until wake (masked on entry and exit)
}  // namespace hw

}  // namespace kiln::bm

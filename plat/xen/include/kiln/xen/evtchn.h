// Xen event channels (2-level ABI, vCPU 0).
//
// Events arrive through one upcall vector (HVM_PARAM_CALLBACK_IRQ, vector
// type). The upcall clears the pending bits and runs the handler bound to
// each port -- directly when the interrupted code had events unmasked, or
// from the idle loop when the CPU was idle -- always with events masked.
// Handlers must be short: wake a thread (kiln_plat_wake_event, a
// WaitQueue), set a flag; they must not block.
//
//   auto p = kiln::xen::evtchn_alloc_unbound(backend_domid, on_event, dev);
//   ...   // tell the backend p.value() through xenstore
//   kiln::xen::evtchn_notify(p.value());
//   kiln::xen::evtchn_unbind(p.value());
//
// Kiln handles ports below kMaxPorts (Xen hands out the lowest free port,
// so a unikernel's ports are small numbers); a higher port is refused.
#pragma once
#include <stdint.h>
#include <kiln/result.h>

namespace kiln::xen {

using evtchn_port_t = uint32_t;
using domid_t = uint16_t;
using EventHandler = void (*)(evtchn_port_t port, void* ctx);

constexpr domid_t kDomidSelfId = 0x7ff0;  // DOMID_SELF
constexpr evtchn_port_t kMaxPorts = 256;

// A new port, bound to a virtual IRQ (VIRQ_*) of vCPU 0.
Result<evtchn_port_t> evtchn_bind_virq(uint32_t virq, EventHandler fn, void* ctx);
// A new port that remote_dom may bind to (a frontend's port).
Result<evtchn_port_t> evtchn_alloc_unbound(domid_t remote_dom, EventHandler fn, void* ctx);
// A new port connected to remote_port of remote_dom (DOMID_SELF: loopback).
Result<evtchn_port_t> evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port, EventHandler fn,
                                              void* ctx);
// Attach a handler to a port Xen already gave (console, xenstore).
Result<void> evtchn_attach(evtchn_port_t port, EventHandler fn, void* ctx);
// Detach the handler and close the port.
Result<void> evtchn_unbind(evtchn_port_t port);
// Hold back / release delivery; an event that came while masked is
// delivered on unmask.
void evtchn_mask(evtchn_port_t port);
void evtchn_unmask(evtchn_port_t port);
Result<void> evtchn_notify(evtchn_port_t port);

}  // namespace kiln::xen

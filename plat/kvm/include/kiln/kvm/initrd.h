// The first boot module (QEMU -initrd) on kvm, kept out of the heap.
#pragma once
#include <stddef.h>
#include <kiln/compiler.h>

// Its address in *base and its length; 0 (and *base = nullptr) if none.
KILN_EXTERN_C size_t kiln_kvm_initrd(const void** base);

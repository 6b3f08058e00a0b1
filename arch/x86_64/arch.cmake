# x86_64: what the build takes from the configured architecture
# (included by support/cmake/kiln.cmake before any flags are set).
# Target triple of the C library and the C++ library built for Kiln.
set(KILN_ARCH_TRIPLE x86_64-elf)
# Code generation for every target object: no red zone (interrupts and
# signals land on the interrupted stack).
set(KILN_ARCH_FLAGS -mno-red-zone)

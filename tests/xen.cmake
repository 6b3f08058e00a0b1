# Xen image tests: the xen images of several sets booted as PVH domUs
# under a real Xen 4.17 (support/xen/run-xen.py: Xen + Debian dom0 + xl in
# QEMU TCG), all in one Xen boot (xen.rig), whose per-guest results the
# image.xen.* tests then check. The rig downloads and caches its Debian
# packages in build/deps/xen on first use (support/xen/fetch.sh).
set(XEN_RUN /usr/bin/python3 ${KILN_SRC}/support/xen/run-xen.py)
set(XEN_OUT ${CMAKE_CURRENT_BINARY_DIR}/xen-results)
set(_xen_guests)
set(_xen_checks)

# kiln_xen_test(<name> SET <set> APP <app> [CMDLINE "..."] [STATUS n] [PEER script]
#   [RAMDISK file] [EXPECT text...] [EXPECT_RE regex...] [REJECT text...])
# PEER: a dom0 script run next to the guest (run-xen.py --peer). RAMDISK: an
# initrd given at boot (xl's ramdisk=, run-xen.py --ramdisk: the PVH module).
macro(kiln_xen_test NAME)
  cmake_parse_arguments(X "" "SET;APP;CMDLINE;STATUS;PEER;RAMDISK" "EXPECT;EXPECT_RE;REJECT" ${ARGN})
  if(NOT DEFINED X_STATUS)
    set(X_STATUS 0)
  endif()
  list(APPEND _xen_guests --guest "${NAME}=${I}/${X_SET}/${X_APP}_xen-x86_64::${X_CMDLINE}")
  if(X_PEER)
    list(APPEND _xen_guests --peer "${NAME}=${X_PEER}")
  endif()
  if(X_RAMDISK)
    list(APPEND _xen_guests --ramdisk "${NAME}=${X_RAMDISK}")
  endif()
  set(_c --status ${X_STATUS})
  foreach(_e ${X_EXPECT})
    list(APPEND _c --expect ${_e})
  endforeach()
  foreach(_e ${X_EXPECT_RE})
    list(APPEND _c --expect-re ${_e})
  endforeach()
  foreach(_e ${X_REJECT})
    list(APPEND _c --reject ${_e})
  endforeach()
  add_test(NAME image.xen.${NAME} COMMAND ${CHECK} ${_c} -- ${XEN_RUN} --show ${XEN_OUT} ${NAME})
  set_tests_properties(image.xen.${NAME} PROPERTIES FIXTURES_REQUIRED xen_rig)
endmacro()

kiln_xen_test(signals SET signals APP signals
  EXPECT "sigsuspend ok" "pipe read EINTR ok" "timer_create SIGEV_THREAD ok" "signals: ok" REJECT "FAIL")
kiln_xen_test(signals_sigterm_default SET signals APP signals CMDLINE "-- term" STATUS 143
  EXPECT "kiln: killed by signal 15 (SIGTERM)")
kiln_xen_test(helloworld SET hello APP helloworld CMDLINE "-- a \"b c\""
  EXPECT "Hello world!" "argv[1] = a" "argv[2] = b c" "shut down: poweroff, status 0")
kiln_xen_test(hellocpp SET hellocpp APP hellocpp CMDLINE "-- 42" STATUS 42
  EXPECT "constructor: global greeter ready" "exiting with status 42" "destructor: global greeter gone"
         "shut down: poweroff, status 42")
kiln_xen_test(crash_panic SET crash APP crash CMDLINE "-- panic" STATUS 125
  EXPECT "PANIC: deliberate panic" "backtrace:" "shut down: crash")
kiln_xen_test(crash_clock SET crash APP crash CMDLINE "-- clock"
  EXPECT "slept" "ok")
# A 1 s sleep: the vCPU blocks in Xen, so the domain's CPU time (xl list,
# 0.1 s resolution, boot included) stays far below the second.
kiln_xen_test(crash_idle SET crash APP crash CMDLINE "-- idle" EXPECT "ok"
  EXPECT_RE "used 0\\.[0-4] s of CPU")
kiln_xen_test(crash_redelivered_irq SET crash APP crash CMDLINE "-- redeliver" STATUS 125
  EXPECT "CRASH: interrupt vector 244 was delivered a second time before its handler started" "shut down: crash"
  REJECT "page fault")
# Console input: a dom0 peer types a line on the guest's console pty.
# main() on its own 1 MiB guarded stack (plat/x86bm), as on kvm.
kiln_xen_test(main_stack_deep SET crash APP crash CMDLINE "-- deep 768" EXPECT "deep: 768 KiB of stack ok"
  "shut down: poweroff, status 0")
kiln_xen_test(main_stack_overflow SET crash APP crash CMDLINE "main.stack=256K -- deep 768" STATUS 125
  EXPECT "stack overflow in main (hit the guard page below its 256 KiB stack" "shut down: crash")
kiln_xen_test(crash_stdin SET crash APP crash CMDLINE "-- stdin"
  PEER ${KILN_SRC}/support/xen/peer-stdin.sh
  EXPECT "read: [typed on the xen console]" "ok" "peer: typed a line on")
# The xen platform's own tests (event channels, idle, grant tables,
# xenstore incl. a round trip with a dom0 peer) and the scheduler's and
# pthreads' tests under preemption by the Xen one-shot timer.
kiln_xen_test(ktest SET sched-preempt APP helloworld CMDLINE "log.level=info --"
  PEER ${KILN_SRC}/support/xen/peer-pong.sh
  EXPECT "xen: PVH domU" "events upcall vector" "xenstore connected"
         "ktest: PASS xen.evtchn_loopback_notify_mask_unmask" "ktest: PASS xen.idle_blocks_until_the_deadline"
         "ktest: PASS xen.gnttab_copy_of_self_granted_page" "ktest: PASS xen.xenstore_transactions_commit_and_abort"
         "ktest: PASS xen.xenstore_watch_fires_on_write" "ktest: PASS xen.xenstore_round_trip_with_dom0"
         "dom0 answered ping 41 with pong 42" "peer: answered ping 41 with pong 42"
         "ktest: PASS sched.spinning_thread_does_not_starve_others" "ktest: PASS sched.sleep_is_at_least_as_long_as_asked"
         "ktest: PASS pthread.malloc_and_printf_from_many_threads" "ktest: PASS pthread.sleep_blocks_only_the_caller"
         "ktest: PASS pthread.thread_names" "ktest: PASS pthread.deleted_key_values_do_not_reach_the_next_owner"
         "ktest: PASS newlib.clock_and_times_count_in_their_units" "ktest: PASS newlib.clock_nanosleep"
         "ktest: PASS sched.kernel_thread_local_is_per_thread" "ktest: PASS pthread.barrier_releases_all_together"
         "ktest: PASS pthread.spinlock_counter_is_exact"
         "ktest: PASS string.memmove_overlaps_both_ways" "ktest: PASS string.vector_registers_survive_preemption"
         " passed, 0 failed" "Hello world!"
         "shut down: poweroff, status 0"
  REJECT "ktest: FAIL" "no dom0 peer")
# Pipes, eventfd, epoll and socketpair (issue 13) on xen.
kiln_xen_test(ipc SET ipc APP ipc
  EXPECT "ipc: pipe 1 MiB between threads, checksum" "ipc: epoll over a pipe, an eventfd and TCP on 127.0.0.1 ok"
         "ipc: socketpair echo between threads ok"
         "ipc: socketpair send/recv/sendmsg/recvmsg/shutdown/getsockopt ok"
         "ipc: poll over 5000 descriptors found pipe 1234"
         "ipc: epoll over 5000 descriptors found pipe 2001" "ipc: all passed (0 failures)"
         "shut down: poweroff, status 0"
  REJECT "ipc: FAIL")
# The libc (issue 14) and its link test on xen: the same checks as image.*.libc.
kiln_xen_test(libc SET libc APP libc
  EXPECT "libc: locale ok" "libc: iconv ok" "libc: sockflags ok" "libc: strtod ok" "libc: process ok"
         "libc: all passed (0 failures)" "shut down: poweroff, status 0"
  REJECT "libc: FAIL")
kiln_xen_test(libc_link SET linkall APP linkall
  EXPECT_RE "linkall: [0-9]+ names link" EXPECT "shut down: poweroff, status 0")
# The C++ standard library with threads (issue 7) on xen.
kiln_xen_test(cxx_threads SET cxx APP cxxtest
  EXPECT "cxx: global constructors in order ok" "cxx: exception caught, destructors ran while unwinding ok"
         "cxx: out_of_range from at() ok" "cxx: ostringstream ok" "cxx: a double on cout: 3.75"
         "cxx: std::thread + mutex + condition_variable count ok" " passed, 0 failed"
         "cxx: destructor b" "cxx: destructor a" "shut down: poweroff, status 0")
kiln_xen_test(cxx_uncaught SET cxx APP cxxtest CMDLINE "-- uncaught" STATUS 125
  EXPECT "terminate called after throwing an instance of 'std::logic_error'" "PANIC: abort() called"
         "shut down: crash")
# Thread-local storage (issue 14) on xen: the checks of image.*.tls.
kiln_xen_test(tls SET tls APP tls
  EXPECT "tls: global constructors wrote main's thread-locals ok" "tls: errno per thread ok"
         "tls: 4 threads saw their own thread-locals ok; interleaved yes"
         "tls: thread_local constructors and destructors ok" "tls: oom: pthread_create returned EAGAIN"
         "tls: main thread's thread_local destructor 1 ran at exit" "shut down: poweroff, status 0"
  EXPECT_RE "tls: [1-9][0-9]* passed, 0 failed"
  REJECT "tls: FAIL")
# Files (issue 13) on xen: the same checks as image.*.files.
kiln_xen_test(files SET files APP files
  EXPECT "ok: read it back: same size, same checksum" "files: 44 passed, 0 failed" "shut down: poweroff, status 0"
  REJECT "FAIL")
# The embedded rootfs/ served as "/" (issue 13), on xen: the same checks as image.*.rootfs_embedded.
kiln_xen_test(rootfs SET rootfs APP rootfs
  EXPECT "rootfs: / = bin dev etc motd-link proc tmp" "rootfs: cat /etc/motd: embedded motd"
         "rootfs: stat /etc/motd: f 0644 14 bytes, 0 blocks" "shut down: poweroff, status 0")
# An external initrd on xen (xl ramdisk=: the PVH module), like
# image.kvm.initrd_external: the archive tests/apps/initrd/make_archives.py
# makes (tests/images.cmake), listed and checksummed by the app, instead of
# its embedded rootfs/.
kiln_xen_test(initrd_external SET initrd APP initrd RAMDISK ${_ird}/external.cpio
  EXPECT "initrd: boot module, 205440 bytes" ${_external_lines} "shut down: poweroff, status 0"
  REJECT "hello.txt")

# lib/process on xen (issue 14): the same facts as image.*.process_identity.
kiln_xen_test(process SET process APP process CMDLINE "hostname=xen1 env=GREETING=hi --"
  EXPECT_RE "^process: uname Kiln [0-9]+\\.[0-9]+\\.[0-9]+ x86_64 xen1$"
  EXPECT "process: env GREETING=hi" "process: getpwnam www uid=33 gid=33 dir=/var/www shell=/usr/sbin/nologin"
         "process: users root www alice" "process: kexec_load ENOSYS" "shut down: poweroff, status 0")

# Memory mapping (issue 14) on xen: the same checks as image.*.mm, and a
# write to a read-only mapping crashing with the report naming it.
kiln_xen_test(mm SET mm APP mm EXPECT "mm: 65 passed, 0 failed" "shut down: poweroff, status 0" REJECT "FAIL")
kiln_xen_test(mm_write_read_only SET mm APP mm CMDLINE "-- rdonly" STATUS 125
  EXPECT "(anonymous private, PROT_READ): the mapping is not writable" "shut down: crash")

# Lua 5.4 from Debian's sources on xen (issue 14): the same script as image.*.lua.
# os.clock is skipped there: xen's clock can stall under nested TCG (docs/xen.md).
kiln_xen_test(lua SET lua APP lua CMDLINE "env=LUA_TEST=kiln env=KILN_CLOCK_MAY_STALL=1 -- /lua/kiln.lua"
  EXPECT "ok: io.open write then read 1000 lines" "ok: goto continue" "lua: 54 passed, 0 failed"
         "skip: os.clock advances with work (KILN_CLOCK_MAY_STALL)"
         "shut down: poweroff, status 0"
  REJECT "FAIL")
add_test(NAME xen.rig COMMAND ${XEN_RUN} --batch ${XEN_OUT} --timeout 60 ${_xen_guests})
set_tests_properties(xen.rig PROPERTIES FIXTURES_SETUP xen_rig TIMEOUT 900 RESOURCE_LOCK xen_rig)

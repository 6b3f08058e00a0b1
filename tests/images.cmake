# Image tests: images built by support/test.sh from tests/images/<set>.defconfig
# into ${KILN_TEST_IMAGES}/<set>/, run here and checked: what they print and
# their exit status. Each test runs on every platform it names: linuxu as a
# process, kvm under QEMU through support/run.sh (KVM where the CPU has
# vmx/svm, TCG otherwise).
#
# kiln_image_test(<name> SET <set> APP <app> [PLATFORMS linuxu kvm]
#   [OPTS <kiln option>...] [ARGS <app arg>...] [STATUS n]
#   [MACHINE microvm|pc|q35] [BOOT pvh|multiboot] [MEM size] [INITRD file] [QEMU arg...]
#   [MACHINE microvm|pc|q35] [BOOT pvh|multiboot] [MEM size] [INITRD file]
#   [SIGNAL_AFTER "text=SIGNAME"] (linuxu: send the process SIGNAME once it printed text)
#   [EXPECT text...] [EXPECT_RE regex...] [REJECT text...] [EACH_LINE prefix=regex...])
set(I ${KILN_TEST_IMAGES})
set(RUN ${KILN_SRC}/support/run.sh)

function(kiln_image_test NAME)
  cmake_parse_arguments(T "" "SET;APP;STATUS;MACHINE;BOOT;MEM;STDIN;INITRD;SIGNAL_AFTER"
                        "PLATFORMS;OPTS;ARGS;EXPECT;EXPECT_RE;REJECT;EACH_LINE;QEMU" ${ARGN})
  if(NOT DEFINED T_STATUS)
    set(T_STATUS 0)
  endif()
  if(NOT T_PLATFORMS)
    set(T_PLATFORMS linuxu kvm)
  endif()
  set(_checks --status ${T_STATUS})
  if(DEFINED T_STDIN)
    list(APPEND _checks --stdin ${T_STDIN})
  endif()
  if(DEFINED T_SIGNAL_AFTER)
    list(APPEND _checks --signal-after ${T_SIGNAL_AFTER})
  endif()
  foreach(_k EXPECT EXPECT_RE REJECT EACH_LINE)
    string(TOLOWER ${_k} _flag)
    string(REPLACE "_" "-" _flag ${_flag})
    foreach(_e ${T_${_k}})
      list(APPEND _checks --${_flag} ${_e})
    endforeach()
  endforeach()
  foreach(_p ${T_PLATFORMS})
    set(_img ${I}/${T_SET}/${T_APP}_${_p}-x86_64)
    if(_p STREQUAL "linuxu")
      set(_cmd ${_img})
      set(_opts ${T_OPTS})
      if(T_INITRD)
        list(PREPEND _opts initrd=${T_INITRD})  # the boot option (docs/initrd.md)
      endif()
      if(_opts)
        list(APPEND _cmd ${_opts} --)
      endif()
      list(APPEND _cmd ${T_ARGS})
    else()
      set(_cmd ${RUN} --image ${_img})
      if(T_MACHINE)
        list(APPEND _cmd --machine ${T_MACHINE})
      endif()
      if(T_BOOT)
        list(APPEND _cmd --boot ${T_BOOT})
      endif()
      if(T_MEM)
        list(APPEND _cmd --mem ${T_MEM})
      endif()
      if(T_INITRD)
        list(APPEND _cmd --initrd ${T_INITRD})
      endif()
      foreach(_q ${T_QEMU})
        list(APPEND _cmd --qemu-arg ${_q})
      endforeach()
      if(T_OPTS)
        string(JOIN " " _append ${T_OPTS} --)
        list(APPEND _cmd --append ${_append})
      endif()
      list(APPEND _cmd -- ${T_ARGS})
    endif()
    add_test(NAME image.${_p}.${NAME} COMMAND ${CHECK} ${_checks} -- ${_cmd})
  endforeach()
endfunction()

# helloworld and hellocpp on every machine and boot protocol (issue 2, 3) ----
kiln_image_test(helloworld SET hello APP helloworld
  EXPECT "Hello world!" REJECT "argv[1]")
kiln_image_test(helloworld_argv SET hello APP helloworld
  ARGS one "two words" --three
  EXPECT "Hello world!" "argv[1] = one" "argv[2] = two words" "argv[3] = --three")
foreach(_m microvm:pvh pc:multiboot q35:pvh pc:pvh)
  string(REPLACE ":" ";" _mb ${_m})
  list(GET _mb 0 _machine)
  list(GET _mb 1 _boot)
  kiln_image_test(helloworld_${_machine}_${_boot} SET hello APP helloworld PLATFORMS kvm
    MACHINE ${_machine} BOOT ${_boot} ARGS a "b c"
    EXPECT "Hello world!" "argv[1] = a" "argv[2] = b c")
  kiln_image_test(hellocpp_${_machine}_${_boot} SET hellocpp APP hellocpp PLATFORMS kvm
    MACHINE ${_machine} BOOT ${_boot} ARGS 42 STATUS 42
    EXPECT "constructor: global greeter ready" "exiting with status 42" "destructor: global greeter gone")
endforeach()
kiln_image_test(options_before_separator SET hello APP helloworld
  OPTS log.level=info ARGS x
  EXPECT "argv[1] = x" EXPECT_RE "kiln: heap: tlsf, [0-9]+ KiB" REJECT "argv[2]")
kiln_image_test(linuxu_heap_option SET hello APP helloworld PLATFORMS linuxu
  OPTS log.level=info heap=8M ARGS x
  EXPECT_RE "kiln: heap: tlsf, 81[0-9][0-9] KiB")
kiln_image_test(unknown_option SET hello APP helloworld
  OPTS bogus=1 ARGS x STATUS 64
  EXPECT "kiln: error: unknown option 'bogus'" REJECT "Hello world!")
kiln_image_test(bad_option_value SET hello APP helloworld
  OPTS log.level=loud STATUS 64
  EXPECT "kiln: error: bad value for option log.level: 'loud'")
kiln_image_test(options_help SET hello APP helloworld
  OPTS help EXPECT "log.level" "alloc.stats")
kiln_image_test(linuxu_heap_too_big SET hello APP helloworld PLATFORMS linuxu
  OPTS heap=900000G STATUS 125
  EXPECT "cannot map a heap" "init heap_map (level plat) failed")
kiln_image_test(hellocpp SET hellocpp APP hellocpp STATUS 3
  EXPECT "constructor: global greeter ready" "Hello from C++, greeter!"
         "sum of 10 squares = 385" "longest word: unikernel" "point = (3, 4)"
         "caught out_of_range" "exiting with status 3" "destructor: global greeter gone")
kiln_image_test(hellocpp_status_arg SET hellocpp APP hellocpp
  ARGS 42 STATUS 42 EXPECT "exiting with status 42")

# In-image suites --------------------------------------------------------------
kiln_image_test(ktest SET ktest APP helloworld OPTS log.level=info
  EXPECT_RE "^ktest: [1-9][0-9]* passed, 0 failed$" "^ktest: PASS newlib.clock_and_times_count_in_their_units$"
            "^kiln: string functions: (sse2|avx2|avx512)" "^ktest: PASS string.memmove_overlaps_both_ways$"
            "kiln: warning: fork\\(\\) is not implemented \\(ENOSYS\\)"
            "heap stats: total [0-9]+, in use [0-9]+"
  EXPECT "Hello world!" REJECT "ktest: FAIL")
# The string functions' in-image tests with each variant the CPU can run
# (string.variant=; under QEMU TCG "auto" leaves out rep movsb/stosb).
# (avx2 on linuxu only: the AVX2 image does not boot under QEMU TCG, docs/libc.md)
foreach(_v sse2:sse2 erms:sse2,.erms avx2:avx2)
  string(REPLACE ":" ";" _vn ${_v})
  list(GET _vn 0 _opt)
  list(GET _vn 1 _name)
  set(_plats linuxu kvm)
  if(_opt STREQUAL "avx2")
    set(_plats linuxu)
  endif()
  kiln_image_test(ktest_string_${_opt} SET ktest APP helloworld PLATFORMS ${_plats}
    OPTS log.level=info ktest.filter=string. string.variant=${_opt}
    EXPECT_RE "^kiln: string functions: ${_name}" "^ktest: 6 passed, 0 failed$")
endforeach()
kiln_image_test(ktest_filter SET ktest APP helloworld OPTS ktest.filter=newlib.
  EXPECT_RE "^ktest: PASS newlib\\." "^ktest: [1-9][0-9]* passed, 0 failed$"
  REJECT "ktest: PASS alloc.")
foreach(_b buddy region)
  kiln_image_test(ktest_${_b} SET ktest-${_b} APP helloworld OPTS log.level=info
    EXPECT_RE "^ktest: [1-9][0-9]* passed, 0 failed$" "kiln: heap: ${_b}, [0-9]+ KiB"
    EXPECT "Hello world!" REJECT "ktest: FAIL")
endforeach()

# Crashes and CPU features (issue 3) ------------------------------------------
foreach(_c pagefault:page.fault|SIGSEGV div0:divide|SIGFPE ud:invalid.opcode|SIGILL)
  string(REPLACE ":" ";" _cx ${_c})
  list(GET _cx 0 _what)
  list(GET _cx 1 _re)
  kiln_image_test(crash_${_what} SET crash APP crash ARGS ${_what} STATUS 125
    EXPECT_RE "CRASH: .*(${_re})" "rip [0-9a-f]{16} rsp [0-9a-f]{16}" "#0 0x[0-9a-f]+ (do_${_what}|main)[.a-z0-9]*\\+0x"
              "#[0-9]+ 0x[0-9a-f]+ main(\\.cold)?\\+0x")
endforeach()
kiln_image_test(crash_assert SET crash APP crash ARGS assert STATUS 125
  EXPECT "PANIC: assertion failed: argc == 42" EXPECT_RE "#[0-9]+ 0x[0-9a-f]+ main(\\.cold)?\\+0x")
kiln_image_test(crash_panic SET crash APP crash ARGS panic STATUS 125
  EXPECT "PANIC: deliberate panic" EXPECT_RE "#0 0x[0-9a-f]+ main(\\.cold)?\\+0x")
kiln_image_test(crash_abort SET crash APP crash ARGS abort STATUS 125
  EXPECT "PANIC: abort() called")
kiln_image_test(crash_stack_overflow SET crash APP crash ARGS stack STATUS 125
  EXPECT_RE "CRASH: .*(page fault|SIGSEGV)" "#[0-9]+ 0x[0-9a-f]+ recurse\\+0x")
# main() runs on its own guarded stack, 1 MiB by default (main.stack=):
# 768 KiB of frames fit (the old 64 KiB boot stack overflowed), and past
# the size set the guard page names the main stack.
kiln_image_test(main_stack_deep SET crash APP crash ARGS deep 768 EXPECT "deep: 768 KiB of stack ok")
kiln_image_test(main_stack_option SET crash APP crash PLATFORMS kvm OPTS main.stack=4M ARGS deep 3072
  EXPECT "deep: 3072 KiB of stack ok")
kiln_image_test(main_stack_overflow SET crash APP crash PLATFORMS kvm OPTS main.stack=256K ARGS deep 768 STATUS 125
  EXPECT "stack overflow in main (hit the guard page below its 256 KiB stack")
kiln_image_test(main_stack_bad_option SET crash APP crash PLATFORMS kvm OPTS main.stack=8K STATUS 64
  EXPECT "bad value for option main.stack")
kiln_image_test(float SET crash APP crash ARGS float EXPECT "6.283" "18.0 0.000333333" "ok")
kiln_image_test(clocks SET crash APP crash ARGS clock
  EXPECT_RE "wall 1[7-9][0-9]{8} s since 1970" "slept [0-9]+ us \\(asked 20000\\)")

# Threads (issue 4) ----------------------------------------------------------
set(_threads_expect
  "pipeline: 3 producers, 3 consumers, 6000 items, sum 18003000 (exact)"
  "counter: 4 workers x 100000 increments = 400000 (exact)"
  "keys: alpha beta" "timedwait: ETIMEDOUT after >= 20 ms")
kiln_image_test(sched_pthread_ktest SET sched-preempt APP helloworld
  EXPECT_RE "^ktest: [1-9][0-9]* passed, 0 failed$" "^ktest: PASS sched.spinning_thread_does_not_starve_others$"
            "^ktest: PASS pthread.malloc_and_printf_from_many_threads$"
            "^ktest: PASS pthread.sleep_blocks_only_the_caller$" "^ktest: PASS pthread.thread_names$"
            "^ktest: PASS string.vector_registers_survive_preemption$"
            "^ktest: PASS pthread.deleted_key_values_do_not_reach_the_next_owner$"
            "^ktest: PASS newlib.clock_and_times_count_in_their_units$" "^ktest: PASS newlib.clock_nanosleep$"
            "^ktest: PASS sched.kernel_thread_local_is_per_thread$"
            "^ktest: PASS pthread.barrier_releases_all_together$" "^ktest: PASS pthread.spinlock_counter_is_exact$"
            "^ktest: PASS pthread.stacksize_is_honoured_and_getattr_np_reports_it$"
            "^ktest: PASS pthread.robust_mutexes_and_protocols$"
            "^ktest: PASS pthread.cleanup_handlers_run_on_pop_and_exit$"
            "^ktest: PASS pthread.deferred_cancel_wakes_cond_wait_and_respects_state$"
  EACH_LINE "hammer:=hammer: thread 0[0-7] iteration [0-9]+ line-is-whole"
  REJECT "ktest: FAIL")
kiln_image_test(threads_preempt SET threads APP threads EXPECT ${_threads_expect})
kiln_image_test(threads_coop SET threads-coop APP threads
  EXPECT ${_threads_expect}
  EXPECT_RE "^ktest: [1-9][0-9]* passed, 0 failed$" "^ktest: PASS pthread.sleep_blocks_only_the_caller$"
            "^ktest: PASS pthread.barrier_releases_all_together$" "^ktest: PASS pthread.spinlock_counter_is_exact$"
  REJECT "ktest: FAIL" "spinning_thread")
kiln_image_test(threads_stack_overflow SET threads APP threads ARGS overflow STATUS 125
  EXPECT "stack overflow in thread 'overflow'"
  EXPECT_RE "#[0-9]+ 0x[0-9a-f]+ depth\\+0x" "#[0-9]+ 0x[0-9a-f]+ overflow\\+0x")

# Thread-local storage (issue 14): __thread and thread_local from main, from
# threads (preempted: "interleaved yes"), from global constructors; errno
# per thread; out of memory for a TLS block. tls: preemptive, with
# libstdc++; tls-coop: cooperative, lib/cxxrt alone.
set(_tls_expect "tls: global constructors wrote main's thread-locals ok" "tls: errno per thread ok"
  "tls: thread_local constructors and destructors ok" "tls: oom: pthread_create returned EAGAIN")
set(_tls_expect_re "^tls: [1-9][0-9]* passed, 0 failed$"
  "tls: main thread's thread_local destructor 2 ran at exit\\ntls: main thread's thread_local destructor 1 ran at exit")
kiln_image_test(tls SET tls APP tls
  EXPECT ${_tls_expect} "tls: 4 threads saw their own thread-locals ok; interleaved yes"
  EXPECT_RE ${_tls_expect_re} REJECT "tls: FAIL")
kiln_image_test(tls_coop SET tls-coop APP tls
  EXPECT ${_tls_expect} "tls: 4 threads saw their own thread-locals ok"
  EXPECT_RE ${_tls_expect_re} REJECT "tls: FAIL")
# The thread pointer switched through the slower way (FS base MSR on kvm,
# arch_prctl on linuxu) gives the same results.
foreach(_pm linuxu:arch_prctl kvm:msr)
  string(REPLACE ":" ";" _pm ${_pm})
  list(GET _pm 0 _p)
  list(GET _pm 1 _m)
  kiln_image_test(tls_fsbase_${_m} SET tls APP tls PLATFORMS ${_p} OPTS tls.fsbase=${_m} ARGS nooom
    EXPECT "tls: 4 threads saw their own thread-locals ok; interleaved yes" "tls: errno per thread ok"
           "tls: thread pointer switched by ${_m}"
    EXPECT_RE "^tls: [1-9][0-9]* passed, 0 failed$" REJECT "tls: FAIL")
endforeach()

# C++ standard library (issue 7) ------------------------------------------
set(_cxx_expect "cxx: global constructors in order ok" "cxx: exception caught, destructors ran while unwinding ok"
  "cxx: out_of_range from at() ok" "cxx: ostringstream ok" "cxx: a double on cout: 3.75"
  "cxx: destructor b" "cxx: destructor a")
kiln_image_test(cxx_threads SET cxx APP cxxtest
  EXPECT ${_cxx_expect} "cxx: std::thread + mutex + condition_variable count ok"
  EXPECT_RE "^cxx: 1[0-9] passed, 0 failed$" "cxx: destructor b\\ncxx: destructor a")
kiln_image_test(cxx_single SET cxx-single APP cxxtest
  EXPECT ${_cxx_expect} EXPECT_RE "^cxx: [0-9]+ passed, 0 failed$" REJECT "std::thread")
kiln_image_test(cxx_uncaught SET cxx APP cxxtest ARGS uncaught STATUS 125
  EXPECT "terminate called after throwing an instance of 'std::logic_error'"
         "nobody catches this" "PANIC: abort() called")
# An interrupt that arrives with the interrupts' own IST stack as the
# interrupted stack (what a hypervisor re-injecting a vector causes): a
# clear report, not a wild fault.
kiln_image_test(crash_redelivered_irq SET crash APP crash ARGS redeliver STATUS 125 PLATFORMS kvm
  EXPECT "CRASH: interrupt vector 244 was delivered a second time before its handler started"
  REJECT "page fault")
kiln_image_test(crash_null_address SET crash APP crash ARGS pagefault STATUS 125
  EXPECT_RE "(write to null-page address 0x0 \\(not mapped\\)|SIGSEGV \\(invalid memory access\\) at address 0x0)")
kiln_image_test(stdin_line SET crash APP crash ARGS stdin STDIN "typed on the console\n"
  EXPECT "read: [typed on the console]")

# Pipes, eventfd, epoll and socketpair between threads (issue 13,
# tests/apps/ipc): 1 MiB through a pipe with a checksum, EAGAIN/EOF/EPIPE,
# one epoll over a pipe, an eventfd and TCP on lwIP's 127.0.0.1, a
# socketpair echo, and 5,000 idle descriptors of which poll and epoll_wait
# must find the one that becomes ready.
kiln_image_test(ipc SET ipc APP ipc
  EXPECT "ipc: pipe 1 MiB between threads, checksum" "ipc: nonblocking pipe: empty read EAGAIN, full after 65000 bytes EAGAIN=1, FIONREAD 65000, select 1"
         "ipc: EOF after the last writer, EPIPE=1 after the last reader"
         "ipc: epoll over a pipe, an eventfd and TCP on 127.0.0.1 ok" "ipc: the epoll descriptor is pollable"
         "ipc: socketpair echo between threads ok"
         "ipc: socketpair send/recv/sendmsg/recvmsg/shutdown/getsockopt ok"
         "ipc: poll over 5000 descriptors found pipe 1234"
         "ipc: epoll over 5000 descriptors found pipe 2001" "ipc: all passed (0 failures)"
  REJECT "ipc: FAIL")
# The same without lib/socket: poll, select, pipes, epoll and socketpair
# are lib/fdtab's.
kiln_image_test(ipc_nosock SET ipc-nosock APP ipc PLATFORMS linuxu
  EXPECT "ipc: epoll over a pipe, an eventfd (no sockets in this image) ok" "ipc: socketpair echo between threads ok"
         "ipc: socketpair send/recv/sendmsg/recvmsg/shutdown/getsockopt ok"
         "ipc: poll over 5000 descriptors found pipe 1234" "ipc: all passed (0 failures)"
  REJECT "ipc: FAIL")

# The libc (issue 14, docs/libc.md): newlib's configuration and POSIX parts,
# the correctness fixes and the ENOSYS process calls (tests/apps/libc).
set(_libc_parts locale longdouble iconv regex fnmatch glob libgen getopt inet_pton sockflags printf strtod
    memstream tgmath mathl process dlfcn search tm random mutex semopen rlimit fixes edge sysvipc sysvipc_eintr
    inet resolv crypt)
set(_libc_expect)
foreach(_part ${_libc_parts})
  list(APPEND _libc_expect "libc: ${_part} ok")
endforeach()
kiln_image_test(libc SET libc APP libc
  EXPECT ${_libc_expect} "libc: all passed (0 failures)" "fork() is not implemented (ENOSYS)"
         "posix_spawn() is not implemented (ENOSYS)" "dlopen() is not implemented (ENOSYS)"
  REJECT "libc: FAIL")
# The link test: one image referencing every function in
# tests/compile/libc_names.txt links (the build is the test) and runs; the
# pending list is reported, not failed on.
kiln_image_test(libc_link SET linkall APP linkall
  EXPECT_RE "linkall: [0-9]+ names link" "linkall: [0-9]+ pending names, [0-9]+ still missing")

# poll/select over File readiness; console input on an interrupt (issue 12)
# Input comes through a pipe the test writes into later (sleep keeps it
# open and empty meanwhile: an empty closed pipe would be end of input,
# which is readable).
foreach(_p linuxu kvm)
  set(_img ${I}/pollio/pollio_${_p}-x86_64)
  if(_p STREQUAL "linuxu")
    set(_run "${_img}")
  else()
    set(_run "${RUN} --image ${_img} --")
  endif()
  add_test(NAME image.${_p}.poll_stdin_no_input COMMAND ${CHECK} --expect-re "^poll: 0 after [0-9]+ ms$"
           -- /bin/sh -c "sleep 5 | ${_run} none 700")
  add_test(NAME image.${_p}.poll_select_stdin_input COMMAND ${CHECK}
           --expect "poll: 1 revents 0x1 after waiting" --expect "line 1: [first]"
           --expect "select: 1 stdin set after waiting" --expect "line 2: [second]"
           -- /bin/sh -c "(sleep 2; echo first; sleep 1; echo second) | ${_run} input")
  add_test(NAME image.${_p}.poll_console_and_socket COMMAND ${CHECK}
           --expect "mix 1: 1 stdin 0 socket 0x1" --expect "mix 2: 1 stdin 0x1 socket 0"
           --expect "mix 2: stdin [typed]"
           -- /bin/sh -c "(sleep 2; echo typed) | ${_run} mix")
  add_test(NAME image.${_p}.select_over_64_fds COMMAND ${CHECK} --expect "select64: 1 ready, socket 77"
           -- /bin/sh -c "${_run} select64 </dev/null")
  add_test(NAME image.${_p}.fcntl_status_flags COMMAND ${CHECK}
           --expect "fcntl: console flags nonblock=0" --expect "fcntl: console nonblock=1 read -1 EAGAIN"
           --expect "fcntl: socket nonblock=1 recv -1 EAGAIN" --expect "fcntl: socket cleared nonblock=0"
           --expect "fcntl: dupfd >= 10, bad fd -1 EBADF" --expect "fcntl: F_GETLK 0 F_UNLCK"
           -- /bin/sh -c "sleep 5 | ${_run} fcntl")
  add_test(NAME image.${_p}.console_input_idle
           COMMAND ${KILN_SRC}/tests/apps/pollio/console_idle.sh ${I}/pollio ${_p})
  set_tests_properties(image.${_p}.console_input_idle PROPERTIES RUN_SERIAL TRUE)
endforeach()

# The initrd (issue 13; docs/initrd.md): archives given at boot (made by
# tests/apps/initrd/make_archives.py into the test folder), the rootfs/
# folder embedded in the image, precedence, malformed archives refused at
# boot with the offset and the reason, and the initrd outside the heap.
set(_ird ${CMAKE_BINARY_DIR}/initrd)
set(_ird_files ${_ird}/external.cpio ${_ird}/external-crc.cpio ${_ird}/bad-magic.cpio ${_ird}/truncated.cpio
    ${_ird}/large.cpio)
add_custom_command(OUTPUT ${_ird_files}
  COMMAND /usr/bin/python3 ${KILN_SRC}/tests/apps/initrd/make_archives.py ${_ird}
  DEPENDS ${KILN_SRC}/tests/apps/initrd/make_archives.py ${KILN_SRC}/support/mkcpio.py)
add_custom_target(initrd_archives ALL DEPENDS ${_ird_files})
set(_embedded_lines "d 0755        0 811c9dc5 bin" "f 0755       19 13083abf bin/run.sh"
  "d 0755        0 811c9dc5 etc" "f 0644       17 949099b9 etc/hostname"
  "l 0777        9 29c146cd greeting -> hello.txt" "f 0644       32 54b12637 hello.txt")
set(_external_lines "d 0755        0 811c9dc5 boot" "f 0644   204800 ab44bdc5 boot/big.bin"
  "l 0777       11 6a7f0032 boot/link -> message.txt" "f 0644       14 1361c6fd boot/message.txt"
  "initrd: 4 entries")
kiln_image_test(initrd_embedded SET initrd APP initrd OPTS log.level=info
  EXPECT "initrd: embedded, 928 bytes" ${_embedded_lines} "initrd: 6 entries"
         "kiln: initrd: 6 entries, 928 bytes (embedded)")
kiln_image_test(initrd_external SET initrd APP initrd INITRD ${_ird}/external.cpio
  EXPECT_RE "^initrd: (host file|boot module), 205440 bytes$" EXPECT ${_external_lines} REJECT "hello.txt")
kiln_image_test(initrd_external_070702 SET initrd APP initrd INITRD ${_ird}/external-crc.cpio
  EXPECT ${_external_lines})
kiln_image_test(initrd_multiboot SET initrd APP initrd PLATFORMS kvm MACHINE pc BOOT multiboot
  INITRD ${_ird}/external.cpio EXPECT "initrd: boot module, 205440 bytes" ${_external_lines})
kiln_image_test(initrd_outside_heap SET initrd APP initrd INITRD ${_ird}/large.cpio ARGS fill
  EXPECT "f 0644  3145728 " "large.bin" EXPECT_RE "^initrd: unchanged after filling [0-9]+ KiB of heap$")
kiln_image_test(initrd_bad_magic SET initrd APP initrd INITRD ${_ird}/bad-magic.cpio STATUS 125
  EXPECT "kiln: error: initrd: offset 116: bad magic (not a cpio newc header)" REJECT "initrd: 4 entries")
kiln_image_test(initrd_truncated SET initrd APP initrd INITRD ${_ird}/truncated.cpio STATUS 125
  EXPECT "kiln: error: initrd: offset 170: file data runs past the end of the archive")
kiln_image_test(initrd_missing_file SET initrd APP initrd PLATFORMS linuxu INITRD /nonexistent/initrd.cpio
  STATUS 125 EXPECT "kiln: error: linuxu: initrd=/nonexistent/initrd.cpio: cannot open: No such file or directory")
kiln_image_test(initrd_none SET initrd-none APP initrd EXPECT "initrd: none")
kiln_image_test(initrd_app_reports_fault SET initrd-none APP initrd INITRD ${_ird}/bad-magic.cpio STATUS 1
  EXPECT "initrd: offset 116: bad magic (not a cpio newc header)" REJECT "kiln: error")

# Files (issue 13): the vfs through newlib as an app uses it: round trips,
# directories, a 16 MiB file with a checksum, stdio, /dev; EMFILE at fd.max=;
# ENOSPC on a full ramfs (ramfs.max=) with the earlier files intact.
kiln_image_test(files SET files APP files
  EXPECT "ok: read it back: same size, same checksum" "ok: opendir/readdir lists . .. one two sub with their types"
         "ok: fopen + fscanf read it back" "ok: /dev/urandom" "files: via /dev/fd/1" "files: 44 passed, 0 failed"
  REJECT "FAIL")
kiln_image_test(files_emfile SET files APP files OPTS fd.max=40 ARGS emfile
  EXPECT "files: 37 opened, last fd 39" "ok: open until EMFILE" "files: 2 passed, 0 failed" REJECT "FAIL")
kiln_image_test(files_enospc SET files APP files OPTS ramfs.max=2M ARGS enospc
  EXPECT "ok: write until ENOSPC" "ok: earlier files intact" "ok: unlink frees the space" "files: 5 passed, 0 failed"
  REJECT "FAIL")
# Advisory locks: flock between opens (a blocked thread, the rest running),
# fcntl POSIX and OFD locks, lockf.
kiln_image_test(files_locks SET files APP files ARGS locks
  EXPECT "ok: a blocked flock waits in its thread only, until the unlock" "ok: F_GETLK: F_UNLCK"
         "ok: F_OFD_SETLK against the process's lock: EAGAIN" "files: 22 passed, 0 failed" REJECT "FAIL")
# FIFOs on the ramfs (mkfifo, mknod): opens share one pipe, a blocked
# O_RDONLY open in a thread, O_NONBLOCK's ENXIO, EOF, mknod S_IFCHR EPERM.
kiln_image_test(files_fifo SET files APP files ARGS fifo
  EXPECT "ok: a blocking O_RDONLY open waits for a writer" "ok: the reader got it all, then EOF"
         "ok: O_WRONLY|O_NONBLOCK, no reader: ENXIO" "ok: mknod S_IFCHR: EPERM" "files: 16 passed, 0 failed"
  REJECT "FAIL")
# poll/select/epoll over files as Linux: always ready; epoll_ctl EPERM.
kiln_image_test(files_poll SET files APP files ARGS poll
  EXPECT "ok: epoll_ctl ADD of a regular file: EPERM" "ok: epoll_ctl ADD of a directory: EPERM"
         "files: 9 passed, 0 failed" REJECT "FAIL")
# The procfs (VFS_PROCFS, on by default with the vfs): meminfo, cpuinfo, and
# /proc/self/fd listing and naming a pipe, a file, a directory, /dev/null.
kiln_image_test(files_proc SET files APP files ARGS proc
  EXPECT "ok: meminfo: MemFree follows the heap (4 MiB malloc)" "ok: readlink of a pipe end: pipe:[N]"
         "ok: readlink of a file: its path" "ok: /proc/self/fd lists fds 0-2, both pipe ends, the file, the directory, /dev/null"
         "files: 21 passed, 0 failed"
  REJECT "FAIL")

# The initrd as files (issue 13; docs/initrd.md "The initrd as files"), app
# tests/apps/rootfs: its rootfs/ embedded and served as "/", an external
# archive served as "/" instead, a write to an initrd file (copy on write:
# the archive's bytes unchanged, the other file untouched), initrd.at=/data
# and none, a malformed archive still refused at boot; vfs.mount= made at
# boot, and bad ones stopping it with one line.
set(_rootfs_lines "rootfs: / = bin dev etc motd-link proc tmp" "rootfs: /etc = motd motd.hard other"
  "rootfs: cat /etc/motd: embedded motd" "rootfs: cat /motd-link: embedded motd"
  "rootfs: stat /etc/motd: f 0644 14 bytes, 0 blocks" "rootfs: stat /bin/tool: f 0755 12 bytes, 0 blocks"
  "rootfs: stat /motd-link: l 0777 8 bytes, 0 blocks")
kiln_image_test(rootfs_embedded SET rootfs APP rootfs OPTS log.level=info
  EXPECT ${_rootfs_lines} "kiln: vfs: initrd (embedded) at /: 7 entries served in place, 0 skipped")
kiln_image_test(rootfs_external SET rootfs APP rootfs INITRD ${_ird}/external.cpio
  EXPECT "rootfs: / = boot dev proc tmp" "rootfs: /boot = big.bin link message.txt"
         "rootfs: cat /boot/message.txt: given at boot" "rootfs: cat /boot/link: given at boot"
         "rootfs: stat /boot/big.bin: f 0644 204800 bytes, 0 blocks" REJECT "motd")
# A hard link in the embedded folder (made by tests/apps/rootfs/CMakeLists.txt):
# one inode with two names in the tree.
kiln_image_test(rootfs_hard_link SET rootfs APP rootfs ARGS links
  EXPECT "ok: a hard link: the same st_ino" "ok: st_nlink 2" "ok: both names read the same data"
         "ok: read through the other" "rootfs: 7 passed, 0 failed" REJECT "FAIL")
kiln_image_test(rootfs_write SET rootfs APP rootfs ARGS write
  EXPECT "ok: write an initrd file" "ok: it reads back the new data" "ok: the other file is untouched"
         "ok: the archive still holds the old bytes" "ok: append to an initrd file keeps its start"
         "ok: unlink an initrd file" "rootfs: 6 passed, 0 failed" REJECT "FAIL")
kiln_image_test(rootfs_at_data SET rootfs APP rootfs OPTS initrd.at=/data ARGS at /data
  EXPECT "rootfs: /data = bin etc motd-link" "rootfs: / = data dev proc tmp" "rootfs: cat /data/etc/motd: embedded motd")
kiln_image_test(rootfs_at_none SET rootfs APP rootfs OPTS initrd.at=none EXPECT "rootfs: / = dev proc tmp")
kiln_image_test(rootfs_bad_magic SET rootfs APP rootfs INITRD ${_ird}/bad-magic.cpio STATUS 125
  EXPECT "kiln: error: initrd: offset 116: bad magic (not a cpio newc header)" REJECT "rootfs: /")
kiln_image_test(rootfs_mount SET rootfs APP rootfs OPTS vfs.mount=ramfs:/scratch/x:max=64K ARGS mount /scratch/x
  EXPECT "ok: the mount point is another filesystem" "ok: a file there reads back" "rootfs: /scratch/x: 64 KiB"
         "rootfs: 2 passed, 0 failed" REJECT "FAIL")
kiln_image_test(rootfs_mount_unknown_type SET rootfs APP rootfs OPTS vfs.mount=nofs:/x STATUS 125
  EXPECT "kiln: error: vfs: mount nofs on /x (vfs.mount=) failed: unknown filesystem type" REJECT "rootfs: /")
kiln_image_test(rootfs_mount_bad_options SET rootfs APP rootfs OPTS vfs.mount=ramfs:/y:max=lots STATUS 125
  EXPECT "kiln: error: vfs: mount ramfs on /y (vfs.mount=) failed: bad options" REJECT "rootfs: /")
kiln_image_test(rootfs_mount_not_a_dir SET rootfs APP rootfs OPTS vfs.mount=ramfs:/etc/motd STATUS 125
  EXPECT "kiln: error: vfs: mount ramfs on /etc/motd (vfs.mount=) failed: the mount point is not a directory")
kiln_image_test(rootfs_mount_syntax SET rootfs APP rootfs OPTS vfs.mount=ramfs STATUS 64
  EXPECT "kiln: error: bad value for option vfs.mount: 'ramfs'")

# lib/process from an app (issue 14): uname and the host name (hostname=),
# the environment from the configuration and env= (replacing HOME), the
# user database from the embedded rootfs/etc (a malformed line skipped),
# syscall(2) for an implemented and an unimplemented call.
set(_process_common "process: pid 1 uid 0" "process: getpwnam www uid=33 gid=33 dir=/var/www shell=/usr/sbin/nologin"
  "process: getpwuid 1000 alice" "process: getgrnam www gid=33 members alice bob" "process: users root www alice"
  "kiln: warning: system call kexec_load (246) is not implemented (ENOSYS)" "process: kexec_load ENOSYS"
  "process: getrandom 16 bytes, getentropy 16 other bytes")
kiln_image_test(process_identity SET process APP process OPTS hostname=web1 env=GREETING=hello env=HOME=/srv
  EXPECT_RE "^process: uname Kiln [0-9]+\\.[0-9]+\\.[0-9]+ x86_64 web1$"
  EXPECT "process: hostname web1" "process: env GREETING=hello" "process: env HOME=/srv"
         "process: env PATH=/usr/local/bin:/usr/bin:/bin" "process: env KILN_FROM_HOST=(unset)"
         "process: environ has 4 variables" "process: nofile 65536" ${_process_common})
kiln_image_test(process_defaults SET process APP process
  EXPECT "process: hostname kiln-test" "process: env GREETING=(unset)" "process: env HOME=/" ${_process_common})
kiln_image_test(process_bad_env SET process APP process OPTS env=NOVALUE STATUS 64
  EXPECT "kiln: error: bad value for option env: 'NOVALUE'" REJECT "process: uname")
kiln_image_test(process_long_hostname SET process APP process
  OPTS hostname=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa STATUS 64
  EXPECT "kiln: error: bad value for option hostname" REJECT "process: uname")
kiln_image_test(process_env_host_guest SET process APP process PLATFORMS kvm OPTS env.host=1
  EXPECT "kiln: warning: env.host=1: this platform has no host environment" "process: env HOME=/")
# linuxu with env.host=1: the host's variables come first, env= replaces one.
add_test(NAME image.linuxu.process_env_host
  COMMAND ${CHECK} --expect "process: env KILN_FROM_HOST=yes" --expect "process: env HOME=/override"
          --expect "process: env GREETING=(unset)"
          -- env -i KILN_FROM_HOST=yes HOME=/host ${I}/process/process_linuxu-x86_64 env.host=1 env=HOME=/override --)

# virtio-rng as the entropy source (issue 14): on a CPU without RDRAND
# (qemu64) the device is the only source; with RDRAND both are mixed.
kiln_image_test(rng_virtio_only SET rng APP process PLATFORMS kvm OPTS log.level=info
  QEMU -cpu qemu64 -device virtio-rng-device
  EXPECT_RE "kiln: virtio-rng: mmio@0x[0-9a-f]+ irq [0-9]+ \\(mmio-v1\\)"
  EXPECT "kiln: random numbers seeded from virtio-rng (a device)" "process: getrandom 16 bytes, getentropy 16 other bytes"
  REJECT "no entropy source")
kiln_image_test(rng_virtio_pci_and_rdrand SET rng APP process PLATFORMS kvm MACHINE q35 OPTS log.level=info
  QEMU -device virtio-rng-pci
  EXPECT "kiln: random numbers seeded from rdrand (the CPU) and virtio-rng" "process: getrandom 16 bytes, getentropy 16 other bytes")
kiln_image_test(rng_none SET rng APP process PLATFORMS kvm QEMU -cpu qemu64
  EXPECT "kiln: warning: random: no entropy source on this platform or CPU" "process: getrandom 16 bytes, getentropy 16 other bytes")

# virtio-blk + lib/blkdev (issue 15): the host makes a disk, the guest
# reads its first 4 KiB (checksum), writes 1 MiB with 16 requests in flight,
# flushes and reads it back; the host then checks the disk's bytes. On
# every transport: mmio v1 and v2 (microvm), pci modern and legacy (q35).
set(_blk_tool /usr/bin/python3 ${KILN_SRC}/tests/tools/blk_disk.py)
set(_blk_read "blk: vda 16384 sectors of 512 bytes, flush" "blk: first 4 KiB fnv1a 5e86fdc5"
  "blk: past the end: Invalid argument, 100 bytes: Invalid argument")
foreach(_t mmio-v1:microvm mmio-v2:microvm:-global|virtio-mmio.force-legacy=false
        pci-modern:q35 pci-legacy:q35:-global|virtio-blk-pci.disable-modern=on)
  string(REPLACE ":" ";" _f "${_t}")
  string(REPLACE "|" ";" _f "${_f}")
  list(GET _f 0 _n)
  list(GET _f 1 _m)
  list(LENGTH _f _len)
  set(_q)
  if(_len GREATER 2)
    list(SUBLIST _f 2 -1 _q)
  endif()
  if(_m STREQUAL microvm)
    set(_dev virtio-blk-device)
  else()
    set(_dev virtio-blk-pci)
  endif()
  set(_disk ${CMAKE_CURRENT_BINARY_DIR}/blk-${_n}.img)
  add_test(NAME blk.disk_make_${_n} COMMAND ${_blk_tool} make ${_disk})
  set_tests_properties(blk.disk_make_${_n} PROPERTIES FIXTURES_SETUP blk_disk_${_n})
  kiln_image_test(blk_write_${_n} SET blk APP blk PLATFORMS kvm MACHINE ${_m} OPTS log.level=info
    QEMU -drive file=${_disk},if=none,id=d0,format=raw
         -device ${_dev},drive=d0 ${_q}
    ARGS write EXPECT ${_blk_read} EXPECT_RE "kiln: virtio-blk: vda: .* \\(${_n}\\), 16384 sectors of 512 bytes"
    "blk: wrote 1 MiB at byte 4096 in 16 requests in flight, flushed, read back the same")
  set_tests_properties(image.kvm.blk_write_${_n} PROPERTIES FIXTURES_REQUIRED blk_disk_${_n}
                       FIXTURES_SETUP blk_written_${_n})
  add_test(NAME blk.disk_check_${_n} COMMAND ${_blk_tool} check ${_disk})
  set_tests_properties(blk.disk_check_${_n} PROPERTIES FIXTURES_REQUIRED blk_written_${_n}
                       DEPENDS image.kvm.blk_write_${_n})
endforeach()
# The runner's --disk flag, read-only: writes refused with EROFS.
add_test(NAME blk.disk_make_ro COMMAND ${_blk_tool} make ${CMAKE_CURRENT_BINARY_DIR}/blk-ro.img)
set_tests_properties(blk.disk_make_ro PROPERTIES FIXTURES_SETUP blk_disk_ro)
add_test(NAME image.kvm.blk_readonly
  COMMAND ${CHECK} --expect "blk: vda 16384 sectors of 512 bytes, read-only, flush"
          --expect "blk: first 4 KiB fnv1a 5e86fdc5" --expect "blk: write to a read-only disk: Read-only file system"
          -- ${RUN} --image ${I}/blk/blk_kvm-x86_64 --disk ${CMAKE_CURRENT_BINARY_DIR}/blk-ro.img,ro -- readonly)
set_tests_properties(image.kvm.blk_readonly PROPERTIES FIXTURES_REQUIRED blk_disk_ro)
add_test(NAME image.kvm.blk_no_disk COMMAND ${CHECK} --status 2 --expect "blk: no block device vda"
         -- ${RUN} --image ${I}/blk/blk_kvm-x86_64)
add_test(NAME runner.disk_missing_file
  COMMAND ${CHECK} --status 2 --expect "kiln-run: --disk '/nonexistent.img': no such file"
          -- ${RUN} --image ${I}/blk/blk_kvm-x86_64 --disk /nonexistent.img)

# 9p (lib/ninep + virtio-9p, issue 15): a host folder shared by tag
# (support/run.sh --share 9p:TAG:DIR), on every transport: the guest reads
# what the host wrote (checksums, four threads at once), writes files,
# directories, symlinks, links and renames that the host then checks; a
# ,ro share refuses writes (EROFS) and stays unchanged; a missing tag
# stops the boot with a line naming it (tests/tools/ninep_share.py).
set(_9p_tool /usr/bin/python3 ${KILN_SRC}/tests/tools/ninep_share.py ${I}/9p/ninep_kvm-x86_64)
add_test(NAME image.kvm.9p_rw_mmio-v1 COMMAND ${_9p_tool} rw)
add_test(NAME image.kvm.9p_rw_mmio-v2 COMMAND ${_9p_tool} rw --qemu-arg -global --qemu-arg virtio-mmio.force-legacy=false)
add_test(NAME image.kvm.9p_rw_pci-modern COMMAND ${_9p_tool} rw --machine q35)
add_test(NAME image.kvm.9p_rw_pci-legacy COMMAND ${_9p_tool} rw --machine q35
         --qemu-arg -global --qemu-arg virtio-9p-pci.disable-modern=on)
add_test(NAME image.kvm.9p_readonly COMMAND ${_9p_tool} ro)
add_test(NAME image.kvm.9p_readonly_pc COMMAND ${_9p_tool} ro --machine pc)
add_test(NAME image.kvm.9p_no_tag COMMAND ${_9p_tool} notag)
add_test(NAME runner.share_missing_dir
  COMMAND ${CHECK} --status 2 --expect "kiln-run: --share '9p:t:/nonexistent-dir': no such folder '/nonexistent-dir'"
          -- ${RUN} --image ${I}/9p/ninep_kvm-x86_64 --share 9p:t:/nonexistent-dir)
add_test(NAME runner.share_unknown_type
  COMMAND ${CHECK} --status 2 --expect "kiln-run: --share 'nfs:t:/tmp': unknown type 'nfs' (one of: 9p, virtiofs)"
          -- ${RUN} --image ${I}/9p/ninep_kvm-x86_64 --share nfs:t:/tmp)

# hostfs on linuxu (issue 15): a host folder at /host, read, written,
# listed, escape attempts (`..` at the mount root, relative and absolute
# symlinks out) refused, a read-only mount, a missing folder; the host
# checks what the guest wrote (tests/tools/hostfs_test.sh).
add_test(NAME image.linuxu.hostfs COMMAND ${KILN_SRC}/tests/tools/hostfs_test.sh ${I}/hostfs/hostfs_linuxu-x86_64)

# A database that survives a restart (issue 15): SQLite's sqlite3 shell from
# Debian's source (tests/apps/sqlite) fills a database in a host folder with
# 10,000 rows, a second run reads them back with PRAGMA integrity_check,
# compared with the host's sqlite3 on the same file; an SQL script's output
# equals the host's; a file that is not a database gives the host's error
# (tests/tools/sqlite_test.sh).
add_test(NAME image.linuxu.sqlite_persist COMMAND ${KILN_SRC}/tests/tools/sqlite_test.sh hostfs ${I}/sqlite/sqlite_linuxu-x86_64)
# The same on kvm with the database on an ext4 disk made with mke2fs: after
# each boot e2fsck -fn must be clean, and debugfs takes the file out for the
# host's sqlite3 (image set sqlite-ext4).
add_test(NAME image.kvm.sqlite_persist_ext4 COMMAND ${KILN_SRC}/tests/tools/sqlite_test.sh ext4 ${I}/sqlite-ext4/sqlite_kvm-x86_64)
# A root that cannot be mounted, and a mount on / after another one: one line
# each, and the boot stops (vfs.mount=TYPE:/:OPTIONS, docs/vfs.md).
kiln_image_test(vfs_root_missing SET sqlite APP sqlite PLATFORMS linuxu STATUS 125
  OPTS vfs.mount=hostfs:/:/nonexistent-kiln-root ARGS :memory: "select 1"
  EXPECT "kiln: error: vfs: mount hostfs on / (vfs.mount=) failed: No such file or directory")
kiln_image_test(vfs_root_not_first SET sqlite APP sqlite PLATFORMS linuxu STATUS 125
  OPTS vfs.mount=ramfs:/x vfs.mount=hostfs:/:/tmp ARGS :memory: "select 1"
  EXPECT "kiln: error: vfs: mount hostfs on / (vfs.mount=): a mount on / must be the first one (VFS_MOUNTS, then vfs.mount=)")

# virtio-fs + lib/virtiofs on kvm (issue 15), with QEMU's virtiofsd started
# by the runner (--share virtiofs:share:DIR): host files read in the guest
# with checksums, the guest's files, directories, symlinks, renames, links
# and concurrent writes checked on the host, read-only shares and mounts,
# a missing tag (tests/tools/virtiofs_test.py; needs root).
set(_vfsd_tool /usr/bin/python3 ${KILN_SRC}/tests/tools/virtiofs_test.py)
foreach(_m microvm q35)
  add_test(NAME image.kvm.virtiofs_rw_${_m} COMMAND ${_vfsd_tool} rw ${I}/virtiofs/virtiofs_kvm-x86_64 ${_m})
endforeach()
add_test(NAME image.kvm.virtiofs_ro COMMAND ${_vfsd_tool} ro ${I}/virtiofs/virtiofs_kvm-x86_64 microvm)
add_test(NAME image.kvm.virtiofs_notag COMMAND ${_vfsd_tool} notag ${I}/virtiofs/virtiofs_kvm-x86_64 microvm)
add_test(NAME runner.share_missing_folder
  COMMAND ${CHECK} --status 2 --expect "kiln-run: --share 'virtiofs:t:/nonexistent': no such folder '/nonexistent'"
          -- ${RUN} --image ${I}/virtiofs/virtiofs_kvm-x86_64 --share virtiofs:t:/nonexistent)
add_test(NAME runner.share_needs_root
  COMMAND ${CHECK} --status 2 --expect "kiln-run: --share virtiofs needs root (virtiofsd sandboxes itself with namespaces): run the runner as root"
          -- setpriv --reuid=65534 --regid=65534 --clear-groups ${RUN} --image ${I}/virtiofs/virtiofs_kvm-x86_64 --share virtiofs:t:/tmp)

# Memory mapping (issue 14; docs/libc.md "Memory mapping"), app tests/apps/mm:
# anonymous private and shared mappings, partial munmap, MAP_FIXED and
# MAP_FIXED_NOREPLACE, mremap grow/shrink, file-backed MAP_PRIVATE and
# MAP_SHARED on ramfs, mprotect, madvise, 1000 mappings without a leak,
# ENOMEM; real page rights: a write to a read-only mapping, a read of a
# PROT_NONE one and a touch of an unmapped hole crash with a report naming
# the mapping; 2 MiB mappings until ENOMEM, each with a read-only page.
kiln_image_test(mm SET mm APP mm
  EXPECT "ok: the rest keeps its contents" "ok: MAP_FIXED over a mapping replaces it (zeros at that address)"
         "ok: mremap grow (MREMAP_MAYMOVE) keeps the contents" "ok: writes to a private mapping do not reach the file"
         "ok: after msync, read() sees the mapping's bytes" "ok: the heap is back where it was (no leak)"
         "ok: a 1 TiB mapping: ENOMEM" "mm: 65 passed, 0 failed"
  REJECT "FAIL")
kiln_image_test(mm_write_read_only SET mm APP mm ARGS rdonly STATUS 125
  EXPECT "mm: read 1, now writing to a PROT_READ mapping"
  EXPECT_RE "CRASH: .*(page fault|SIGSEGV)"
            "  in mmap mapping 0x[0-9a-f]+-0x[0-9a-f]+ \\(anonymous private, PROT_READ\\): the mapping is not writable"
            "#[0-9]+ 0x[0-9a-f]+ main(\\.cold)?\\+0x"
  REJECT "the write went through")
kiln_image_test(mm_read_prot_none SET mm APP mm ARGS none STATUS 125
  EXPECT_RE "CRASH: .*(page fault|SIGSEGV)"
            "  in mmap mapping 0x[0-9a-f]+-0x[0-9a-f]+ \\(anonymous private, PROT_NONE\\): no access is allowed"
  REJECT "FAIL")
kiln_image_test(mm_unmapped_hole SET mm APP mm ARGS hole STATUS 125
  EXPECT "mm: the rest is fine, now touching the unmapped page"
  EXPECT_RE "CRASH: .*(page fault|SIGSEGV)" "  in an unmapped part \\(munmap\\) of the mmap block 0x[0-9a-f]+-0x[0-9a-f]+"
  REJECT "the write went through")
kiln_image_test(mm_exhaust SET mm APP mm ARGS exhaust
  EXPECT "ok: 2 MiB mappings until ENOMEM" "ok: a read-only page in each, the rest writable" "ok: all unmapped"
         "ok: the memory is back: one mapping of half of it" "mm: 4 passed, 0 failed"
  REJECT "FAIL")
# munmap holes go back to malloc when the heap runs out (libc-test's
# malloc-brk-fail; lib/mm's reclaimer, kiln_prelease).
kiln_image_test(mm_holes SET mm APP mm ARGS holes
  EXPECT "ok: malloc(10000) with the heap full of mappings: ENOMEM"
         "ok: malloc(10000) succeeds: the hole's pages went back to the heap"
         "ok: both sides of the hole are still mappings" "ok: all unmapped, every block back"
         "mm: 7 passed, 0 failed"
  REJECT "FAIL")
# lib/mm is in every newlib image, but an app that never maps memory links
# none of it (--gc-sections; its fault hint is in the not-kept
# .kiln_fault_hints.on_use): helloworld has no mm code, table entries or
# hint; the mm image, which calls mmap and syscall(2), has them (the control).
foreach(_p linuxu kvm)
  add_test(NAME image.${_p}.mm_not_linked_without_use COMMAND sh -c
    "nm ${I}/hello/helloworld_${_p}-x86_64.dbg | grep -E ' (kiln_sys_mmap|kiln_sysent_mmap|kiln_sysent_brk|kiln_mm_fault_hint|mmap|sbrk|_ZN4kiln2mm.*)$' && exit 1; nm ${I}/mm/mm_${_p}-x86_64.dbg | grep -cE ' (kiln_sysent_mmap|kiln_sysent_brk|kiln_mm_fault_hint)$' | grep -qx 3")
endforeach()
# Signals within the image (issue 14, lib/signal; docs/libc.md "Signals") ----
kiln_image_test(signals SET signals APP signals
  EXPECT "handler ok: signo 10 code 0" "masking ok" "sigsuspend ok" "nanosleep EINTR ok"
         "pipe read EINTR ok" "SA_RESTART read ok" "sem_wait EINTR ok" "setitimer periodic ok: 3" "timer_create SIGEV_SIGNAL ok: value 4242"
         "timer_create SIGEV_THREAD ok" "sigsetjmp/siglongjmp ok" "ignored SIGPIPE gives EPIPE ok"
         "sigaltstack ok" "signals: ok"
  REJECT "FAIL")
# 128 + N is the status; on kvm it arrives as N: isa-debug-exit carries 7
# bits (docs/kvm.md), so the kvm runs check the line and 13 / 15.
foreach(_p linuxu:128 kvm:0)
  string(REPLACE ":" ";" _pp ${_p})
  list(GET _pp 0 _plat)
  list(GET _pp 1 _base)
  math(EXPR _pipe "${_base} + 13")
  math(EXPR _term "${_base} + 15")
  kiln_image_test(signals_sigpipe_kills SET signals APP signals PLATFORMS ${_plat} ARGS pipe STATUS ${_pipe}
    EXPECT "writing to a closed pipe" "kiln: killed by signal 13 (SIGPIPE)" REJECT "still alive")
  kiln_image_test(signals_sigterm_default SET signals APP signals PLATFORMS ${_plat} ARGS term STATUS ${_term}
    EXPECT "raising SIGTERM" "kiln: killed by signal 15 (SIGTERM)" REJECT "still alive")
  # Posted from timer context (the image idles in pause): the default action at once.
  math(EXPR _alrm "${_base} + 14")
  kiln_image_test(signals_alarm_default SET signals APP signals PLATFORMS ${_plat} ARGS alarm STATUS ${_alrm}
    EXPECT "alarm in 1 s" "kiln: killed by signal 14 (SIGALRM)" REJECT "still alive")
endforeach()
kiln_image_test(signals_console_read_eintr SET signals APP signals PLATFORMS kvm ARGS console
  EXPECT "console read EINTR ok")
foreach(_s TERM:15 INT:2)
  string(REPLACE ":" ";" _ss ${_s})
  list(GET _ss 0 _name)
  list(GET _ss 1 _num)
  string(TOLOWER ${_name} _lname)
  kiln_image_test(signals_host_sig${_lname} SET signals APP signals PLATFORMS linuxu ARGS host
    SIGNAL_AFTER "waiting for SIGTERM or SIGINT=SIG${_name}"
    EXPECT "handler got signal ${_num}, exiting cleanly" REJECT "killed by signal")
endforeach()
# Lua 5.4 (issue 14): Debian's lua5.4 sources built as an out-of-tree app
# (tests/apps/lua, docs/apps.md "Programs from Debian's sources"), running
# its script from the embedded rootfs: strings, tables, math, io on the ramfs,
# os.*, pcall/error, coroutines, goto; the script's os.exit status; a
# runtime error in a chunk given by -e ends the interpreter with status 1.
set(_lua_checks "ok: format %.14g" "ok: format %a round-trips" "ok: io.open write then read 1000 lines"
    "ok: io append, seek, read" "ok: os.date of a fixed time (UTC)" "ok: os.getenv LUA_TEST"
    "ok: os.clock advances with work" "ok: coroutine.resume/status/error" "ok: goto continue"
    "ok: xpcall with a traceback" "lua: 55 passed, 0 failed")
kiln_image_test(lua SET lua APP lua OPTS env=LUA_TEST=kiln ARGS /lua/kiln.lua
  EXPECT "lua: Lua 5.4, 0 argument(s)" ${_lua_checks} REJECT "FAIL")
kiln_image_test(lua_exit_status SET lua APP lua OPTS env=LUA_TEST=kiln ARGS /lua/kiln.lua exit 3 STATUS 3
  EXPECT "lua: Lua 5.4, 2 argument(s)" "lua: 55 passed, 0 failed" REJECT "FAIL")
kiln_image_test(lua_error SET lua APP lua ARGS -e "print(6*7) error('boom')" STATUS 1
  EXPECT "42" "(command line):1: boom" "stack traceback:")

# storebench (make bench BENCH=storage; docs/bench.md) on linuxu over the
# image's /tmp: every metric is printed. And the Linux guest kit of the
# benchmark (support/linuxguest.py) builds and boots under QEMU (fetches
# Debian's kernel and busybox-static once; ~10-30 s under TCG).
set(_sb_re "result seq_write_MBps [0-9]" "result rand_write_qd1_iops [0-9]" "result rand_write_qd16_iops [0-9]"
    "result seq_read_cold_MBps [0-9]" "result seq_read_warm_MBps [0-9]"
    "result rand_read_qd1_cold_iops [0-9]" "result rand_read_qd1_warm_iops [0-9]"
    "result rand_read_qd16_cold_iops [0-9]" "result rand_read_qd16_warm_iops [0-9]"
    "result create_4k_files_per_s [0-9]")
kiln_image_test(storebench SET storebench APP storebench PLATFORMS linuxu
  ARGS -s 4 -n 400 -f 100 /tmp
  EXPECT_RE ${_sb_re} EXPECT "storebench: done" REJECT "storebench: error")
add_test(NAME linuxguest.boot COMMAND ${KILN_SRC}/tests/bench/storebench/guest_test.sh ${KILN_SRC}
         ${CMAKE_CURRENT_BINARY_DIR}/linuxguest)
set_tests_properties(linuxguest.boot PROPERTIES TIMEOUT 600 PASS_REGULAR_EXPRESSION "linuxguest: ok")

# ext2/3/4 through libext2fs on virtio-blk (issue 15, lib/extfs): disks made
# on the host with mke2fs (-d FOLDER), written and read by the guest
# (tests/apps/ext4), checked with e2fsck -fn and debugfs
# (tests/tools/ext4_test.py).
foreach(_c roundtrip roundtrip-4k hostmade hostmade-2k hostmade-4k ext2 ext3 full readonly refused)
  add_test(NAME image.kvm.ext4_${_c}
    COMMAND /usr/bin/python3 ${KILN_SRC}/tests/tools/ext4_test.py ${_c} ${I}/ext4/ext4_kvm-x86_64
            ${CMAKE_CURRENT_BINARY_DIR}/ext4-${_c})
  set_tests_properties(image.kvm.ext4_${_c} PROPERTIES TIMEOUT 1800)
endforeach()
# The file data fast path (reads without the fs lock) against a concurrent
# writer: storebench's verify test on kvm (image set storebench-ext4).
foreach(_c parallel-1k parallel-4k)
  add_test(NAME image.kvm.ext4_${_c}
    COMMAND /usr/bin/python3 ${KILN_SRC}/tests/tools/ext4_test.py ${_c} ${I}/storebench-ext4/storebench_kvm-x86_64
            ${CMAKE_CURRENT_BINARY_DIR}/ext4-${_c})
  set_tests_properties(image.kvm.ext4_${_c} PROPERTIES TIMEOUT 1800)
endforeach()

# Threads meeting signals and cancellation (issue 14, tests/apps/threadsig):
# asynchronous cancellation of a spinning thread at a preemption point, the
# internal signals 32/33, cancellation points, shm_open, queued RT signals.
kiln_image_test(threadsig SET threadsig APP threadsig
  EXPECT "threadsig: async_cancel ok" "threadsig: internal ok" "threadsig: cancel_points ok"
         "threadsig: shm ok" "threadsig: rt_queue ok" "threadsig: all passed (0 failures)"
  REJECT "FAIL")

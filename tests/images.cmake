# Image tests: images built by support/test.sh from tests/images/<name>.defconfig
# into ${KILN_TEST_IMAGES}/<name>/, booted here and checked.

function(kiln_image_test NAME)
  cmake_parse_arguments(T "" "STATUS;TIMEOUT" "CMD;EXPECT;EXPECT_RE;REJECT;EACH_LINE" ${ARGN})
  if(NOT DEFINED T_STATUS)
    set(T_STATUS 0)
  endif()
  set(_args --status ${T_STATUS})
  foreach(_e ${T_EXPECT})
    list(APPEND _args --expect ${_e})
  endforeach()
  foreach(_e ${T_EXPECT_RE})
    list(APPEND _args --expect-re ${_e})
  endforeach()
  foreach(_e ${T_REJECT})
    list(APPEND _args --reject ${_e})
  endforeach()
  foreach(_e ${T_EACH_LINE})
    list(APPEND _args --each-line ${_e})
  endforeach()
  add_test(NAME ${NAME} COMMAND ${CHECK} ${_args} -- ${T_CMD})
endfunction()

set(I ${KILN_TEST_IMAGES})

# linuxu --------------------------------------------------------------------
kiln_image_test(image.linuxu.helloworld
  CMD ${I}/hello/helloworld_linuxu-x86_64
  EXPECT "Hello world!")
kiln_image_test(image.linuxu.helloworld_argv
  CMD ${I}/hello/helloworld_linuxu-x86_64 one "two words" --three
  EXPECT "Hello world!" "argv[1] = one" "argv[2] = two words" "argv[3] = --three")
kiln_image_test(image.linuxu.options_before_separator
  CMD ${I}/hello/helloworld_linuxu-x86_64 log.level=info heap=8M -- x
  EXPECT "argv[1] = x"
  EXPECT_RE "kiln: heap: tlsf, 81[0-9][0-9] KiB"
  REJECT "argv[2]")
kiln_image_test(image.linuxu.unknown_option
  CMD ${I}/hello/helloworld_linuxu-x86_64 bogus=1 -- x
  STATUS 64
  EXPECT "kiln: error: unknown option 'bogus'"
  REJECT "Hello world!")
kiln_image_test(image.linuxu.bad_option_value
  CMD ${I}/hello/helloworld_linuxu-x86_64 heap=lots --
  STATUS 64
  EXPECT "kiln: error: bad value for option heap: 'lots'")
kiln_image_test(image.linuxu.options_help
  CMD ${I}/hello/helloworld_linuxu-x86_64 help --
  EXPECT "heap" "log.level" "alloc.stats")
kiln_image_test(image.linuxu.heap_too_big
  CMD ${I}/hello/helloworld_linuxu-x86_64 heap=900000G --
  STATUS 125
  EXPECT "cannot map a heap" "init heap_map (level plat) failed")
kiln_image_test(image.linuxu.hellocpp
  CMD ${I}/hellocpp/hellocpp_linuxu-x86_64
  STATUS 3
  EXPECT "constructor: global greeter ready" "Hello from C++, greeter!"
         "sum of 10 squares = 385" "longest word: unikernel" "point = (3, 4)"
         "caught out_of_range" "exiting with status 3" "destructor: global greeter gone")
kiln_image_test(image.linuxu.hellocpp_status_arg
  CMD ${I}/hellocpp/hellocpp_linuxu-x86_64 42
  STATUS 42
  EXPECT "exiting with status 42")
kiln_image_test(image.linuxu.ktest
  CMD ${I}/ktest/helloworld_linuxu-x86_64 log.level=info --
  EXPECT_RE "^ktest: [1-9][0-9]* passed, 0 failed$"
            "kiln: warning: fork\\(\\) is not implemented \\(ENOSYS\\)"
            "heap stats: total [0-9]+, in use [0-9]+"
  EXPECT "Hello world!"
  REJECT "ktest: FAIL")
kiln_image_test(image.linuxu.ktest_filter
  CMD ${I}/ktest/helloworld_linuxu-x86_64 ktest.filter=newlib. --
  EXPECT_RE "^ktest: PASS newlib\\." "^ktest: [1-9][0-9]* passed, 0 failed$"
  REJECT "ktest: PASS alloc.")
foreach(_b buddy region)
  kiln_image_test(image.linuxu.ktest_${_b}
    CMD ${I}/ktest-${_b}/helloworld_linuxu-x86_64 log.level=info --
    EXPECT_RE "^ktest: [1-9][0-9]* passed, 0 failed$" "kiln: heap: ${_b}, [0-9]+ KiB"
    EXPECT "Hello world!"
    REJECT "ktest: FAIL")
endforeach()

# Threads (issue 4) --------------------------------------------------------
set(_threads_expect
  "pipeline: 3 producers, 3 consumers, 6000 items, sum 18003000 (exact)"
  "counter: 4 workers x 100000 increments = 400000 (exact)"
  "keys: alpha beta" "timedwait: ETIMEDOUT after >= 20 ms")
kiln_image_test(image.linuxu.sched_pthread_ktest
  CMD ${I}/sched-preempt/helloworld_linuxu-x86_64
  EXPECT_RE "^ktest: [1-9][0-9]* passed, 0 failed$" "^ktest: PASS sched.spinning_thread_does_not_starve_others$"
            "^ktest: PASS pthread.malloc_and_printf_from_many_threads$"
  EACH_LINE "hammer:=hammer: thread 0[0-7] iteration [0-9]+ line-is-whole"
  REJECT "ktest: FAIL")
kiln_image_test(image.linuxu.threads_preempt
  CMD ${I}/threads/threads_linuxu-x86_64
  EXPECT ${_threads_expect})
kiln_image_test(image.linuxu.threads_coop
  CMD ${I}/threads-coop/threads_linuxu-x86_64
  EXPECT ${_threads_expect}
  EXPECT_RE "^ktest: [1-9][0-9]* passed, 0 failed$"
  REJECT "ktest: FAIL" "spinning_thread")
kiln_image_test(image.linuxu.threads_stack_overflow
  CMD ${I}/threads/threads_linuxu-x86_64 overflow
  STATUS 125
  EXPECT "stack overflow in thread 'pthread'" "CRASH: SIGSEGV"
  EXPECT_RE "#[0-9]+ 0x[0-9a-f]+ depth\\+0x" "#[0-9]+ 0x[0-9a-f]+ overflow\\+0x")

# C++ standard library (issue 7) ------------------------------------------
set(_cxx_expect "cxx: global constructors in order ok" "cxx: exception caught, destructors ran while unwinding ok"
  "cxx: out_of_range from at() ok" "cxx: ostringstream ok" "cxx: a double on cout: 3.75"
  "cxx: destructor b" "cxx: destructor a")
kiln_image_test(image.linuxu.cxx_threads
  CMD ${I}/cxx/cxxtest_linuxu-x86_64
  EXPECT ${_cxx_expect} "cxx: std::thread + mutex + condition_variable count ok"
  EXPECT_RE "^cxx: 1[0-9] passed, 0 failed$"
  EXPECT_RE "cxx: destructor b\ncxx: destructor a")
kiln_image_test(image.linuxu.cxx_single
  CMD ${I}/cxx-single/cxxtest_linuxu-x86_64
  EXPECT ${_cxx_expect}
  EXPECT_RE "^cxx: [0-9]+ passed, 0 failed$"
  REJECT "std::thread")
kiln_image_test(image.linuxu.cxx_uncaught
  CMD ${I}/cxx/cxxtest_linuxu-x86_64 uncaught
  STATUS 125
  EXPECT "terminate called after throwing an instance of 'std::logic_error'"
         "nobody catches this" "PANIC: abort() called")

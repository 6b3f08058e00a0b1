# Xen image tests: the xen images of several sets booted as PVH domUs
# under a real Xen 4.17 (support/xen/run-xen.py: Xen + Debian dom0 + xl in
# QEMU TCG), all in one Xen boot (xen.rig), whose per-guest results the
# image.xen.* tests then check. The rig downloads and caches its Debian
# packages in build/deps/xen on first use (support/xen/fetch.sh).
set(XEN_RUN /usr/bin/python3 ${KILN_SRC}/support/xen/run-xen.py)
set(XEN_OUT ${CMAKE_CURRENT_BINARY_DIR}/xen-results)
set(_xen_guests)
set(_xen_checks)

# kiln_xen_test(<name> SET <set> APP <app> [CMDLINE "..."] [STATUS n] [EXPECT text...] [REJECT text...])
macro(kiln_xen_test NAME)
  cmake_parse_arguments(X "" "SET;APP;CMDLINE;STATUS" "EXPECT;REJECT" ${ARGN})
  if(NOT DEFINED X_STATUS)
    set(X_STATUS 0)
  endif()
  list(APPEND _xen_guests --guest "${NAME}=${I}/${X_SET}/${X_APP}_xen-x86_64::${X_CMDLINE}")
  set(_c --status ${X_STATUS})
  foreach(_e ${X_EXPECT})
    list(APPEND _c --expect ${_e})
  endforeach()
  foreach(_e ${X_REJECT})
    list(APPEND _c --reject ${_e})
  endforeach()
  add_test(NAME image.xen.${NAME} COMMAND ${CHECK} ${_c} -- ${XEN_RUN} --show ${XEN_OUT} ${NAME})
  set_tests_properties(image.xen.${NAME} PROPERTIES FIXTURES_REQUIRED xen_rig)
endmacro()

kiln_xen_test(helloworld SET hello APP helloworld CMDLINE "-- a \"b c\""
  EXPECT "Hello world!" "argv[1] = a" "argv[2] = b c" "shut down: poweroff, status 0")
kiln_xen_test(hellocpp SET hellocpp APP hellocpp CMDLINE "-- 42" STATUS 42
  EXPECT "constructor: global greeter ready" "exiting with status 42" "destructor: global greeter gone"
         "shut down: poweroff, status 42")
kiln_xen_test(crash_panic SET crash APP crash CMDLINE "-- panic" STATUS 125
  EXPECT "PANIC: deliberate panic" "backtrace:" "shut down: crash")
kiln_xen_test(crash_clock SET crash APP crash CMDLINE "-- clock"
  EXPECT "slept" "ok")
kiln_xen_test(crash_idle SET crash APP crash CMDLINE "-- idle" EXPECT "ok")

add_test(NAME xen.rig COMMAND ${XEN_RUN} --batch ${XEN_OUT} --timeout 60 ${_xen_guests})
set_tests_properties(xen.rig PROPERTIES FIXTURES_SETUP xen_rig TIMEOUT 900)

# Integration tests: real tools against real builds. Each script prints
# its reason on failure.
foreach(_t menuconfig oot_app bad_config allyesconfig rebuild make_run_debug make_run_args lwip_entropy idle kconfig_targets lib_graph)
  add_test(NAME integration.${_t} COMMAND ${CMAKE_COMMAND} -E env KILN_TEST_IMAGES=${KILN_TEST_IMAGES} ${KILN_SRC}/tests/integration/${_t}.sh)
  set_tests_properties(integration.${_t} PROPERTIES TIMEOUT 600)
endforeach()
# Boots Xen (about 25 s); never at the same time as the xen.rig batch.
add_test(NAME integration.make_run_xen COMMAND ${KILN_SRC}/tests/integration/make_run_xen.sh)
set_tests_properties(integration.make_run_xen PROPERTIES TIMEOUT 600 RESOURCE_LOCK xen_rig)
# support/check_ctors.py (kernel globals are constinit) on tiny objects and
# on the test images' kernel objects.
add_test(NAME integration.check_ctors COMMAND ${CMAKE_COMMAND} -E env KILN_TEST_IMAGES=${KILN_TEST_IMAGES} ${KILN_SRC}/tests/integration/check_ctors.sh)
set_tests_properties(integration.check_ctors PROPERTIES TIMEOUT 120)

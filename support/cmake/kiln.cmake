# Kiln build helpers: flags, kiln_library(), kiln_platform(), kiln_app(),
# and the per-platform image links. See docs/libraries.md (declaring a
# library) and docs/design.md (capabilities, the library graph).

if(NOT KILN_CONFIG_DIR)
  message(FATAL_ERROR "kiln: KILN_CONFIG_DIR is not set; build through `make` or pass -DKILN_CONFIG_DIR=<dir with config.cmake>")
endif()
if(NOT EXISTS ${KILN_CONFIG_DIR}/config.cmake)
  message(FATAL_ERROR "kiln: ${KILN_CONFIG_DIR}/config.cmake is missing; run `make` (it generates it from .config)")
endif()
include(${KILN_CONFIG_DIR}/config.cmake)
if(NOT KILN_OUT_DIR)
  set(KILN_OUT_DIR ${KILN_CONFIG_DIR})
endif()
if(NOT KILN_DEPS_DIR)
  set(KILN_DEPS_DIR ${CMAKE_SOURCE_DIR}/build/deps)
endif()
set(KILN_SRC ${CMAKE_SOURCE_DIR})

# The configured architecture: its target triple (newlib, libstdc++) and
# the code-generation flags every target object needs.
if(NOT CONFIG_ARCH OR NOT EXISTS ${KILN_SRC}/arch/${CONFIG_ARCH}/arch.cmake)
  message(FATAL_ERROR "kiln: no architecture folder arch/${CONFIG_ARCH} with arch.cmake (CONFIG_ARCH in .config)")
endif()
include(${KILN_SRC}/arch/${CONFIG_ARCH}/arch.cmake)

# Every CMake default flag off: Kiln sets its own.
foreach(_l C CXX ASM)
  set(CMAKE_${_l}_FLAGS "")
  foreach(_t DEBUG RELEASE RELWITHDEBINFO MINSIZEREL)
    set(CMAKE_${_l}_FLAGS_${_t} "")
  endforeach()
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/toolchain.cmake)

# --- newlib (built once per deps dir, cached) --------------------------------
execute_process(COMMAND ${KILN_SRC}/support/deps/newlib.sh ${KILN_DEPS_DIR} ${KILN_ARCH_TRIPLE} "${KILN_ARCH_FLAGS}"
                RESULT_VARIABLE _rc)
if(_rc)
  message(FATAL_ERROR "kiln: could not build newlib (see the message above)")
endif()
set(KILN_NEWLIB ${KILN_DEPS_DIR}/newlib)
# Re-run CMake (and so the newlib step) when the build recipe changes.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${KILN_SRC}/support/deps/newlib.sh ${KILN_SRC}/support/deps/cross-wrappers.sh
    ${KILN_SRC}/arch/${CONFIG_ARCH}/arch.cmake)

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE KILN_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name
                OUTPUT_VARIABLE KILN_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "^[0-9]+" _gccmajor ${CMAKE_CXX_COMPILER_VERSION})
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -dumpmachine
                OUTPUT_VARIABLE _triple OUTPUT_STRIP_TRAILING_WHITESPACE)
# The freestanding part of the C++ headers (<new>, <type_traits>, <utility>,
# <atomic>, <limits>, ...): kernel code uses only those. See docs/cxx.md.
set(KILN_CXX_FREESTANDING_INCLUDE /usr/include/c++/${_gccmajor}
    /usr/include/${_triple}/c++/${_gccmajor})

# --- flags ---------------------------------------------------------------------
if(CONFIG_OPTIMIZE_SIZE)
  set(_opt -Os)
elseif(CONFIG_OPTIMIZE_NONE)
  set(_opt -Og)
else()
  set(_opt -O2)
endif()
set(KILN_COMMON_FLAGS ${_opt} -g -fno-pie -fno-pic ${KILN_ARCH_FLAGS}
    -fno-stack-protector -ffunction-sections -fdata-sections
    -fno-omit-frame-pointer -Wall -Wextra
    # POSIX features Kiln provides, as newlib headers expect them announced.
    -D_POSIX_TIMERS=200112L -D_POSIX_MONOTONIC_CLOCK=200112L -D_POSIX_CPUTIME=200112L
    -D_POSIX_THREAD_CPUTIME=200112L)
if(CONFIG_LIBPTHREAD)
  # Announce POSIX threads to newlib's headers (and later libstdc++).
  list(APPEND KILN_COMMON_FLAGS -D_POSIX_THREADS=200112L -D_POSIX_TIMEOUTS=200112L
       -D_POSIX_READER_WRITER_LOCKS=200112L -D_UNIX98_THREAD_MUTEX_ATTRIBUTES)
endif()
set(KILN_LINK_FLAGS)
if(CONFIG_OPTIMIZE_LTO)
  list(APPEND KILN_COMMON_FLAGS -flto=auto -ffat-lto-objects)
  list(APPEND KILN_LINK_FLAGS -flto=auto)
endif()

# Everything compiled for an image: libc headers from newlib, never the host's.
add_library(kiln_target_flags INTERFACE)
# Given as flags, not include directories: CMake would drop gcc's own
# directories as "implicit", and the order (C++ headers, newlib, gcc) matters.
set(KILN_C_SYSINC -isystem${KILN_NEWLIB}/include -isystem${KILN_GCC_INCLUDE})
set(KILN_CXX_SYSINC)
foreach(_d ${KILN_CXX_FREESTANDING_INCLUDE})
  list(APPEND KILN_CXX_SYSINC -isystem${_d})
endforeach()
list(APPEND KILN_CXX_SYSINC -isystem${KILN_SRC}/support/include/cxx-freestanding ${KILN_C_SYSINC})
target_compile_options(kiln_target_flags INTERFACE ${KILN_COMMON_FLAGS} -nostdinc
    "$<$<COMPILE_LANGUAGE:CXX>:${KILN_CXX_SYSINC}>"
    "$<$<COMPILE_LANGUAGE:C,ASM>:${KILN_C_SYSINC}>")
target_include_directories(kiln_target_flags INTERFACE ${KILN_CONFIG_DIR}/include)

# Kernel code (arch, plat, lib): C++20 freestanding, no exceptions, no RTTI.
add_library(kiln_kernel INTERFACE)
target_link_libraries(kiln_kernel INTERFACE kiln_target_flags)
target_compile_options(kiln_kernel INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-std=gnu++20 -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-asynchronous-unwind-tables -Wno-missing-field-initializers>
    $<$<COMPILE_LANGUAGE:C>:-std=gnu17 -ffreestanding -fno-asynchronous-unwind-tables>
    $<$<COMPILE_LANGUAGE:ASM>:-D__ASSEMBLY__>)
# lib/kcxx (headers only) is the base every kernel file may use.
target_include_directories(kiln_kernel INTERFACE ${KILN_SRC}/plat/include ${KILN_SRC}/lib/kcxx/include)

# Application code: hosted C (newlib) and C++ (with libstdc++ when
# LIBSTDCXX is selected, else the freestanding headers only).
set(KILN_APP_LIBS)
set(KILN_EH_LD_DIR ${KILN_SRC}/support/ld/eh-discard)
if(CONFIG_LIBSTDCXX)
  if(CONFIG_LIBPTHREAD)
    set(_model posix)
  else()
    set(_model single)
  endif()
  execute_process(COMMAND ${KILN_SRC}/support/deps/libstdcxx.sh ${KILN_DEPS_DIR} ${_model} ${KILN_SRC}
                          ${KILN_ARCH_TRIPLE} "${KILN_ARCH_FLAGS}" RESULT_VARIABLE _rc)
  if(_rc)
    message(FATAL_ERROR "kiln: could not build libstdc++ (see the message above)")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${KILN_SRC}/support/deps/libstdcxx.sh)
  set(KILN_STDCXX ${KILN_DEPS_DIR}/libstdcxx-${_model})
  file(GLOB _cxxinc LIST_DIRECTORIES true ${KILN_STDCXX}/include/c++/*)
  set(KILN_APP_CXX_SYSINC -isystem${_cxxinc} -isystem${_cxxinc}/${KILN_ARCH_TRIPLE})
  if(CONFIG_LIBPTHREAD)
    list(APPEND KILN_APP_CXX_SYSINC -isystem${KILN_SRC}/lib/pthread/include)
  endif()
  list(APPEND KILN_APP_CXX_SYSINC ${KILN_C_SYSINC})
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libgcc_eh.a
                  OUTPUT_VARIABLE _gcc_eh OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(KILN_APP_LIBS ${KILN_STDCXX}/lib/libstdc++.a ${KILN_STDCXX}/lib/libsupc++.a ${_gcc_eh})
  if(CONFIG_LIBSTDCXX_EXCEPTIONS)
    set(_cxx_eh -fexceptions -frtti)
    set(KILN_EH_LD_DIR ${KILN_SRC}/support/ld/eh-keep)
    list(APPEND KILN_LINK_FLAGS -Wl,--eh-frame-hdr)
  else()
    set(_cxx_eh -fno-exceptions -fno-rtti)
  endif()
  if(CONFIG_LIBPTHREAD)
    list(APPEND _cxx_eh -fthreadsafe-statics)
  else()
    list(APPEND _cxx_eh -fno-threadsafe-statics)
  endif()
else()
  set(KILN_APP_CXX_SYSINC ${KILN_CXX_SYSINC})
  set(_cxx_eh -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-asynchronous-unwind-tables)
endif()
add_library(kiln_app_flags INTERFACE)
target_compile_options(kiln_app_flags INTERFACE ${KILN_COMMON_FLAGS} -nostdinc
    "$<$<COMPILE_LANGUAGE:CXX>:${KILN_APP_CXX_SYSINC}>"
    "$<$<COMPILE_LANGUAGE:C,ASM>:${KILN_C_SYSINC}>"
    "$<$<COMPILE_LANGUAGE:CXX>:-std=gnu++20;${_cxx_eh}>"
    $<$<COMPILE_LANGUAGE:C>:-std=gnu17 -fno-asynchronous-unwind-tables>)
target_include_directories(kiln_app_flags INTERFACE ${KILN_CONFIG_DIR}/include ${KILN_SRC}/lib/kcxx/include)

# kiln_library(<name> KCONFIG <SYM> SOURCES ... [DEPENDS <lib>...]
#              [TEST_SOURCES ...] [REQUIRES <capability>...] [APP_VISIBLE])
# Declares microlibrary <name>, compiled only when CONFIG_<SYM> is set. Its
# include/ folder is visible to itself and to libraries that DEPEND on it.
# TEST_SOURCES (in-image test cases) are compiled when CONFIG_<SYM>_TEST is
# set. REQUIRES names what the library needs of a platform (e.g. `devices`:
# kiln/plat/device.h; `baremetal`: runs on the bare CPU): it is linked only
# into the images of platforms that PROVIDE all of it (default: every
# image). Libraries never name platforms.
# APP_VISIBLE makes its include/ folder visible to applications too.
function(kiln_library NAME)
  cmake_parse_arguments(L "APP_VISIBLE" "KCONFIG" "SOURCES;DEPENDS;TEST_SOURCES;REQUIRES" ${ARGN})
  if(NOT L_KCONFIG)
    message(FATAL_ERROR "kiln_library(${NAME}): KCONFIG <symbol> is required")
  endif()
  if(NOT CONFIG_${L_KCONFIG})
    return()
  endif()
  set(_t kiln_${NAME})
  set(_srcs ${L_SOURCES})
  set(_deps ${L_DEPENDS})
  if(CONFIG_${L_KCONFIG}_TEST AND L_TEST_SOURCES)
    list(APPEND _srcs ${L_TEST_SOURCES})
    list(APPEND _deps ktest)
  endif()
  add_library(${_t} OBJECT ${_srcs})
  target_include_directories(${_t} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(${_t} PUBLIC kiln_kernel)
  foreach(_d ${_deps})
    set_property(GLOBAL APPEND PROPERTY KILN_DEPS_${_t} kiln_${_d})
  endforeach()
  set_property(GLOBAL PROPERTY KILN_REQUIRES_${_t} ${L_REQUIRES})
  if(L_APP_VISIBLE)
    set_property(GLOBAL APPEND PROPERTY KILN_APP_INCLUDES ${CMAKE_CURRENT_SOURCE_DIR}/include)
  endif()
  set_property(GLOBAL APPEND PROPERTY KILN_LIBS ${_t})
endfunction()

# kiln_platform(<plat> KCONFIG <SYM> SOURCES ... LINKER_SCRIPT <file>
#               [PROVIDES <capability>...] [DEPENDS ...] [TEST_SOURCES ...])
# Called from plat/<plat>/CMakeLists.txt: the platform library (linked into
# <plat>'s image only) and the image <app>_<plat>-<arch>. PROVIDES lists the
# capabilities libraries may REQUIRE (see kiln_library; docs/design.md).
function(kiln_platform PLAT)
  cmake_parse_arguments(P "" "KCONFIG;LINKER_SCRIPT" "SOURCES;DEPENDS;TEST_SOURCES;PROVIDES" ${ARGN})
  if(NOT CONFIG_${P_KCONFIG})
    return()
  endif()
  kiln_library(plat_${PLAT} KCONFIG ${P_KCONFIG} SOURCES ${P_SOURCES}
               DEPENDS ${P_DEPENDS} REQUIRES platform:${PLAT} TEST_SOURCES ${P_TEST_SOURCES})
  set_property(GLOBAL APPEND PROPERTY KILN_PLATFORMS ${PLAT})
  set_property(GLOBAL PROPERTY KILN_PROVIDES_${PLAT} platform:${PLAT} ${P_PROVIDES})
  get_filename_component(_lds ${P_LINKER_SCRIPT} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  set_property(GLOBAL PROPERTY KILN_LDS_${PLAT} ${_lds})
endfunction()

# kiln_app(SOURCES ... [NAME <name>] [INCLUDES ...] [DEFINES ...])
# Called from an app folder's CMakeLists.txt (or for it, from sources.txt).
function(kiln_app)
  cmake_parse_arguments(A "" "NAME" "SOURCES;INCLUDES;DEFINES" ${ARGN})
  if(A_NAME)
    set_property(GLOBAL PROPERTY KILN_APP_NAME ${A_NAME})
  endif()
  if(NOT A_SOURCES)
    message(FATAL_ERROR "kiln: app ${KILN_APP_DIR} lists no sources")
  endif()
  add_library(kiln_app OBJECT ${A_SOURCES})
  target_link_libraries(kiln_app PRIVATE kiln_app_flags)
  target_include_directories(kiln_app PRIVATE ${A_INCLUDES})
  target_compile_definitions(kiln_app PRIVATE ${A_DEFINES})
endfunction()

function(kiln_add_app)
  set(_dir ${CONFIG_KILN_APP_DIR})
  if(KILN_APP_DIR)
    set(_dir ${KILN_APP_DIR})
  endif()
  if(NOT _dir)
    message(FATAL_ERROR "kiln: no application chosen (CONFIG_KILN_APP_DIR is empty); use `make A=<app folder>`")
  endif()
  if(NOT IS_ABSOLUTE ${_dir})
    set(_dir ${KILN_SRC}/${_dir})
  endif()
  get_filename_component(_dir ${_dir} ABSOLUTE)
  set(KILN_APP_DIR ${_dir} PARENT_SCOPE)
  get_filename_component(_name ${_dir} NAME)
  set_property(GLOBAL PROPERTY KILN_APP_NAME ${_name})
  _kiln_toolchain_files()  # support/cmake/toolchain.cmake: for kiln_recipe() and users
  if(EXISTS ${_dir}/CMakeLists.txt)
    add_subdirectory(${_dir} app)
  elseif(EXISTS ${_dir}/sources.txt)
    file(STRINGS ${_dir}/sources.txt _lines)
    set(_srcs)
    foreach(_l ${_lines})
      string(STRIP "${_l}" _l)
      if(_l STREQUAL "" OR _l MATCHES "^#")
        continue()
      endif()
      if(NOT EXISTS ${_dir}/${_l})
        message(FATAL_ERROR "kiln: ${_dir}/sources.txt names ${_l}, which does not exist")
      endif()
      list(APPEND _srcs ${_dir}/${_l})
    endforeach()
    kiln_app(SOURCES ${_srcs} INCLUDES ${_dir})
  else()
    message(FATAL_ERROR "kiln: ${_dir} is not a Kiln app folder: it needs CMakeLists.txt or sources.txt (see docs/apps.md)")
  endif()
  get_property(_incs GLOBAL PROPERTY KILN_APP_INCLUDES)
  get_property(_recipes GLOBAL PROPERTY KILN_APP_LINK_INPUTS)
  if(TARGET kiln_app)
    target_include_directories(kiln_app PRIVATE ${_incs})
  elseif(NOT _recipes)
    message(FATAL_ERROR "kiln: app ${_dir} builds nothing: its CMakeLists.txt calls neither kiln_app() nor kiln_recipe() (docs/apps.md, docs/porting.md)")
  endif()
endfunction()

# The library dependency graph must have no cycle (docs/design.md): a
# depth-first walk from every library, failing with the cycle spelled out.
function(_kiln_check_cycle _lib _path)
  if(_lib IN_LIST _path)
    list(APPEND _path ${_lib})
    list(TRANSFORM _path REPLACE "^kiln_" "")
    string(JOIN " -> " _cycle ${_path})
    message(FATAL_ERROR "kiln: library dependency cycle: ${_cycle}")
  endif()
  get_property(_done GLOBAL PROPERTY KILN_ACYCLIC_${_lib})
  if(_done)
    return()
  endif()
  list(APPEND _path ${_lib})
  get_property(_deps GLOBAL PROPERTY KILN_DEPS_${_lib})
  foreach(_d ${_deps})
    _kiln_check_cycle(${_d} "${_path}")
  endforeach()
  set_property(GLOBAL PROPERTY KILN_ACYCLIC_${_lib} TRUE)
endfunction()

# The initrd embedded at build time (docs/initrd.md): the folder
# CONFIG_APP_ROOTFS (default "rootfs"; relative to the app folder; empty:
# none; an app's CMakeLists.txt may name another with the global property
# KILN_APP_ROOTFS_DIR), when it exists, archived by support/mkcpio.py (reproducible
# cpio newc) and linked into every image as section .kiln_initrd (between
# __kiln_initrd_start and __kiln_initrd_end, support/ld/kiln-tables.ld).
# Sets <out> to the object to link, or to nothing.
function(_kiln_embedded_initrd OUT)
  set(${OUT} "" PARENT_SCOPE)
  if(NOT CONFIG_APP_ROOTFS)
    return()
  endif()
  set(_dir ${CONFIG_APP_ROOTFS})
  # An app's CMakeLists.txt may give a folder it made at configure time
  # instead (tests/apps/rootfs: hard links, which git does not keep).
  get_property(_made GLOBAL PROPERTY KILN_APP_ROOTFS_DIR)
  if(_made)
    set(_dir ${_made})
  endif()
  if(NOT IS_ABSOLUTE ${_dir})
    set(_dir ${KILN_APP_DIR}/${_dir})
  endif()
  if(NOT IS_DIRECTORY ${_dir})
    return()
  endif()
  # Rebuilt when a file or folder in it changes (CONFIGURE_DEPENDS: also
  # when one is added). Symlinks are stored, not followed: not dependencies.
  file(GLOB_RECURSE _all CONFIGURE_DEPENDS LIST_DIRECTORIES true ${_dir}/*)
  set(_deps ${_dir})
  foreach(_f ${_all})
    if(NOT IS_SYMLINK ${_f})
      list(APPEND _deps ${_f})
    endif()
  endforeach()
  set(_cpio ${CMAKE_BINARY_DIR}/initrd.cpio)
  add_custom_command(OUTPUT ${_cpio}
    COMMAND /usr/bin/python3 ${KILN_SRC}/support/mkcpio.py ${_dir} ${_cpio}
    DEPENDS ${_deps} ${KILN_SRC}/support/mkcpio.py
    COMMENT "initrd: cpio archive of ${_dir}" VERBATIM)
  # Written only when it changes (no rebuild at every configure).
  file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/initrd.S @ONLY CONTENT
    "\t.section .kiln_initrd, \"a\"\n\t.balign 16\n\t.incbin \"${_cpio}\"\n\t.section .note.GNU-stack, \"\", @progbits\n")
  set_source_files_properties(${CMAKE_BINARY_DIR}/initrd.S PROPERTIES OBJECT_DEPENDS ${_cpio})
  add_library(kiln_initrd_embedded OBJECT ${CMAKE_BINARY_DIR}/initrd.S)
  target_link_libraries(kiln_initrd_embedded PRIVATE kiln_kernel)
  set(${OUT} $<TARGET_OBJECTS:kiln_initrd_embedded> PARENT_SCOPE)
endfunction()

# One image per selected platform: <app>_<plat>-<arch> (stripped) and .dbg.
function(kiln_add_images)
  get_property(_plats GLOBAL PROPERTY KILN_PLATFORMS)
  if(NOT _plats)
    message(FATAL_ERROR "kiln: no platform selected; enable one under \"Platforms\" in `make menuconfig`")
  endif()
  get_property(_libs GLOBAL PROPERTY KILN_LIBS)
  get_property(_app GLOBAL PROPERTY KILN_APP_NAME)
  foreach(_l ${_libs})
    _kiln_check_cycle(${_l} "")
  endforeach()
  _kiln_embedded_initrd(_initrd_obj)
  # Check library dependencies: a clear error instead of a link failure.
  foreach(_l ${_libs})
    get_property(_deps GLOBAL PROPERTY KILN_DEPS_${_l})
    foreach(_d ${_deps})
      if(NOT TARGET ${_d})
        message(FATAL_ERROR "kiln: library ${_l} needs ${_d}, which is not selected; fix the Kconfig `select` of ${_l} or select it in `make menuconfig`")
      endif()
      target_link_libraries(${_l} PUBLIC ${_d})
    endforeach()
  endforeach()
  get_property(_recipe_inputs GLOBAL PROPERTY KILN_APP_LINK_INPUTS)
  get_property(_recipe_targets GLOBAL PROPERTY KILN_APP_LINK_TARGETS)
  set(_appobjs)
  if(TARGET kiln_app)
    set(_appobjs $<TARGET_OBJECTS:kiln_app>)
  endif()
  foreach(_plat ${_plats})
    set(_img ${_app}_${_plat}-${CONFIG_ARCH})
    set(_objs ${_appobjs} ${_initrd_obj})
    set(_kernel_objs)
    set(_linked)
    get_property(_provides GLOBAL PROPERTY KILN_PROVIDES_${_plat})
    foreach(_l ${_libs})
      get_property(_req GLOBAL PROPERTY KILN_REQUIRES_${_l})
      set(_fits TRUE)
      foreach(_r ${_req})
        if(NOT _r IN_LIST _provides)
          set(_fits FALSE)
        endif()
      endforeach()
      if(_fits)
        list(APPEND _objs $<TARGET_OBJECTS:${_l}>)
        list(APPEND _kernel_objs $<TARGET_OBJECTS:${_l}>)
        list(APPEND _linked ${_l})
      endif()
    endforeach()
    _kiln_toolchain_kit(${_plat} ${_kernel_objs})
    # A library in this image needs its dependencies in the same image.
    foreach(_l ${_linked})
      get_property(_deps GLOBAL PROPERTY KILN_DEPS_${_l})
      foreach(_d ${_deps})
        if(NOT _d IN_LIST _linked)
          get_property(_req GLOBAL PROPERTY KILN_REQUIRES_${_d})
          string(REGEX REPLACE "^kiln_" "" _ln ${_l})
          string(REGEX REPLACE "^kiln_" "" _dn ${_d})
          message(FATAL_ERROR "kiln: library ${_ln} is in the ${_plat} image but needs ${_dn}, which requires ${_req} (platform ${_plat} provides ${_provides})")
        endif()
      endforeach()
    endforeach()
    get_property(_lds GLOBAL PROPERTY KILN_LDS_${_plat})
    set(_link -nostdlib -static -no-pie -Wl,--gc-sections -Wl,-L,${KILN_SRC}/support/ld
        -Wl,-L,${KILN_EH_LD_DIR} -Wl,-T,${_lds}
        -Wl,-z,noexecstack -Wl,--build-id=none -Wl,-z,max-page-size=4096
        ${KILN_LINK_FLAGS})
    # A recipe's program (kiln_recipe): the objects and archives its own
    # build linked, named by a linker input file, before the C library.
    set(_libsys ${_recipe_inputs} -Wl,--start-group ${KILN_APP_LIBS} ${KILN_NEWLIB}/lib/libc.a
        ${KILN_NEWLIB}/lib/libm.a ${KILN_LIBGCC} -Wl,--end-group)
    if(CONFIG_DEBUG_SYMBOLS_IN_IMAGE)
      # Link twice: the first link gives the addresses, the second adds the
      # symbol table in the last section, so no address moves (checked).
      add_executable(${_img}.pass1 ${_objs})
      set_target_properties(${_img}.pass1 PROPERTIES LINKER_LANGUAGE CXX
          LINK_DEPENDS "${_lds};${KILN_NEWLIB}/lib/libc.a;${_recipe_inputs}")
      if(_recipe_targets)
        add_dependencies(${_img}.pass1 ${_recipe_targets})
      endif()
      target_link_options(${_img}.pass1 PRIVATE ${_link} -Wl,-Map=${_img}.pass1.map)
      target_link_libraries(${_img}.pass1 PRIVATE ${_libsys})
      add_custom_command(OUTPUT ${_img}.syms.S
        COMMAND /usr/bin/python3 ${KILN_SRC}/support/gensyms.py table $<TARGET_FILE:${_img}.pass1> ${_img}.syms.S
        DEPENDS ${_img}.pass1 ${KILN_SRC}/support/gensyms.py
        COMMENT "Symbol table for ${_img}")
      set(_final_srcs ${_objs} ${CMAKE_CURRENT_BINARY_DIR}/${_img}.syms.S)
    else()
      set(_final_srcs ${_objs})
    endif()
    add_executable(${_img} ${_final_srcs})
    if(_recipe_targets)
      add_dependencies(${_img} ${_recipe_targets})
    endif()
    set_target_properties(${_img} PROPERTIES LINKER_LANGUAGE CXX
        LINK_DEPENDS "${_lds};${KILN_NEWLIB}/lib/libc.a;${_recipe_inputs}"
        OUTPUT_NAME ${_img}.dbg RUNTIME_OUTPUT_DIRECTORY ${KILN_OUT_DIR})
    target_link_options(${_img} PRIVATE ${_link} -Wl,-Map=${KILN_OUT_DIR}/${_img}.map)
    target_link_libraries(${_img} PRIVATE ${_libsys})
    # Kernel globals are constinit (docs/design.md): the link fails, naming
    # the object, if a kernel object (every library's; not the app's, nor
    # newlib's or libstdc++'s) has a static constructor.
    set(_kobjs ${_objs})
    if(_appobjs)
      list(REMOVE_ITEM _kobjs ${_appobjs})
    endif()
    add_custom_command(TARGET ${_img} PRE_LINK
      COMMAND /usr/bin/python3 ${KILN_SRC}/support/check_ctors.py ${_kobjs}
      COMMAND_EXPAND_LISTS VERBATIM)
    if(CONFIG_DEBUG_SYMBOLS_IN_IMAGE)
      add_custom_command(TARGET ${_img} POST_BUILD
        COMMAND /usr/bin/python3 ${KILN_SRC}/support/gensyms.py verify $<TARGET_FILE:${_img}.pass1> $<TARGET_FILE:${_img}>)
    endif()
    add_custom_command(TARGET ${_img} POST_BUILD
      COMMAND ${CMAKE_OBJCOPY} --strip-all $<TARGET_FILE:${_img}> ${KILN_OUT_DIR}/${_img}
      COMMENT "Image ${KILN_OUT_DIR}/${_img}")
  endforeach()
endfunction()

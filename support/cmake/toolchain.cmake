# Kiln's toolchain for foreign build systems, and recipes (docs/porting.md).
#
# Every configured build gets <build>/obj/toolchain/:
#   bin/x86_64-kiln-linux-gnu-{gcc,cc,g++,c++,ar,ranlib,nm,strip,objcopy,pkg-config}
#   toolchain.cmake   for cmake -DCMAKE_TOOLCHAIN_FILE=...
#   env.sh            CC, CXX, AR, ... for `. env.sh && make`
#   toolchain.json    what support/toolchain/kiln-cc.py reads (flags, kit, libraries)
#   kit/libkiln-<plat>.a  the kernel of one platform, built by the target `toolchain`
# An app folder's CMakeLists.txt can then call kiln_recipe() (below) to
# build a project with its own build system and link what it made.

set(KILN_TRIPLE ${CONFIG_ARCH}-kiln-linux-gnu)
set(KILN_TOOLCHAIN_DIR ${CMAKE_BINARY_DIR}/toolchain)

# Writes <path> only when its content changes (no rebuild at every configure).
# Unlike file(CONFIGURE), nothing in the content is substituted.
function(_kiln_write_if_changed PATH CONTENT)
  if(EXISTS ${PATH})
    file(READ ${PATH} _old)
    if(_old STREQUAL CONTENT)
      return()
    endif()
  endif()
  file(WRITE ${PATH} "${CONTENT}")
endfunction()

# Writes the toolchain files. Called by kiln_add_app() once the libraries
# are known (their app-visible headers) and before the app's folder.
function(_kiln_toolchain_files)
  get_property(_plats GLOBAL PROPERTY KILN_PLATFORMS)
  if(NOT _plats)
    return()  # kiln_add_images says why
  endif()
  # The kit's platform: linuxu when selected (a plain link then gives a
  # program this machine runs), else the first one.
  list(GET _plats 0 _kp)
  if("linuxu" IN_LIST _plats)
    set(_kp linuxu)
  endif()
  set(KILN_KIT_PLATFORM ${_kp} PARENT_SCOPE)
  set_property(GLOBAL PROPERTY KILN_KIT_PLATFORM ${_kp})
  get_property(_lds GLOBAL PROPERTY KILN_LDS_${_kp})
  get_property(_incs GLOBAL PROPERTY KILN_APP_INCLUDES)
  set(_common ${KILN_COMMON_FLAGS})
  list(REMOVE_ITEM _common -Wall -Wextra)  # a project's warnings are its own
  set(_inc -I${KILN_CONFIG_DIR}/include -I${KILN_SRC}/lib/kcxx/include)
  foreach(_i ${_incs})
    list(APPEND _inc -I${_i})
  endforeach()
  set(_cflags ${_common} -nostdinc ${KILN_C_SYSINC} ${_inc} -fno-asynchronous-unwind-tables)
  set(_cxxflags ${_common} -nostdinc ${KILN_APP_CXX_SYSINC} ${_inc} ${_cxx_eh})
  set(_ldflags -nostdlib -static -no-pie -Wl,--gc-sections -Wl,-L,${KILN_SRC}/support/ld
      -Wl,-L,${KILN_EH_LD_DIR} -Wl,-T,${_lds} -Wl,-z,noexecstack -Wl,--build-id=none
      -Wl,-z,max-page-size=4096 ${KILN_LINK_FLAGS})
  set(_libs -Wl,--start-group ${KILN_APP_LIBS} ${KILN_NEWLIB}/lib/libc.a ${KILN_NEWLIB}/lib/libm.a
      ${KILN_LIBGCC} -Wl,--end-group)
  set(_kit ${KILN_TOOLCHAIN_DIR}/kit/libkiln-${_kp}.a)
  set(KILN_KIT ${_kit} PARENT_SCOPE)
  set(_json "{\n")
  string(APPEND _json "  \"triple\": \"${KILN_TRIPLE}\",\n  \"platform\": \"${_kp}\",\n")
  string(APPEND _json "  \"cc\": \"${CMAKE_C_COMPILER}\",\n  \"cxx\": \"${CMAKE_CXX_COMPILER}\",\n")
  string(APPEND _json "  \"kit\": \"${_kit}\",\n  \"libdirs\": [],\n")
  foreach(_k cflags cxxflags ldflags libs)
    set(_items)
    foreach(_f ${_${_k}})
      string(REPLACE "\\" "\\\\" _f "${_f}")
      string(REPLACE "\"" "\\\"" _f "${_f}")
      list(APPEND _items "\"${_f}\"")
    endforeach()
    string(JOIN ", " _items ${_items})
    string(APPEND _json "  \"${_k}\": [${_items}],\n")
  endforeach()
  string(APPEND _json "  \"kiln\": \"${KILN_SRC}\"\n}\n")
  _kiln_write_if_changed(${KILN_TOOLCHAIN_DIR}/toolchain.json "${_json}")
  # The signature of what a library built with this toolchain depends on:
  # flags, headers' places, the library set (which functions link) and the
  # driver. Built dependencies (kiln_package) are cached under it.
  get_property(_libset GLOBAL PROPERTY KILN_LIBS)
  file(SHA256 ${KILN_SRC}/support/toolchain/kiln-cc.py _drv)
  file(SHA256 ${KILN_SRC}/support/toolchain/recipe.py _rdrv)
  if(EXISTS ${KILN_NEWLIB}/.stamp)
    file(READ ${KILN_NEWLIB}/.stamp _nl)
  endif()
  string(SHA256 _sig "${_cflags}|${_cxxflags}|${_libs}|${_libset}|${_drv}|${_rdrv}|${_nl}|${_kp}")
  string(SUBSTRING ${_sig} 0 16 _sig)
  set(KILN_TOOLCHAIN_SIG ${_sig} PARENT_SCOPE)

  set(_bin ${KILN_TOOLCHAIN_DIR}/bin)
  set(_drvpath ${KILN_SRC}/support/toolchain/kiln-cc.py)
  foreach(_t gcc cc)
    file(CONFIGURE OUTPUT ${_bin}/${KILN_TRIPLE}-${_t} @ONLY CONTENT
      "#!/bin/sh\nexec /usr/bin/python3 ${_drvpath} ${KILN_TOOLCHAIN_DIR}/toolchain.json c \"$@\"\n")
  endforeach()
  foreach(_t g++ c++)
    file(CONFIGURE OUTPUT ${_bin}/${KILN_TRIPLE}-${_t} @ONLY CONTENT
      "#!/bin/sh\nexec /usr/bin/python3 ${_drvpath} ${KILN_TOOLCHAIN_DIR}/toolchain.json c++ \"$@\"\n")
  endforeach()
  foreach(_t ar ranlib nm strip objcopy objdump readelf)
    file(CONFIGURE OUTPUT ${_bin}/${KILN_TRIPLE}-${_t} @ONLY CONTENT "#!/bin/sh\nexec /usr/bin/${_t} \"$@\"\n")
  endforeach()
  # pkg-config sees only the .pc files of Kiln-built dependencies
  # (KILN_PKG_CONFIG_PATH, set by recipes), never the host's.
  file(CONFIGURE OUTPUT ${_bin}/${KILN_TRIPLE}-pkg-config @ONLY CONTENT
    "#!/bin/sh\nPKG_CONFIG_LIBDIR=\"\${KILN_PKG_CONFIG_PATH:-/nonexistent}\" PKG_CONFIG_PATH= exec /usr/bin/pkg-config --static \"$@\"\n")
  file(GLOB _wrappers ${_bin}/${KILN_TRIPLE}-*)
  file(CHMOD ${_wrappers} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
       WORLD_READ WORLD_EXECUTE)
  set(_p ${_bin}/${KILN_TRIPLE})
  file(CONFIGURE OUTPUT ${KILN_TOOLCHAIN_DIR}/env.sh @ONLY CONTENT
"# . ${KILN_TOOLCHAIN_DIR}/env.sh: the Kiln toolchain of this build (docs/porting.md)
export PATH=\"${_bin}:$PATH\"
export CC=${_p}-gcc CXX=${_p}-g++ AR=${_p}-ar RANLIB=${_p}-ranlib NM=${_p}-nm STRIP=${_p}-strip
export OBJCOPY=${_p}-objcopy PKG_CONFIG=${_p}-pkg-config KILN_TRIPLE=${KILN_TRIPLE}
")
  file(CONFIGURE OUTPUT ${KILN_TOOLCHAIN_DIR}/toolchain.cmake @ONLY CONTENT
"# cmake -DCMAKE_TOOLCHAIN_FILE=${KILN_TOOLCHAIN_DIR}/toolchain.cmake (docs/porting.md)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${CONFIG_ARCH})
set(CMAKE_C_COMPILER ${_p}-gcc)
set(CMAKE_CXX_COMPILER ${_p}-g++)
set(CMAKE_AR ${_p}-ar CACHE FILEPATH \"\")
set(CMAKE_RANLIB ${_p}-ranlib CACHE FILEPATH \"\")
set(CMAKE_STRIP ${_p}-strip CACHE FILEPATH \"\")
set(PKG_CONFIG_EXECUTABLE ${_p}-pkg-config CACHE FILEPATH \"\")
# One static image: no shared libraries (add_library(SHARED) becomes STATIC).
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)
set(BUILD_SHARED_LIBS OFF CACHE BOOL \"\")
# Libraries and headers from Kiln-built dependencies only; programs from the host.
set(CMAKE_FIND_ROOT_PATH \$ENV{KILN_FIND_ROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
")
endfunction()

# The link kit: every kernel object of the kit platform's image in one
# archive, which the driver links whole. Built by the target `toolchain`
# (and before any recipe). Called by kiln_add_images().
function(_kiln_toolchain_kit PLAT)
  get_property(_kp GLOBAL PROPERTY KILN_KIT_PLATFORM)
  if(NOT PLAT STREQUAL _kp)
    return()
  endif()
  add_library(kiln_kit STATIC ${ARGN})
  set_target_properties(kiln_kit PROPERTIES OUTPUT_NAME kiln-${PLAT}
      ARCHIVE_OUTPUT_DIRECTORY ${KILN_TOOLCHAIN_DIR}/kit EXCLUDE_FROM_ALL TRUE LINKER_LANGUAGE CXX)
  add_custom_target(toolchain DEPENDS kiln_kit
    COMMENT "Kiln toolchain: ${KILN_TOOLCHAIN_DIR}/bin/${KILN_TRIPLE}-gcc (kit ${PLAT})")
endfunction()

# _kiln_recipe_spec(<var> NAME ... ) -> the JSON spec support/toolchain/recipe.py runs.
function(_kiln_json_list OUT)
  set(_items)
  foreach(_f ${ARGN})
    string(REPLACE "\\" "\\\\" _f "${_f}")
    string(REPLACE "\"" "\\\"" _f "${_f}")
    list(APPEND _items "\"${_f}\"")
  endforeach()
  string(JOIN ", " _items ${_items})
  set(${OUT} "[${_items}]" PARENT_SCOPE)
endfunction()

# Common part of kiln_recipe and kiln_package: fetch the source, resolve
# the dependencies, write the spec. Sets _src, _spec_steps, _deps_prefixes,
# _dep_targets, _patch_files in the caller.
macro(_kiln_recipe_common)
  if(R_DEBSRC)
    list(LENGTH R_DEBSRC _n)
    if(NOT _n EQUAL 2)
      message(FATAL_ERROR "kiln: recipe ${_name}: DEBSRC takes <source package> <version>, got: ${R_DEBSRC}")
    endif()
    list(GET R_DEBSRC 0 _pkg)
    list(GET R_DEBSRC 1 _ver)
    execute_process(COMMAND ${KILN_SRC}/support/deps/debsrc.sh ${KILN_DEPS_DIR} ${_pkg} ${_ver}
                    OUTPUT_VARIABLE _src OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
    if(_rc)
      message(FATAL_ERROR "kiln: recipe ${_name}: could not fetch ${_pkg} ${_ver} (see the message above)")
    endif()
    string(REGEX REPLACE ".*\n" "" _src "${_src}")
    set(_srcstamp ${_src}/.stamp)
  elseif(R_SOURCE_DIR)
    get_filename_component(_src ${R_SOURCE_DIR} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_LIST_DIR})
    set(_srcstamp)
    if(NOT IS_DIRECTORY ${_src})
      message(FATAL_ERROR "kiln: recipe ${_name}: SOURCE_DIR ${_src} is not a folder")
    endif()
  else()
    message(FATAL_ERROR "kiln: recipe ${_name}: give DEBSRC <package> <version> or SOURCE_DIR <dir>")
  endif()
  set(_patch_files)
  foreach(_p ${R_PATCHES})
    get_filename_component(_pa ${_p} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_LIST_DIR})
    if(NOT EXISTS ${_pa})
      message(FATAL_ERROR "kiln: recipe ${_name}: patch ${_p} does not exist")
    endif()
    list(APPEND _patch_files ${_pa})
  endforeach()
  set(_dep_targets)
  set(_dep_json)
  foreach(_d ${R_DEPENDS})
    kiln_use_package(${_d})
    get_property(_pre GLOBAL PROPERTY KILN_PKG_PREFIX_${_d})
    list(APPEND _dep_targets kiln_pkg_${_d})
    list(APPEND _dep_json "\"${_d}\": \"${_pre}\"")
  endforeach()
  string(JOIN ", " _dep_json ${_dep_json})
  set(_steps)
  set(_nkinds 0)
  foreach(_k CONFIGURE CMAKE MAKE BUILD_COMMAND)
    if(DEFINED R_${_k} OR "${_k}" IN_LIST R_KEYWORDS_MISSING_VALUES)
      math(EXPR _nkinds "${_nkinds} + 1")
      _kiln_json_list(_a ${R_${_k}})
      list(APPEND _steps "[\"${_k}\", ${_a}]")
    endif()
  endforeach()
  if(NOT _nkinds EQUAL 1)
    message(FATAL_ERROR "kiln: recipe ${_name}: give exactly one of CONFIGURE, CMAKE, MAKE or BUILD_COMMAND")
  endif()
  foreach(_k MAKE_ARGS INSTALL_ARGS ENV PROGRAM SUBDIR)
    _kiln_json_list(_j_${_k} ${R_${_k}})
  endforeach()
  _kiln_json_list(_j_patches ${_patch_files})
  set(_spec "{\n  \"name\": \"${_name}\",\n  \"src\": \"${_src}\",\n  \"patches\": ${_j_patches},\n")
  string(APPEND _spec "  \"step\": ${_steps},\n  \"make_args\": ${_j_MAKE_ARGS},\n  \"install_args\": ${_j_INSTALL_ARGS},\n")
  string(APPEND _spec "  \"env\": ${_j_ENV},\n  \"subdir\": ${_j_SUBDIR},\n  \"deps\": {${_dep_json}},\n")
  string(APPEND _spec "  \"toolchain\": \"${KILN_TOOLCHAIN_DIR}\",\n")
  file(SHA256 ${CMAKE_CURRENT_LIST_FILE} _listhash)
  set(_patchhash)
  foreach(_p ${_patch_files})
    file(SHA256 ${_p} _h)
    string(APPEND _patchhash ${_h})
  endforeach()
endmacro()

# kiln_recipe(DEBSRC <package> <version> | SOURCE_DIR <dir>
#             CONFIGURE [args...] | CMAKE [args...] | MAKE [args...] | BUILD_COMMAND <cmd...>
#             PROGRAM <path in the build tree>
#             [PATCHES <file>...] [DEPENDS <package>...] [MAKE_ARGS ...] [SUBDIR <dir>]
#             [ENV NAME=value...] [NAME <name>])
# In an app folder's CMakeLists.txt: build the project with its own build
# system through the toolchain (at build time, in <build>/obj/recipe/<name>),
# then link the objects and archives its link of PROGRAM used into every
# platform's image. docs/porting.md has the whole format.
function(kiln_recipe)
  cmake_parse_arguments(R "" "NAME" "DEBSRC;SOURCE_DIR;PATCHES;DEPENDS;CONFIGURE;CMAKE;MAKE;BUILD_COMMAND;MAKE_ARGS;INSTALL_ARGS;ENV;PROGRAM;SUBDIR" ${ARGN})
  if(R_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "kiln: kiln_recipe: unknown arguments ${R_UNPARSED_ARGUMENTS}")
  endif()
  get_property(_name GLOBAL PROPERTY KILN_APP_NAME)
  if(R_NAME)
    set(_name ${R_NAME})
  endif()
  if(NOT R_PROGRAM)
    message(FATAL_ERROR "kiln: recipe ${_name}: PROGRAM <the executable the build links> is required")
  endif()
  _kiln_recipe_common()
  set(_work ${CMAKE_BINARY_DIR}/recipe/${_name})
  set(_ld ${CMAKE_BINARY_DIR}/recipe/${_name}.inputs.ld)
  string(APPEND _spec "  \"work\": \"${_work}\",\n  \"program\": ${_j_PROGRAM},\n  \"inputs_ld\": \"${_ld}\",\n")
  string(APPEND _spec "  \"prefix\": \"\",\n  \"key\": \"\"\n}\n")
  set(_specf ${CMAKE_BINARY_DIR}/recipe/${_name}.json)
  _kiln_write_if_changed(${_specf} "${_spec}")
  set(_dep_stamps)
  foreach(_d ${R_DEPENDS})
    get_property(_st GLOBAL PROPERTY KILN_PKG_STAMP_${_d})
    list(APPEND _dep_stamps ${_st})
  endforeach()
  add_custom_command(OUTPUT ${_ld}
    COMMAND /usr/bin/python3 ${KILN_SRC}/support/toolchain/recipe.py ${_specf}
    DEPENDS ${_specf} ${_patch_files} ${_srcstamp} ${_dep_stamps} ${KILN_SRC}/support/toolchain/recipe.py
            ${KILN_SRC}/support/toolchain/kiln-cc.py ${KILN_TOOLCHAIN_DIR}/toolchain.json
    COMMENT "recipe ${_name}: building with its own build system (log: ${_work}/kiln-build.log)" VERBATIM)
  add_custom_target(kiln_recipe_${_name} DEPENDS ${_ld})
  add_dependencies(kiln_recipe_${_name} toolchain ${_dep_targets})
  set_property(GLOBAL APPEND PROPERTY KILN_APP_LINK_INPUTS ${_ld})
  set_property(GLOBAL APPEND PROPERTY KILN_APP_LINK_TARGETS kiln_recipe_${_name})
endfunction()

# kiln_package(<name> DEBSRC <package> <version> CONFIGURE|CMAKE|MAKE|BUILD_COMMAND ...
#              [INSTALL_ARGS ...] [PATCHES ...] [DEPENDS ...] [ENV ...])
# A library other recipes DEPEND on (support/pkgs/<name>.cmake): built and
# installed once per source version, recipe and toolchain signature into
# <deps>/pkg/<name>-<version>-<key>/ (include/, lib/, lib/pkgconfig/),
# shared by every build and app with the same signature.
function(kiln_package NAME)
  cmake_parse_arguments(R "" "" "DEBSRC;SOURCE_DIR;PATCHES;DEPENDS;CONFIGURE;CMAKE;MAKE;BUILD_COMMAND;MAKE_ARGS;INSTALL_ARGS;ENV;SUBDIR" ${ARGN})
  set(_name ${NAME})
  _kiln_recipe_common()
  string(SHA256 _key "${_spec}|${_listhash}|${_patchhash}|${KILN_TOOLCHAIN_SIG}")
  string(SUBSTRING ${_key} 0 12 _key)
  list(GET R_DEBSRC 1 _ver)
  set(_prefix ${KILN_DEPS_DIR}/pkg/${NAME}-${_ver}-${_key})
  set(_work ${CMAKE_BINARY_DIR}/recipe/pkg-${NAME})
  string(APPEND _spec "  \"work\": \"${_work}\",\n  \"program\": [],\n  \"inputs_ld\": \"\",\n")
  string(APPEND _spec "  \"prefix\": \"${_prefix}\",\n  \"key\": \"${_key}\"\n}\n")
  set(_specf ${CMAKE_BINARY_DIR}/recipe/pkg-${NAME}.json)
  _kiln_write_if_changed(${_specf} "${_spec}")
  set(_dep_stamps)
  foreach(_d ${R_DEPENDS})
    get_property(_st GLOBAL PROPERTY KILN_PKG_STAMP_${_d})
    list(APPEND _dep_stamps ${_st})
  endforeach()
  add_custom_command(OUTPUT ${_prefix}/.stamp
    COMMAND /usr/bin/python3 ${KILN_SRC}/support/toolchain/recipe.py ${_specf}
    DEPENDS ${_specf} ${_patch_files} ${_srcstamp} ${_dep_stamps}
    COMMENT "package ${NAME} ${_ver}: building for Kiln (once per version and toolchain; log: ${_work}/kiln-build.log)" VERBATIM)
  add_custom_target(kiln_pkg_${NAME} DEPENDS ${_prefix}/.stamp)
  add_dependencies(kiln_pkg_${NAME} toolchain ${_dep_targets})
  set_property(GLOBAL PROPERTY KILN_PKG_PREFIX_${NAME} ${_prefix})
  set_property(GLOBAL PROPERTY KILN_PKG_STAMP_${NAME} ${_prefix}/.stamp)
endfunction()

# kiln_use_package(<name>): declare the package from support/pkgs/<name>.cmake
# (once per build).
function(kiln_use_package NAME)
  if(TARGET kiln_pkg_${NAME})
    return()
  endif()
  set(_f ${KILN_SRC}/support/pkgs/${NAME}.cmake)
  if(NOT EXISTS ${_f})
    file(GLOB _have RELATIVE ${KILN_SRC}/support/pkgs ${KILN_SRC}/support/pkgs/*.cmake)
    string(REPLACE ".cmake" "" _have "${_have}")
    message(FATAL_ERROR "kiln: no package ${NAME}: support/pkgs/${NAME}.cmake does not exist (packages: ${_have})")
  endif()
  include(${_f})
endfunction()

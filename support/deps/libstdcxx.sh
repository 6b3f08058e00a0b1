#!/usr/bin/env bash
# Build libstdc++ (GCC 12, from Debian's gcc-12-source) for Kiln apps, once
# per deps dir and thread model; cached.
#   libstdcxx.sh <deps-dir> <single|posix> <kiln source dir> <target triple> "<arch code flags>"
# Result: <deps-dir>/libstdcxx-<model>/{include,lib/libstdc++.a,lib/libsupc++.a}
# The package is fetched with `apt-get download` and unpacked with
# `dpkg -x` into the deps dir: nothing is installed on the system.
set -euo pipefail
deps=$(realpath -m "$1")
model=$2
src=$(realpath "$3")
triple=${4:?libstdcxx.sh: give the target triple}
archflags=${5-}
here=$(cd "$(dirname "$0")" && pwd)
case $model in single|posix) ;; *) echo "kiln: libstdcxx.sh: model must be single or posix" >&2; exit 2 ;; esac
out=$deps/libstdcxx-$model
newlib=$deps/newlib
[ -f "$newlib/.stamp" ] || { echo "kiln: build newlib first" >&2; exit 1; }
key=$( (cat "$0" "$newlib/.stamp"; echo "$triple $archflags"; [ "$model" = posix ] && cat "$src"/lib/pthread/include/pthread.h \
        "$src"/lib/pthread/include/sys/_pthreadtypes.h "$src"/lib/pthread/include/semaphore.h; true) \
      | sha256sum | cut -c1-16)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then exit 0; fi
# One build at a time per deps dir and model (several build trees may share it).
mkdir -p "$deps"
exec 9>"$deps/libstdcxx-$model.lock"
flock 9
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then exit 0; fi

work=$deps/libstdcxx-$model-build
dl=$deps/download
rm -rf "$work" "$out"
mkdir -p "$work/bin" "$work/obj" "$dl" "$out"
echo "kiln: building libstdc++ ($model threads) from gcc-12-source (once per build tree, a few minutes)"
deb=$(ls "$dl"/gcc-12-source_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
  (cd "$dl" && apt-get download gcc-12-source >/dev/null 2>"$dl/apt.log") || {
    [ "$(id -u)" -eq 0 ] && apt-get update >/dev/null 2>&1 && (cd "$dl" && apt-get download gcc-12-source >/dev/null 2>>"$dl/apt.log")
  } || { echo "kiln: could not download gcc-12-source (see $dl/apt.log)" >&2; exit 1; }
  deb=$(ls "$dl"/gcc-12-source_*.deb | head -1)
fi
dpkg -x "$deb" "$work/pkg"
tarball=$(ls "$work"/pkg/usr/src/gcc-12/gcc-12*.tar.xz | head -1)
mkdir -p "$work/src"
tar -C "$work/src" --strip-components=1 -xf "$tarball" --wildcards \
  '*/libstdc++-v3/*' '*/libgcc/*' '*/libiberty/*' '*/config/*' '*/include/*' '*/config.guess' '*/config.sub' \
  '*/config.rpath' '*/install-sh' '*/ltmain.sh' '*/missing' '*/mkinstalldirs' '*/move-if-change' \
  '*/libtool.m4' '*/ltoptions.m4' '*/ltsugar.m4' '*/ltversion.m4' '*/lt~obsolete.m4' \
  '*/config-ml.in' '*/compile' '*/depcomp' '*/gcc/BASE-VER' '*/gcc/DATESTAMP' '*/gcc/DEV-PHASE'
rm -rf "$work/pkg"

# Compiler wrappers for the target triple: Kiln's headers and flags, and
# the thread model libstdc++ reads from `$CXX -v`.
gccinc=$(gcc -print-file-name=include)
flags="-fno-pie -fno-pic $archflags -fno-stack-protector -ffunction-sections -fdata-sections -fno-omit-frame-pointer -D_POSIX_TIMERS=200112L -D_POSIX_MONOTONIC_CLOCK=200112L"
incs="-nostdinc -isystem $newlib/include -isystem $gccinc"
if [ "$model" = posix ]; then
  flags="$flags -D_POSIX_THREADS=200112L -D_POSIX_TIMEOUTS=200112L -D_POSIX_READER_WRITER_LOCKS=200112L -D_UNIX98_THREAD_MUTEX_ATTRIBUTES"
  # configure's gthreads check includes gthr-default.h, which a full GCC
  # build would have made in its libgcc build folder.
  mkdir -p "$work/gthr"
  cp "$work/src/libgcc/gthr-posix.h" "$work/gthr/gthr-default.h"
  incs="-nostdinc -isystem $src/lib/pthread/include -isystem $newlib/include -isystem $gccinc -isystem $work/gthr"
fi
for t in gcc g++; do
  cat > "$work/bin/$triple-$t" <<W
#!/bin/sh
if [ "\$#" -eq 1 ] && [ "\$1" = -v ]; then
  $t -v 2>&1 | sed 's/^Thread model: .*/Thread model: $model/' >&2
  exit 0
fi
exec $t $incs $flags "\$@"
W
done
for t in ar as ld nm ranlib objcopy objdump strip readelf; do
  printf '#!/bin/sh\nexec %s "$@"\n' "$t" > "$work/bin/$triple-$t"
done
chmod +x "$work"/bin/*
export PATH=$work/bin:$PATH

cd "$work/obj"
CC=$triple-gcc CXX=$triple-g++ AR=$triple-ar RANLIB=$triple-ranlib \
CFLAGS="-O2 -g" CXXFLAGS="-O2 -g" LDFLAGS=-nostdlib \
"$work/src/libstdc++-v3/configure" --host="$triple" --target="$triple" \
  --with-target-subdir="$triple" --with-newlib --disable-shared --disable-multilib \
  --disable-nls --disable-libstdcxx-pch --enable-clocale=generic \
  --disable-libstdcxx-filesystem-ts --disable-libstdcxx-backtrace \
  --enable-libstdcxx-threads=$([ "$model" = posix ] && echo yes || echo no) \
  --prefix="$work/install" >"$work/configure.log" 2>&1 \
  || { echo "kiln: libstdc++ configure failed, see $work/configure.log" >&2; tail -20 "$work/configure.log" >&2; exit 1; }
if [ "$model" = posix ] && ! grep -q "^#define _GLIBCXX_HAS_GTHREADS 1" "$work"/obj/config.h; then
  echo "kiln: libstdc++ configure found no usable pthreads (see $work/obj/config.log)" >&2
  exit 1
fi
make -j"$(nproc)" >"$work/build.log" 2>&1 \
  || { echo "kiln: libstdc++ build failed, see $work/build.log" >&2; grep -m5 'error' "$work/build.log" >&2; exit 1; }
make install >>"$work/build.log" 2>&1
mkdir -p "$out/lib"
cp -r "$work/install/include" "$out/include"
cp "$work/install/lib/libstdc++.a" "$work/install/lib/libsupc++.a" "$out/lib/"
grep -m1 "thread model" "$work/configure.log" > "$out/thread-model" || true
rm -rf "$work"
echo "$key" > "$out/.stamp"

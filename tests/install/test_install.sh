#!/usr/bin/env bash
# Installs the build into a temporary prefix, runs the installed programs
# from there (no LD_LIBRARY_PATH: they must find libhwenc themselves) and
# builds a consumer against it: with pkg-config (shared, then the static
# archive with the private libraries) and with CMake's find_package(hwenc),
# and checks that the installed libraries export only the public API.
set -euo pipefail
build=$1
source_dir=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
pcdir=$(dirname "$(find "$prefix" -name hwenc.pc)")
libdir=$(dirname "$pcdir")
export PKG_CONFIG_PATH="$pcdir"
consumer="$source_dir/tests/install/consumer.c"

# The installed CLI encodes a clip and starts its validate program.
env -u LD_LIBRARY_PATH "$prefix/bin/hwenc" list-backends >"$prefix/backends.txt"
grep -q cpu "$prefix/backends.txt"
env -u LD_LIBRARY_PATH "$prefix/bin/hwenc" encode - --size 64x48 --backend cpu -o "$prefix/out.264" \
    --quiet < <(head -c $((64 * 48 * 3 / 2 * 3)) /dev/urandom)
test -s "$prefix/out.264"
env -u LD_LIBRARY_PATH "$prefix/bin/hwenc" validate --help >/dev/null

# shellcheck disable=SC2046
cc -o "$prefix/consumer_shared" "$consumer" $(pkg-config --cflags --libs hwenc)
LD_LIBRARY_PATH="$libdir" "$prefix/consumer_shared"
# shellcheck disable=SC2046
cc -o "$prefix/consumer_static" "$consumer" $(pkg-config --cflags hwenc) "$libdir/libhwenc.a" \
    $(pkg-config --static --libs-only-l hwenc | sed 's/-lhwenc//')
"$prefix/consumer_static"

# The installed libraries define the public API and nothing else.
bash "$source_dir/tests/symbols/test_symbols.sh" "$prefix/include/hwenc/hwenc.h" "$libdir/libhwenc.a" \
    "$libdir/libhwenc.so"

cmake -S "$source_dir/tests/install" -B "$prefix/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/cmake-build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$prefix/cmake-build/consumer"
echo "5 passed, 0 failed"

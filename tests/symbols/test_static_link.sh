#!/usr/bin/env bash
# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Links static_link.c with the static libhwenc.a, Debian's static libx264.a
# (libx264-dev) and FFmpeg's static libavcodec.a, libswresample.a and
# libavutil.a (libavcodec-dev and the packages it pulls in) into one program,
# and runs it. The libraries FFmpeg and x264 depend on (libvpx, libdav1d,
# libva, glib, ...) are linked dynamically: Debian 12 installs most of them
# without a static library or even a development symlink, so each is
# linked by its soname when libX.so is missing. hwenc's own dependencies
# (libm, libpthread, libdl) come from its pkg-config file.
# Usage: test_static_link.sh <C compiler> <source dir> <libhwenc.a>
set -euo pipefail
cc=$1
source_dir=$2
archive=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

static_libs=" avcodec swresample avutil x264 "
args=()
for flag in $(pkg-config --static --libs libavcodec libswresample libavutil x264) -lm -lpthread -ldl; do
    case $flag in
    -l*)
        lib=${flag#-l}
        if [[ $static_libs == *" $lib "* ]]; then
            path=$("$cc" -print-file-name="lib$lib.a")
            [ -f "$path" ] || { echo "test_static_link: no static lib$lib.a (its -dev package)" >&2; exit 1; }
            args+=("$path")
        elif [ -f "$("$cc" -print-file-name="lib$lib.so")" ]; then
            args+=("$flag")
        else
            soname=$(ldconfig -p | awk -v n="lib$lib.so." '!found && index($1, n) == 1 {print $1; found = 1}')
            [ -n "$soname" ] || { echo "test_static_link: no lib$lib, static or shared" >&2; exit 1; }
            args+=("-l:$soname")
        fi
        ;;
    *) args+=("$flag") ;;
    esac
done

# -no-pie: Debian builds libavcodec.a without -fPIC (relocations a PIE
# cannot hold).
# shellcheck disable=SC2046
"$cc" -std=gnu11 -Wall -Wextra -Werror -no-pie -o "$tmp/static_link" "$source_dir/tests/symbols/static_link.c" \
    -I"$source_dir/include" $(pkg-config --cflags libavcodec x264) "$archive" "${args[@]}"
# The program runs without hwenc, x264 or FFmpeg's libraries installed.
if ldd "$tmp/static_link" | grep -E 'lib(hwenc|x264|avcodec|avutil|swresample)\.so'; then
    echo "test_static_link: the program loads a library it should have linked statically" >&2
    exit 1
fi
"$tmp/static_link"

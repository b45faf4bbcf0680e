#!/usr/bin/env bash
# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# The include rules of doc/architecture.md (issue 25):
# - every quoted include is a path from the source root, or the public
#   header through include/ ("hwenc/hwenc.h"), never a bare name that a
#   compiler would look up beside the including file first;
# - the HAL (hw/) reaches nothing of the CPU encoder but its DSP home,
#   cpu_fallback/dsp/, and the DSP home nothing of the encoder around it.
#
#   test_includes.sh [SOURCE_DIR]
#   test_includes.sh --self-test   # breaks both rules in a copy of hw/ and
#                                  # include/, and must see each refused
set -u
if [ "${1:-}" = "--self-test" ]; then
    src=$(cd "$(dirname "$0")/../.." && pwd)
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    cp -r "$src/hw" "$src/include" "$scratch/"
    sed -i 's|#include "hw/core/analysis.h"|#include "analysis.h"|' "$scratch/hw/core/analysis.c"
    echo '#include "cpu_fallback/internal.h"' >> "$scratch/hw/core/gop.h"
    out=$(bash "$0" "$scratch") && { echo "self-test: the broken copy passed"; exit 1; }
    grep -q 'hw/core/analysis.c:[0-9]*: "analysis.h" is not a path from the source root' <<< "$out" &&
        grep -q 'hw/core/gop.h:[0-9]*: the HAL includes "cpu_fallback/internal.h"' <<< "$out" ||
        { echo "self-test: not refused as expected:"; echo "$out"; exit 1; }
    echo "self-test: a bare include and a HAL include of the encoder are both refused"
    exit 0
fi
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 1
fail=0

sources() {
    find hw cpu_fallback include tools bench tests -name '*.[ch]' -type f 2>/dev/null | sed 's|^\./||' | sort
}

while IFS=: read -r file line text; do
    [[ $text =~ \"([^\"]*)\" ]] || continue
    name=${BASH_REMATCH[1]}
    if [ ! -f "$name" ] && [ ! -f "include/$name" ]; then
        echo "$file:$line: \"$name\" is not a path from the source root"
        fail=1
    fi
    case "$file:$name" in
    hw/*:cpu_fallback/dsp/*) ;;
    hw/*:cpu_fallback/*)
        echo "$file:$line: the HAL includes \"$name\": only cpu_fallback/dsp/ is shared"
        fail=1 ;;
    cpu_fallback/dsp/*:cpu_fallback/dsp/*) ;;
    cpu_fallback/dsp/*:cpu_fallback/*|cpu_fallback/dsp/*:hw/*)
        echo "$file:$line: the DSP home includes \"$name\": it depends on nothing around it"
        fail=1 ;;
    esac
done < <(sources | xargs grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' /dev/null)

count=$(sources | xargs grep -c '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' /dev/null |
        awk -F: '{ n += $2 } END { print n + 0 }')
if [ "$count" -lt 100 ]; then
    echo "only $count quoted includes found: the check did not see the tree"
    fail=1
fi
[ "$fail" = 0 ] && echo "includes: $count quoted includes, all from the source root, layering kept"
exit "$fail"

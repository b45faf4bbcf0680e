#!/usr/bin/env bash
# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# The symbols libhwenc.a and libhwenc.so define globally must be exactly the
# public API of hwenc.h (every HWENC_API function): a program that links
# hwenc beside x264, FFmpeg or its own code must not meet an internal name
# (cpu_detect, bs_init, sad_16x16_sse2, ...), which would be a link failure
# or, worse, a silent call into the wrong function. Any global symbol that
# does not start with hwenc_, any hwenc_ symbol that is not in the header,
# and any public function missing from a library fails the test.
# Usage: test_symbols.sh <hwenc.h> <libhwenc.a> <libhwenc.so>
set -euo pipefail
header=$1
archive=$2
shared=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -n 's/^HWENC_API[^(]*[ *]\(hwenc_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u >"$tmp/public"
if [ "$(wc -l <"$tmp/public")" -lt 10 ]; then
    echo "test_symbols: found only $(wc -l <"$tmp/public") HWENC_API functions in $header" >&2
    exit 1
fi

failed=0
check() { # <what> <file of defined global symbols>
    local what=$1 list=$2
    local unprefixed missing extra
    unprefixed=$(grep -v '^hwenc_' "$list" || true)
    extra=$(grep '^hwenc_' "$list" | comm -23 - "$tmp/public" || true)
    missing=$(comm -13 "$list" "$tmp/public")
    if [ -n "$unprefixed" ]; then
        echo "$what: $(echo "$unprefixed" | wc -l) global symbols without the hwenc_ prefix:" >&2
        echo "$unprefixed" | head -20 | sed 's/^/    /' >&2
        failed=1
    fi
    if [ -n "$extra" ]; then
        echo "$what: global hwenc_ symbols that are not public API in hwenc.h:" >&2
        echo "$extra" | sed 's/^/    /' >&2
        failed=1
    fi
    if [ -n "$missing" ]; then
        echo "$what: public functions of hwenc.h it does not define:" >&2
        echo "$missing" | sed 's/^/    /' >&2
        failed=1
    fi
    echo "$what: $(wc -l <"$list") global symbols"
}

# Defined (not U, w or v) global symbols: nm's upper-case types.
nm -g --defined-only "$archive" | awk 'NF == 3 && $2 ~ /^[A-TX-Z]$/ {print $3}' | sort -u >"$tmp/archive"
check "$archive" "$tmp/archive"
nm -D --defined-only "$shared" | awk 'NF == 3 && $2 ~ /^[A-TX-Z]$/ {print $3}' | sort -u >"$tmp/shared"
check "$shared" "$tmp/shared"

[ "$failed" -eq 0 ] || exit 1
echo "2 passed, 0 failed"

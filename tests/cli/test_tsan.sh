#!/usr/bin/env bash
# The command line's slice threads built with ThreadSanitizer (tests/run.sh
# builds it): every access one thread makes to what another writes must be
# ordered by the locks and condition variables of the thread pool and of the
# row chains (cpu_fallback/recon_rows.c). Filter on and off, references and
# B frames, at 2 to 4 threads; any report fails the test.
set -euo pipefail
hwenc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ffmpeg -v error -f lavfi -i "testsrc2=size=352x288:rate=25" -frames:v 24 -pix_fmt yuv420p "$work/clip.y4m"
status=0
for args in "--preset ultrafast --threads 2" "--preset ultrafast --threads 3 --no-deblock" \
            "--preset veryfast --threads 4 --ref 2 --bframes 2 --keyint 8" "--preset medium --threads 2 --qp 40"; do
    # shellcheck disable=SC2086
    if TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
        "$hwenc" encode "$work/clip.y4m" -o "$work/out.264" --backend cpu --quiet $args; then
        echo "ok   $args"
    else
        echo "FAIL $args"
        status=1
    fi
done
exit $status

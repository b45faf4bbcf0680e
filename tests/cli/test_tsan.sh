#!/usr/bin/env bash
# The command line's slice threads built with ThreadSanitizer (tests/run.sh
# builds it): every access one thread makes to what another writes must be
# ordered by the locks and condition variables of the thread pool and of the
# row chains (cpu_fallback/recon_rows.c). Filter on and off, references and
# B frames, at 2 to 4 threads; any report fails the test.
set -euo pipefail
. "$(dirname "$0")/encode_cases.sh"
encode_cases -i "testsrc2=size=352x288:rate=25" -frames:v 24 -- \
    env TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$1" -- \
    "--preset ultrafast --threads 2" "--preset ultrafast --threads 3 --no-deblock" \
    "--preset veryfast --threads 4 --ref 2 --bframes 2 --keyint 8" "--preset medium --threads 2 --qp 40"

#!/usr/bin/env bash
# The CPU encoder against x264 on the same clips in one run (on demand, not
# in CI): BD-rate (PSNR-Y, decoded by libavcodec) and fps, at one and two
# threads, plus the per-kernel SIMD speed-ups from checkasm --bench.
#
#   bench/cpu_vs_x264.sh [BUILD_DIR] [OUT_DIR]
#
# Targets (issues 3 and 5): BD-rate at least 50% better than x264 ultrafast;
# one thread at least 0.7x x264 ultrafast's fps at 720x404; two threads at
# least 1.7x one thread. Figures are ratios within one run, because the
# machines are shared.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-bench-results}
bash bench/prepare_clips.sh clips
mkdir -p "$out"

for threads in 1 2; do
    for clip in clips/city_720x404.y4m clips/city_1920x1080.y4m; do
        name=$(basename "$clip" .y4m)
        echo "== $name, $threads thread(s)"
        "$build/bench/hwbench" --threads "$threads" --qp 22,27,32,37 --repeat 3 \
            --encoders cpu:ultrafast,cpu:superfast,cpu:veryfast,cpu:medium,x264:ultrafast,x264:superfast \
            --anchor x264:ultrafast --out "$out/$name-t$threads" "$clip" || true
    done
done

if [ -x "$build/tests/checkasm" ]; then
    echo "== checkasm --bench"
    "$build/tests/checkasm" --bench | tee "$out/checkasm-bench.txt"
fi

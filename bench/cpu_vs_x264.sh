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

# Mean fps of each series over the rate points, and its ratio to x264's.
ratios() {
    printf "%-16s %10s %12s %12s %10s\n" series fps x/ultrafast x/superfast BD-rate
    awk -F, 'NR > 1 && $7 == "ok" { gsub(/"/, "", $1); fps[$1] += $13; n[$1]++; bd[$1] = $(NF - 1) }
        END {
            u = fps["x264:ultrafast"] / n["x264:ultrafast"]; s = fps["x264:superfast"] / n["x264:superfast"];
            for (k in fps) printf "%-16s %10.1f %12.2f %12.2f %9.2f%%\n", k, fps[k] / n[k], fps[k] / n[k] / u,
                                  fps[k] / n[k] / s, bd[k]
        }' "$1" | sort
}

for threads in 1 2; do
    for clip in clips/city_720x404.y4m clips/city_1920x1080.y4m; do
        name=$(basename "$clip" .y4m)
        echo "== $name, $threads thread(s)"
        "$build/bench/hwbench" --threads "$threads" --qp 22,27,32,37 --repeat 3 \
            --encoders cpu:ultrafast,cpu:superfast,cpu:veryfast,cpu:medium,x264:ultrafast,x264:superfast \
            --anchor x264:ultrafast --out "$out/$name-t$threads" "$clip" || true
        ratios "$out/$name-t$threads/results.csv"
    done
done

if [ -x "$build/tests/checkasm" ]; then
    echo "== checkasm --bench"
    "$build/tests/checkasm" --bench | tee "$out/checkasm-bench.txt"
fi

#!/usr/bin/env bash
# Soak: one encoder per backend encodes FRAMES (default 100,000) frames of
# generated content with a rate reconfigure every 300 frames and a forced
# IDR half-way between (bench/soak.c), at nice 19, on the CPU backend and on
# each test double as this build has them. Prints RSS every 10,000 frames;
# after the warm-up it must stay within 256 KiB, no frame may be lost, and
# FFmpeg must decode the stream (-xerror) to every frame.
#
#   bench/soak.sh [BUILD_DIR [FRAMES [hwenc_soak options...]]]
#
# BUILD_DIR defaults to build/ (built if needed: hwenc_soak and the doubles).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
frames=${2:-100000}
shift $(($# > 2 ? 2 : $#))
cmake -S . -B "$build" >/dev/null
targets=(hwenc_soak)
for t in hwenctest_drv_video hwenctest_drm_shim hwenc_standin_nvenc hwenc_test_icd; do
    grep -q "^$t:" <(cmake --build "$build" --target help | sed -n 's/^\.\.\. \([^ ]*\).*/\1:/p') && targets+=("$t")
done
nice -n 19 cmake --build "$build" -j2 --target "${targets[@]}" >/dev/null
tests=$PWD/$build/tests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
soak() { # NAME ENV... -- hwenc_soak options
    local name=$1 envs=() decoded
    shift
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    echo "== $name"
    if ! env "${envs[@]}" nice -n 19 "$build/bench/hwenc_soak" --frames "$frames" -o "$work/$name.264" "$@"; then
        status=1
        return
    fi
    decoded=$(ffmpeg -v error -xerror -i "$work/$name.264" -map 0:v -f framemd5 - | grep -vc '^#') || decoded=-1
    echo "FFmpeg decodes $decoded of $frames frames"
    [ "$decoded" -eq "$frames" ] || status=1
}

soak cpu HWENC_BACKEND= -- --backend cpu --threads 1 "$@"
if [ -e "$tests/vaapi-drivers/hwenctest_drv_video.so" ]; then
    touch "$work/renderD128"
    soak vaapi LIBVA_DRIVERS_PATH="$tests/vaapi-drivers" LIBVA_DRIVER_NAME=hwenctest LIBVA_MESSAGING_LEVEL=1 \
        HWENCTEST_DRM_NODE="$work/renderD128" LD_PRELOAD="$tests/libhwenctest_drm_shim.so" HWENC_BACKEND= -- \
        --backend vaapi --device "$work/renderD128" "$@"
fi
if [ -e "$tests/nvenc_standin/libnvidia-encode.so.1" ]; then
    soak nvenc LD_LIBRARY_PATH="$tests/nvenc_standin" HWENC_BACKEND= -- --backend nvenc "$@"
fi
if [ -e "$tests/hwenc_test_icd.json" ]; then
    soak vulkan VK_DRIVER_FILES="$tests/hwenc_test_icd.json" VK_ICD_FILENAMES="$tests/hwenc_test_icd.json" \
        HWENC_TEST_ICD_LIBRARY="$(ls "$tests"/*hwenc_test_icd*.so)" HWENC_BACKEND= -- --backend vulkan "$@"
fi
exit $status

#!/usr/bin/env bash
# Byte-identity of the encoded streams, for refactors that must change no
# stream (issue 25). Encodes a small matrix (presets, B frames, threads,
# rate-control modes, profiles) on the CPU backend and on each test double
# (the VA driver, the NVENC stand-ins, the Vulkan ICD, each with some of its
# capability profiles) and prints one line "md5 case" per encode.
#
#   tests/identity/streams.sh BUILD_DIR > streams.md5
#   tests/identity/streams.sh --against COMMIT   # builds COMMIT in a scratch
#       worktree, runs this same matrix on it and on ./build, and diffs them
#
# The doubles emit the CPU picture encoder's streams, so their md5s move with
# the HAL's planning and the backends' parameters, which is what a refactor
# of those must keep.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${1:-}" = "--against" ]; then
    commit=$2
    scratch=$(mktemp -d /tmp/hwenc-identity.XXXXXX)
    trap 'git -C "$src" worktree remove --force "$scratch/tree" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
    git -C "$src" worktree add --detach "$scratch/tree" "$commit" >/dev/null
    cmake -S "$scratch/tree" -B "$scratch/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$scratch/build" -j"${JOBS:-2}" >/dev/null
    cmake --build "$src/build" -j"${JOBS:-2}" >/dev/null
    "$0" "$scratch/build" > "$scratch/ref.md5"
    "$0" "$src/build" > "$scratch/new.md5"
    if diff "$scratch/ref.md5" "$scratch/new.md5"; then
        echo "identical: $(wc -l < "$scratch/new.md5") streams, $commit vs this tree"
    else
        echo "streams differ between $commit and this tree" >&2
        exit 1
    fi
    exit 0
fi

build=$(cd "${1:?usage: $0 BUILD_DIR | --against COMMIT}" && pwd)
hwenc=$build/tools/hwenc
work=$(mktemp -d /tmp/hwenc-streams.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A deterministic clip with motion and texture: 160x128, 16 frames, made here
# so that the md5s do not depend on an ffmpeg version's test sources.
python3 - "$work/in.y4m" <<'PY'
import sys
w, h, n = 160, 128, 16
with open(sys.argv[1], "wb") as f:
    f.write(b"YUV4MPEG2 W%d H%d F25:1 Ip A1:1 C420jpeg\n" % (w, h))
    for t in range(n):
        f.write(b"FRAME\n")
        y = bytes(((x * 3 + t * 5) ^ (r * 2 - t * 3)) & 0xff if (x // 16 + r // 16) % 2
                  else (x + r + 7 * t) & 0xff for r in range(h) for x in range(w))
        u = bytes((128 + x - r + t) & 0xff for r in range(h // 2) for x in range(w // 2))
        v = bytes((96 + 2 * x + t * 3) & 0xff for r in range(h // 2) for x in range(w // 2))
        f.write(y + u + v)
PY

# run NAME ENV... -- ARGS...: encodes with ENV set, prints "md5 NAME".
run() {
    local name=$1; shift
    local env=()
    while [ "$1" != "--" ]; do env+=("$1"); shift; done
    shift
    if ! env "${env[@]}" "$hwenc" encode "$work/in.y4m" -o "$work/out.264" --quiet "$@" 2> "$work/err"; then
        echo "FAILED $name: $(head -c 300 "$work/err")"
        failed=1
        return
    fi
    echo "$(md5sum < "$work/out.264" | cut -d' ' -f1) $name"
}

failed=0
rcs=("--qp 27" "--crf 24" "--bitrate 300" "--bitrate 300 --vbv-maxrate 300")

# CPU backend: presets x B frames x threads at constant QP, then every
# rate-control mode and profile on medium.
for preset in ultrafast superfast medium; do
    for bf in 0 2; do
        for th in 1 2; do
            run "cpu $preset bf$bf th$th qp" HWENC_BACKEND= -- --backend cpu --preset $preset --bframes $bf --threads $th --qp 27
        done
    done
done
for rc in "${rcs[@]}"; do
    run "cpu medium bf2 th2 ref2 $rc" HWENC_BACKEND= -- --backend cpu --bframes 2 --threads 2 --ref 2 --keyint 8 $rc
done
for prof in baseline main; do
    run "cpu medium $prof" HWENC_BACKEND= -- --backend cpu --profile $prof --bframes 0 --qp 25
done

# VA driver: libva loads it by name; the shim lets a plain file be the node.
va_env=(LIBVA_DRIVERS_PATH=$build/tests/vaapi-drivers LIBVA_DRIVER_NAME=hwenctest LIBVA_MESSAGING_LEVEL=1
        HWENCTEST_DRM_NODE=$work/dri/renderD128 HWENCTEST_VA_TRACE=$work/va-trace.txt
        LD_PRELOAD=$build/tests/libhwenctest_drm_shim.so)
mkdir -p "$work/dri" && : > "$work/dri/renderD128"
for prof in default ihd ihd-lp i965 radeonsi; do
    for rc in "--qp 27 --bframes 0" "--crf 24 --bframes 2" "--bitrate 300 --vbv-maxrate 300 --bframes 2"; do
        run "vaapi $prof $rc" "${va_env[@]}" HWENCTEST_VA_PROFILE=$prof -- \
            --backend vaapi --device "$work/dri/renderD128" --keyint 8 --ref 2 $rc
    done
done

# NVENC stand-ins, found through LD_LIBRARY_PATH as the real libraries are.
for prof in default turing ada; do
    for rc in "--qp 27 --bframes 0" "--bitrate 300 --bframes 2"; do
        run "nvenc $prof $rc" LD_LIBRARY_PATH=$build/tests/nvenc_standin HWENC_FAKE_NVENC_PROFILE=$prof -- \
            --backend nvenc --keyint 8 $rc
    done
done

# Vulkan test ICD through the real loader.
vk_env=(VK_DRIVER_FILES=$build/tests/hwenc_test_icd.json VK_ICD_FILENAMES=$build/tests/hwenc_test_icd.json
        HWENC_TEST_ICD_LIBRARY=$build/tests/libhwenc_test_icd.so)
for prof in default radv-vcn4 anv nvidia; do
    rc2="--bitrate 300 --vbv-maxrate 300 --bframes 2 --threads 2"
    [ $prof = anv ] && rc2="--qp 25 --bframes 2 --threads 2"   # its profile offers CQP only
    for rc in "--qp 27 --bframes 0 --threads 1" "$rc2"; do
        run "vulkan $prof $rc" "${vk_env[@]}" HWENC_TEST_ICD_PROFILE=$prof -- \
            --backend vulkan --keyint 8 --ref 2 $rc
    done
done
exit $failed

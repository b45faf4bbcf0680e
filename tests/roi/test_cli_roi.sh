#!/usr/bin/env bash
# hwenc encode --roi FILE: the CSV's errors name file:line, and a stream
# coded with it carries the offset in the rectangle's macroblocks
# (test_roi decodes it with libavcodec's per-macroblock QPs).
# test_cli_roi.sh HWENC TEST_ROI BACKEND
set -uo pipefail
hwenc=$1
test_roi=$2
backend=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
# The VA double's render node is a plain file (tests/vaapi/drm_shim.c).
device=()
if [ -n "${HWENCTEST_DRM_NODE:-}" ]; then
    mkdir -p "$(dirname "$HWENCTEST_DRM_NODE")" && touch "$HWENCTEST_DRM_NODE"
    device=(--device "$HWENCTEST_DRM_NODE")
fi
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failed=1; }

# Noise, so that every macroblock codes a residual and its mb_qp_delta.
ffmpeg -v error -f lavfi -i "nullsrc=size=320x192:rate=25,format=gray,geq=lum='random(1)*255'" -frames:v 12 \
    -pix_fmt yuv420p -f yuv4mpegpipe -y "$work/noise.y4m" || { echo "FAIL ffmpeg"; exit 1; }

refuses() { # NEEDLE CSV-CONTENT
    printf '%b' "$2" > "$work/bad.csv"
    out=$("$hwenc" encode --backend "$backend" "${device[@]}" --roi "$work/bad.csv" -o "$work/bad.h264" "$work/noise.y4m" 2>&1)
    status=$?
    if [ $status -ne 0 ] && [[ "$out" == *"$1"* ]]; then ok "refused: $out"; else bad "wanted '$1', got $status: $out"; fi
}
refuses "bad.csv:2: qp_offset 60 is outside -51..51" "# comment\n0,-1,0,0,16,16,60\n"
refuses "bad.csv:1: 6 fields" "0,-1,0,0,16,16\n"
refuses "bad.csv:3: last_frame 2 is before first_frame 5" "first_frame,last_frame,x,y,width,height,qp_offset\n\n5,2,0,0,16,16,-3\n"
refuses "bad.csv:1: width is not an integer" "0,-1,0,0,wide,16,-3\n"
refuses "bad.csv:2: rectangle x 300, y 0, width 32, height 16 reaches outside the 320x192 picture" \
    "0,-1,0,0,16,16,-3\n0,-1,300,0,32,16,-3\n"
out=$("$hwenc" encode --backend "$backend" "${device[@]}" --roi "$work/nothere.csv" -o "$work/bad.h264" "$work/noise.y4m" 2>&1)
[[ "$out" == *"nothere.csv: No such file"* ]] && ok "missing file: $out" || bad "missing file: $out"

printf 'first_frame,last_frame,x,y,width,height,qp_offset\n0,-1,96,64,96,64,-8\n' > "$work/roi.csv"
if "$hwenc" encode --backend "$backend" "${device[@]}" --qp 30 --threads 1 --no-cabac --roi "$work/roi.csv" \
    -o "$work/roi.h264" "$work/noise.y4m" 2> "$work/log"; then
    "$test_roi" - stream "$work/roi.h264" 96 64 96 64 -8 && ok "the stream carries the offset" || bad "QPs"
else
    bad "encode: $(cat "$work/log")"
fi
exit $failed

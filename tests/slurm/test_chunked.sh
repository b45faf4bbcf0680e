#!/usr/bin/env bash
# Chunked encoding without a cluster: segments encoded alone with
# --start-frame/--frames and joined by concatenation decode to exactly the
# frames of the whole-file encode with --force-idr at the segment starts,
# under constant QP and constant quality, with and without B frames, with
# slice threads; and the segment options refuse bad input.
# Usage: test_chunked.sh HWENC
set -euo pipefail
hwenc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
frame_hashes() { ffmpeg -nostdin -v error -i "$1" -f framemd5 - | grep -v '^#' | awk '{print $NF}'; }

ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=176x144:rate=25:duration=4" -f lavfi \
    -i "mandelbrot=size=176x144:rate=25" -filter_complex "[0][1]blend=all_expr='if(lt(mod(N,60),35),A,B)'" \
    -t 4 -pix_fmt yuv420p "$tmp/clip.y4m" || fail "ffmpeg could not generate the clip"

check_mode()
{
    local whole=$tmp/whole.264 joined=$tmp/joined.264 s
    "$hwenc" encode "$tmp/clip.y4m" -o "$whole" --quiet --keyint -1 --scenecut 0 --force-idr 25,50,75 "$@" ||
        fail "whole-file encode with $* failed"
    : > "$joined"
    for s in 0 25 50 75; do
        "$hwenc" encode "$tmp/clip.y4m" -o "$tmp/seg.264" --quiet --keyint -1 --scenecut 0 --start-frame $s \
            --frames 25 "$@" || fail "segment $s with $* failed"
        cat "$tmp/seg.264" >> "$joined"
    done
    cmp -s <(frame_hashes "$whole") <(frame_hashes "$joined") ||
        fail "with $*: the joined segments do not decode to the frames of the whole-file encode"
    [ "$(frame_hashes "$joined" | wc -l)" -eq 100 ] || fail "with $*: the joined stream does not hold 100 frames"
    echo "identical decoded frames: $*"
}
check_mode --qp 26
check_mode --qp 26 --bframes 3 --ref 2
check_mode --crf 23
check_mode --crf 23 --bframes 2 --threads 2
check_mode --crf 20 --bframes 2 --ref 3 --threads 1

refuse()
{
    local want=$1
    shift
    if "$hwenc" encode "$tmp/clip.y4m" -o "$tmp/refused.264" --quiet "$@" 2> "$tmp/err"; then
        fail "hwenc encode $* succeeded; it must refuse"
    fi
    grep -q -- "$want" "$tmp/err" || fail "hwenc encode $*: the error does not say '$want': $(cat "$tmp/err")"
    [ ! -e "$tmp/refused.264" ] || fail "hwenc encode $* left $tmp/refused.264 behind"
}
refuse "ascending" --force-idr 50,25
refuse "ascending" --force-idr 25,25
refuse "expected ascending frame numbers" --force-idr 10,x
refuse "expected ascending frame numbers" --force-idr -5
refuse "past the end of the input (100 frames)" --start-frame 101
echo "the segment options refuse bad lists and a start past the end"

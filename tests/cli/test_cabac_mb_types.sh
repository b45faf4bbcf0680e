#!/usr/bin/env bash
# Every macroblock type the CPU encoder emits, in CABAC streams of the High
# profile (8x8 transform on), through Debian's `ffmpeg -xerror`: the city
# clip with B frames and partitions at medium, and noise at QP 0, whose
# macroblocks outgrow the per-macroblock limit and become I_PCM. ffmpeg's
# mb_type debug map (one letter per macroblock: i Intra4x4/8x8, I
# Intra16x16, P I_PCM, S skip, d B_Skip, D B_Direct_16x16, > list 0, < list 1,
# X both; then + 8x8, - 16x8, | 8x16) must show each type, and the decoded
# frames must equal the encoder's reconstruction.
set -euo pipefail
hwenc=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash "$source_dir/bench/prepare_clips.sh" "$work/clips" >/dev/null
passed=0
fail=0
check() { if "$@"; then echo "ok   $*"; passed=$((passed + 1)); else echo "FAIL $*"; fail=$((fail + 1)); fi; }

# encode NAME CLIP FRAMES ARGS...: encodes, decodes with -xerror against the
# reconstruction, and appends ffmpeg's macroblock map to $work/map.
encode() {
    local name=$1 clip=$2 frames=$3
    shift 3
    "$hwenc" encode "$clip" -o "$work/$name.264" --recon "$work/$name.recon.y4m" --frames "$frames" --quiet "$@"
    ffmpeg -v error -xerror -threads 1 -i "$work/$name.264" -f rawvideo -pix_fmt yuv420p "$work/$name.yuv" -y
    ffmpeg -v error -i "$work/$name.recon.y4m" -f rawvideo -pix_fmt yuv420p "$work/$name.recon.yuv" -y
    check cmp -s "$work/$name.yuv" "$work/$name.recon.yuv"
    ffmpeg -hide_banner -threads 1 -debug mb_type -i "$work/$name.264" -f null - 2>&1 |
        sed -n 's/^\[h264 @ [^]]*\] //p' >> "$work/map"
}

: > "$work/map"
encode city "$work/clips/city_720x404.y4m" 30 --preset medium --bframes 3 --ref 2 --qp 24 --threads 2
encode city_slow "$work/clips/city_720x404.y4m" 12 --preset veryfast --bframes 2 --qp 34
ffmpeg -v error -f lavfi -i "nullsrc=s=176x144:r=25,geq=random(1)*255:128:128" -frames:v 2 -pix_fmt yuv420p \
    "$work/noise.y4m" -y
encode noise "$work/noise.y4m" 2 --qp 0 --keyint 1

# The map's first character per macroblock is its type, the second its
# partitioning.
types=$(grep -o '[iIPSdD><X][ +|-][ =]' "$work/map" | cut -c1 | sort -u | tr -d '\n')
parts=$(grep -o '[><X][+|-]' "$work/map" | cut -c2 | sort -u | tr -d '\n')
echo "macroblock types seen: '$types', partitions: '$parts'"
for t in i I P S d D '>' '<' X; do
    check grep -qF -- "$t" <<<"$types"
done
for p in + - '|'; do
    check grep -qF -- "$p" <<<"$parts"
done
# The streams say High, CABAC and the 8x8 transform.
check grep -q "High" < <(ffprobe -v error -show_streams "$work/city.264")
headers=$(ffmpeg -hide_banner -i "$work/city.264" -c copy -bsf:v trace_headers -f null - 2>&1)
check grep -q "entropy_coding_mode_flag *1 *= *1" <<<"$headers"
check grep -q "transform_8x8_mode_flag *1 *= *1" <<<"$headers"

echo "$passed passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# The closing numbers of issue 20, on the local single-node Slurm cluster
# (tests/slurm/cluster.sh, as root): the one-minute 176x144 test clip with
# audio (mp4: H.264 + AAC, as tests/slurm/test_slurm_encode.sh makes it)
# encoded whole, and chunked in 6 segments as a job array plus the join.
# Prints the wall times (whole-file encode, submit to joined output, the
# join alone), the ratio chunked / whole measured in the same run, and the
# video bitrate and PSNR (ffmpeg's psnr filter against the input's decoded
# frames) of the whole-file encode with and without IDRs at the segment
# starts and of the joined output. Wall times depend on the machine's load:
# the load average is printed with them.
# Usage: bench/chunked_slurm.sh BUILD_DIR [ENCODE-OPTIONS...]
set -euo pipefail
hwenc=$(readlink -f "$1/tools/hwenc")
shift
opts=("$@")
[ ${#opts[@]} -gt 0 ] || opts=(--keyint -1 --scenecut 0 --crf 23 --bframes 2 --threads 1)
slurm_tool=$(dirname "$hwenc")/hwenc-slurm
. "$(dirname "$0")/../tests/slurm/cluster.sh"
cluster_start
work=$CLUSTER_DIR/work
mkdir "$work"
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=176x144:rate=25:duration=60" -f lavfi \
    -i "mandelbrot=size=176x144:rate=25" -f lavfi -i "sine=frequency=440:beep_factor=4:duration=60" \
    -filter_complex "[0][1]blend=all_expr='if(lt(mod(N,180),120),A,B)',format=yuv420p[v]" -map '[v]' -map 2:a \
    -t 60 -c:v libx264 -crf 12 -bf 2 -c:a aac -b:a 96k "$work/clip.mp4"

start=$(date +%s.%N)
"$hwenc" encode "$work/clip.mp4" -o "$work/whole.mp4" --quiet "${opts[@]}"
whole_s=$(since "$start")
"$hwenc" encode "$work/clip.mp4" -o "$work/whole_idr.mp4" --quiet --force-idr 250,500,750,1000,1250 "${opts[@]}"
start=$(date +%s.%N)
"$slurm_tool" submit --dir "$work/chunks" -o "$work/joined.mp4" --segment-seconds 10 "$work/clip.mp4" -- "${opts[@]}" \
    > /dev/null
ids=$(awk '{print $2}' "$work/chunks/jobs" | paste -sd,)
cluster_wait 3000 bash -c "[ -z \"\$(squeue -h -j $ids -o %i 2>/dev/null)\" ]" || cluster_fail "jobs still queued"
chunked_s=$(since "$start")
[ -s "$work/joined.mp4" ] || cluster_fail "no joined output"
segs=()
while read -r index first count seg input; do segs+=("$work/chunks/$seg"); done < "$work/chunks/plan"
start=$(date +%s.%N)
"$hwenc" join --quiet --source "$work/clip.mp4" -o "$work/rejoined.mp4" "${segs[@]}"
join_s=$(since "$start")

kbps() { ffprobe -v error -select_streams v -show_entries stream=bit_rate -of csv=p=0 "$1" | awk '{printf "%.1f", $1 / 1000}'; }
psnr() { ffmpeg -nostdin -i "$1" -i "$work/clip.mp4" -map 0:v -map 1:v -lavfi "[0:v][1:v]psnr" -f null - 2>&1 |
         sed -n 's/.*PSNR.* average:\([0-9.]*\).*/\1/p'; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), CPUs: $(nproc)"
echo "whole-file encode: ${whole_s} s; chunked (submit to joined, 6 segments): ${chunked_s} s;" \
     "ratio $(awk -v a="$chunked_s" -v b="$whole_s" 'BEGIN { printf "%.2f", a / b }'); join alone: ${join_s} s"
for f in whole whole_idr joined; do
    echo "$f: video $(kbps "$work/$f.mp4") kb/s, PSNR $(psnr "$work/$f.mp4") dB"
done
cmp -s "$work/whole_idr.mp4" "$work/joined.mp4" && echo "joined.mp4 = whole_idr.mp4 byte for byte"

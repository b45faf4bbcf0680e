#!/usr/bin/env bash
# Chunked encoding without a cluster: segments encoded alone with
# --start-frame/--frames and joined by concatenation decode to exactly the
# frames of the whole-file encode with --force-idr at the segment starts,
# under constant QP and constant quality, with and without B frames, with
# slice threads, and are its very bytes (idr_pic_id from the pts); and the segment options refuse bad input. hwenc join into
# a container keeps a VFR input's times and copies its audio and
# subtitles, and refuses segments that cannot make one stream (must-refuse
# cases: missing or doubled frames, other SPS/PPS, no leading IDR, empty).
# --split scenes cuts where the encoder's own scene-cut rule would.
# Usage: test_chunked.sh HWENC
set -euo pipefail
hwenc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
frame_hashes() { ffmpeg -nostdin -v error -i "$1" -map 0:v -f framemd5 - | grep -v '^#' | awk '{print $NF}'; }

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
    # The idr_pic_id rule (hw/h264/picture.c) makes them the same bytes.
    cmp -s "$whole" "$joined" || fail "with $*: the joined segments are not the whole-file stream byte for byte"
    echo "identical decoded frames and bytes: $*"
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

# hwenc join: segments of a Matroska input with a variable frame rate,
# Opus audio and SubRip subtitles, joined into mkv, have the whole-file
# encode's frames and video times, and the input's audio and subtitles.
cat > "$tmp/subs.srt" <<'SRT'
1
00:00:00,500 --> 00:00:01,500
first

2
00:00:02,500 --> 00:00:03,200
second
SRT
# 50 frames at 25 fps, then 50 at 12.5 fps.
ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=176x144:rate=25:duration=4" -f lavfi -i "sine=duration=6" \
    -i "$tmp/subs.srt" -map 0:v -map 1:a -map 2:s -vf "setpts='if(lt(N,50),N*40,2000+(N-50)*80)/1000/TB'" \
    -fps_mode passthrough -c:v ffv1 -c:a libopus -c:s srt "$tmp/vfr.mkv" || fail "ffmpeg could not make vfr.mkv"
hashes_of() { ffmpeg -nostdin -v error -i "$1" -map "0:$2" -c copy -f framemd5 - | grep -v '^#' | awk -F, '{print $NF}'; }
video_times() { ffprobe -v error -select_streams v -show_entries packet=pts,dts,flags -of csv "$1"; }
jopts=(--keyint -1 --scenecut 0 --crf 23 --bframes 2 --threads 1)
"$hwenc" encode "$tmp/vfr.mkv" -o "$tmp/whole.mkv" --quiet --force-idr 30,70 "${jopts[@]}" ||
    fail "the whole-file encode of vfr.mkv failed"
segs=()
for range in 0:30 30:40 70:30; do
    "$hwenc" encode "$tmp/vfr.mkv" -o "$tmp/vseg${range%:*}.264" --quiet --start-frame "${range%:*}" \
        --frames "${range#*:}" "${jopts[@]}" || fail "segment $range of vfr.mkv failed"
    segs+=("$tmp/vseg${range%:*}.264")
done
"$hwenc" join --quiet --source "$tmp/vfr.mkv" -o "$tmp/joined.mkv" "${segs[@]}" || fail "hwenc join into mkv failed"
cmp -s <(frame_hashes "$tmp/whole.mkv") <(frame_hashes "$tmp/joined.mkv") ||
    fail "the joined mkv does not decode to the frames of the whole-file encode"
cmp -s <(video_times "$tmp/whole.mkv") <(video_times "$tmp/joined.mkv") ||
    fail "the joined mkv's video times differ from the whole-file encode's (VFR)"
for s in a s; do
    cmp -s <(hashes_of "$tmp/vfr.mkv" $s) <(hashes_of "$tmp/joined.mkv" $s) ||
        fail "the joined mkv's stream 0:$s is not the input's, packet for packet"
done
# The joined frames are where the input's are, relative to the first (the
# Opus pre-skip moves a whole file by a few ms), give or take the ms that
# Matroska's rounding moves a frame (in the whole-file encode too).
sorted_pts() { video_times "$1" | awk -F, '{print $2}' | sort -n | awk 'NR == 1 {f = $1} {print $1 - f}'; }
off=$(paste <(sorted_pts "$tmp/vfr.mkv") <(sorted_pts "$tmp/joined.mkv") |
      awk '{d = $1 - $2} d > 1 || d < -1 || $2 == "" {n++} END {print n + 0}')
[ "$off" -eq 0 ] || fail "$off of the joined mkv's frames are not at the input's times: the VFR was lost"
slow=$(sorted_pts "$tmp/joined.mkv" | awk 'NR > 1 && $1 - p >= 79 {n++} {p = $1} END {print n + 0}')
[ "$slow" -ge 40 ] || fail "the joined mkv has $slow frames 80 ms apart; the input's second half is at 12.5 fps"
echo "join: VFR mkv with Opus and SubRip, frames, video times, audio and subtitles as the whole-file encode"

refuse_join()
{
    local want=$1
    shift
    if "$hwenc" join --quiet -o "$tmp/refused.mkv" "$@" 2> "$tmp/err"; then
        fail "hwenc join $* succeeded; it must refuse"
    fi
    grep -q -- "$want" "$tmp/err" || fail "hwenc join $*: the error does not say '$want': $(cat "$tmp/err")"
    [ -z "$(ls "$tmp" | grep refused)" ] || fail "hwenc join $* left $(ls "$tmp" | grep refused) behind"
}
refuse_join "the 2 segments hold 70 frames, the source $tmp/vfr.mkv 100" --source "$tmp/vfr.mkv" "${segs[@]:0:2}"
refuse_join "the 4 segments hold 140 frames" --source "$tmp/vfr.mkv" "${segs[@]}" "${segs[1]}"
"$hwenc" encode "$tmp/vfr.mkv" -o "$tmp/other.264" --quiet --start-frame 30 --frames 40 --ref 3 "${jopts[@]}" ||
    fail "the segment with other settings failed"
refuse_join "its SPS/PPS differ from those of" --source "$tmp/vfr.mkv" "${segs[0]}" "$tmp/other.264" "${segs[2]}"
ffmpeg -nostdin -v error -i "${segs[1]}" -c copy -bsf:v filter_units=remove_types=5 -f h264 "$tmp/noidr.264" ||
    fail "ffmpeg could not drop the IDR"
refuse_join "does not start with an IDR picture" --source "$tmp/vfr.mkv" "${segs[0]}" "$tmp/noidr.264" "${segs[2]}"
refuse_join "would overwrite an input" --source "$tmp/refused.mkv" "${segs[@]}"
: > "$tmp/empty.264"
refuse_join "the segment is empty" --source "$tmp/vfr.mkv" "$tmp/empty.264"
echo "hwenc join refuses missing or doubled frames, other SPS/PPS, a segment without a leading IDR, an empty one"

# --split scenes: a clip of four sources. The cuts `hwenc scenes` finds are
# where the encoder itself puts IDRs with the same --scenecut, --keyint and
# --min-keyint; hwenc slurm plans its segments there; the segments joined
# decode to the frames of the whole-file encode with IDRs forced there.
ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=176x144:rate=25:duration=2" \
    -f lavfi -i "smptebars=size=176x144:rate=25:duration=2" -f lavfi -i "life=size=176x144:rate=25:mold=10" \
    -f lavfi -i "testsrc=size=176x144:rate=25:duration=2" \
    -filter_complex "[2]trim=duration=2,format=yuv420p,setpts=PTS-STARTPTS[l];[0][1][l][3]concat=n=4:v=1:a=0,format=yuv420p" \
    "$tmp/cuts.y4m" || fail "ffmpeg could not make cuts.y4m"
cuts=$("$hwenc" scenes "$tmp/cuts.y4m" --scenecut 40 --min-frames 25 --max-frames 250) || fail "hwenc scenes failed"
[[ $cuts =~ ^0(,[0-9]+)+$ ]] || fail "hwenc scenes found no cut in a clip of four sources: '$cuts'"
"$hwenc" encode "$tmp/cuts.y4m" -o "$tmp/scenecut.264" --quiet --keyint 250 --min-keyint 25 --scenecut 40 ||
    fail "the --scenecut encode failed"
idrs=$(ffprobe -v error -show_entries frame=key_frame -of csv=p=0 "$tmp/scenecut.264" | grep -n '^1' | cut -d: -f1 |
       awk '{print $1 - 1}' | paste -sd,)
[ "$idrs" = "$cuts" ] || fail "hwenc scenes says $cuts, the encoder with --scenecut 40 puts its IDRs at $idrs"
plan=$(bash "$(dirname "$hwenc")/hwenc-slurm" submit --dir "$tmp/plan" -o "$tmp/scenes.mp4" --dry-run --split scenes \
       --min-segment-seconds 1 --segment-seconds 10 --scenecut 40 "$tmp/cuts.y4m") || fail "the --split scenes plan failed"
starts=$(sed -n 's/^#   [0-9]* \([0-9]*\) .*/\1/p' <<< "$plan" | paste -sd,)
[ "$starts" = "$cuts" ] ||
    fail "--split scenes planned segments at $starts; the cuts are $cuts"
segs=()
while read -r index first count rest; do
    "$hwenc" encode "$tmp/cuts.y4m" -o "$tmp/cseg$index.264" --quiet --start-frame "$first" --frames "$count" \
        "${jopts[@]}" || fail "scene segment $index failed"
    segs+=("$tmp/cseg$index.264")
done < <(sed -n 's/^#   //p' <<< "$plan")
"$hwenc" join --quiet --source "$tmp/cuts.y4m" -o "$tmp/scenes.mp4" "${segs[@]}" || fail "joining the scene segments failed"
"$hwenc" encode "$tmp/cuts.y4m" -o "$tmp/scenes_whole.264" --quiet --force-idr "${starts#0,}" "${jopts[@]}" ||
    fail "the whole-file encode with IDRs at the cuts failed"
cmp -s <(frame_hashes "$tmp/scenes_whole.264") <(frame_hashes "$tmp/scenes.mp4") ||
    fail "the scene segments joined do not decode to the frames of the whole-file encode with IDRs at $starts"
echo "--split scenes: segments at the encoder's own cuts ($starts), joined = whole-file encode with IDRs there"

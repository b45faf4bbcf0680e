#!/usr/bin/env bash
# hwenc slurm on a real single-node Slurm (cluster.sh):
#  1. a chunked encode of a one-minute clip with audio (mp4: H.264 with B
#     frames, AAC) in 6 segments, joined into mp4, decodes to exactly the
#     frames of the whole-file encode with IDRs forced at the same frames
#     (CRF with B frames: the rate control and the encoder start each
#     segment from the state the whole-file encode has there), and is that
#     encode's mp4 byte for byte (idr_pic_id from the pts), with the
#     whole-file encode's video packet times (continuous: one frame apart,
#     no gap or overlap at the segment boundaries), the input's audio
#     packets bit for bit, and the streams ffprobe expects; the same
#     segments joined into mkv and ts decode to the same frames with the
#     audio packets as ffmpeg -c copy puts there;
#  2. a batch of three files as one array, each output the same frames as
#     a local encode of that file;
#  3. an array cancelled with scancel while tasks run: no partial segment
#     under a final name, status names the missing segments, and a
#     re-submit redoes only those, joined without a frame lost or repeated;
#  4. --requeue 1: a task whose encode fails once requeues itself and
#     succeeds; with --requeue 0 the same failure stays failed and the
#     join does not run.
# Usage: test_slurm_encode.sh HWENC
set -euo pipefail
hwenc=$(readlink -f "$1")
slurm_tool=$(dirname "$hwenc")/hwenc-slurm
here=$(dirname "$0")
. "$here/cluster.sh"
cluster_start
work=$CLUSTER_DIR/work
mkdir "$work"

fail() { cluster_fail "$*"; }
frame_hashes() { ffmpeg -nostdin -v error -i "$1" -map 0:v -f framemd5 - | grep -v '^#' | awk '{print $NF}'; }
frames_of() { frame_hashes "$1" | wc -l; }
same_frames()
{
    cmp -s <(frame_hashes "$1") <(frame_hashes "$2") ||
        fail "$1 ($(frames_of "$1") frames) does not decode to the frames of $2 ($(frames_of "$2") frames)"
}
# Waits at most 120 s until the jobs given are gone from the queue.
wait_jobs()
{
    local ids=$1
    cluster_wait 1200 bash -c "[ -z \"\$(squeue -h -j $ids -o %i 2>/dev/null)\" ]" ||
        fail "jobs $ids still queued after 120 s: $(squeue)"
}
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
jobs_of() { awk '{print $2}' "$1/jobs" | paste -sd,; }

# 60 s at 25 fps, 176x144, with motion and cuts, and a sine as AAC: an mp4
# whose H.264 has B frames (packets out of presentation order, which the
# join's times must sort out).
ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=176x144:rate=25:duration=60" -f lavfi \
    -i "mandelbrot=size=176x144:rate=25" -f lavfi -i "sine=frequency=440:beep_factor=4:duration=60" \
    -filter_complex "[0][1]blend=all_expr='if(lt(mod(N,180),120),A,B)',format=yuv420p[v]" -map '[v]' -map 2:a \
    -t 60 -c:v libx264 -crf 12 -bf 2 -c:a aac -b:a 96k "$work/clip.mp4" || fail "ffmpeg could not generate the clip"
opts=(--keyint -1 --scenecut 0 --crf 23 --bframes 2 --threads 1)
audio_hashes() { ffmpeg -nostdin -v error -i "$1" -map 0:a -c copy -f framemd5 - | grep -v '^#'; }
video_times() { ffprobe -v error -select_streams v -show_entries packet=pts,dts,flags -of csv "$1"; }
# (MPEG-TS lists its streams under its program too: each once.)
stream_list() { ffprobe -v error -show_entries stream=codec_type,codec_name -of csv=p=0 "$1" | awk 'NF && !seen[$0]++' |
                paste -sd' '; }

# 1. Chunked: 6 segments of 10 s, joined into mp4.
start=$(date +%s.%N)
"$hwenc" encode "$work/clip.mp4" -o "$work/whole.mp4" --quiet --force-idr 250,500,750,1000,1250 "${opts[@]}" ||
    fail "the whole-file encode failed"
whole_s=$(since "$start")
start=$(date +%s.%N)
"$slurm_tool" submit --dir "$work/chunks" -o "$work/joined.mp4" --segment-seconds 10 --partition hwenc \
    --time 10 "$work/clip.mp4" -- "${opts[@]}" || fail "hwenc slurm submit (chunked) failed"
[ "$(wc -l < "$work/chunks/plan")" -eq 6 ] || fail "the plan has $(wc -l < "$work/chunks/plan") segments, not 6"
wait_jobs "$(jobs_of "$work/chunks")"
chunked_s=$(since "$start")
[ -s "$work/joined.mp4" ] || fail "no joined output; join log: $(cat "$work"/chunks/logs/join-* 2>&1)"
same_frames "$work/joined.mp4" "$work/whole.mp4"
[ "$(frames_of "$work/joined.mp4")" -eq 1500 ] || fail "the joined output has $(frames_of "$work/joined.mp4") frames, not 1500"
[ "$(stream_list "$work/joined.mp4")" = "h264,video aac,audio" ] ||
    fail "the joined mp4 holds streams '$(stream_list "$work/joined.mp4")', not 'h264,video aac,audio'"
cmp -s <(audio_hashes "$work/clip.mp4") <(audio_hashes "$work/joined.mp4") ||
    fail "the joined mp4's audio packets are not the input's"
cmp -s "$work/whole.mp4" "$work/joined.mp4" || fail "the joined mp4 is not the whole-file encode's mp4 byte for byte"
cmp -s <(video_times "$work/whole.mp4") <(video_times "$work/joined.mp4") ||
    fail "the joined mp4's video packet times or key flags differ from the whole-file encode's"
# Continuous: sorted pts one frame (512 ticks of 1/12800) apart, first 0.
gaps=$(video_times "$work/joined.mp4" | awk -F, '{print $2}' | sort -n |
       awk 'NR == 1 && $1 != 0 {print "first pts " $1} NR > 1 && $1 - p != 512 {print "pts " p " -> " $1} {p = $1}')
[ -z "$gaps" ] || fail "the joined video's times have gaps or overlaps: $(head -n 3 <<< "$gaps")"
status=$("$slurm_tool" status --dir "$work/chunks") || fail "hwenc slurm status failed"
grep -q "segments finished: 6 of 6" <<< "$status" || fail "status does not report 6 of 6: $status"
echo "chunked: 6 segments joined into mp4, the whole-file encode's mp4 byte for byte (frames, video packet times)," \
     "audio packets the input's (whole-file ${whole_s}s, submit to joined ${chunked_s}s;" \
     "$(grep -h '^join:' "$work"/chunks/logs/join-*.log))"
# The same segments into Matroska and MPEG-TS.
segs=()
while read -r index first count seg input; do segs+=("$work/chunks/$seg"); done < "$work/chunks/plan"
for ext in mkv ts; do
    "$hwenc" join --quiet --source "$work/clip.mp4" -o "$work/joined.$ext" "${segs[@]}" || fail "hwenc join into $ext failed"
    same_frames "$work/joined.$ext" "$work/whole.mp4"
    [ "$(stream_list "$work/joined.$ext")" = "h264,video aac,audio" ] ||
        fail "the joined $ext holds streams '$(stream_list "$work/joined.$ext")'"
    # What ffmpeg's stream copy puts in that container (MPEG-TS adds ADTS headers).
    ffmpeg -nostdin -v error -i "$work/clip.mp4" -map 0:a -c copy "$work/audio.$ext" || fail "ffmpeg -c copy into $ext failed"
    cmp -s <(audio_hashes "$work/audio.$ext" | awk -F, '{print $6}') <(audio_hashes "$work/joined.$ext" | awk -F, '{print $6}') ||
        fail "the joined $ext's audio packets are not those of ffmpeg -c copy of the input's"
done
echo "the segments joined into mkv and ts: the same frames, the audio packets of ffmpeg -c copy"

# 2. Batch: three files as one array.
for n in 1 2 3; do
    ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=176x144:rate=25:duration=$n" -pix_fmt yuv420p \
        "$work/file$n.y4m" || fail "ffmpeg could not generate file$n.y4m"
done
"$slurm_tool" submit --dir "$work/batch" --batch "$work"/file{1,2,3}.y4m -- --qp 27 ||
    fail "hwenc slurm submit --batch failed"
wait_jobs "$(jobs_of "$work/batch")"
for n in 1 2 3; do
    [ -s "$work/batch/out/file$n.264" ] || fail "batch: no out/file$n.264; logs: $(cat "$work"/batch/logs/* 2>&1)"
    "$hwenc" encode "$work/file$n.y4m" -o "$work/local$n.264" --quiet --qp 27 || fail "local encode of file$n failed"
    same_frames "$work/batch/out/file$n.264" "$work/local$n.264"
done
echo "batch: 3 files as one array, each the frames of a local encode"

# The other cases plan and join a Y4M input (the clip's decoded frames)
# into raw Annex B.
ffmpeg -nostdin -v error -i "$work/clip.mp4" -map 0:v -f yuv4mpegpipe -pix_fmt yuv420p "$work/clip.y4m" ||
    fail "ffmpeg could not decode the clip to Y4M"

# 3. Cancelled mid-run, then resumed. 15 segments of 4 s on 2 CPUs: when
# the first task runs, most of the array waits.
dir=$work/resume
"$slurm_tool" submit --dir "$dir" -o "$work/resumed.264" --segment-seconds 4 "$work/clip.y4m" -- "${opts[@]}" ||
    fail "hwenc slurm submit (resume case) failed"
array=$(awk '$1 == "array" {print $2}' "$dir/jobs")
# Cancelled once two segments are finished, while the next tasks run.
cluster_wait 1200 bash -c "[ \$(ls '$dir/seg' | grep -c '\.264\$') -ge 2 ]" ||
    fail "array $array did not finish two segments within 120 s"
killed=$(squeue -h -j "$array" -t RUNNING -o %i | grep -c . || true)
scancel "$array" || fail "scancel $array failed"
wait_jobs "$array"
missing=0
while read -r index first count seg input; do
    if [ -e "$dir/$seg" ]; then
        [ "$(frames_of "$dir/$seg")" -eq "$count" ] ||
            fail "segment $index ($seg) holds $(frames_of "$dir/$seg") frames, not $count: a partial file under a final name"
    else
        missing=$((missing + 1))
    fi
done < "$dir/plan"
[ "$missing" -gt 0 ] || fail "scancel left no segment missing: the test did not interrupt anything"
[ ! -e "$work/resumed.264" ] || fail "the join ran although the array was cancelled"
status=$("$slurm_tool" status --dir "$dir") || fail "hwenc slurm status failed"
grep -q "missing segments:" <<< "$status" || fail "status does not name the missing segments: $status"
before=$(ls "$dir/seg" | grep -c '\.264$' || true)
"$slurm_tool" submit --dir "$dir" -o "$work/resumed.264" --segment-seconds 4 "$work/clip.y4m" -- "${opts[@]}" \
    > "$work/resubmit.txt" || fail "the re-submit failed"
resubmitted=$(sed -n 's/.*tasks \([0-9,]*\)$/\1/p' "$work/resubmit.txt" | tr , '\n' | grep -c . || true)
[ "$resubmitted" -eq "$missing" ] || fail "the re-submit ran $resubmitted tasks for $missing missing segments"
wait_jobs "$(jobs_of "$dir")"
[ -s "$work/resumed.264" ] || fail "no output after the re-submit; logs: $(tail -n 3 "$dir"/logs/* 2>&1)"
"$hwenc" encode "$work/clip.y4m" -o "$work/whole4.264" --quiet \
    --force-idr "$(seq -s, 100 100 1400)" "${opts[@]}" || fail "the whole-file encode (4 s IDRs) failed"
same_frames "$work/resumed.264" "$work/whole4.264"
echo "resume: $missing of 15 segments cancelled ($before finished before, $killed running when cancelled), redone alone;" \
     "joined frames identical"

# 4. Requeue. The encoder on the nodes is a wrapper that fails a task's
# first run (no SLURM_RESTART_COUNT yet) and runs hwenc on the second.
cat > "$work/flaky-hwenc" <<EOS
#!/usr/bin/env bash
[ "\$1" != encode ] || [ -n "\${SLURM_RESTART_COUNT:-}" ] || { echo "flaky-hwenc: failing the first run on purpose" >&2; exit 1; }
exec $(printf %q "$hwenc") "\$@"
EOS
chmod +x "$work/flaky-hwenc"
for requeue in 1 0; do
    dir=$work/requeue$requeue
    "$slurm_tool" submit --dir "$dir" -o "$work/requeue$requeue.264" --segment-seconds 20 --requeue $requeue \
        --hwenc "$work/flaky-hwenc" "$work/clip.y4m" -- "${opts[@]}" || fail "submit with --requeue $requeue failed"
    array=$(awk '$1 == "array" {print $2}' "$dir/jobs")
    # Slurm holds a requeued job back (BeginTime, about two minutes here);
    # the test lets it start at once, as an idle cluster would gladly do.
    cluster_wait 1200 bash -c "scontrol update JobId=$array BeginTime=now >/dev/null 2>&1;
                                [ -z \"\$(squeue -h -j $array -o %i 2>/dev/null)\" ]" ||
        fail "array $array still queued after 120 s: $(squeue)"
    if [ $requeue -eq 1 ]; then
        wait_jobs "$(jobs_of "$dir")"
        [ -s "$work/requeue1.264" ] || fail "--requeue 1: no output; logs: $(tail -n 3 "$dir"/logs/* 2>&1)"
        grep -q "requeued (1 of 1)" "$dir"/logs/* || fail "--requeue 1: no task says it was requeued"
        "$hwenc" encode "$work/clip.y4m" -o "$work/whole20.264" --quiet --force-idr 500,1000 "${opts[@]}" ||
            fail "the whole-file encode (20 s IDRs) failed"
        same_frames "$work/requeue1.264" "$work/whole20.264"
    else
        ls "$dir"/seg/*.264 >/dev/null 2>&1 && fail "--requeue 0: a failed task left a segment"
        [ ! -e "$work/requeue0.264" ] || fail "--requeue 0: the join ran after failed tasks"
        grep -q "requeued" "$dir"/logs/* && fail "--requeue 0: a task was requeued"
        scancel "$(awk '$1 == "join" {print $2}' "$dir/jobs")" || true
    fi
done
echo "requeue: --requeue 1 recovers a failed first run; --requeue 0 leaves it failed and the join waiting"

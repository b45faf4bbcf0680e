#!/usr/bin/env bash
# hwenc batch (issue 19 item 4) and hwenc encode --stats. $1 is hwenc, $2
# the case:
#   report     ten inputs with --jobs 2, one corrupt: the others are encoded
#              and decode to their frame counts, batch.json and batch.csv
#              parse and name the failure, the exit status is 1
#   interrupt  SIGTERM while one encode waits on a FIFO and the rest are
#              complete: no partial or temporary file remains, the report
#              says what was interrupted; the re-run redoes only that file
#   refusals   options the batch must refuse
#   write_errors  an output directory the batch may not write (refused
#              up front), a disk that fills up (each file's error names its
#              output; nothing partial or temporary is left)
#   sessions   (NVENC stand-in) a GeForce's session limit kept, alone and
#              shared by two cards, with the stand-in counting the sessions
#              of every process; it refuses the session beyond the limit
# No timing is asserted: the interrupt test waits for files on disk.
set -euo pipefail
hwenc=$1
case=$2
. "$(dirname "$0")/../common/write_errors.sh"
work=$(mktemp -d)
batch_pid=
cleanup() {
    [ -n "$batch_pid" ] && kill -9 "$batch_pid" 2>/dev/null
    small_disk_teardown
    rm -rf "$work"
}
trap cleanup EXIT
passed=0
fail=0
check() { if "$@"; then echo "ok   $*"; passed=$((passed + 1)); else echo "FAIL $*"; fail=$((fail + 1)); fi; }

# clip NAME WxH FRAMES
clip() { ffmpeg -v error -f lavfi -i "testsrc2=s=$2:r=25" -frames:v "$3" -pix_fmt yuv420p "$1" -y; }
frames_of() { ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$1"; }
# The batch's temporaries, and those of its children's outputs beside them
# (temp_output.h: ".NAME.hwenc-XXXXXX").
no_temporaries() { [ -z "$(find "$1" -name '.hwenc-tmp.*' -o -name '*.hwenc-??????')" ]; }

# Nine inputs of several sizes, two of the same name in different folders,
# one whose name needs escaping in JSON and CSV; FRAMES[name] = frames.
declare -A FRAMES
make_inputs() {
    mkdir -p "$work/in/a" "$work/in/b"
    local sizes=(64x48 96x64 176x144 128x96 64x48 80x64 176x144 64x48 96x96) i=0
    for name in c1 c2 c3 c4 c5 c6 c7; do
        clip "$work/in/a/$name.y4m" "${sizes[$i]}" $((3 + i))
        FRAMES[$name]=$((3 + i))
        i=$((i + 1))
    done
    clip "$work/in/b/c1.y4m" 64x48 4
    clip "$work/in/b/we\"ird,name.y4m" 96x96 5
}

case $case in
report)
    make_inputs
    printf 'YUV4MPEG2 W64 H48 F25:1 C420jpeg\nFRAME\nshort' >"$work/in/b/corrupt.y4m"
    mkdir "$work/out"
    rc=0
    "$hwenc" batch "$work/in/a" "$work/in/b" -d "$work/out" --jobs 2 --psnr 2>"$work/err" || rc=$?
    cat "$work/err"
    check test "$rc" -eq 1
    check grep -q "corrupt.y4m failed" "$work/err"
    for name in c1 c2 c3 c4 c5 c6 c7; do
        check test "$(frames_of "$work/out/$name.264")" -eq "${FRAMES[$name]}"
    done
    check test "$(frames_of "$work/out/c1-2.264")" -eq 4
    check test "$(frames_of "$work/out/we\"ird,name.264")" -eq 5
    check test ! -e "$work/out/corrupt.264"
    check no_temporaries "$work/out"
    check python3 - "$work/out" <<'PY'
import csv, json, os, sys
out = sys.argv[1]
j = json.load(open(os.path.join(out, "batch.json")))
rows = list(csv.DictReader(open(os.path.join(out, "batch.csv"), newline="")))
assert j["files"] == 10 and j["done"] == 9 and j["failed"] == 1, j
assert len(j["results"]) == 10 and len(rows) == 10
for r, c in zip(j["results"], rows):
    assert r["input"] == c["input"] and r["status"] == c["status"] and r["output"] == c["output"], (r, c)
    if r["input"].endswith("corrupt.y4m"):
        assert r["status"] == "failed" and "corrupt.y4m" in r["error"], r
        assert c["error"] == r["error"] and r["frames"] is None
        continue
    assert r["status"] == "done" and r["error"] is None and r["backend"] == "cpu", r
    assert r["bytes"] == os.path.getsize(r["output"]) == int(c["bytes"]), r
    assert r["frames"] > 0 and r["fps"] > 0 and r["bitrate_kbps"] > 0 and r["duration_s"] == r["frames"] / 25
    assert 25 < r["psnr_y"] < 99 and 25 < r["psnr"] < 99 and float(c["psnr_y"]) == r["psnr_y"], r
names = sorted(os.path.basename(r["output"]) for r in j["results"])
assert names == sorted(["c%d.264" % i for i in range(1, 8)] + ["c1-2.264", 'we"ird,name.264', "corrupt.264"]), names
PY
    # encode --stats on its own, with a name JSON must escape.
    cp "$work/in/a/c1.y4m" "$work/in/q\"uo\\te.y4m"
    "$hwenc" encode "$work/in/q\"uo\\te.y4m" -o "$work/q.264" --stats "$work/q.json" --quiet
    # --stats may not overwrite the input.
    rc=0
    "$hwenc" encode "$work/in/a/c1.y4m" -o "$work/q2.264" --stats "$work/in/a/c1.y4m" 2>"$work/err" || rc=$?
    check test "$rc" -eq 2
    check grep -q "stats .* is the input" "$work/err"
    check cmp "$work/in/a/c1.y4m" "$work/in/q\"uo\\te.y4m"
    check python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["input"].endswith("q\"uo\\te.y4m") and s["frames"] == 3 and s["backend"] == "cpu", s
assert "psnr" not in s and s["bytes"] > 0' "$work/q.json"
    ;;
interrupt)
    make_inputs
    clip "$work/slow_source.y4m" 64x48 3
    mkfifo "$work/in/slow.y4m"
    mkdir "$work/out"
    # An earlier run killed with SIGKILL could not remove its temporaries.
    touch "$work/out/.hwenc-tmp.stale.264" "$work/out/..hwenc-tmp.stale.mkv.hwenc-AbC123"
    args=("$work/in/slow.y4m" "$work/in/a" "$work/in/b" -d "$work/out" --jobs 2)
    "$hwenc" batch "${args[@]}" 2>"$work/err" &
    batch_pid=$!
    # The FIFO's encode starts first and holds one slot: it reads two frames
    # and waits for more while the other slot encodes the nine other files.
    exec 3>"$work/in/slow.y4m"
    header=$(head -1 "$work/slow_source.y4m" | wc -c)
    head -c $((header + 2 * (6 + 64 * 48 * 3 / 2))) "$work/slow_source.y4m" >&3
    for _ in $(seq 600); do
        done_count=$(find "$work/out" -name '*.264' ! -name '.*' | wc -l)
        [ "$done_count" -eq 9 ] && [ -n "$(find "$work/out" -name '..hwenc-tmp.slow.264.hwenc-*')" ] && break
        sleep 0.1
    done
    check test "$done_count" -eq 9
    check test -n "$(find "$work/out" -name '..hwenc-tmp.slow.264.hwenc-*')"
    check test ! -e "$work/out/.hwenc-tmp.stale.264"
    check test ! -e "$work/out/..hwenc-tmp.stale.mkv.hwenc-AbC123"
    # SIGTERM: a non-interactive shell starts background jobs with SIGINT
    # ignored, and the batch keeps an ignored signal ignored (nohup).
    kill -TERM "$batch_pid"
    rc=0
    wait "$batch_pid" || rc=$?
    batch_pid=
    exec 3>&-
    cat "$work/err"
    check test "$rc" -eq 143
    check grep -q "stopped by SIGTERM" "$work/err"
    check test ! -e "$work/out/slow.264"
    check no_temporaries "$work/out"
    check python3 - "$work/out" <<'PY'
import csv, json, os, sys
j = json.load(open(os.path.join(sys.argv[1], "batch.json")))
assert j["interrupted_by"] == "SIGTERM" and j["done"] == 9 and j["interrupted"] == 1, j
slow = [r for r in j["results"] if r["input"].endswith("slow.y4m")][0]
assert slow["status"] == "interrupted" and "SIGTERM" in slow["error"], slow
rows = list(csv.DictReader(open(os.path.join(sys.argv[1], "batch.csv"), newline="")))
assert [r["status"] for r in rows].count("interrupted") == 1
PY
    stamps() { find "$work/out" -name '*.264' ! -name 'slow.264' -printf '%f %i %T@\n' | sort; }
    before=$(stamps)
    cp "$work/out/batch.json" "$work/first.json"
    rm "$work/in/slow.y4m"
    cp "$work/slow_source.y4m" "$work/in/slow.y4m"
    rc=0
    "$hwenc" batch "${args[@]}" 2>"$work/err" || rc=$?
    cat "$work/err"
    check test "$rc" -eq 0
    check test "$(stamps)" = "$before"
    check test "$(frames_of "$work/out/slow.264")" -eq 3
    check no_temporaries "$work/out"
    # The skipped outputs are described by hwenc probe: the frames,
    # duration and bitrate their encode reported in the first run; the
    # speed, backend and device of an earlier run are not known.
    check python3 - "$work/out" "$work/first.json" <<'PY'
import csv, json, os, sys
j = json.load(open(os.path.join(sys.argv[1], "batch.json")))
first = {r["output"]: r for r in json.load(open(sys.argv[2]))["results"]}
assert j["interrupted_by"] is None and j["done"] == 1 and j["skipped"] == 9 and j["failed"] == 0, j
for r in j["results"]:
    assert r["status"] == ("done" if r["input"].endswith("slow.y4m") else "skipped"), r
    assert r["bytes"] == os.path.getsize(r["output"]), r
    if r["status"] == "skipped":
        f = first[r["output"]]
        assert r["frames"] == f["frames"] and r["duration_s"] == f["duration_s"], (r, f)
        assert abs(r["bitrate_kbps"] - f["bitrate_kbps"]) <= 0.01 * f["bitrate_kbps"], (r, f)
        assert r["fps"] is None and r["backend"] is None and r["device"] is None and r["error"] is None, r
rows = list(csv.DictReader(open(os.path.join(sys.argv[1], "batch.csv"), newline="")))
for row in rows:
    if row["status"] == "skipped":
        f = first[row["output"]]
        assert int(row["frames"]) == f["frames"] and float(row["duration_s"]) == f["duration_s"], row
        assert row["bitrate_kbps"] and row["fps"] == "" and row["backend"] == "", row
assert [r["status"] for r in rows].count("skipped") == 9, rows
PY
    # --no-resume encodes everything again.
    "$hwenc" batch "${args[@]}" --no-resume --quiet
    check test "$(stamps)" != "$before"
    check python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); assert j["done"] == 10, j' \
        "$work/out/batch.json"
    ;;
refusals)
    clip "$work/in.y4m" 64x48 2
    mkdir "$work/out"
    refused() { ! "$hwenc" batch "$@" 2>"$work/err" && grep -q "hwenc batch: $msg" "$work/err"; }
    msg="'-o' after '--'" check refused "$work/in.y4m" -d "$work/out" -- -o x.264
    msg="'--dev=0' after '--'" check refused "$work/in.y4m" -d "$work/out" -- --dev=0
    msg="'--recon' after '--'" check refused "$work/in.y4m" -d "$work/out" -- --recon r.y4m
    msg="no output directory" check refused "$work/in.y4m"
    msg="the output directory $work/none does not exist" check refused "$work/in.y4m" -d "$work/none"
    msg="no input" check refused -d "$work/out"
    mkdir "$work/empty"
    msg="no input" check refused "$work/empty" -d "$work/out"
    msg="--format 'a/b' must be an extension" check refused "$work/in.y4m" -d "$work/out" --format a/b
    # A second batch into a directory another batch holds.
    check flock "$work/out/.hwenc-batch.lock" bash -c '! "$0" batch "$1" -d "$2" 2>"$3"' \
        "$hwenc" "$work/in.y4m" "$work/out" "$work/err"
    check grep -q "another hwenc batch is writing to $work/out" "$work/err"
    # The output may not be the input itself.
    cp "$work/in.y4m" "$work/out/same.264"
    rc=0
    "$hwenc" batch "$work/out/same.264" -d "$work/out" --format 264 --no-resume 2>"$work/err" || rc=$?
    check test "$rc" -eq 1
    check grep -q "is the input itself" "$work/err"
    check cmp "$work/in.y4m" "$work/out/same.264"
    ;;
write_errors)
    # tests/common/write_errors.sh: an output directory the batch may not
    # write is refused before anything runs; a disk that fills up fails the
    # files that do not fit, each with the error naming its final output,
    # and leaves no partial file or temporary.
    mkdir -p "$work/in"
    clip "$work/in/big.y4m" 352x288 20
    cp "$work/in/big.y4m" "$work/in/big2.y4m"
    clip "$work/in/small.y4m" 64x48 2
    unwritable_setup "$work" "$work/ro" "$hwenc" || check false
    chmod -R a+rX "$work/in"
    rc=0
    as_writer "$WRITER_HWENC" batch "$work/in" -d "$work/ro" 2>"$work/err" || rc=$?
    cat "$work/err"
    check test "$rc" -eq 1
    check grep -q "hwenc batch: the output directory $work/ro is not writable: Permission denied" "$work/err"
    check test -z "$(ls -A "$work/ro")"
    small_disk_setup "$work/full" || check false
    rc=0
    on_small_disk "$hwenc" batch "$work/in" -d "$work/full" --format mkv -- --qp 0 2>"$work/err" || rc=$?
    cat "$work/err"
    check test "$rc" -eq 1
    check test -s "$work/full/small.mkv"
    check test ! -e "$work/full/big.mkv"
    check test ! -e "$work/full/big2.mkv"
    check no_temporaries "$work/full"
    check python3 - "$work/full/batch.json" "$FULL_ERROR" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["done"] == 1 and j["failed"] == 2, j
for r in j["results"]:
    if r["status"] == "failed":
        assert r["error"] == "writing %s failed: %s" % (r["output"], sys.argv[2]), r
PY
    ;;
sessions)
    make_inputs
    export HWENC_FAKE_NVENC_PROFILE=pascal HWENC_FAKE_NVENC_SESSION_DIR=$work/slots
    mkdir "$work/slots" "$work/out" "$work/out2"
    # The stand-in refuses a fourth session of the system (GeForce on R470:
    # 3), held here by three other processes, and takes a third.
    check flock "$work/slots/slot0" flock "$work/slots/slot1" flock "$work/slots/slot2" \
        bash -c "! \"$hwenc\" encode \"$work/in/a/c1.y4m\" --backend nvenc -o \"$work/x.264\" 2>\"$work/err\""
    check grep -q "NV_ENC_ERR_OUT_OF_MEMORY" "$work/err"
    check flock "$work/slots/slot0" flock "$work/slots/slot1" \
        "$hwenc" encode "$work/in/a/c1.y4m" --backend nvenc -o "$work/x.264" --quiet
    # More jobs and sessions asked than the card allows: the batch keeps 3.
    "$hwenc" batch "$work/in/a" "$work/in/b" -d "$work/out" --jobs 6 --sessions-per-device 8
    check python3 - "$work/out/batch.json" 3 1 <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
limit, cards = int(sys.argv[2]), int(sys.argv[3])
assert j["done"] == 9 and len(j["devices"]) == cards, j
assert sum(d["most_sessions_at_once"] for d in j["devices"]) <= limit * cards
for d in j["devices"]:
    assert d["backend"] == "nvenc" and d["session_limit"] == limit and "GeForce" in d["limit_source"], d
for r in j["results"]:
    assert r["backend"] == "nvenc" and "GeForce" in r["device"], r
PY
    # Two GeForce cards share the system's three sessions.
    HWENC_FAKE_CUDA_DEVICES=2 "$hwenc" batch "$work/in/a" "$work/in/b" -d "$work/out2"
    check python3 - "$work/out2/batch.json" 3 2 <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["done"] == 9 and j["jobs"] == 3 and len(j["devices"]) == 2, j
PY
    ;;
*)
    echo "unknown case $case"
    exit 2
    ;;
esac
echo "$passed passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# hwenc --failover on a test double whose failure injection (in the
# environment) breaks the backend mid-stream: the encode succeeds, stderr
# names the failed backend and the one that went on, and the stream
# decodes (ffmpeg -xerror) to every frame. Without --failover the same
# encode fails. $1 is hwenc, $2 the backend, the rest extra options
# (e.g. the VA double's --device).
set -euo pipefail
hwenc=$1
backend=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
fail=0
check() { if "$@"; then echo "ok   $*"; passed=$((passed + 1)); else echo "FAIL $*"; fail=$((fail + 1)); fi; }

ffmpeg -v error -f lavfi -i "testsrc2=s=176x144:r=25" -frames:v 12 -pix_fmt yuv420p "$work/in.y4m" -y
for args in "--bframes 0" "--bframes 2 --profile main"; do
    # shellcheck disable=SC2086
    check "$hwenc" encode "$work/in.y4m" --backend "$backend" "$@" --failover -o "$work/out.264" $args \
        2>"$work/err.txt"
    cat "$work/err.txt"
    check grep -q "hwenc: failover: the $backend backend failed" "$work/err.txt"
    check grep -q "hwenc: failover: cpu goes on from frame [0-9]* with an IDR" "$work/err.txt"
    check grep -q "backend: cpu (after failover" "$work/err.txt"
    check ffmpeg -v error -xerror -i "$work/out.264" -f null -
    frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 \
        "$work/out.264")
    check [ "$frames" = 12 ]
    # shellcheck disable=SC2086
    check [ "$(
        "$hwenc" encode "$work/in.y4m" --backend "$backend" "$@" -o "$work/off.264" $args 2>"$work/err.txt"
        echo $?
    )" != 0 ]
    check grep -q -E "hwenc: (encoding failed|frame [0-9]+) \(" "$work/err.txt"
done
check [ "$("$hwenc" encode "$work/in.y4m" --failover=gpu -o "$work/x.264" 2>"$work/err.txt"; echo $?)" != 0 ]
check grep -q "unknown backend 'gpu' for --failover" "$work/err.txt"
echo "$passed passed, $fail failed"
[ "$fail" -eq 0 ]

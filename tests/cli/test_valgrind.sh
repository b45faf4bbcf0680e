#!/usr/bin/env bash
# The command line under valgrind's memcheck: no invalid access, no use of
# uninitialised memory, no leak, with slice threads, several references and
# B frames. ASan and UBSan do not see uninitialised reads; this does.
set -euo pipefail
hwenc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ffmpeg -v error -f lavfi -i "testsrc2=size=176x144:rate=25" -frames:v 14 -pix_fmt yuv420p "$work/clip.y4m"
status=0
for args in "--preset ultrafast --threads 2" "--preset medium --ref 3 --bframes 2 --threads 2 --keyint 8" \
            "--preset veryfast --bitrate 300 --vbv-maxrate 300 --bframes 1"; do
    # shellcheck disable=SC2086
    if valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        "$hwenc" encode "$work/clip.y4m" -o "$work/out.264" --backend cpu --quiet $args; then
        echo "ok   $args"
    else
        echo "FAIL $args"
        status=1
    fi
done
exit $status

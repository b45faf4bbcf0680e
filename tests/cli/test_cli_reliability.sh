#!/usr/bin/env bash
# The command line never loses a user's data and never reports success
# wrongly: test_cli_reliability.sh HWENC CASE runs one group of checks (one
# ctest test each, named cli_CASE). Every check either refuses with a
# message (and leaves the user's files alone) or produces a stream that
# FFmpeg decodes with -xerror to exactly the frames that went in.
set -uo pipefail
hwenc=$1
case_name=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

# 64x48 testsrc2: the frame count of a Y4M file is its size minus the
# header over 6 + 4608 bytes.
frame_bytes=$((64 * 48 * 3 / 2))
make_clip() { # PATH FRAMES [extra ffmpeg input args]
    ffmpeg -v error -f lavfi -i "testsrc2=size=64x48:rate=25" -frames:v "$2" -pix_fmt yuv420p \
        -f yuv4mpegpipe -y "$1"
}
# Frames FFmpeg decodes from a stream; -1 if it reports any error.
decoded_frames() {
    local bytes
    bytes=$(ffmpeg -v error -xerror -i "$1" -f rawvideo -pix_fmt yuv420p - 2>/dev/null | wc -c) || { echo -1; return; }
    if ! ffmpeg -v error -xerror -i "$1" -f null - >/dev/null 2>&1; then echo -1; return; fi
    echo $((bytes / frame_bytes))
}

# run_cli EXPECTED_STATUS NEEDLE ARGS...: hwenc must exit with the status
# and say NEEDLE on stderr (NEEDLE "" = anything).
run_cli() {
    local want=$1 needle=$2 out status
    shift 2
    out=$("$hwenc" "$@" 2>&1 >/dev/null)
    status=$?
    if [ "$status" -ne "$want" ]; then
        bad "hwenc $* exited $status, not $want: $out"
    elif [ -n "$needle" ] && ! grep -qF -- "$needle" <<<"$out"; then
        bad "hwenc $*: message does not say '$needle': $out"
    else
        ok "hwenc $* -> $status: ${out%%$'\n'*}"
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

make_clip "$work/in.y4m" 30
cp "$work/in.y4m" "$work/pristine.y4m"
input_intact() {
    if cmp -s "$work/in.y4m" "$work/pristine.y4m"; then ok "$1: the input is intact"; else
        bad "$1: the input was changed"; cp "$work/pristine.y4m" "$work/in.y4m"; fi
}

case $case_name in
same_file)
    # -o or --recon naming the input, under its own name or another one,
    # is refused before anything is opened for writing.
    ln -s in.y4m "$work/link.y4m"
    ln "$work/in.y4m" "$work/hard.y4m"
    mkdir "$work/sub"
    for out in "$work/in.y4m" "$work/link.y4m" "$work/hard.y4m" "$work/sub/../in.y4m"; do
        run_cli 2 "same file" encode "$work/in.y4m" -o "$out" --quiet
        input_intact "-o $out"
        run_cli 2 "same file" encode "$work/in.y4m" -o "$work/x.264" --recon "$out" --quiet
        input_intact "--recon $out"
    done
    # stdin and stdout are files too.
    out=$("$hwenc" encode - -o "$work/in.y4m" --quiet <"$work/in.y4m" 2>&1); status=$?
    [ "$status" -eq 2 ] && grep -q "same file" <<<"$out" && ok "stdin as -o" || bad "stdin as -o: $status $out"
    input_intact "stdin as -o"
    out=$("$hwenc" encode "$work/in.y4m" -o - --quiet 2>&1 >>"$work/in.y4m"); status=$?
    [ "$status" -eq 2 ] && grep -q "same file" <<<"$out" && ok "stdout appending to the input" ||
        bad "stdout appending to the input: $status $out"
    input_intact "stdout appending to the input"
    # -o and --recon into one file would interleave two streams.
    run_cli 2 "same file" encode "$work/in.y4m" -o "$work/both" --recon "$work/both" --quiet
    run_cli 2 "same file" encode "$work/in.y4m" -o - --recon - --quiet
    # Character devices are not files one can lose: /dev/null twice is fine.
    run_cli 0 "" encode "$work/in.y4m" -o /dev/null --recon /dev/null --quiet
    ;;
stdout)
    # A write or close that fails is an error that names the file; the
    # success summary is printed only after everything is on disk.
    out=$("$hwenc" encode "$work/in.y4m" -o - 2>&1 >/dev/full); status=$?
    [ "$status" -eq 1 ] && grep -q "stdout" <<<"$out" && ! grep -q "^frames:" <<<"$out" &&
        ok "-o - >/dev/full: $out" || bad "-o - >/dev/full exited $status: $out"
    out=$("$hwenc" encode "$work/in.y4m" -o - 2>&1 >&-); status=$?
    [ "$status" -ne 0 ] && grep -q "stdout" <<<"$out" && ok "-o - with stdout closed: $out" ||
        bad "-o - with stdout closed exited $status: $out"
    for opt in "-o /dev/full" "-o $work/x.264 --recon /dev/full" "-o $work/x.264 --recon $work/nodir/r.y4m"; do
        # shellcheck disable=SC2086
        out=$("$hwenc" encode "$work/in.y4m" $opt 2>&1); status=$?
        file=${opt##* }
        [ "$status" -eq 1 ] && grep -qF "$file" <<<"$out" && ! grep -q "^frames:" <<<"$out" &&
            ok "$opt: $out" || bad "$opt exited $status: $out"
    done
    out=$("$hwenc" list-backends 2>&1 >/dev/full); status=$?
    [ "$status" -eq 1 ] && grep -q "stdout" <<<"$out" && ok "list-backends >/dev/full: $out" ||
        bad "list-backends >/dev/full exited $status: $out"
    # The happy path through stdout still works.
    "$hwenc" encode "$work/in.y4m" -o - --quiet >"$work/s.264" && [ "$(decoded_frames "$work/s.264")" -eq 30 ] &&
        ok "-o - to a file decodes to 30 frames" || bad "-o - to a file"
    ;;
numbers)
    # One strict parser: no trailing junk, no overflow, no NaN.
    for bad_arg in "--size 64x48junk" "--size 64x" "--size x48" "--size 64x48x2" "--size 99999999999x48" \
                   "--fps 25abc" "--fps 99999999999" "--fps 25/" "--fps 25/0" "--fps 1/2/3" "--fps -25" \
                   "--deblock 1:2junk" "--deblock 1" "--deblock 1:2:3" "--deblock 7:0" \
                   "--qp 22x" "--qp 0x10" "--qp ' 22'" "--qp 4294967318" "--threads 1e2" "--frames 10k" \
                   "--keyint 0" "--crf nan" "--crf NAN" "--crf inf" "--crf -inf" "--crf 1e400" "--crf 0x10" \
                   "--crf 20x" "--crf 51.5" "--crf ''" "--bitrate 99999999999"; do
        eval "args=($bad_arg)"
        # shellcheck disable=SC2154
        run_cli 2 "${args[0]}" encode "$work/in.y4m" -o "$work/x.264" --quiet "${args[@]}"
    done
    run_cli 0 "" encode "$work/in.y4m" -o "$work/x.264" --quiet --crf 23.5 --deblock -2:1
    head -c $((frame_bytes * 3)) /dev/zero >"$work/raw.yuv"
    run_cli 0 "" encode "$work/raw.yuv" -o "$work/x.264" --quiet --size 64x48 --fps 30000/1001
    ;;
contradictions)
    # Options that exclude each other are refused, naming both; none is
    # silently dropped.
    run_cli 2 "--qp" encode "$work/in.y4m" -o "$work/x.264" --qp 20 --bitrate 500
    run_cli 2 "--qp" encode "$work/in.y4m" -o "$work/x.264" --qp 20 --crf 20
    run_cli 2 "--bitrate and --crf contradict" encode "$work/in.y4m" -o "$work/x.264" --crf 20 --bitrate 500
    run_cli 2 "--vbv-maxrate" encode "$work/in.y4m" -o "$work/x.264" --qp 20 --vbv-maxrate 500
    run_cli 2 "--vbv-maxrate" encode "$work/in.y4m" -o "$work/x.264" --vbv-maxrate 500
    run_cli 2 "--vbv-bufsize" encode "$work/in.y4m" -o "$work/x.264" --vbv-bufsize 500
    run_cli 2 "--rc cqp" encode "$work/in.y4m" -o "$work/x.264" --rc cqp --crf 20
    run_cli 2 "--rc crf" encode "$work/in.y4m" -o "$work/x.264" --rc crf --qp 20
    run_cli 2 "--rc abr" encode "$work/in.y4m" -o "$work/x.264" --rc abr --qp 20 --bitrate 500
    run_cli 2 "--no-deblock" encode "$work/in.y4m" -o "$work/x.264" --no-deblock --deblock 1:1
    run_cli 1 "--bframes 2 and --low-latency" encode "$work/in.y4m" -o "$work/x.264" --low-latency --bframes 2
    run_cli 2 "--fps" encode "$work/in.y4m" -o "$work/x.264" --fps 50
    run_cli 1 "it is a Y4M file" encode "$work/in.y4m" -o "$work/x.264" --size 64x48
    # What the library refuses reaches the user in the option names.
    run_cli 1 "--vbv-bufsize" encode "$work/in.y4m" -o "$work/x.264" --bitrate 500 --vbv-bufsize 1
    run_cli 1 "--ref" encode "$work/in.y4m" -o "$work/x.264" --ref 16 --bframes 1
    run_cli 1 "--rc cbr needs a target: set --bitrate" encode "$work/in.y4m" -o "$work/x.264" --rc cbr
    run_cli 1 "--bframes 2 and --profile baseline contradict" encode "$work/in.y4m" -o "$work/x.264" \
        --profile baseline --bframes 2
    run_cli 0 "" encode "$work/in.y4m" -o "$work/x.264" --quiet --rc cbr --bitrate 300 --vbv-maxrate 300
    ;;
no_frames)
    # An encode that produced no frame is a failure, and no output appears.
    printf 'YUV4MPEG2 W64 H48 F25:1 C420jpeg\n' >"$work/header_only.y4m"
    head -c $(($(head -1 "$work/in.y4m" | wc -c) + 6 + 1000)) "$work/in.y4m" >"$work/cut0.y4m"
    head -c $(($(head -1 "$work/in.y4m" | wc -c) + 3)) "$work/in.y4m" >"$work/cut_marker.y4m"
    head -c 1000 /dev/zero >"$work/short.yuv"
    : >"$work/empty.yuv"
    for in in header_only.y4m cut0.y4m cut_marker.y4m; do
        rm -f "$work/x.264"
        run_cli 1 "no complete frame" encode "$work/$in" -o "$work/x.264" --quiet
        [ ! -e "$work/x.264" ] && ok "$in: no output file" || bad "$in: an output file was left"
    done
    for in in short.yuv empty.yuv; do
        rm -f "$work/x.264"
        run_cli 1 "no complete frame" encode "$work/$in" -o "$work/x.264" --quiet --size 64x48
        [ ! -e "$work/x.264" ] && ok "$in: no output file" || bad "$in: an output file was left"
    done
    ;;
input_errors)
    # A newline after the last frame is not an error; with B frames every
    # frame comes out.
    make_clip "$work/c14.y4m" 14
    { cat "$work/c14.y4m"; printf '\n'; } >"$work/nl.y4m"
    run_cli 0 "" encode "$work/nl.y4m" -o "$work/nl.264" --quiet --bframes 3
    n=$(decoded_frames "$work/nl.264")
    [ "$n" -eq 14 ] && ok "trailing newline: 14 of 14 frames" || bad "trailing newline: $n of 14 frames"
    # An input error mid-stream fails, names the input, and still writes
    # every frame read before it, flushed from the encoder.
    { head -c $(($(head -1 "$work/c14.y4m" | wc -c) + 10 * (6 + frame_bytes))) "$work/c14.y4m"; printf 'JUNK\n'; } >"$work/junk.y4m"
    run_cli 1 "junk.y4m" encode "$work/junk.y4m" -o "$work/junk.264" --quiet --bframes 3
    n=$(decoded_frames "$work/junk.264")
    [ "$n" -eq 10 ] && ok "error after frame 10: 10 frames written" || bad "error after frame 10: $n frames written"
    ;;
signals)
    # SIGINT/SIGTERM stop the reading, flush the encoder and finish the
    # output: hwenc is made to wait for more input (a pipe held open after
    # 17 frames), and the signal must give a stream of exactly those frames.
    make_clip "$work/c17.y4m" 17
    in_read() { # PID: the process sleeps in read(2) (/proc/PID/syscall starts with its number, 0)
        local s
        s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
        s=${s##*) }
        [ "${s%% *}" = S ] && [ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" = 0 ]
    }
    in_write() { [ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" = 1 ]; }
    wait_for() { # CONDITION PID: poll without a deadline that counts as a result
        local i
        for i in $(seq 1 6000); do "$1" "$2" && return 0; kill -0 "$2" 2>/dev/null || return 1; sleep 0.05; done
        return 1
    }
    for sig in INT TERM; do
        want=$([ $sig = INT ] && echo 130 || echo 143)
        rm -f "$work/fifo" && mkfifo "$work/fifo"
        exec 3<>"$work/fifo"
        # A non-interactive shell starts background jobs with SIGINT ignored,
        # which hwenc keeps ignored (as after nohup): restore the default.
        env --default-signal=INT,TERM "$hwenc" encode "$work/fifo" -o "$work/sig.264" --bframes 2 --quiet \
            2>"$work/sig.err" &
        pid=$!
        cat "$work/c17.y4m" >&3
        if wait_for in_read $pid; then
            kill -s $sig $pid
            wait $pid; status=$?
            n=$(decoded_frames "$work/sig.264")
            [ "$status" -eq "$want" ] && ok "SIG$sig: exit $status" || bad "SIG$sig: exit $status, not $want"
            [ "$n" -eq 17 ] && ok "SIG$sig: 17 of 17 frames decode" || bad "SIG$sig: $n of 17 frames decode"
            grep -q "SIG$sig" "$work/sig.err" && ok "SIG$sig: $(cat "$work/sig.err")" ||
                bad "SIG$sig: no message: $(cat "$work/sig.err")"
        else
            bad "SIG$sig: hwenc never waited for input"; kill -9 $pid 2>/dev/null; wait $pid
        fi
        exec 3>&-
    done
    # A second signal ends hwenc at once, even while it waits to write:
    # nobody reads the output pipe here, so hwenc cannot finish by itself.
    # The signals go one at a time, each after the one before was handled.
    ffmpeg -v error -f lavfi -i "nullsrc=size=64x48:rate=25,geq=lum='random(1)*255':cb=128:cr=128" -frames:v 60 \
        -pix_fmt yuv420p -f yuv4mpegpipe -y "$work/noise.y4m"
    state_of() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo gone; return; }; s=${s##*) }; echo "${s%% *}"; }
    blocked_in_write() { [ "$(state_of "$1")" = S ] && [ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" = 1 ]; }
    nothing_pending() { [ "$(grep -cE '^(SigPnd|ShdPnd):[[:space:]]*0+$' "/proc/$1/status" 2>/dev/null)" = 2 ]; }
    first_handled() { # hwenc has taken the signal: it ended, or waits to write again
        local s
        s=$(state_of "$1")
        [ "$s" = Z ] || [ "$s" = gone ] || { nothing_pending "$1" && blocked_in_write "$1"; }
    }
    rm -f "$work/ofifo" && mkfifo "$work/ofifo"
    exec 4<>"$work/ofifo"
    env --default-signal=INT,TERM "$hwenc" encode "$work/noise.y4m" -o "$work/ofifo" --qp 0 --quiet 2>"$work/sig.err" &
    pid=$!
    if wait_for blocked_in_write $pid; then
        kill -s INT $pid
        wait_for first_handled $pid
        if [ "$(state_of $pid)" = S ]; then
            ok "first signal: hwenc goes on finishing its output"
            kill -s TERM $pid
            wait $pid; status=$?
            [ "$status" -eq 143 ] && ok "second signal: killed by SIGTERM" || bad "second signal: exit $status, not 143"
        else
            wait $pid; status=$?
            bad "the first signal ended hwenc at once (exit $status)"
        fi
    else
        bad "second signal: hwenc never blocked writing"; kill -9 $pid 2>/dev/null; wait $pid
    fi
    exec 4>&-
    ;;
log)
    # The library's messages reach the user through hwenc's log callback,
    # in option names, at the levels -v and --quiet choose; --nal-hrd is
    # checked as the library checks it.
    run_cli 1 "--nal-hrd cbr needs --rc cbr" encode "$work/in.y4m" -o "$work/x.264" --bitrate 300 --vbv-maxrate 600 \
        --nal-hrd cbr
    run_cli 1 "--nal-hrd vbr needs a VBV" encode "$work/in.y4m" -o "$work/x.264" --qp 20 --nal-hrd vbr
    run_cli 2 "--nal-hrd 'x' must be none, vbr or cbr" encode "$work/in.y4m" -o "$work/x.264" --nal-hrd x
    run_cli 0 "hwenc: backend cpu" encode "$work/in.y4m" -o "$work/x.264" -v
    out=$("$hwenc" encode "$work/in.y4m" -o "$work/x.264" 2>&1 >/dev/null)
    if grep -q "backend cpu" <<<"$out"; then bad "info without -v: $out"; else ok "no info without -v"; fi
    out=$("$hwenc" encode "$work/in.y4m" -o "$work/x.264" -vv 2>&1 >/dev/null)
    n=$(grep -c "^hwenc: debug: frame [0-9]* " <<<"$out")
    if [ "$n" -eq 30 ]; then ok "-vv: a debug line per frame"; else bad "-vv: $n debug lines for 30 frames"; fi
    # Noise the rate cannot hold even at QP 51: warned once, in option
    # names, counted in the summary and in --stats; --quiet says nothing.
    ffmpeg -v error -f lavfi -i "nullsrc=size=64x48:rate=25,geq=lum='random(1)*255':cb=128:cr=128" -frames:v 20 \
        -pix_fmt yuv420p -f yuv4mpegpipe -y "$work/noise.y4m"
    out=$("$hwenc" encode "$work/noise.y4m" -o "$work/x.264" --rc cbr --bitrate 20 --stats "$work/s.json" 2>&1 \
        >/dev/null)
    n=$(grep -c "cannot hold the VBV even at QP 51" <<<"$out")
    if [ "$n" -eq 1 ] && grep -q -- "--vbv-bufsize" <<<"$out" && ! grep -q "vbv_bufsize_kbits" <<<"$out" &&
        grep -q "^VBV: [0-9]* frames over the buffer" <<<"$out" &&
        grep -q '"vbv_overruns": [1-9]' "$work/s.json"; then
        ok "VBV overrun: warned once in option names, summary and --stats count it"
    else
        bad "VBV overrun: $n warnings: $out $(cat "$work/s.json")"
    fi
    out=$("$hwenc" encode "$work/noise.y4m" -o "$work/x.264" --rc cbr --bitrate 20 --quiet 2>&1 >/dev/null)
    if [ -z "$out" ]; then ok "--quiet: no warning"; else bad "--quiet said: $out"; fi
    # A stream with its HRD decodes, and FFmpeg reads its filler and SEI.
    run_cli 0 "" encode "$work/in.y4m" -o "$work/hrd.264" --quiet --rc cbr --bitrate 400 --nal-hrd cbr
    trace=$(ffmpeg -hide_banner -i "$work/hrd.264" -c copy -bsf:v trace_headers -f null - 2>&1)
    if [ "$(decoded_frames "$work/hrd.264")" -eq 30 ] && grep -q "cbr_flag\[0\] .* = 1" <<<"$trace" &&
        [ "$(grep -c "Buffering Period" <<<"$trace")" -ge 1 ] && [ "$(grep -c "Picture Timing" <<<"$trace")" -eq 30 ] &&
        grep -q "Filler Data" <<<"$trace"; then
        ok "--nal-hrd cbr: decodes; HRD, timing SEI and filler read back"
    else
        bad "--nal-hrd cbr: $(grep -c "Picture Timing" <<<"$trace") picture timings, filler: $(grep -c "Filler Data" <<<"$trace")"
    fi
    ;;
*)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
finish

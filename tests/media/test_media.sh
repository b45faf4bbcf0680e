#!/usr/bin/env bash
# Real media in and out (issue 19): test_media.sh HWENC CASE runs one group
# of checks (one ctest test each, named media_CASE) on tiny inputs that
# ffmpeg makes here (lavfi testsrc and sine). For every output: ffprobe
# shows the expected streams; copied audio and subtitle packets are
# bit-identical to the input's (framemd5 of -c copy); the video has the
# input's frame count and time stamps within one tick of the output's time
# base; libavcodec decodes it without an error to exactly the encoder's
# reconstruction (--recon); the colour tags and rotation are carried.
set -uo pipefail
hwenc=$1
case_name=$2
. "$(dirname "$0")/../common/write_errors.sh"
work=$(mktemp -d)
trap 'small_disk_teardown; rm -rf "$work"' EXIT
cd "$work" || exit 1
passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { # DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
not() { ! "$@"; }

# gen OUTPUT [ffmpeg output args]: 176x144 testsrc at 25 fps with a sine,
# 0.8 s (20 frames), BT.709 tags on the video.
gen() {
    local out=$1
    shift
    ffmpeg -v error -y -t 0.8 -f lavfi -i "testsrc=size=176x144:rate=25" \
        -t 0.8 -f lavfi -i "sine=frequency=440:sample_rate=48000" -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv "$@" "$out"
}
# (MPEG-TS lists its streams twice, under its program too.)
streams() { ffprobe -v error -show_entries stream=index,codec_name -of csv=p=0 "$1" | sort -un | cut -d, -f2 | tr '\n' ' '; }
# framemd5 of a copied stream type (a, s) without its header lines.
copy_md5() { ffmpeg -v error -i "$1" -map "0:$2" -c copy -f framemd5 - | grep -v '^#' | cut -d, -f6 | md5sum; }
# The video's presentation times in seconds, sorted, from its first: a
# muxer may shift a whole file (Matroska, to keep Opus pre-skip at 0); the
# audio's place against the video is checked on its own (av_offset).
video_times() {
    ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 "$1" | sort -g |
        awk 'NR == 1 { f = $1 } { printf "%.6f\n", $1 - f }'
}
first_time() { # FILE a|v
    ffprobe -v error -select_streams "$2:0" -show_entries packet=pts_time -of csv=p=0 "$1" | sort -g | head -1
}
av_offset() { awk -v a="$(first_time "$1" a)" -v v="$(first_time "$1" v)" 'BEGIN { printf "%.6f", v - a }'; }
close_to() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit d > t }'; }
# The same times within one tick (TICK seconds) and the same count.
same_times() { # IN OUT TICK
    paste -d' ' <(video_times "$1") <(video_times "$2") | awk -v t="$3" -v n="$(video_times "$1" | wc -l)" \
        '{ c++; d = $1 - $2; if (d < 0) d = -d; if ($2 == "" || d > t) bad = 1 } END { exit bad || c != n || c == 0 }' &&
        [ "$(video_times "$1" | wc -l)" -eq "$(video_times "$2" | wc -l)" ]
}
# libavcodec decodes OUT without an error to exactly RECON.
decodes_to_recon() {
    local a b
    a=$(ffmpeg -v error -xerror -noautorotate -i "$1" -map 0:v -vsync passthrough -f rawvideo -pix_fmt yuv420p - | md5sum) || return 1
    b=$(ffmpeg -v error -i "$2" -f rawvideo -pix_fmt yuv420p - | md5sum) || return 1
    [ "$a" = "$b" ]
}
colour_of() {
    ffprobe -v error -select_streams v:0 -show_entries stream=color_primaries,color_transfer,color_space,color_range \
        -of csv=p=0 "$1" | head -1
}
rotation_of() {
    ffprobe -v error -select_streams v:0 -show_entries stream_side_data=rotation -of csv=p=0 "$1" | head -1 | tr -d ',\n'
}
# encode IN OUT [hwenc args]: stderr in OUT.log
encode() {
    local in=$1 out=$2
    shift 2
    "$hwenc" encode "$in" -o "$out" --recon "$out.recon.y4m" --quiet "$@" 2>"$out.log"
}

# The checks every transcode gets. EXPECT: the streams ffprobe must show.
transcode() { # IN OUT EXPECT [hwenc args]
    local in=$1 out=$2 expect=$3
    shift 3
    if ! encode "$in" "$out" "$@"; then
        bad "$in -> $out: hwenc failed: $(cat "$out.log")"
        return
    fi
    check "$in -> $out: streams '$expect'" [ "$(streams "$out")" = "$expect" ]
    check "$in -> $out: decodes to the reconstruction" decodes_to_recon "$out" "$out.recon.y4m"
    local tick
    tick=$(ffprobe -v error -select_streams v:0 -show_entries stream=time_base -of csv=p=0 "$out" | head -1 | awk -F/ '{ print $1 / $2 }')
    check "$in -> $out: video times match (tick $tick s)" same_times "$in" "$out" "$tick"
    if ffprobe -v error -select_streams a -show_entries stream=index -of csv=p=0 "$out" | grep -q .; then
        check "$in -> $out: audio packets bit-identical" [ "$(copy_md5 "$in" a)" = "$(copy_md5 "$out" a)" ]
        # Against FFmpeg's own copy into the same container where it can
        # make one (Matroska shifts a file by the Opus pre-skip, and
        # libavformat does it to both), else against the input.
        local ref="ref.${out##*.}"
        ffmpeg -v quiet -y -i "$in" -map 0:v -map 0:a -c copy "$ref" || ref=$in
        check "$in -> $out: audio against video as in ffmpeg -c copy ($(av_offset "$ref") s, $(av_offset "$out") s)" \
            close_to "$(av_offset "$ref")" "$(av_offset "$out")" "$tick"
    fi
}

case $case_name in
mp4_aac)
    gen in.mp4 -c:v mpeg4 -c:a aac
    transcode in.mp4 out.mp4 "h264 aac " --bframes 2
    check "colour tags carried" [ "$(colour_of out.mp4)" = "tv,bt709,bt709,bt709" ]
    transcode in.mp4 fast.mp4 "h264 aac " --faststart
    # The index (moov) comes before the media (mdat) with --faststart only.
    moov_first() { [ "$(grep -boa -m1 -e moov -e mdat "$1" | head -1 | cut -d: -f2)" = moov ]; }
    check "--faststart puts moov first" moov_first fast.mp4
    check "without --faststart mdat comes first" not moov_first out.mp4
    encode in.mp4 noaudio.mp4 --no-audio && check "--no-audio: video only" [ "$(streams noaudio.mp4)" = "h264 " ]
    encode in.mp4 raw.264
    check "a .264 output decodes to the reconstruction" decodes_to_recon raw.264 raw.264.recon.y4m
    check "a .264 output stays raw Annex B" [ "$(head -c 4 raw.264 | od -An -tx1 | tr -d ' ')" = 00000001 ]
    ;;
mkv_opus_srt)
    printf '1\n00:00:00,000 --> 00:00:00,400\nhello\n\n2\n00:00:00,400 --> 00:00:00,800\nworld\n' >subs.srt
    gen in.mkv -i subs.srt -map 0:v -map 1:a -map 2:s -c:v ffv1 -c:a libopus -c:s srt -metadata title=clip \
        -metadata:s:a language=fra
    transcode in.mkv out.mkv "h264 opus subrip " --bframes 1
    check "subtitle packets bit-identical" [ "$(copy_md5 in.mkv s)" = "$(copy_md5 out.mkv s)" ]
    check "global metadata kept" [ "$(ffprobe -v error -show_entries format_tags=title -of csv=p=0 out.mkv)" = clip ]
    check "stream metadata kept" [ "$(ffprobe -v error -select_streams a -show_entries stream_tags=language -of csv=p=0 out.mkv)" = fra ]
    # mp4 holds no SubRip: left out, and said so on one line.
    transcode in.mkv out.mp4 "h264 opus "
    check "the subtitle left out of mp4 is named" grep -q "stream #2 (subtitle, subrip) is left out" out.mp4.log
    ;;
mov)
    gen in.mov -c:v mpeg4 -c:a pcm_s16le
    transcode in.mov out.mov "h264 pcm_s16le " --faststart
    ;;
ts)
    gen in.ts -c:v mpeg2video -c:a mp2
    transcode in.ts out.ts "h264 mp2 " --bframes 2
    ;;
vfr)
    # Frames 0-4 at 25 fps, then every third frame: a variable rate.
    ffmpeg -v error -y -f lavfi -i "testsrc=size=96x64:rate=25" -t 1.2 -vf "select='lt(n,5)+not(mod(n,3))'" \
        -vsync vfr -c:v ffv1 in.mkv
    transcode in.mkv out.mkv "h264 " --bframes 2
    transcode in.mkv out.mp4 "h264 "
    ;;
10bit_422)
    gen in10.mkv -an -c:v ffv1 -pix_fmt yuv420p10le
    transcode in10.mkv out10.mp4 "h264 "
    check "the 10-bit conversion is said on one line" grep -qx "hwenc: in10.mkv: converted yuv420p10le -> yuv420p" out10.mp4.log
    gen in422.mkv -an -c:v ffv1 -pix_fmt yuv422p
    transcode in422.mkv out422.mkv "h264 "
    check "the 4:2:2 conversion is said on one line" grep -qx "hwenc: in422.mkv: converted yuv422p -> yuv420p" out422.mkv.log
    ;;
rotated)
    # ffmpeg 5.1 has no option that writes a rotation: the track header's
    # matrix (ISO/IEC 14496-12 8.3.2, 44 bytes after "tkhd" in version 0)
    # is set to a 90 degree turn by hand.
    gen in.mp4 -an -c:v mpeg4
    p=$(grep -boa -m1 tkhd in.mp4 | cut -d: -f1)
    printf '\0\0\0\0\0\1\0\0\0\0\0\0\377\377\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\100\0\0\0' |
        dd of=in.mp4 bs=1 seek=$((p + 44)) conv=notrunc status=none
    check "the input is rotated ($(rotation_of in.mp4))" [ "$(rotation_of in.mp4)" = -90 ]
    transcode in.mp4 out.mp4 "h264 "
    check "rotation carried to mp4 ($(rotation_of out.mp4))" [ "$(rotation_of out.mp4)" = -90 ]
    transcode in.mp4 out.mov "h264 "
    check "rotation carried to mov" [ "$(rotation_of out.mov)" = -90 ]
    # libavformat 5.1's Matroska muxer stores no rotation: said, not dropped silently.
    transcode in.mp4 out.mkv "h264 "
    check "the rotation Matroska cannot hold is named" grep -q "rotation (-90 degrees) is left out: the matroska" out.mkv.log
    ;;
truncated)
    gen full.mkv -an -c:v mpeg4 -g 5
    head -c $(($(stat -c %s full.mkv) / 2)) full.mkv >cut.mkv
    encode cut.mkv out.mp4
    status=$?
    check "a truncated input still encodes (status $status)" [ "$status" -eq 0 ]
    check "the warning gives the frame number" grep -Eq "warning: cut.mkv: the file ends after frame [0-9]+" out.mp4.log
    n=$(ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames -of csv=p=0 cut.mkv 2>/dev/null)
    check "every frame before the damage is encoded ($n)" \
        [ "$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 out.mp4)" = "$n" ]
    check "and decodes to the reconstruction" decodes_to_recon out.mp4 out.mp4.recon.y4m
    ;;
errors)
    gen audio.m4a -vn -c:a aac
    head -c 3000 /dev/urandom >noise.mp4
    gen ok.mp4 -an -c:v mpeg4
    mkdir ro
    refuse() { # NEEDLE IN OUT
        "$hwenc" encode "$2" -o "$3" --quiet 2>err.log
        local status=$?
        [ "$status" -eq 1 ] && grep -q -- "$1" err.log || { cat err.log; return 1; }
    }
    check "no video stream: named" refuse "audio.m4a: no video stream" audio.m4a out.mp4
    check "not a media file: named" refuse "noise.mp4: not a media file" noise.mp4 out.mp4
    check "missing output directory: named" refuse "cannot create out.mp4 in nodir" ok.mp4 nodir/out.mp4
    check "--faststart with raw output is refused" not "$hwenc" encode ok.mp4 -o raw.264 --faststart 2>/dev/null
    # Not writable: as nobody when root (see tests/common/write_errors.sh).
    unwritable_setup "$work" ro "$hwenc" || bad "an unwritable directory for $(id -un)"
    unwritable() { # NEEDLE IN OUT
        as_writer "$WRITER_HWENC" encode "$2" -o "$3" --quiet 2>err.log
        local status=$?
        [ "$status" -eq 1 ] && grep -q -- "$1" err.log || { cat err.log; return 1; }
    }
    check "unwritable output directory, container: named" unwritable "cannot create out.mp4 in ro/: Permission denied" ok.mp4 ro/out.mp4
    check "unwritable output directory, raw: named" unwritable "cannot create out.264 in ro/: Permission denied" ok.mp4 ro/out.264
    gen ok.y4m -an -pix_fmt yuv420p
    check "unwritable output directory, Y4M to raw: named" unwritable "cannot create out.264 in ro/: Permission denied" ok.y4m ro/out.264
    check "no file, partial or temporary, is left" [ -z "$(ls -A ro)" ] && [ ! -e out.mp4 ]
    # A video codec FFmpeg does not know: the fourcc of an AVI (strh and
    # BITMAPINFOHEADER) and of a Matroska V_MS/VFW/FOURCC track patched.
    gen known.avi -an -c:v mpeg4
    sed 's/FMP4/QQQQ/g' known.avi >unknown.avi
    check "unknown codec in AVI: named" refuse "unknown.avi: its video codec (codec tag QQQQ) is unknown to FFmpeg" unknown.avi out.mp4
    gen known.mkv -an -c:v ffv1
    sed 's/FFV1/QQQQ/g' known.mkv >unknown.mkv
    check "unknown codec in Matroska: named" refuse "unknown.mkv: its video codec (codec tag QQQQ) is unknown to FFmpeg" unknown.mkv out.264
    check "no temporary left beside the outputs" [ -z "$(ls -A . | grep hwenc-)" ]
    ;;
full_disk)
    # A disk that fills up (tests/common/write_errors.sh): the error names
    # the output, nothing is left under its name or a temporary one.
    ffmpeg -v error -y -t 0.8 -f lavfi -i "testsrc=size=352x288:rate=25" -t 0.8 -f lavfi -i "sine=sample_rate=48000" \
        -c:v ffv1 -c:a libopus big.mkv
    ffmpeg -v error -y -i big.mkv -an -pix_fmt yuv420p big.y4m
    small_disk_setup full || bad "a small disk"
    filled() { # IN OUT [hwenc args]
        on_small_disk "$hwenc" encode "$1" -o "full/$2" --qp 0 --quiet "${@:3}" 2>err.log
        local status=$?
        [ "$status" -eq 1 ] && grep -q "writing full/$2 failed: $FULL_ERROR" err.log || { echo "status $status"; cat err.log; return 1; }
    }
    for out in out.mp4 out.mkv out.ts out.264; do
        check "full disk, $out: named ($FULL_ERROR)" filled big.mkv "$out"
        check "full disk, $out: nothing left" [ -z "$(ls -A full)" ]
    done
    check "full disk, mp4 --faststart: named" filled big.mkv fast.mp4 --faststart
    check "full disk, Y4M to raw: named" filled big.y4m out.264
    check "full disk: nothing left" [ -z "$(ls -A full)" ]
    ;;
timestamps)
    # Two transport streams end to end (cat a.ts a.ts, as a recorder's
    # segments): the second one's time stamps start again below the first's.
    gen a.ts -an -c:v mpeg2video -bf 0
    cat a.ts a.ts >twice.ts
    check "the input's time stamps go back (ffprobe)" \
        [ "$(ffprobe -v error -show_entries packet=pts -of csv=p=0 twice.ts | grep -Eo '[0-9]+' | awk 'NR > 1 && $1 <= p { n++ } { p = $1 } END { print n }')" = 1 ]
    encode twice.ts out.264
    check "encoded (status $?)" [ -s out.264 ]
    check "one warning line" [ "$(grep -c "time stamp" out.264.log)" = 1 ]
    check "it names the first frame and the count" \
        grep -q "warning: twice.ts: 20 frames from frame 20 on have a time stamp that is missing or not above the previous one" out.264.log
    check "every frame is encoded" [ "$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 out.264)" = 40 ]
    encode a.ts clean.264
    check "no warning for increasing time stamps" not grep -q "time stamp" clean.264.log
    ;;
stdin)
    # A container on stdin: peeked at (Y4M or not) without consuming it.
    gen in.mkv -c:v ffv1 -c:a libopus
    gen in.ts -c:v mpeg2video -c:a mp2
    gen in.y4m -an -pix_fmt yuv420p
    piped() { # IN OUT: cat IN | hwenc encode - -o OUT
        cat "$1" | "$hwenc" encode - -o "$2" --recon "$2.recon.y4m" --quiet 2>"$2.log" || { cat "$2.log"; return 1; }
        decodes_to_recon "$2" "$2.recon.y4m" &&
            [ "$(ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames -of csv=p=0 "$2")" = 20 ]
    }
    check "mkv from a pipe to raw" piped in.mkv mkv.264
    check "ts from a pipe to raw" piped in.ts ts.264
    check "mkv from a pipe to mkv" piped in.mkv out.mkv
    check "and its audio copied" [ "$(copy_md5 in.mkv a)" = "$(copy_md5 out.mkv a)" ]
    check "Y4M from a pipe as before" piped in.y4m y4m.264
    gen tail.mp4 -an -c:v mpeg4
    gen fast.mp4 -an -c:v mpeg4 -movflags +faststart
    check "mp4 with its index first, from a pipe" piped fast.mp4 fast.264
    check "mp4 from stdin redirected from the file (seekable)" "$hwenc" encode - -o tail.264 --quiet <tail.mp4
    refuse_pipe() { # NEEDLE: stdin comes from the caller
        "$hwenc" encode - -o out.264 --quiet 2>err.log
        local status=$?
        [ "$status" -eq 1 ] && grep -q -- "$1" err.log && [ ! -e out.264 ] || { cat err.log; return 1; }
    }
    check "mp4 with its index at the end, from a pipe: said" \
        refuse_pipe "stdin: an MP4 or MOV read from a pipe needs its index (moov) before the media" < <(cat tail.mp4)
    check "a pipe of something else: not a media file" refuse_pipe "stdin: not a media file FFmpeg can open" \
        < <(head -c 5000 /dev/urandom)
    ;;
progress)
    # The ETA of a container input comes from its duration: the first
    # progress line (written at once on a terminal, here script's) has it.
    gen in.mkv -an -c:v ffv1
    script -qec "'$hwenc' encode in.mkv -o out.264" /dev/null | tr '\r' '\n' >progress.log
    check "a container input's progress has an ETA" grep -q "^1 frames, .* fps, .* kb/s, eta [0-9]*s" progress.log
    ;;
*)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
echo "media_$case_name: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
    if [ "$(id -u)" -ne 0 ]; then
        chmod 555 ro
        check "unwritable output directory: named" refuse "cannot create out.mp4 in ro" ok.mp4 ro/out.mp4
        chmod 755 ro
    else
        echo "note: running as root, who may write anywhere: the unwritable-directory check needs another user"
    fi
    check "no file, partial or temporary, is left" [ -z "$(ls -A ro)" ] && [ ! -e out.mp4 ]
    check "no temporary left beside the outputs" [ -z "$(ls -A . | grep hwenc-)" ]
    ;;
*)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
echo "media_$case_name: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

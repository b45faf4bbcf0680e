/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The HRD a stream signals, read back with FFmpeg's trace_headers
 * bitstream filter (libavcodec's CBS, independent of hwenc's writer): the
 * SPS's NAL HRD, each access unit's buffering-period and picture-timing
 * SEI, and its filler data NAL units; and the Annex C check of a stream's
 * access-unit sizes against what it signals (hrd_check.h's model, started
 * from the first buffering period's initial_cpb_removal_delay).
 */
#ifndef HWENC_TESTS_HRD_STREAM_H
#define HWENC_TESTS_HRD_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "tests/common/hrd_check.h"

typedef struct hrd_stream_au {
    long long bytes;             /* as the demuxer's parser cut it */
    int idr;
    int buffering_periods, picture_timings, fillers;
    long long initial_delay;     /* initial_cpb_removal_delay[0], 90 kHz */
    long long cpb_delay, dpb_delay;
} hrd_stream_au;

typedef struct hrd_stream {
    int sps_count, sps_hrd;      /* SPS seen; the last one's nal_hrd_parameters_present_flag */
    double bit_rate, cpb_size;   /* what the HRD says, bit/s and bits (E-37, E-38) */
    int cbr_flag;
    int sei_count, filler_count; /* NAL units of type 6 and 12 */
    int aus;
    hrd_stream_au *au;           /* in decoding order */
} hrd_stream;

/* Reads the Annex B stream through `ffmpeg -bsf:v trace_headers`. Returns
 * 0, or -1 with the reason in msg (ffmpeg missing or failing). */
int hrd_stream_read(const char *ffmpeg, const uint8_t *data, size_t size, hrd_stream *st, char *msg, int msg_size);
/* The same for a stream in a file. */
int hrd_stream_read_file(const char *ffmpeg, const char *path, hrd_stream *st, char *msg, int msg_size);
void hrd_stream_free(hrd_stream *st);

/* Checks the stream against its own signalling: a NAL HRD, one picture
 * timing in every access unit and a buffering period in exactly the IDR
 * ones, cpb_removal_delay two ticks a picture since the last buffering
 * period, each later buffering period's initial delay equal (within a
 * 90 kHz tick) to the buffer the model holds then (when later_bp_exact;
 * else only within the buffer: FFmpeg's h264_vaapi repeats the first
 * one's), and Annex C with the
 * signalled rate, size and cbr_flag over bits (the access units' sizes,
 * decoding order, count of them). Returns 1 if all hold; msg says what
 * held or the first thing that did not; m gets the model. The access
 * units must be exactly the packets (bits / 8 bytes each). */
int hrd_stream_check(const hrd_stream *st, const int64_t *bits, int count, double fps, int later_bp_exact,
                     hrd_model *m, char *msg, int msg_size);

#endif

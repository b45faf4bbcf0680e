/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Encoder adapters: every encoder hwbench can run (libhwenc's backends,
 * libavcodec encoders such as libx264, OpenH264) behind one small vtable
 * with send/receive semantics, so the timing loop is the same for all.
 */
#ifndef HWENC_BENCH_ENCODERS_H
#define HWENC_BENCH_ENCODERS_H

#include <stddef.h>
#include <stdint.h>

enum bench_rate_mode {
    BENCH_RATE_QP,      /* constant QP */
    BENCH_RATE_BITRATE, /* average bitrate in kb/s */
};

typedef struct bench_enc_params {
    int width, height;
    int fps_num, fps_den;
    const char *preset;  /* NULL: the encoder's default */
    enum bench_rate_mode rate_mode;
    int rate;            /* the QP, or kb/s */
    int keyint;          /* IDR interval in frames */
    int threads;         /* 0: the encoder's default */
    int bframes;         /* libhwenc: most consecutive B frames; the others keep their presets' */
} bench_enc_params;

/* An I420 source picture. */
typedef struct bench_frame {
    const uint8_t *plane[3];
    ptrdiff_t stride[3];
} bench_frame;

typedef struct bench_packet {
    const uint8_t *data; /* Annex B */
    size_t size;
    int64_t pts;         /* index of the source frame */
} bench_packet;

/* Non-error results of send and receive besides 0. */
enum {
    BENCH_ENC_AGAIN = 1, /* send: receive first; receive: send more */
    BENCH_ENC_EOF = 2,   /* receive: flushed, nothing more */
};

typedef struct bench_encoder_def bench_encoder_def;

typedef struct bench_encoder_ops {
    /* Whether the encoder exists in this build and on this machine; 1 or 0
     * with a reason a user can act on. May load drivers: hwbench calls it
     * in a child process. */
    int (*probe)(const bench_encoder_def *def, char *reason, size_t size);
    /* Returns 0 or negative with a message (e.g. a refused rate point). */
    int (*open)(const bench_encoder_def *def, const bench_enc_params *p, void **ctx, char *err,
                size_t size);
    /* frame NULL flushes. Returns 0, BENCH_ENC_AGAIN, or negative with err. */
    int (*send)(void *ctx, const bench_frame *frame, int64_t pts, char *err, size_t size);
    /* Returns 0 with *pkt valid until the next call, BENCH_ENC_AGAIN,
     * BENCH_ENC_EOF, or negative with err. */
    int (*receive)(void *ctx, bench_packet *pkt, char *err, size_t size);
    void (*close)(void *ctx);
} bench_encoder_ops;

struct bench_encoder_def {
    const bench_encoder_ops *ops;
    char name[64]; /* as on the command line, without the preset: "cpu", "x264", "lavc:h264_nvenc" */
    char arg[64];  /* the adapter's argument: a backend name or a libavcodec encoder name */
    int x264_presets; /* whether --preset (x264's names: ultrafast...medium) applies */
};

/* Looks up an encoder name (without ":preset"). Returns 0, or -1 with a
 * message naming the encoders this build knows. */
int bench_encoder_lookup(const char *name, bench_encoder_def *def, char *err, size_t size);

/* Names of the encoders run when --encoders is not given, NULL-terminated. */
extern const char *const bench_default_encoders[];

extern const bench_encoder_ops bench_enc_hwenc_ops;
extern const bench_encoder_ops bench_enc_lavc_ops;
#if HWBENCH_HAVE_OPENH264
extern const bench_encoder_ops bench_enc_openh264_ops;
#endif

#endif

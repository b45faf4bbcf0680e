/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * `hwenc validate`: runs a backend through a fixed matrix of encodes, checks
 * each stream with libavcodec, and writes validate.json and validate.md for
 * a bug report. validate.c reads the command line and walks the matrix,
 * validate_source.c makes the input, validate_case.c runs and checks one
 * encode, validate_report.c writes the reports.
 */
#ifndef HWENC_TOOLS_VALIDATE_H
#define HWENC_TOOLS_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "hwenc/hwenc.h"

#define VALIDATE_MAX_SIZES 8
#define VALIDATE_MAX_CASES 128
#define VALIDATE_MAX_CHECKS 8

/* The stated tolerances (see validate_case.c for why these values). */
#define VALIDATE_CBR_TOLERANCE 0.15   /* CBR bitrate within 15% of the target */
#define VALIDATE_AVG_TOLERANCE 0.25   /* ABR and VBR within 25% */
#define VALIDATE_PSNR_MARGIN 2.0      /* CQP luma PSNR at most 2 dB below the CPU backend's at the same QP */

/* ---------------------------------------------------------------- input */

typedef struct validate_source {
    int width, height;
    int frames;
    int fps_num, fps_den;
    char description[160];
    /* Generated: a texture larger than the picture, panned across it. */
    uint8_t *canvas;
    int canvas_width, canvas_height;
    /* A Y4M clip: its frames, tightly packed I420. */
    uint8_t *clip;
} validate_source;

/* The moving pattern at width x height for frames frames. */
int validate_source_generate(validate_source *s, int width, int height, int frames, char *err, size_t err_size);
/* Up to max_frames frames of a Y4M clip. */
int validate_source_load(validate_source *s, const char *path, int max_frames, char *err, size_t err_size);
/* Frame index as tightly packed I420 into out (width * height * 3 / 2). */
void validate_source_frame(const validate_source *s, int index, uint8_t *out);
/* Generated frames carry their index in a 4x4 grid of 16x16 luma cells at
 * the top left, black or white, which survive any QP: the index a decoded
 * picture shows, or -1 for a clip (which has none). */
int validate_source_read_index(const validate_source *s, const uint8_t *luma, ptrdiff_t stride);
void validate_source_free(validate_source *s);

/* ---------------------------------------------------------------- cases */

enum validate_status { VALIDATE_PASS, VALIDATE_FAIL, VALIDATE_NOT_OFFERED };

typedef struct validate_case {
    char name[64];               /* e.g. "1280x720 cbr b2 reconfigure" */
    int width, height;
    enum hwenc_rate_control rc;
    int bframes;
    int force_idr;               /* force IDRs at a third and two thirds */
    int single_idr;              /* keyint -1 (and no scene cuts): only frame 0 is an IDR */
    int reconfigure;             /* halve the bitrate half way */
    int low_latency;
} validate_case;

typedef struct validate_check {
    const char *name;            /* "encode", "frames", "order", "keyframes", "structure", "bitrate", "psnr" */
    int passed;
    char detail[320];
} validate_check;

typedef struct validate_result {
    enum validate_status status;
    char message[512];           /* the first failure, or why not offered */
    int frames, packets, decoded;
    int b_frames;                /* B pictures the decoder saw */
    int keyframes[16];           /* display indices of the first key frames */
    int keyframe_count;
    double kbps, target_kbps;    /* whole clip; 0 target in CQP and CRF */
    double kbps_halves[2], target_halves[2]; /* with reconfigure */
    double psnr_y;               /* decoded against the source, luma, whole clip */
    double cpu_psnr_y;           /* the CPU backend at the same QP (CQP), else 0 */
    double encode_ms;
    int check_count;
    validate_check checks[VALIDATE_MAX_CHECKS];
} validate_result;

typedef struct validate_settings {
    int frames;
    int qp;
    const char *device;
} validate_settings;

/* The CPU backend at constant QP on the same input, size and B frames: the
 * PSNR the CQP cases are compared with, and the bitrate the rate-control
 * cases are given as their target. */
typedef struct validate_reference {
    int width, height, bframes;
    int ok;
    double psnr_y, kbps;
    char error[256];
} validate_reference;

/* Encodes, decodes and checks one case on backend against the reference
 * (NULL: no comparison, for the reference encode itself). */
void validate_run_case(enum hwenc_backend backend, const validate_case *c, const validate_settings *set,
                       const validate_source *src, const validate_reference *ref, validate_result *r);
/* Fills ref (whose size and B frames are set) from a CPU encode. */
void validate_make_reference(validate_reference *ref, const validate_settings *set, const validate_source *src);

/* ---------------------------------------------------------------- report */

typedef struct validate_backend_report {
    hwenc_backend_info info;     /* from hwenc_probe */
    int test_encode_ret;
    char test_encode[256];       /* what hwenc_test_encode found */
    double open_ms;              /* hwenc_open of the backend, 1280x720 CQP, no test encode */
    int case_count;
    validate_case cases[VALIDATE_MAX_CASES];
    validate_result results[VALIDATE_MAX_CASES];
    int passed, failed, not_offered;
} validate_backend_report;

typedef struct validate_report {
    char command[1024];
    char date[64];
    char versions[128];
    char system[256];
    char nvidia_module[256];     /* /proc/driver/nvidia/version, first line, if present */
    char input[200];
    int frames, qp;
    int probed;
    hwenc_backend_info probe[HWENC_BACKEND_COUNT];
    int backend_count;
    validate_backend_report *backends[HWENC_BACKEND_COUNT];
    char no_backend[512];        /* why nothing was validated, if so */
} validate_report;

/* Write dir/validate.json and dir/validate.md; 0 or -1 with err. */
int validate_write_json(const validate_report *r, const char *path, char *err, size_t err_size);
int validate_write_markdown(const validate_report *r, const char *path, char *err, size_t err_size);

/* The `hwenc validate` command (argv[0] is the program, then its options);
 * returns the exit status. */
int validate_main(int argc, char **argv);

#endif

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A VBV/HRD conformance checker for the tests: the coded picture buffer of
 * H.264 Annex C, fed with the sizes of a stream's pictures in decoding
 * order. Bits arrive at the peak rate; a picture's bits all leave at its
 * removal time, one picture interval after the one before. The first
 * removal happens when the buffer is 90% full (x264's convention, which the
 * CPU backend's rate control follows; it writes no buffering-period SEI, so
 * the stream has no initial_cpb_removal_delay to read).
 *
 * Underflow: a picture has not fully arrived at its removal time.
 * Overflow (CBR only): the buffer is full and bits keep arriving. In VBR
 * arrival simply pauses while the buffer is full.
 */
#ifndef HWENC_TESTS_HRD_CHECK_H
#define HWENC_TESTS_HRD_CHECK_H

#include <stdint.h>

typedef struct hrd_params {
    double bit_rate;     /* bits per second: the peak arrival rate */
    double cpb_size;     /* bits */
    double fps;          /* pictures per second in decoding order */
    int cbr;             /* arrival never pauses: a full buffer overflows */
} hrd_params;

typedef struct hrd_model {
    hrd_params p;
    double fill;         /* bits in the buffer just after the last removal */
    int pictures;        /* seen so far */
    int underflows, overflows;
    int first_underflow, first_overflow; /* picture index, -1: none */
    int above_buffer;    /* pictures larger than the buffer they were coded for */
    double lowest_fill;  /* least fill left after a removal, in buffers (may be < 0) */
    int64_t largest;     /* largest picture, bits */
} hrd_model;

/* Starts 90% full (the first removal happens once 90% of a buffer arrived). */
void hrd_init(hrd_model *m, const hrd_params *p);

/* The same, with `fill` bits in the buffer at the first removal (the
 * initial_cpb_removal_delay of a buffering-period SEI drained at the
 * rate) instead of 90%. */
void hrd_init_fill(hrd_model *m, const hrd_params *p, double fill);

/* Bits in the buffer at the next picture's removal, before it leaves. */
double hrd_next_fill(const hrd_model *m);

/* New rate and buffer from the next picture on (hwenc_reconfigure); what
 * the buffer holds stays, bounded by the new size. */
void hrd_reconfigure(hrd_model *m, const hrd_params *p);

/* One picture of `bits`, in decoding order. */
void hrd_picture(hrd_model *m, int64_t bits);

/* 1 when no picture underflowed nor (CBR) overflowed; a line saying which
 * picture failed first and how goes to msg. */
int hrd_ok(const hrd_model *m, char *msg, int msg_size);

/* All in one: count pictures at one setting. */
int hrd_check(const hrd_params *p, const int64_t *bits, int count, hrd_model *m, char *msg, int msg_size);

#endif

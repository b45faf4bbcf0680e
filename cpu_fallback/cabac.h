/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The CABAC arithmetic encoder (9.3.4): context initialisation, regular,
 * bypass and terminating bins, and the flush at the end of a slice. Bytes
 * go out whole: carries into bytes already written are resolved through a
 * count of outstanding 0xff bytes, which is the standard's PutBit with its
 * bitsOutstanding, eight bits at a time.
 *
 * For rate estimates, a cabac_cost table gives each (state, bin) its
 * cost in bits.
 */
#ifndef HWENC_CPU_CABAC_H
#define HWENC_CPU_CABAC_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_fallback/cabac_tables.h"

typedef struct cabac_enc {
    uint32_t low;                /* codILow, with the bits above it not yet output */
    uint32_t range;              /* codIRange, 256..510 between bins */
    int queue;                   /* bits above codILow's 10 waiting for a byte, minus 8 */
    int outstanding;             /* 0xff bytes held back for a carry */
    uint8_t *p, *start, *end;
    int overflow;                /* the buffer was too small; the slice is unusable */
    uint32_t bins;               /* every bin coded, for 9.3.4.6 */
    /* (pStateIdx << 1) | valMPS per ctxIdx. */
    uint8_t state[CABAC_CONTEXTS];
} cabac_enc;

/* Context states of a slice (9.3.1.1): init_table 0 for I slices, else
 * 1 + cabac_init_idc. */
void cabac_init_contexts(uint8_t state[CABAC_CONTEXTS], int init_table, int slice_qp);
/* Starts the coder at buf (the byte-aligned start of slice_data). */
void cabac_start(cabac_enc *c, uint8_t *buf, size_t capacity);
/* Writes the bits still in the coder after a terminating bin of 1
 * (end_of_slice_flag or I_PCM); the last bit written is 1 and the output
 * is padded with zeros to a byte. Returns the bytes written since start. */
size_t cabac_flush(cabac_enc *c);
/* After I_PCM samples (written from c->p on): restarts the engine (9.3.1.2)
 * keeping the context states. */
void cabac_restart(cabac_enc *c);

void cabac_put_byte(cabac_enc *c);

/* cabac_zero_words a picture needs (7.4.2.10, 9.3.4.6): its bins may not
 * exceed 32/3 of its VCL NAL units' bytes plus RawMbBits (3072 for 8-bit
 * 4:2:0) * PicSizeInMbs / 32; each word adds 3 bytes (0x000003). */
int64_t cabac_zero_words(uint64_t bins, int64_t nal_bytes, int64_t mbs);

static inline void cabac_renorm(cabac_enc *c)
{
    /* range >= 2: bring it to 256..510 (at most 7 shifts, one byte out). */
    const int shift = __builtin_clz(c->range) - 23;
    c->range <<= shift;
    c->low <<= shift;
    c->queue += shift;
    if (c->queue >= 0)
        cabac_put_byte(c);
}

/* 9.3.4.2: one bin with context ctx. Branch-free but for the rare byte
 * out: whether the bin is the LPS is as random as the content, so the
 * LPS update is a pair of selects and the next state a table look-up. */
static inline void cabac_encode_decision(cabac_enc *c, int ctx, int bin)
{
    const int s = c->state[ctx];
    const uint32_t lps = cabac_range_lps[s >> 1][(c->range >> 6) & 3];
    const uint32_t mps_range = c->range - lps;
    const int is_lps = bin != (s & 1);
    c->low += is_lps ? mps_range : 0;
    const uint32_t range = is_lps ? lps : mps_range;
    c->state[ctx] = cabac_next_state[s][bin];
    c->bins++;
    /* Renormalise to 256..510 (no shift when already there). */
    const int shift = __builtin_clz(range) - 23;
    c->range = range << shift;
    c->low <<= shift;
    c->queue += shift;
    if (c->queue >= 0)
        cabac_put_byte(c);
}

/* 9.3.4.4 */
static inline void cabac_encode_bypass(cabac_enc *c, int bin)
{
    c->low <<= 1;
    if (bin)
        c->low += c->range;
    c->bins++;
    if (++c->queue >= 0)
        cabac_put_byte(c);
}

/* The n low bits of value, most significant first, as bypass bins. */
void cabac_encode_bypass_bits(cabac_enc *c, int n, uint32_t value);

/* 9.3.4.5: a terminating bin; 1 ends the slice or precedes I_PCM and
 * must be followed by cabac_flush(). */
static inline void cabac_encode_terminate(cabac_enc *c, int bin)
{
    c->range -= 2;
    c->bins++;
    if (bin)
        c->low += c->range;
    else if (c->range < 256)
        cabac_renorm(c);
}

/* ---- bit estimates ---- */

/* Cost in 1/256 bits of coding bin in state s ((pStateIdx << 1) | valMPS),
 * indexed [s ^ bin]: the MPS at even-state parity, the LPS at odd. */
typedef struct cabac_cost {
    uint16_t bits[128];
} cabac_cost;

#define CABAC_COST_ONE_BIT 256

void cabac_cost_init(cabac_cost *cost);

static inline int cabac_bin_cost(const cabac_cost *cost, int state, int bin)
{
    return cost->bits[state ^ bin];
}

#endif

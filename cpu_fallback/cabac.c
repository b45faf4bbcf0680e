/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The CABAC arithmetic encoder (9.3.4) outside its inline bin coders.
 */
#include <math.h>
#include <string.h>

#include "cpu_fallback/cabac.h"

void cabac_init_contexts(uint8_t state[CABAC_CONTEXTS], int init_table, int slice_qp)
{
    const int qp = slice_qp < 0 ? 0 : slice_qp > 51 ? 51 : slice_qp;
    const int8_t(*mn)[2] = cabac_init_mn[init_table];
    for (int i = 0; i < CABAC_CONTEXTS; i++) {
        int pre = ((mn[i][0] * qp) >> 4) + mn[i][1];
        pre = pre < 1 ? 1 : pre > 126 ? 126 : pre;
        /* preCtxState <= 63: pStateIdx 63 - pre with valMPS 0, else pre - 64 with 1. */
        state[i] = (uint8_t)(pre <= 63 ? (63 - pre) << 1 : ((pre - 64) << 1) | 1);
    }
}

void cabac_start(cabac_enc *c, uint8_t *buf, size_t capacity)
{
    c->start = c->p = buf;
    c->end = buf + capacity;
    c->overflow = 0;
    c->bins = 0;
    cabac_restart(c);
}

void cabac_restart(cabac_enc *c)
{
    c->low = 0;
    c->range = 510;
    /* The first bit to leave codILow is the one 9.3.4.2's PutBit drops
     * (firstBitFlag); nine bits leave before the first byte is whole. */
    c->queue = -9;
    c->outstanding = 0;
}

static void put(cabac_enc *c, uint8_t byte)
{
    if (c->p < c->end)
        *c->p++ = byte;
    else
        c->overflow = 1;
}

/* Takes the top 8 of the bits above codILow, with the carry above them. */
void cabac_put_byte(cabac_enc *c)
{
    const uint32_t out = c->low >> (c->queue + 10);
    c->low &= (0x400u << c->queue) - 1;
    c->queue -= 8;
    if ((out & 0xff) == 0xff) {
        c->outstanding++;
        return;
    }
    const uint32_t carry = out >> 8;
    /* The first byte never carries: codILow + codIRange starts below 512,
     * so the dropped first bit stays 0. */
    if (carry && c->p > c->start)
        c->p[-1]++;
    for (; c->outstanding; c->outstanding--)
        put(c, (uint8_t)(0xff + carry));
    put(c, (uint8_t)out);
}

int64_t cabac_zero_words(uint64_t bins, int64_t nal_bytes, int64_t mbs)
{
    /* In thirds: 3 * bins <= 32 * bytes + 3 * 96 * mbs. */
    const int64_t excess = 3 * (int64_t)bins - 32 * nal_bytes - 288 * mbs;
    return excess > 0 ? (excess + 95) / 96 : 0;
}

void cabac_encode_bypass_bits(cabac_enc *c, int n, uint32_t value)
{
    while (n--)
        cabac_encode_bypass(c, (value >> n) & 1);
}

size_t cabac_flush(cabac_enc *c)
{
    /* EncodeFlush (9.3.4.5): codIRange = 2 and RenormE, 7 shifts; then
     * PutBit of bit 9 and WriteBits(((codILow >> 7) & 3) | 1, 2): bits 9
     * and 8 and a 1, the rbsp_stop_one_bit when this ends the slice. */
    c->range = 2;
    cabac_renorm(c);
    c->low = (c->low | 0x80) & ~0x7fu;
    c->low <<= 3;
    c->queue += 3;
    /* Zero bits up to a byte, then out with everything. */
    const int pad = -c->queue & 7;
    c->low <<= pad;
    c->queue += pad;
    while (c->queue >= 0)
        cabac_put_byte(c);
    /* Nothing can carry into bytes still held back now. */
    for (; c->outstanding; c->outstanding--)
        put(c, 0xff);
    return (size_t)(c->p - c->start);
}

void cabac_cost_init(cabac_cost *cost)
{
    /* pLPS of state s is 0.5 * alpha^s with alpha = (0.01875 / 0.5)^(1/63)
     * (9.3.1.1's model the tables approximate). */
    const double alpha = pow(0.01875 / 0.5, 1.0 / 63);
    for (int s = 0; s < 64; s++) {
        const double p_lps = 0.5 * pow(alpha, s);
        cost->bits[2 * s] = (uint16_t)lrint(-log2(1 - p_lps) * CABAC_COST_ONE_BIT);
        cost->bits[2 * s + 1] = (uint16_t)lrint(-log2(p_lps) * CABAC_COST_ONE_BIT);
    }
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The CABAC arithmetic encoder against a reference decoder written here from
 * 9.3.1.2 (initialisation) and 9.3.3.2 (DecodeDecision, DecodeBypass,
 * DecodeTerminate, RenormD): random bins with random contexts, bypass runs,
 * I_PCM-style flushes with raw bytes and a restart in the middle, and the
 * end of the slice. Every bin must decode back, the decoder must end on the
 * flush's final 1 bit (rbsp_stop_one_bit), and the bit costs must track
 * what the coder writes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/cabac.h"
#include "tests/common/check.h"

typedef struct ref_decoder {
    const uint8_t *buf;
    size_t size, bitpos;
    uint32_t range, offset;
    uint8_t pstate[CABAC_CONTEXTS], mps[CABAC_CONTEXTS];
} ref_decoder;

static int read_bit(ref_decoder *d)
{
    int bit = d->bitpos < 8 * d->size ? (d->buf[d->bitpos >> 3] >> (7 - (d->bitpos & 7))) & 1 : 0;
    d->bitpos++;
    return bit;
}

/* 9.3.1.2 */
static void ref_engine_init(ref_decoder *d)
{
    d->range = 510;
    d->offset = 0;
    for (int i = 0; i < 9; i++)
        d->offset = (d->offset << 1) | (uint32_t)read_bit(d);
}

/* 9.3.1.1, written out again from the equations. */
static void ref_contexts_init(ref_decoder *d, int init_table, int qp)
{
    for (int i = 0; i < CABAC_CONTEXTS; i++) {
        int m = cabac_init_mn[init_table][i][0], n = cabac_init_mn[init_table][i][1];
        int pre = ((m * qp) >> 4) + n;
        if (pre < 1)
            pre = 1;
        if (pre > 126)
            pre = 126;
        if (pre <= 63) {
            d->pstate[i] = (uint8_t)(63 - pre);
            d->mps[i] = 0;
        } else {
            d->pstate[i] = (uint8_t)(pre - 64);
            d->mps[i] = 1;
        }
    }
}

static void renorm(ref_decoder *d)
{
    while (d->range < 256) {
        d->range <<= 1;
        d->offset = (d->offset << 1) | (uint32_t)read_bit(d);
    }
}

static int decode_decision(ref_decoder *d, int ctx)
{
    int bin;
    uint32_t lps = cabac_range_lps[d->pstate[ctx]][(d->range >> 6) & 3];
    d->range -= lps;
    if (d->offset >= d->range) {
        bin = !d->mps[ctx];
        d->offset -= d->range;
        d->range = lps;
        if (d->pstate[ctx] == 0)
            d->mps[ctx] = (uint8_t)(1 - d->mps[ctx]);
        d->pstate[ctx] = cabac_trans_lps[d->pstate[ctx]];
    } else {
        bin = d->mps[ctx];
        if (d->pstate[ctx] < 62)
            d->pstate[ctx]++;
    }
    renorm(d);
    return bin;
}

static int decode_bypass(ref_decoder *d)
{
    d->offset = (d->offset << 1) | (uint32_t)read_bit(d);
    if (d->offset >= d->range) {
        d->offset -= d->range;
        return 1;
    }
    return 0;
}

static int decode_terminate(ref_decoder *d)
{
    d->range -= 2;
    if (d->offset >= d->range)
        return 1;
    renorm(d);
    return 0;
}

enum { BIN_DECISION, BIN_BYPASS, BIN_TERMINATE0, BIN_PCM };

typedef struct op {
    uint8_t kind, bin;
    uint16_t ctx;
} op;

/* One slice of random bins: skewed towards a few contexts per run so
 * states move far from their start, with bypass runs, terminating zeros
 * and an I_PCM flush and restart now and then. */
static int run_case(tally *t, rng *r, int init_table, int qp, int nops)
{
    op *ops = malloc(sizeof(*ops) * (size_t)nops);
    uint8_t *buf = malloc((size_t)nops + 4096);
    cabac_enc *c = malloc(sizeof(*c));
    if (!ops || !buf || !c)
        return -1;
    cabac_init_contexts(c->state, init_table, qp);
    cabac_start(c, buf, (size_t)nops + 4096);
    int bias = rng_range(r, 0, 100);
    uint32_t bins = 0;
    for (int i = 0; i < nops; i++) {
        int k = rng_range(r, 0, 99);
        op *o = &ops[i];
        o->kind = k < 80 ? BIN_DECISION : k < 97 ? BIN_BYPASS : k < 99 ? BIN_TERMINATE0 : BIN_PCM;
        o->ctx = (uint16_t)(rng_range(r, 0, 7) ? rng_range(r, 0, 15) : rng_range(r, 0, CABAC_CONTEXTS - 1));
        o->bin = (uint8_t)(rng_range(r, 0, 99) < bias);
        switch (o->kind) {
        case BIN_DECISION:
            cabac_encode_decision(c, o->ctx, o->bin);
            bins++;
            break;
        case BIN_BYPASS:
            cabac_encode_bypass(c, o->bin);
            bins++;
            break;
        case BIN_TERMINATE0:
            cabac_encode_terminate(c, 0);
            bins++;
            break;
        case BIN_PCM:
            /* The ctx field holds the raw byte count. */
            cabac_encode_terminate(c, 1);
            bins++;
            cabac_flush(c);
            o->ctx = (uint16_t)rng_range(r, 0, 5);
            for (int b = 0; b < o->ctx; b++)
                *c->p++ = (uint8_t)(b * 37 + o->bin);
            cabac_restart(c);
            break;
        }
    }
    cabac_encode_terminate(c, 1);
    bins++;
    size_t size = cabac_flush(c);
    CHECK(t, !c->overflow, "no overflow");
    CHECK(t, c->bins == bins, "bin count %u, expected %u", c->bins, bins);

    ref_decoder *d = calloc(1, sizeof(*d));
    d->buf = buf;
    d->size = size;
    ref_contexts_init(d, init_table, qp);
    ref_engine_init(d);
    int bad = 0;
    for (int i = 0; i < nops && !bad; i++) {
        const op *o = &ops[i];
        int got;
        switch (o->kind) {
        case BIN_DECISION:
            got = decode_decision(d, o->ctx);
            break;
        case BIN_BYPASS:
            got = decode_bypass(d);
            break;
        case BIN_TERMINATE0:
            got = decode_terminate(d);
            bad |= got != 0;
            continue;
        default:
            bad |= decode_terminate(d) != 1;
            /* The flush's last bit was just read; zero bits up to a byte,
             * then the raw bytes, then a new engine. */
            while (d->bitpos & 7)
                bad |= read_bit(d) != 0;
            for (int b = 0; b < o->ctx; b++)
                bad |= d->buf[d->bitpos / 8 + (size_t)b] != (uint8_t)(b * 37 + o->bin);
            d->bitpos += 8 * (size_t)o->ctx;
            ref_engine_init(d);
            continue;
        }
        if (got != o->bin) {
            bad = 1;
            CHECK(t, 0, "op %d (kind %d ctx %d): decoded %d, coded %d", i, o->kind, o->ctx, got, o->bin);
        }
    }
    CHECK(t, !bad, "every bin decodes back (table %d, qp %d, %d ops)", init_table, qp, nops);
    CHECK(t, decode_terminate(d) == 1, "end_of_slice_flag decodes as 1");
    /* The last bit read is the stop bit; only zero bits follow in the slice. */
    CHECK(t, d->bitpos >= 1 && (d->buf[(d->bitpos - 1) / 8] >> (7 - ((d->bitpos - 1) & 7)) & 1),
          "the last bit read is a 1");
    CHECK(t, (d->bitpos + 7) / 8 == size, "the stop bit is in the last byte (%zu bits read, %zu bytes)",
          d->bitpos, size);
    for (size_t b = d->bitpos; b < 8 * size; b++)
        CHECK(t, !((d->buf[b / 8] >> (7 - (b & 7))) & 1), "alignment bits are zero");
    free(d);
    free(ops);
    free(buf);
    free(c);
    return 0;
}

/* The estimate of many bins in few contexts, each priced in the state the
 * coder has before it, against what the coder spends. */
static void check_estimates(tally *t, rng *r)
{
    cabac_cost cost;
    cabac_cost_init(&cost);
    for (int s = 0; s < 64; s++) {
        CHECK(t, cost.bits[2 * s] <= CABAC_COST_ONE_BIT && cost.bits[2 * s + 1] >= CABAC_COST_ONE_BIT,
              "state %d: MPS costs at most a bit, LPS at least one", s);
        CHECK(t, s == 0 || cost.bits[2 * s + 1] > cost.bits[2 * s - 1], "LPS cost grows with the state");
    }
    for (int trial = 0; trial < 20; trial++) {
        static uint8_t buf[1 << 16];
        cabac_enc c;
        cabac_init_contexts(c.state, 1 + trial % 3, 20 + trial);
        cabac_start(&c, buf, sizeof(buf));
        int p = rng_range(r, 1, 50);
        long estimate = 0;
        for (int i = 0; i < 20000; i++) {
            int ctx = rng_range(r, 0, 3), bin = rng_range(r, 0, 99) < p;
            estimate += cabac_bin_cost(&cost, c.state[ctx], bin);
            cabac_encode_decision(&c, ctx, bin);
        }
        cabac_encode_terminate(&c, 1);
        double written = 8.0 * (double)cabac_flush(&c), estimated = (double)estimate / CABAC_COST_ONE_BIT;
        CHECK(t, estimated > 0.97 * written - 16 && estimated < 1.03 * written + 16,
              "estimate %.0f bits, written %.0f (p %d%%)", estimated, written, p);
    }
}

/* The count of cabac_zero_words meets 9.3.4.6 exactly: with it the bins
 * fit, with one fewer they do not. */
static void check_zero_words(tally *t, rng *r)
{
    for (int i = 0; i < 2000; i++) {
        const int64_t mbs = rng_range(r, 1, 8160), bytes = rng_range(r, 10, 1 << 20);
        const uint64_t bins = (uint64_t)rng_range(r, 0, 1 << 24);
        const int64_t k = cabac_zero_words(bins, bytes, mbs);
        /* bins <= 32/3 * bytes + 3072 * mbs / 32, in thirds. */
        const int fits = 3 * (int64_t)bins <= 32 * (bytes + 3 * k) + 288 * mbs;
        const int fits_fewer = k > 0 && 3 * (int64_t)bins <= 32 * (bytes + 3 * (k - 1)) + 288 * mbs;
        CHECK(t, k >= 0 && fits && !fits_fewer, "bins %llu, %lld bytes, %lld mbs: %lld words",
              (unsigned long long)bins, (long long)bytes, (long long)mbs, (long long)k);
    }
}

int main(void)
{
    tally t = { "cabac", 0, 0 };
    rng r = { 0x2545f491u };
    for (int init_table = 0; init_table < 4; init_table++)
        for (int qp = 0; qp <= 51; qp += 17)
            for (int n = 1; n <= 100000; n *= 10)
                if (run_case(&t, &r, init_table, qp, n) < 0)
                    return 1;
    check_estimates(&t, &r);
    check_zero_words(&t, &r);
    printf("cabac: %d checks passed, %d failed\n", t.pass, t.fail);
    printf("%d passed, %d failed\n", t.fail ? 0 : 1, t.fail ? 1 : 0);
    return t.fail ? 1 : 0;
}

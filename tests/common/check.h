/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What the unit tests share: pass/fail tallies whose CHECK prints the first
 * failures with their place, and a small seeded xorshift generator, so every
 * test is reproducible from its seed.
 */
#ifndef HWENC_TESTS_CHECK_H
#define HWENC_TESTS_CHECK_H

#include <stdint.h>
#include <stdio.h>

typedef struct tally {
    const char *name;
    int pass, fail;
} tally;

#define CHECK(t, cond, ...) do { \
    if (cond) { \
        (t)->pass++; \
    } else { \
        if ((t)->fail++ < 8) { \
            fprintf(stderr, "%s: FAIL %s:%d: ", (t)->name, __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
        } \
    } \
} while (0)

typedef struct rng {
    uint32_t s;
} rng;

static inline uint32_t rng_next(rng *r)
{
    uint32_t x = r->s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return r->s = x;
}

/* Uniform in [lo, hi]. */
static inline int rng_range(rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint32_t)(hi - lo + 1));
}

#endif

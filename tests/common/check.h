/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What the tests share: pass/fail tallies whose CHECK prints the first
 * failures with their place, REQUIRE for a check the rest of a test depends
 * on, and a small seeded xorshift generator, so every test is reproducible
 * from its seed.
 */
#ifndef HWENC_TESTS_CHECK_H
#define HWENC_TESTS_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct tally {
    const char *name;
    int pass, fail;
} tally;

/* Counts a check in t; a failure prints its place, the condition and the
 * optional printf-style message (a string literal first). */
#define CHECK(t, cond, ...) do { \
    if (cond) \
        (t)->pass++; \
    else \
        tally_failed((t), __FILE__, __LINE__, #cond, " " __VA_ARGS__); \
} while (0)

/* A check the rest of the test depends on: a failure ends the program. */
#define REQUIRE(cond, ...) do { \
    if (!(cond)) \
        require_failed(__FILE__, __LINE__, #cond, " " __VA_ARGS__); \
} while (0)

static inline void check_report(const char *name, const char *file, int line, const char *cond, const char *fmt,
                                va_list args)
{
    fprintf(stderr, "%s: FAIL %s:%d: %s:", name, file, line, cond);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
}

static inline void __attribute__((format(printf, 5, 6)))
tally_failed(tally *t, const char *file, int line, const char *cond, const char *fmt, ...)
{
    if (t->fail++ >= 8)
        return;
    va_list args;
    va_start(args, fmt);
    check_report(t->name, file, line, cond, fmt, args);
    va_end(args);
}

static inline void __attribute__((format(printf, 4, 5), noreturn))
require_failed(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    check_report("REQUIRE", file, line, cond, fmt, args);
    va_end(args);
    exit(1);
}

/* Prints the tally and gives main()'s exit status. */
static inline int tally_result(const tally *t)
{
    printf("%s: %d passed, %d failed\n", t->name, t->pass, t->fail);
    return t->fail ? 1 : 0;
}

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

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Deliberate breakage of a test double's output, for the tests of `hwenc
 * validate` and of the test encode `auto` runs: a driver that opens but
 * codes wrongly. Each double reads its own variable (HWENCTEST_VA_BREAK,
 * HWENC_FAKE_NVENC_BREAK, HWENC_TEST_ICD_BREAK) and applies it where it
 * hands out coded data, to the second picture (index 1 in coding order) of
 * every session:
 *
 *   poc      the slice header carries a picture order count two frames
 *            lower than the one given: without B frames that puts the
 *            picture before the IDR, with them level with a B picture
 *   drop     the picture's coded data is missing (zero bytes)
 *   garbage  the picture's coded data is not H.264 (no start code)
 *
 * Unset or empty: no breakage. Any other value aborts, so a typo cannot
 * pass for a working double.
 */
#ifndef HWENC_TESTS_DOUBLE_BREAK_H
#define HWENC_TESTS_DOUBLE_BREAK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum double_break { DOUBLE_BREAK_NONE, DOUBLE_BREAK_POC, DOUBLE_BREAK_DROP, DOUBLE_BREAK_GARBAGE };

#define DOUBLE_BREAK_PICTURE 1

static inline enum double_break double_break_from_env(const char *variable)
{
    const char *v = getenv(variable);
    if (!v || !*v)
        return DOUBLE_BREAK_NONE;
    if (!strcmp(v, "poc"))
        return DOUBLE_BREAK_POC;
    if (!strcmp(v, "drop"))
        return DOUBLE_BREAK_DROP;
    if (!strcmp(v, "garbage"))
        return DOUBLE_BREAK_GARBAGE;
    fprintf(stderr, "%s=%s: not a breakage (poc, drop, garbage)\n", variable, v);
    abort();
}

/* The pic_order_cnt_lsb to write for picture index of a session. */
static inline int double_break_poc_lsb(enum double_break b, int64_t index, int poc_lsb, int log2_max_poc_lsb)
{
    if (b != DOUBLE_BREAK_POC || index != DOUBLE_BREAK_PICTURE)
        return poc_lsb;
    return (poc_lsb - 4) & ((1 << log2_max_poc_lsb) - 1);
}

/* The size of the coded data of picture index after the breakage, which
 * may rewrite data in place. */
static inline size_t double_break_coded(enum double_break b, int64_t index, uint8_t *data, size_t size)
{
    if (index != DOUBLE_BREAK_PICTURE)
        return size;
    if (b == DOUBLE_BREAK_DROP)
        return 0;
    if (b == DOUBLE_BREAK_GARBAGE)
        for (size_t i = 0; i < size; i++)
            data[i] = (uint8_t)(0x80 | (i * 37 + 11)); /* never zero: no start code */
    return size;
}

#endif

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The VBV/HRD checker (tests/common/hrd_check.c) on hand-made sequences of
 * picture sizes whose fate is worked out by hand: 100 kbit/s at 10 pictures
 * a second brings 10 kbit per picture; the buffer holds 50 kbit and the first
 * picture is removed when 45 kbit (90%) have arrived.
 */
#include <stdio.h>

#include "tests/common/hrd_check.h"

static int passed, failed;

static void expect(const char *what, const int64_t *bits, int count, int cbr, int ok, int first_bad)
{
    hrd_params p = { .bit_rate = 100000, .cpb_size = 50000, .fps = 10, .cbr = cbr };
    hrd_model m;
    char msg[256];
    int got = hrd_check(&p, bits, count, &m, msg, sizeof(msg));
    int first = m.underflows ? m.first_underflow : m.first_overflow;
    if (got == ok && (ok || first == first_bad)) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s: expected %s at %d, got %s\n", what, ok ? "pass" : "fail", first_bad, msg);
    }
    printf("%s: %s\n", what, msg);
}

int main(void)
{
    /* Exactly the rate: 45 kbit stay in the buffer throughout. */
    static const int64_t steady[] = { 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000 };
    expect("steady CBR", steady, 8, 1, 1, -1);
    /* The first picture may take all 45 kbit that arrived before it. */
    static const int64_t first_full[] = { 45000, 10000, 10000, 10000 };
    expect("first picture of 45 kbit", first_full, 4, 1, 1, -1);
    /* One bit more has not arrived at its removal time. */
    static const int64_t first_over[] = { 45001, 10000 };
    expect("first picture of 45 kbit + 1", first_over, 2, 1, 0, 0);
    /* 45 - 30 = 15 kbit left, + 10 - 10 = 15, + 10 = 25 kbit there at the
     * removal of picture 2: 26 kbit underflow. */
    static const int64_t later[] = { 30000, 10000, 26000, 0 };
    expect("underflow at picture 2", later, 4, 0, 0, 2);
    /* 25 kbit just fit, and leave the buffer empty for 10 kbit next. */
    static const int64_t later_fit[] = { 30000, 10000, 25000, 10000 };
    expect("25 kbit at picture 2 fits", later_fit, 4, 0, 1, -1);
    /* Small pictures: the buffer fills; VBR arrival pauses, so a picture
     * of a full buffer (50 kbit) is fine afterwards... */
    static const int64_t idle[] = { 1000, 1000, 1000, 1000, 1000, 50000, 10000 };
    expect("VBR idle then a full buffer", idle, 7, 0, 1, -1);
    /* ...but in CBR bits keep arriving into a full buffer: 45 - 1 + 10 = 54
     * kbit at picture 1 overflows the 50 kbit buffer. */
    expect("CBR idle overflows", idle, 7, 1, 0, 1);
    /* One picture over the buffer never fits, full buffer or not. */
    static const int64_t huge[] = { 1000, 1000, 1000, 1000, 1000, 50001 };
    expect("VBR picture above the buffer", huge, 6, 0, 0, 5);

    /* A reconfigure halves the rate and the buffer: the 45 - 10 = 35 kbit
     * held are bounded to the new 25 kbit buffer, and 5 kbit per picture
     * arrive from then on. */
    hrd_params p = { .bit_rate = 100000, .cpb_size = 50000, .fps = 10, .cbr = 0 };
    hrd_model m;
    hrd_init(&m, &p);
    hrd_picture(&m, 10000);
    p.bit_rate = 50000;
    p.cpb_size = 25000;
    hrd_reconfigure(&m, &p);
    hrd_picture(&m, 25000); /* 25 + 5 bounded to 25: fits exactly */
    hrd_picture(&m, 5000);  /* 0 + 5 */
    hrd_picture(&m, 5001);  /* 0 + 5: one bit short */
    char msg[256];
    if (!hrd_ok(&m, msg, sizeof(msg)) && m.first_underflow == 3 && m.underflows == 1) {
        passed++;
    } else {
        failed++;
        printf("FAIL reconfigure: expected one underflow at picture 3, got %s\n", msg);
    }
    printf("reconfigure: %s\n", msg);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include "tools/cli_args.h"

#include <stdio.h>
#include <stdlib.h>

/* Reads [-]digits at *s into *value, saturating far beyond any range an
 * option allows, so that no input can overflow. Returns -1 if there are no
 * digits. */
static int read_integer(const char **s, long long *value)
{
    const char *p = *s;
    int negative = *p == '-';
    p += negative;
    if (*p < '0' || *p > '9')
        return -1;
    long long v = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        if (v < (1LL << 40))
            v = v * 10 + (*p - '0');
    *value = negative ? -v : v;
    *s = p;
    return 0;
}

int cli_parse_ints(const char *option, const char *arg, char sep, int min_count, int max_count, long lo, long hi,
                   const char *shape, int *out)
{
    const char *p = arg;
    int count = 0;
    for (;;) {
        long long v;
        if (count == max_count || read_integer(&p, &v) < 0 || v < lo || v > hi)
            break;
        out[count++] = (int)v;
        if (*p == '\0' && count >= min_count)
            return count;
        if (!sep || *p != sep)
            break;
        p++;
    }
    fprintf(stderr, "hwenc: %s '%s' must be %s\n", option, arg, shape);
    return -1;
}

int cli_parse_int(const char *option, const char *arg, long lo, long hi, int *out)
{
    char shape[96];
    snprintf(shape, sizeof(shape), "an integer from %ld to %ld", lo, hi);
    return cli_parse_ints(option, arg, 0, 1, 1, lo, hi, shape, out) < 0 ? -1 : 0;
}

int cli_parse_real(const char *option, const char *arg, double lo, double hi, double *out)
{
    /* Checked by hand first: strtod would also take "nan", "inf", "1e9",
     * "0x1p4" and leading blanks. */
    const char *p = arg + (*arg == '-');
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    double v = digits && *p == '\0' ? strtod(arg, NULL) : lo - 1;
    if (!(v >= lo && v <= hi)) {
        fprintf(stderr, "hwenc: %s '%s' must be a decimal number from %g to %g\n", option, arg, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

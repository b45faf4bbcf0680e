/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Strict parsing of the command line's numeric arguments: every number an
 * option takes goes through here, so none accepts trailing junk, blanks, a
 * sign where none belongs, an overflowing value or a NaN.
 */
#ifndef HWENC_TOOLS_CLI_ARGS_H
#define HWENC_TOOLS_CLI_ARGS_H

/* Parses min_count to max_count decimal integers separated by sep ("1280x720"
 * with sep 'x'; sep 0 for a single number), each from lo to hi, into out.
 * Returns the count, or -1 after printing "hwenc: OPTION 'ARG' must be
 * SHAPE" to stderr (shape says what is expected, e.g. "WxH, each 2 to 16384"). */
int cli_parse_ints(const char *option, const char *arg, char sep, int min_count, int max_count, long lo, long hi,
                   const char *shape, int *out);

/* One integer from lo to hi. */
int cli_parse_int(const char *option, const char *arg, long lo, long hi, int *out);

/* A decimal number ("23", "23.5", "-1.25"; no exponent, no hexadecimal, no
 * inf or nan) from lo to hi. Returns 0, or -1 after printing a message. */
int cli_parse_real(const char *option, const char *arg, double lo, double hi, double *out);

#endif

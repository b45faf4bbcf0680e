/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The few pieces of JSON and CSV the CLI writes (encode --stats, the batch
 * report): strings are escaped here once, so a file name with a quote, a
 * backslash, a control character or bytes that are not UTF-8 still gives a
 * document every parser reads.
 */
#ifndef HWENC_TOOLS_JSON_WRITE_H
#define HWENC_TOOLS_JSON_WRITE_H

#include <stdio.h>

/* Writes s as a JSON string with its quotes; NULL is written as null.
 * Bytes that are not UTF-8 become U+FFFD. */
void json_write_string(FILE *f, const char *s);

/* A number with the given decimals, or null when it is not finite (JSON
 * has no NaN) or not known (known 0). */
void json_write_number(FILE *f, double v, int decimals, int known);

/* Writes s as one CSV field (RFC 4180): quoted when it holds a comma, a
 * quote or a line break, with quotes doubled. NULL is an empty field. */
void csv_write_field(FILE *f, const char *s);

/* Reads back a string json_write_string wrote, from after its opening
 * quote: at most size-1 bytes into out; \uXXXX beyond ASCII becomes '?'.
 * Returns 0, or -1 if the string does not end. */
int json_read_string(const char *in, char *out, size_t size);

#endif

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A strict little JSON parser for the tests, so hwbench's JSON is checked
 * by code that shares nothing with the writer. It rejects trailing commas,
 * bare words, unterminated strings and anything after the top-level value.
 */
#ifndef HWENC_TESTS_MINI_JSON_H
#define HWENC_TESTS_MINI_JSON_H

#include <stddef.h>

typedef enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
    json_type type;
    int boolean;
    double number;
    char *string;               /* JSON_STRING */
    int n;                      /* items of an array or members of an object */
    struct json_value *items;
    char **keys;                /* JSON_OBJECT: keys[i] names items[i] */
} json_value;

/* Returns NULL with a message (and the offset) in err on a syntax error. */
json_value *json_parse(const char *text, char *err, size_t err_size);
/* Member of an object, or NULL. */
const json_value *json_get(const json_value *obj, const char *key);
void json_free(json_value *v);

#endif

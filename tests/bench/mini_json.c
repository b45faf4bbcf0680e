/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/mini_json.h"

typedef struct parser {
    const char *s, *start;
    char *err;
    size_t err_size;
    int failed;
} parser;

static int fail(parser *p, const char *what)
{
    if (!p->failed)
        snprintf(p->err, p->err_size, "%s at offset %ld", what, (long)(p->s - p->start));
    p->failed = 1;
    return -1;
}

static void skip_ws(parser *p)
{
    while (*p->s == ' ' || *p->s == '\n' || *p->s == '\r' || *p->s == '\t')
        p->s++;
}

static int parse_value(parser *p, json_value *v, int depth);

/* The character an escape stands for; 0 if it is not a valid escape. The
 * tests only need ASCII, so \uXXXX becomes '?'. */
static char unescape(parser *p)
{
    char e = *p->s++;
    switch (e) {
    case '"': case '\\': case '/': return e;
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'u':
        for (int i = 0; i < 4; i++)
            if (!isxdigit((unsigned char)p->s[i]))
                return 0;
        p->s += 4;
        return '?';
    default: return 0;
    }
}

static int parse_string(parser *p, char **out)
{
    size_t cap = 16, len = 0;
    char *buf = malloc(cap);

    if (!buf || *p->s != '"')
        goto fail;
    p->s++;
    while (*p->s != '"') {
        char c = *p->s++;
        if (!c || (unsigned char)c < 0x20)
            goto fail;
        if (c == '\\' && !(c = unescape(p)))
            goto fail;
        if (len + 2 > cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                goto fail;
            buf = nb;
        }
        buf[len++] = c;
    }
    p->s++;
    buf[len] = 0;
    *out = buf;
    return 0;
fail:
    free(buf);
    return fail(p, "bad string");
}

static int parse_number(parser *p, json_value *v)
{
    const char *s = p->s;
    if (*s == '-')
        s++;
    if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit((unsigned char)s[1])))
        return fail(p, "bad number");
    char *end;
    v->type = JSON_NUMBER;
    v->number = strtod(p->s, &end);
    p->s = end;
    return 0;
}

/* Adds an empty member; takes ownership of key (NULL for arrays). */
static int append(parser *p, json_value *v, char *key)
{
    json_value *items = realloc(v->items, sizeof(*items) * (size_t)(v->n + 1));
    char **keys = v->type == JSON_OBJECT ? realloc(v->keys, sizeof(*keys) * (size_t)(v->n + 1)) : NULL;

    if (items)
        v->items = items;
    if (keys)
        v->keys = keys;
    if (!items || (v->type == JSON_OBJECT && !keys)) {
        free(key);
        return fail(p, "out of memory");
    }
    memset(&v->items[v->n], 0, sizeof(*v->items));
    if (keys)
        v->keys[v->n] = key;
    v->n++;
    return 0;
}

static int parse_container(parser *p, json_value *v, int depth)
{
    char close = *p->s == '{' ? '}' : ']';
    v->type = close == '}' ? JSON_OBJECT : JSON_ARRAY;
    p->s++;
    skip_ws(p);
    if (*p->s == close) {
        p->s++;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (v->type == JSON_OBJECT) {
            if (parse_string(p, &key) < 0)
                return -1;
            skip_ws(p);
            if (*p->s++ != ':') {
                free(key);
                return fail(p, "expected ':'");
            }
        }
        if (append(p, v, key) < 0 || parse_value(p, &v->items[v->n - 1], depth + 1) < 0)
            return -1;
        skip_ws(p);
        if (*p->s == ',') {
            p->s++;
            continue;
        }
        if (*p->s++ != close)
            return fail(p, "expected ',' or the end of the container");
        return 0;
    }
}

static int parse_value(parser *p, json_value *v, int depth)
{
    if (depth > 64)
        return fail(p, "nested too deeply");
    skip_ws(p);
    if (*p->s == '{' || *p->s == '[')
        return parse_container(p, v, depth);
    if (*p->s == '"') {
        v->type = JSON_STRING;
        return parse_string(p, &v->string);
    }
    if (!strncmp(p->s, "null", 4)) {
        p->s += 4;
        v->type = JSON_NULL;
        return 0;
    }
    if (!strncmp(p->s, "true", 4) || !strncmp(p->s, "false", 5)) {
        v->type = JSON_BOOL;
        v->boolean = *p->s == 't';
        p->s += v->boolean ? 4 : 5;
        return 0;
    }
    return parse_number(p, v);
}

static void free_members(json_value *v)
{
    for (int i = 0; i < v->n; i++) {
        free_members(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
}

json_value *json_parse(const char *text, char *err, size_t err_size)
{
    parser p = { text, text, err, err_size, 0 };
    json_value *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    if (parse_value(&p, v, 0) == 0) {
        skip_ws(&p);
        if (!*p.s)
            return v;
        fail(&p, "text after the value");
    }
    json_free(v);
    return NULL;
}

const json_value *json_get(const json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (int i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key))
            return &obj->items[i];
    return NULL;
}

void json_free(json_value *v)
{
    if (!v)
        return;
    free_members(v);
    free(v);
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What the fuzzing harnesses share: the libFuzzer entry point each defines,
 * a reader that turns the fuzzer's bytes into bounded values (running out
 * of bytes gives zeros, so every input is a valid program), and a check
 * that aborts with a message, which libFuzzer reports as a crash.
 */
#ifndef HWENC_TESTS_FUZZ_H
#define HWENC_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_input {
    const uint8_t *data;
    size_t size;
} fuzz_input;

static inline uint32_t fuzz_u8(fuzz_input *in)
{
    if (!in->size)
        return 0;
    in->size--;
    return *in->data++;
}

static inline uint32_t fuzz_u16(fuzz_input *in)
{
    uint32_t v = fuzz_u8(in);
    return v | fuzz_u8(in) << 8;
}

static inline uint32_t fuzz_u32(fuzz_input *in)
{
    uint32_t v = fuzz_u16(in);
    return v | fuzz_u16(in) << 16;
}

/* Uniform enough in [lo, hi] for fuzzing; hi - lo < 2^32. */
static inline int64_t fuzz_range(fuzz_input *in, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    uint32_t v = span <= 256 ? fuzz_u8(in) : span <= 65536 ? fuzz_u16(in) : fuzz_u32(in);
    return lo + (int64_t)(v % span);
}

#define FUZZ_REQUIRE(cond, ...)                                                       \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond);              \
            fprintf(stderr, __VA_ARGS__);                                             \
            fputc('\n', stderr);                                                      \
            abort();                                                                  \
        }                                                                             \
    } while (0)

#endif

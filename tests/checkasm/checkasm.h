/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm: tests every SIMD kernel against its C reference, at every ISA
 * level the CPU supports, and benchmarks them (--bench).
 *
 * A module test is one function, checkasm_check_<module>(void), listed in the
 * table in checkasm.c. The harness calls it once per ISA level, C first, with
 * checkasm_cpu_flags() set to that level's cumulative flags. It inits its DSP
 * table with those flags and, for each pointer, asks check_func() whether
 * there is something to test:
 *
 *     pixel_dsp dsp;
 *     pixel_dsp_init(&dsp, checkasm_cpu_flags());
 *     pixel_cmp_fn ref;
 *     if ((ref = (pixel_cmp_fn)check_func(dsp.sad[i], "sad_%dx%d", w, h))) {
 *         const pixel_cmp_fn fn = dsp.sad[i];
 *         ... random and worst-case inputs ...
 *         if (ref(a, sa, b, sb) != fn(a, sa, b, sb))
 *             checkasm_fail("got %d, expected %d", ...);
 *         CHECKASM_BENCH(fn(a, sa, b, sb));
 *     }
 *
 * check_func() returns the C version of the pointer when the pointer must be
 * tested at this level: always at the C level (the C version is checked
 * against itself, which exercises the test and the guard bands, and gives
 * the benchmark its C column), and at a SIMD level only when the pointer
 * differs from the one the level below used. Otherwise it returns NULL. Call
 * it once per function name per level; the name identifies the function
 * across levels, in failure messages and in the benchmark table.
 *
 * Everything between one check_func() and the next (or the end of the
 * module function) is one check; it passes unless checkasm_fail() is called.
 */
#ifndef HWENC_TESTS_CHECKASM_H
#define HWENC_TESTS_CHECKASM_H

#include <stddef.h>
#include <stdint.h>

/* The module tests, one file each. */
void checkasm_check_pixel(void);
void checkasm_check_dct(void);
void checkasm_check_dct8x8(void);
void checkasm_check_predict8x8(void);
void checkasm_check_quant(void);
void checkasm_check_metrics(void);
void checkasm_check_mc(void);
void checkasm_check_deblock(void);
void checkasm_check_predict(void);

/* Cumulative CPU flags (enum cpu_flag) of the level being tested; 0 for C. */
uint32_t checkasm_cpu_flags(void);
/* Name of that level: "c", "sse2", "ssse3", "sse4.1", "avx2", "avx512". */
const char *checkasm_isa_name(void);

/* Any function pointer fits through this type; cast back before calling. */
typedef void (*checkasm_func)(void);
checkasm_func checkasm_check_func(checkasm_func func, const char *name_fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define check_func(func, ...) checkasm_check_func((checkasm_func)(func), __VA_ARGS__)

/* Marks the current check failed and prints the message (the first few per
 * check) with the function and ISA names. */
void checkasm_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Deterministic random numbers from the --seed (printed at start). */
uint32_t checkasm_rand(void);
/* Uniform in [lo, hi], both inclusive. */
int checkasm_rand_range(int lo, int hi);
void checkasm_fill_random(void *buf, size_t size);

/*
 * Guard bands for any output buffer: fill the bytes around the output with
 * the canary before the call, then check them. Lay out e.g.
 * int16_t buf[8 + 16 + 8] and guard buf[0..7] and buf[24..31].
 */
#define CHECKASM_CANARY 0x99
void checkasm_guard_fill(void *buf, size_t size);
/* Returns 0 if all size bytes still hold the canary; otherwise calls
 * checkasm_fail("<where> overwritten") and returns -1. */
int checkasm_guard_check(const void *buf, size_t size, const char *where);

/*
 * Pixel rectangles for 8-bit outputs: a w x h area with CHECKASM_GUARD bytes
 * of canary above, below, left and right (and in the stride slack).
 * stride 0 picks one at random: either a multiple of 64 (pix is then
 * 64-byte aligned) or an odd one (pix unaligned), so both get exercised.
 * A nonzero stride must be at least w + 2 * CHECKASM_GUARD.
 */
#define CHECKASM_GUARD 64
typedef struct checkasm_rect {
    uint8_t *pix;      /* top-left sample of the area */
    ptrdiff_t stride;
    int w, h;
    uint8_t *alloc;    /* the whole buffer, guards included */
    size_t alloc_size;
} checkasm_rect;

/* Allocates (exits on failure) and fills everything with the canary. */
void checkasm_rect_init(checkasm_rect *r, int w, int h, ptrdiff_t stride);
void checkasm_rect_free(checkasm_rect *r);
/* Random area, canary guards. */
void checkasm_rect_randomize(checkasm_rect *r);
/* Copies the whole buffer (area and guards); both rects must have been
 * created with the same w, h and stride. */
void checkasm_rect_copy(checkasm_rect *dst, const checkasm_rect *src);
/* Compares the areas of ref and new and checks the guards of both. On a
 * difference it calls checkasm_fail() with `what`, the first differing
 * (x, y), and "overwrite above/below/left/right" for a damaged guard.
 * Returns 0 if all is well, -1 otherwise. */
int checkasm_rect_check(const checkasm_rect *ref, const checkasm_rect *new, const char *what);

/* Element-wise comparisons that report the first difference through
 * checkasm_fail(). Return 0 if equal, -1 otherwise. */
int checkasm_check_uint8(const char *what, const uint8_t *ref, const uint8_t *new, size_t n);
int checkasm_check_int16(const char *what, const int16_t *ref, const int16_t *new, size_t n);
int checkasm_check_int32(const char *what, const int32_t *ref, const int32_t *new, size_t n);
int checkasm_check_int64(const char *what, const int64_t *ref, const int64_t *new, size_t n);

/*
 * Benchmarking. Inside a check, CHECKASM_BENCH(call) times `call` (any
 * statement, usually the new function with valid inputs) when --bench is on
 * and the pattern matches the function name, and records nanoseconds per call
 * for this ISA. The harness warms up, sizes the batches and takes the median
 * of many batches; the macro only runs the loop. Calls may modify their
 * inputs (the timing then includes whatever that data causes).
 */
int checkasm_bench_start(void);
int checkasm_bench_sample(uint64_t elapsed_ns);
uint64_t checkasm_timer_ns(void);
#define CHECKASM_BENCH(...) do { \
    int checkasm_n_ = checkasm_bench_start(); \
    while (checkasm_n_ > 0) { \
        const uint64_t checkasm_t0_ = checkasm_timer_ns(); \
        for (int checkasm_k_ = 0; checkasm_k_ < checkasm_n_; checkasm_k_++) { \
            __VA_ARGS__; \
        } \
        checkasm_n_ = checkasm_bench_sample(checkasm_timer_ns() - checkasm_t0_); \
    } \
} while (0)

#endif

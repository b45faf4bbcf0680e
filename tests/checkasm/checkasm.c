/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The checkasm harness: the ISA loop, the function registry, random numbers,
 * guard bands, failure reporting and benchmark timing. See checkasm.h.
 *
 * The harness is one program run once, so its state lives in one static
 * struct rather than being threaded through every module test.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/cpu.h"

static const struct {
    const char *name;
    void (*check)(void);
} modules[] = {
    { "pixel", checkasm_check_pixel },
    { "dct", checkasm_check_dct },
    { "dct8x8", checkasm_check_dct8x8 },
    { "predict8x8", checkasm_check_predict8x8 },
    { "quant", checkasm_check_quant },
    { "metrics", checkasm_check_metrics },
    { "mc", checkasm_check_mc },
    { "deblock", checkasm_check_deblock },
    { "predict", checkasm_check_predict },
};

static const char *const isa_names[] = { "c", "sse2", "ssse3", "sse4.1", "avx2", "avx512" };
#define ISA_COUNT ((int)(sizeof(isa_names) / sizeof(isa_names[0])))
/* The flag a level adds; the level runs only if the CPU has it. */
static const uint32_t isa_key_flag[ISA_COUNT] = {
    0, CPU_SSE2, CPU_SSSE3, CPU_SSE41, CPU_AVX2, CPU_AVX512,
};

#define MAX_FAIL_MESSAGES 3
#define BENCH_WARMUP_NS 200000  /* first-use and frequency transitions */
#define BENCH_SAMPLE_NS 2000    /* long enough to hide the timer's cost */
#define BENCH_SAMPLES 101

typedef struct func_entry {
    char name[64];
    checkasm_func ref;      /* the C version */
    checkasm_func latest;   /* the version the last level that tested it used */
    double ns[ISA_COUNT];   /* bench results, 0 when not measured */
} func_entry;

enum bench_phase { BENCH_IDLE, BENCH_WARMUP, BENCH_RUN };

static struct {
    uint64_t rng;
    uint32_t seed;
    int isa;
    uint32_t cpu_flags;
    const char *module_pattern;
    const char *func_pattern;
    int verbose;

    func_entry *funcs;
    int num_funcs, cap_funcs;
    func_entry *current;     /* the function under check, NULL between checks */
    int current_failed, current_messages;
    int passed, failed;
    int module_passed, module_failed;

    /* Benchmarking. */
    int bench;
    const char *bench_pattern;
    enum bench_phase phase;
    uint64_t warmup_ns;
    int warmup_calls, batch, num_samples;
    double samples[BENCH_SAMPLES];
} state;

uint32_t checkasm_cpu_flags(void)
{
    return state.cpu_flags;
}

const char *checkasm_isa_name(void)
{
    return isa_names[state.isa];
}

/* ---- random numbers: splitmix64, small and good enough for test data ---- */

static uint64_t rng_next(void)
{
    uint64_t z = (state.rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t checkasm_rand(void)
{
    return (uint32_t)(rng_next() >> 32);
}

int checkasm_rand_range(int lo, int hi)
{
    const uint64_t span = (uint64_t)((int64_t)hi - lo + 1);
    return (int)(lo + (int64_t)(rng_next() % span));
}

void checkasm_fill_random(void *buf, size_t size)
{
    uint8_t *p = buf;
    while (size >= 8) {
        const uint64_t v = rng_next();
        memcpy(p, &v, 8);
        p += 8;
        size -= 8;
    }
    if (size) {
        const uint64_t v = rng_next();
        memcpy(p, &v, size);
    }
}

/* ---- reporting ---- */

static void finish_check(void)
{
    if (!state.current)
        return;
    if (state.current_failed) {
        state.failed++;
        state.module_failed++;
    } else {
        state.passed++;
        state.module_passed++;
        if (state.verbose)
            printf("    ok   %-28s %s\n", state.current->name, isa_names[state.isa]);
    }
    state.current = NULL;
}

void checkasm_fail(const char *fmt, ...)
{
    const char *name = state.current ? state.current->name : "(no function)";
    state.current_failed = 1;
    if (state.current_messages++ >= MAX_FAIL_MESSAGES)
        return;
    printf("    FAIL %-28s %-7s ", name, isa_names[state.isa]);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static func_entry *find_func(const char *name)
{
    for (int i = 0; i < state.num_funcs; i++)
        if (!strcmp(state.funcs[i].name, name))
            return &state.funcs[i];
    return NULL;
}

static func_entry *add_func(const char *name, checkasm_func func)
{
    if (state.num_funcs == state.cap_funcs) {
        const int cap = state.cap_funcs ? 2 * state.cap_funcs : 256;
        func_entry *f = realloc(state.funcs, (size_t)cap * sizeof(*f));
        if (!f) {
            fprintf(stderr, "checkasm: out of memory\n");
            exit(2);
        }
        state.funcs = f;
        state.cap_funcs = cap;
    }
    func_entry *e = &state.funcs[state.num_funcs++];
    memset(e, 0, sizeof(*e));
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->ref = e->latest = func;
    return e;
}

checkasm_func checkasm_check_func(checkasm_func func, const char *name_fmt, ...)
{
    finish_check();
    char name[64];
    va_list ap;
    va_start(ap, name_fmt);
    vsnprintf(name, sizeof(name), name_fmt, ap);
    va_end(ap);
    if (!func || (state.func_pattern && !strstr(name, state.func_pattern)))
        return NULL;

    func_entry *e = find_func(name);
    if (state.isa == 0) {
        if (e)
            return NULL; /* already declared at this level */
        e = add_func(name, func);
    } else {
        /* A function first seen above C has no reference to check against. */
        if (!e || e->latest == func)
            return NULL;
        e->latest = func;
    }
    state.current = e;
    state.current_failed = 0;
    state.current_messages = 0;
    return e->ref;
}

/* ---- guard bands ---- */

void checkasm_guard_fill(void *buf, size_t size)
{
    memset(buf, CHECKASM_CANARY, size);
}

int checkasm_guard_check(const void *buf, size_t size, const char *where)
{
    const uint8_t *p = buf;
    for (size_t i = 0; i < size; i++)
        if (p[i] != CHECKASM_CANARY) {
            checkasm_fail("%s overwritten (byte %zu)", where, i);
            return -1;
        }
    return 0;
}

void checkasm_rect_init(checkasm_rect *r, int w, int h, ptrdiff_t stride)
{
    const ptrdiff_t min_stride = w + 2 * CHECKASM_GUARD;
    if (!stride) {
        if (checkasm_rand() & 1)
            stride = (min_stride + 63) & ~(ptrdiff_t)63;
        else
            stride = min_stride + 2 * checkasm_rand_range(0, 15) + 1;
    }
    if (stride < min_stride) {
        fprintf(stderr, "checkasm: rect stride %td below %td\n", stride, min_stride);
        exit(2);
    }
    r->w = w;
    r->h = h;
    r->stride = stride;
    r->alloc_size = (size_t)stride * (size_t)(h + 2 * CHECKASM_GUARD);
    r->alloc = aligned_alloc(64, (r->alloc_size + 63) & ~(size_t)63);
    if (!r->alloc) {
        fprintf(stderr, "checkasm: out of memory\n");
        exit(2);
    }
    memset(r->alloc, CHECKASM_CANARY, r->alloc_size);
    r->pix = r->alloc + CHECKASM_GUARD * stride + CHECKASM_GUARD;
}

void checkasm_rect_free(checkasm_rect *r)
{
    free(r->alloc);
    r->alloc = r->pix = NULL;
}

void checkasm_rect_randomize(checkasm_rect *r)
{
    memset(r->alloc, CHECKASM_CANARY, r->alloc_size);
    for (int y = 0; y < r->h; y++)
        checkasm_fill_random(r->pix + y * r->stride, (size_t)r->w);
}

void checkasm_rect_copy(checkasm_rect *dst, const checkasm_rect *src)
{
    if (dst->alloc_size != src->alloc_size || dst->stride != src->stride) {
        fprintf(stderr, "checkasm: rect_copy between different layouts\n");
        exit(2);
    }
    memcpy(dst->alloc, src->alloc, src->alloc_size);
}

/* Names the side of the area a damaged guard byte lies on. */
static int check_rect_guards(const checkasm_rect *r, const char *what, const char *which)
{
    const ptrdiff_t pix_off = r->pix - r->alloc;
    for (size_t i = 0; i < r->alloc_size; i++) {
        if (r->alloc[i] == CHECKASM_CANARY)
            continue;
        const ptrdiff_t rel = (ptrdiff_t)i - pix_off;
        /* Floor division: bytes left of row 0 belong to row -1's right. */
        ptrdiff_t y = rel / r->stride, x = rel % r->stride;
        if (x < 0) {
            x += r->stride;
            y--;
        }
        if (x >= r->stride - CHECKASM_GUARD) { /* the left guard of row y + 1 */
            x -= r->stride;
            y++;
        }
        if (y >= 0 && y < r->h && x >= 0 && x < r->w)
            continue;
        const char *side = y < 0 ? "above" : y >= r->h ? "below" : x < 0 ? "left" : "right";
        checkasm_fail("%s (%s): overwrite %s at (%td, %td)", what, which, side, x, y);
        return -1;
    }
    return 0;
}

int checkasm_rect_check(const checkasm_rect *ref, const checkasm_rect *new, const char *what)
{
    int ret = 0;
    for (int y = 0; y < ref->h && !ret; y++)
        for (int x = 0; x < ref->w; x++) {
            const uint8_t a = ref->pix[y * ref->stride + x], b = new->pix[y * new->stride + x];
            if (a != b) {
                checkasm_fail("%s: (%d, %d) is %d, expected %d (stride %td)", what, x, y, b, a,
                              new->stride);
                ret = -1;
                break;
            }
        }
    if (check_rect_guards(ref, what, "ref") || check_rect_guards(new, what, "new"))
        ret = -1;
    return ret;
}

#define DEF_CHECK_ARRAY(type, suffix, fmt) \
int checkasm_check_##suffix(const char *what, const type *ref, const type *new, size_t n) \
{ \
    for (size_t i = 0; i < n; i++) \
        if (ref[i] != new[i]) { \
            checkasm_fail("%s[%zu] is %" fmt ", expected %" fmt, what, i, new[i], ref[i]); \
            return -1; \
        } \
    return 0; \
}

DEF_CHECK_ARRAY(uint8_t, uint8, PRIu8)
DEF_CHECK_ARRAY(int16_t, int16, PRId16)
DEF_CHECK_ARRAY(int32_t, int32, PRId32)
DEF_CHECK_ARRAY(int64_t, int64, PRId64)

/* ---- benchmarking ---- */

uint64_t checkasm_timer_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int checkasm_bench_start(void)
{
    if (!state.bench || !state.current || state.current_failed)
        return 0;
    if (state.bench_pattern && !strstr(state.current->name, state.bench_pattern))
        return 0;
    state.phase = BENCH_WARMUP;
    state.warmup_ns = 0;
    state.warmup_calls = 0;
    state.batch = 1;
    state.num_samples = 0;
    return state.batch;
}

static int compare_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int checkasm_bench_sample(uint64_t elapsed_ns)
{
    if (state.phase == BENCH_WARMUP) {
        state.warmup_ns += elapsed_ns;
        state.warmup_calls += state.batch;
        if (state.warmup_ns < BENCH_WARMUP_NS) {
            if (state.batch < 1 << 16)
                state.batch *= 2;
            return state.batch;
        }
        /* Size the batches from the warm-up's average call. */
        const double per_call = (double)state.warmup_ns / state.warmup_calls;
        int batch = (int)(BENCH_SAMPLE_NS / (per_call > 0.1 ? per_call : 0.1)) + 1;
        state.batch = batch > 4096 ? 4096 : batch;
        state.phase = BENCH_RUN;
        return state.batch;
    }
    /* Preemption and interrupts only ever add time, so the median of many
     * batches rejects them without any model of the noise. */
    state.samples[state.num_samples++] = (double)elapsed_ns / state.batch;
    if (state.num_samples < BENCH_SAMPLES)
        return state.batch;
    qsort(state.samples, BENCH_SAMPLES, sizeof(double), compare_double);
    state.current->ns[state.isa] = state.samples[BENCH_SAMPLES / 2];
    state.phase = BENCH_IDLE;
    return 0;
}

static void print_bench(void)
{
    printf("\nbenchmark: ns per call (median of %d batches), speed-up over C in ()\n", BENCH_SAMPLES);
    printf("%-28s", "function");
    for (int i = 0; i < ISA_COUNT; i++)
        printf(" %16s", isa_names[i]);
    printf("\n");
    for (int f = 0; f < state.num_funcs; f++) {
        const func_entry *e = &state.funcs[f];
        int any = 0;
        for (int i = 0; i < ISA_COUNT; i++)
            any |= e->ns[i] > 0;
        if (!any)
            continue;
        printf("%-28s", e->name);
        for (int i = 0; i < ISA_COUNT; i++) {
            char cell[32] = "-";
            if (e->ns[i] > 0 && i > 0 && e->ns[0] > 0)
                snprintf(cell, sizeof(cell), "%.1f (%.1fx)", e->ns[i], e->ns[0] / e->ns[i]);
            else if (e->ns[i] > 0)
                snprintf(cell, sizeof(cell), "%.1f", e->ns[i]);
            printf(" %16s", cell);
        }
        printf("\n");
    }
}

/* ---- crashes: name the culprit before dying ---- */

static void write_str(const char *s)
{
    ssize_t unused = write(STDOUT_FILENO, s, strlen(s));
    (void)unused;
}

static void on_fatal_signal(int sig)
{
    write_str("\n    CRASH ");
    write_str(sig == SIGILL ? "(illegal instruction) " : sig == SIGFPE ? "(arithmetic) " : "(segfault) ");
    write_str(state.current ? state.current->name : "(outside a check)");
    write_str(" ");
    write_str(isa_names[state.isa]);
    write_str("\n");
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- main ---- */

static void usage(const char *argv0)
{
    printf("usage: %s [options]\n"
           "  --test=MODULE     only this module (pixel, dct, dct8x8, quant, metrics, mc, deblock, predict, predict8x8)\n"
           "  --function=PAT    only functions whose name contains PAT\n"
           "  --bench[=PAT]     also time the functions (whose name contains PAT)\n"
           "  --cpu=LEVEL       highest level to test: c, sse2, ssse3, sse4.1, avx2, avx512\n"
           "  --seed=N          random seed (default: from the clock)\n"
           "  --verbose         list every passing check\n", argv0);
}

int main(int argc, char **argv)
{
    uint32_t max_mask = ~0u;
    state.seed = (uint32_t)checkasm_timer_ns();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "--test=", 7)) {
            state.module_pattern = a + 7;
        } else if (!strncmp(a, "--function=", 11)) {
            state.func_pattern = a + 11;
        } else if (!strcmp(a, "--bench")) {
            state.bench = 1;
        } else if (!strncmp(a, "--bench=", 8)) {
            state.bench = 1;
            state.bench_pattern = a + 8;
        } else if (!strncmp(a, "--cpu=", 6)) {
            if (cpu_mask_for_level(a + 6, &max_mask)) {
                fprintf(stderr, "unknown cpu level %s\n", a + 6);
                return 2;
            }
        } else if (!strncmp(a, "--seed=", 7)) {
            state.seed = (uint32_t)strtoul(a + 7, NULL, 0);
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            state.verbose = 1;
        } else {
            usage(argv[0]);
            return !strcmp(a, "--help") || !strcmp(a, "-h") ? 0 : 2;
        }
    }
#ifndef __SANITIZE_ADDRESS__ /* AddressSanitizer's own report says more */
    signal(SIGSEGV, on_fatal_signal);
    signal(SIGBUS, on_fatal_signal);
#endif
    signal(SIGILL, on_fatal_signal);
    signal(SIGFPE, on_fatal_signal);

    const uint32_t detected = cpu_detect();
    printf("checkasm: seed %" PRIu32 ", cpu flags 0x%" PRIx32 "\n", state.seed, detected);
    for (state.isa = 0; state.isa < ISA_COUNT; state.isa++) {
        uint32_t level_mask;
        cpu_mask_for_level(isa_names[state.isa], &level_mask);
        const uint32_t key = isa_key_flag[state.isa];
        if ((key & detected) != key || (key & max_mask) != key)
            continue;
        state.cpu_flags = level_mask & detected & max_mask;
        for (size_t m = 0; m < sizeof(modules) / sizeof(modules[0]); m++) {
            if (state.module_pattern && strcmp(state.module_pattern, modules[m].name))
                continue;
            /* Same data at every level, so a failure is reproducible
             * with --cpu and --function alone. */
            state.rng = ((uint64_t)state.seed << 8) ^ m;
            state.module_passed = state.module_failed = 0;
            modules[m].check();
            finish_check();
            if (state.module_passed || state.module_failed)
                printf(" %-7s %-8s %3d checked%s\n", isa_names[state.isa], modules[m].name,
                       state.module_passed + state.module_failed,
                       state.module_failed ? ", FAILED" : ", ok");
        }
    }
    if (state.bench)
        print_bench();
    printf("%d passed, %d failed\n", state.passed, state.failed);
    free(state.funcs);
    return state.failed ? 1 : 0;
}

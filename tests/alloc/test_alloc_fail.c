/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Allocation-failure tests, as dav1d has them: a scenario (open, a few
 * frames with a forced IDR and a reconfigure, flush, close) runs once
 * normally, counting the allocations made inside the library's calls, and
 * then once for every N with the Nth of them failing. Each run must give an
 * error code (HWENC_ENOMEM, or another code with a message), or, if the
 * library got over the failure, exactly the stream of the normal run; it
 * must never crash, the packets it handed out before the error must decode,
 * and after hwenc_close nothing the library allocated may be left.
 *
 * The mechanism needs no hook in the library: this executable defines
 * malloc, calloc, realloc, free, aligned_alloc, posix_memalign and memalign,
 * which the dynamic linker binds every caller to (the library linked in
 * here, glibc's own internal allocations, libva, the Vulkan loader and the
 * test doubles alike), and passes them on to the next definition (glibc's,
 * or the sanitizer runtime's). They count and fail only while armed, and
 * the test arms them only around calls into hwenc, on its own thread. Allocations whose caller
 * is the library itself are also tracked, so a leak is caught in every
 * build; under AddressSanitizer, LeakSanitizer checks after every run too.
 *
 * test_alloc_fail SCENARIO [all|library [N]]: "library" fails only the
 * library's own allocations (not those of glibc, libva or a driver it
 * calls); with N, only the Nth fails, and its call stack is printed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/common/avdecode.h"
#include "tools/media/clipgen.h"
#include "hwenc/hwenc.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* ----------------------------------------------- the interposed allocator */

/* The build hides symbols by default; these must bind every caller. They
 * run before the sanitizers are initialised, so nothing of the allocator
 * may be instrumented. */
#define UNINSTRUMENTED __attribute__((no_sanitize("address", "undefined")))
#define EXPORTED __attribute__((visibility("default"))) UNINSTRUMENTED

static struct {
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
    void *(*aligned_alloc)(size_t, size_t);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*memalign)(size_t, size_t);
} real;

/* dlsym() may itself allocate before the real functions are known. */
static _Alignas(64) unsigned char bootstrap[8192];
static size_t bootstrap_used;
static int resolving;

UNINSTRUMENTED static void *bootstrap_alloc(size_t size)
{
    size = (size + 63) & ~(size_t)63;
    if (bootstrap_used + size > sizeof(bootstrap))
        return NULL;
    void *p = bootstrap + bootstrap_used;
    bootstrap_used += size;
    return p;
}

UNINSTRUMENTED static int in_bootstrap(const void *p)
{
    return (const unsigned char *)p >= bootstrap && (const unsigned char *)p < bootstrap + sizeof(bootstrap);
}

/* The first allocation happens before main, on one thread. */
UNINSTRUMENTED static void resolve(void)
{
    if (real.free || resolving)
        return;
    resolving = 1;
    real.malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real.calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real.realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real.aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    real.posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    real.memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
    real.free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    resolving = 0;
    if (!real.malloc || !real.calloc || !real.realloc || !real.free || !real.aligned_alloc || !real.posix_memalign ||
        !real.memalign)
        abort();
}

/* Armed on the thread that calls into the library, for its own calls: the
 * threads the library starts are not counted (a sanitizer runtime's thread
 * set-up allocates there, and glibc's pthread_getattr_np crashes when that
 * fails). */
static _Thread_local int armed;
static int library_only;          /* count and fail only the library's own calls */
static atomic_long calls;         /* allocations counted while armed */
static long fail_at;              /* the one that fails, 1-based; 0: none */
static atomic_int failure_injected;
static int print_stack;           /* of the failing allocation */

/* Code of this executable: the library (linked in statically) and the test. */
extern char __executable_start[], etext[];

UNINSTRUMENTED static int from_library(const void *caller)
{
    return (const char *)caller >= __executable_start && (const char *)caller < etext;
}

/* The dynamic loader's code: glibc's loader aborts the process when its
 * own allocations fail ("cannot allocate memory for thread-local data"),
 * so they are never failed. */
static const char *loader_start, *loader_end;

static int find_loader(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    if (!info->dlpi_name || !strstr(info->dlpi_name, "/ld-linux"))
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            loader_start = (const char *)(info->dlpi_addr + ph->p_vaddr);
            loader_end = loader_start + ph->p_memsz;
        }
    }
    return 1;
}

UNINSTRUMENTED static int should_fail(const void *caller)
{
    if (!armed || (library_only && !from_library(caller)))
        return 0;
    if ((const char *)caller >= loader_start && (const char *)caller < loader_end)
        return 0;
    if (atomic_fetch_add(&calls, 1) + 1 != fail_at)
        return 0;
    atomic_store(&failure_injected, 1);
    if (print_stack) {
        void *frames[32];
        backtrace_symbols_fd(frames, backtrace(frames, 32), 1);
    }
    return 1;
}

/* Live allocations of the library, an open-addressing set. */
#define TRACK_SLOTS (1 << 16)
#define TOMBSTONE ((void *)1)
static void *tracked[TRACK_SLOTS];
static long tracked_count;
static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;

UNINSTRUMENTED static size_t slot_of(const void *p)
{
    return ((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull >> 48;
}

UNINSTRUMENTED static void track(void *p, const void *caller)
{
    if (!p || !armed || !from_library(caller))
        return;
    pthread_mutex_lock(&track_lock);
    size_t i = slot_of(p);
    while (tracked[i] && tracked[i] != TOMBSTONE)
        i = (i + 1) & (TRACK_SLOTS - 1);
    tracked[i] = p;
    tracked_count++;
    pthread_mutex_unlock(&track_lock);
}

UNINSTRUMENTED static void untrack(void *p)
{
    if (!p || !__atomic_load_n(&tracked_count, __ATOMIC_RELAXED))
        return;
    pthread_mutex_lock(&track_lock);
    for (size_t i = slot_of(p); tracked[i]; i = (i + 1) & (TRACK_SLOTS - 1))
        if (tracked[i] == p) {
            tracked[i] = TOMBSTONE;
            tracked_count--;
            break;
        }
    pthread_mutex_unlock(&track_lock);
}

EXPORTED void *malloc(size_t size)
{
    resolve();
    if (!real.malloc)
        return bootstrap_alloc(size);
    if (should_fail(__builtin_return_address(0)))
        return NULL;
    void *p = real.malloc(size);
    track(p, __builtin_return_address(0));
    return p;
}

EXPORTED void *calloc(size_t n, size_t size)
{
    resolve();
    if (!real.calloc)
        return bootstrap_alloc(n * size); /* zeroed: static storage, never reused */
    if (should_fail(__builtin_return_address(0)))
        return NULL;
    void *p = real.calloc(n, size);
    track(p, __builtin_return_address(0));
    return p;
}

EXPORTED void *realloc(void *old, size_t size)
{
    resolve();
    if (in_bootstrap(old)) {
        void *p = malloc(size);
        if (p)
            memcpy(p, old, size < sizeof(bootstrap) ? size : sizeof(bootstrap));
        return p;
    }
    if (size && should_fail(__builtin_return_address(0)))
        return NULL; /* the old block stays valid */
    void *p = real.realloc(old, size);
    if (p || !size)
        untrack(old);
    track(p, __builtin_return_address(0));
    return p;
}

EXPORTED void free(void *p)
{
    if (!p || in_bootstrap(p))
        return;
    resolve();
    untrack(p);
    real.free(p);
}

EXPORTED void *aligned_alloc(size_t alignment, size_t size)
{
    resolve();
    if (should_fail(__builtin_return_address(0)))
        return NULL;
    void *p = real.aligned_alloc(alignment, size);
    track(p, __builtin_return_address(0));
    return p;
}

EXPORTED int posix_memalign(void **out, size_t alignment, size_t size)
{
    resolve();
    if (should_fail(__builtin_return_address(0)))
        return ENOMEM;
    int ret = real.posix_memalign(out, alignment, size);
    if (!ret)
        track(*out, __builtin_return_address(0));
    return ret;
}

EXPORTED void *memalign(size_t alignment, size_t size)
{
    resolve();
    if (should_fail(__builtin_return_address(0)))
        return NULL;
    void *p = real.memalign(alignment, size);
    track(p, __builtin_return_address(0));
    return p;
}

/* ----------------------------------------------------------- the scenario */

#define FRAMES 7

typedef struct run {
    hwenc_encoder *enc;
    int error;                   /* the first error a call returned, or 0 */
    char where[64], message[512];
    uint8_t *stream;
    size_t size, capacity;
    int packets;
} run;

/* Each call into the library runs armed; the test's own work does not. */
#define ARMED(expr) (armed = 1, __extension__({ __auto_type r_ = (expr); armed = 0; r_; }))

static void fail(run *r, int code, const char *where, const char *message)
{
    if (r->error)
        return;
    r->error = code;
    snprintf(r->where, sizeof(r->where), "%s", where);
    snprintf(r->message, sizeof(r->message), "%s", message ? message : "");
}

static int append(run *r, const hwenc_packet *pkt)
{
    if (r->size + pkt->size > r->capacity) {
        size_t cap = (r->size + pkt->size) * 2;
        uint8_t *p = realloc(r->stream, cap);
        if (!p)
            return -1;
        r->stream = p;
        r->capacity = cap;
    }
    memcpy(r->stream + r->size, pkt->data, pkt->size);
    r->size += pkt->size;
    r->packets++;
    return 0;
}

/* Receives until more input is needed; 1 at EOF, -1 on an error. */
static int drain(run *r)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = ARMED(hwenc_receive_packet(r->enc, &pkt))) == 0)
        if (append(r, &pkt) < 0)
            abort();
    if (ret == HWENC_EOF)
        return 1;
    if (ret == HWENC_EAGAIN)
        return 0;
    fail(r, ret, "hwenc_receive_packet", hwenc_last_error(r->enc));
    return -1;
}

static void run_scenario(const hwenc_config *cfg, run *r)
{
    memset(r, 0, sizeof(*r));
    char err[512] = "";
    int ret = ARMED(hwenc_open_ex(cfg, &r->enc, err, sizeof(err)));
    if (ret < 0) {
        if (r->enc)
            abort(); /* hwenc_open_ex failed but left an encoder */
        fail(r, ret, "hwenc_open_ex", err);
        return;
    }
    const int w = cfg->width, h = cfg->height;
    uint8_t *src = malloc((size_t)w * h * 3 / 2), *nv12 = malloc((size_t)w * h * 3 / 2);
    if (!src || !nv12)
        abort();
    for (int i = 0; i < FRAMES && !r->error; i++) {
        clipgen_frame_i420(CLIPGEN_PAN, w, h, i, 7, src);
        hwenc_frame f = { .plane = { src, src + w * h, src + w * h * 5 / 4 }, .stride = { w, w / 2, w / 2 },
                          .pts = i, .force_idr = i == 3 };
        if (cfg->pixel_format == HWENC_PIXFMT_NV12) {
            memcpy(nv12, src, (size_t)w * h);
            for (int k = 0; k < w * h / 4; k++) {
                nv12[w * h + 2 * k] = src[w * h + k];
                nv12[w * h + 2 * k + 1] = src[w * h * 5 / 4 + k];
            }
            f.plane[0] = nv12;
            f.plane[1] = nv12 + w * h;
            f.plane[2] = NULL;
            f.stride[1] = w;
            f.stride[2] = 0;
        }
        if (i == 4) {
            hwenc_config c = *cfg;
            c.qp = cfg->qp + 4;
            c.crf = cfg->crf + 4;
            c.bitrate_kbps = cfg->bitrate_kbps * 2;
            c.vbv_maxrate_kbps = cfg->vbv_maxrate_kbps * 2;
            ret = ARMED(hwenc_reconfigure(r->enc, &c));
            if (ret < 0 && ret != HWENC_EUNSUPPORTED)
                fail(r, ret, "hwenc_reconfigure", hwenc_last_error(r->enc));
        }
        while (!r->error && (ret = ARMED(hwenc_send_frame(r->enc, &f))) == HWENC_EAGAIN)
            drain(r);
        if (ret < 0 && ret != HWENC_EAGAIN)
            fail(r, ret, "hwenc_send_frame", hwenc_last_error(r->enc));
        if (!r->error)
            drain(r);
    }
    if (!r->error && (ret = ARMED(hwenc_send_frame(r->enc, NULL))) < 0)
        fail(r, ret, "flush", hwenc_last_error(r->enc));
    /* After a failure the packets already made are still handed out;
     * after a flush, only EOF ends the receiving. */
    for (int i = 0; drain(r) == 0 && !r->error; i++)
        if (i == 1000)
            fail(r, 1, "flush", "no EOF after the flush");
    if (!r->error && r->packets != FRAMES)
        fail(r, 1, "flush", "fewer packets than frames without an error");
    ARMED((hwenc_close(r->enc), 0));
    r->enc = NULL;
    free(src);
    free(nv12);
}

typedef struct scenario {
    const char *name;
    enum hwenc_backend backend;
    void (*setup)(hwenc_config *c);
    /* Nothing but the library allocates: every failure is HWENC_ENOMEM. */
    int enomem_only;
} scenario;

static void cpu_p(hwenc_config *c)
{
    c->threads = 1;
}

static void cpu_b(hwenc_config *c)
{
    c->threads = 1;
    c->bframes = 2;
    c->ref_frames = 2;
    c->pixel_format = HWENC_PIXFMT_NV12;
}

static void cpu_threads(hwenc_config *c)
{
    c->height = 96;
    c->threads = 2;
    c->rc_mode = HWENC_RC_VBR;
    c->bitrate_kbps = 300;
    c->vbv_maxrate_kbps = 400;
    c->vbv_bufsize_kbits = 400;
}

static void low_latency_crf(hwenc_config *c)
{
    c->threads = 1;
    c->low_latency = 1;
    c->rc_mode = HWENC_RC_CRF;
}

/* Failover on: frame copies and held-back packets (with their
 * reconstructions) are allocated too. */
static void cpu_failover(hwenc_config *c)
{
    cpu_b(c);
    c->failover = 1;
}

/* Constant bitrate: every backend changes the bitrate mid-stream. */
static void hardware(hwenc_config *c)
{
    c->rc_mode = HWENC_RC_CBR;
    c->bitrate_kbps = c->vbv_maxrate_kbps = 500;
}

static void hardware_b(hwenc_config *c)
{
    hardware(c);
    c->bframes = 2;
}

static const scenario scenarios[] = {
    { "cpu", HWENC_BACKEND_CPU, cpu_p, 1 },
    { "cpu_bframes_nv12", HWENC_BACKEND_CPU, cpu_b, 1 },
    { "cpu_threads_vbr", HWENC_BACKEND_CPU, cpu_threads, 1 },
    { "cpu_low_latency_crf", HWENC_BACKEND_CPU, low_latency_crf, 1 },
    { "cpu_failover_bframes", HWENC_BACKEND_CPU, cpu_failover, 1 },
    { "vaapi", HWENC_BACKEND_VAAPI, hardware },
    { "vaapi_bframes", HWENC_BACKEND_VAAPI, hardware_b },
    { "nvenc", HWENC_BACKEND_NVENC, hardware },
    { "nvenc_bframes", HWENC_BACKEND_NVENC, hardware_b },
    { "vulkan", HWENC_BACKEND_VULKAN, hardware },
    { "vulkan_bframes", HWENC_BACKEND_VULKAN, hardware_b },
};

/* The system's Vulkan loader (Debian 12: Vulkan-Loader 1.3.239) answers
 * vkGetInstanceProcAddr for a function it does not know (the video encode
 * queries) with a trampoline through a table it fills with malloc; when
 * that malloc fails it still hands out the trampoline, which jumps to
 * NULL when called (seen here as a crash in the quality-level query).
 * No caller can detect that, so with every allocation failing ("all"),
 * the Vulkan backend gets the loader's lookup through this wrapper, which
 * does not fail the lookup's own allocations. Everything else the loader
 * does (instance and device creation, enumeration) still fails in turn,
 * and the "library" runs keep the backend's own loading of the loader. */
typedef void (*vk_void_function)(void);
typedef vk_void_function (*vk_lookup)(void *instance, const char *name);
static vk_lookup loader_lookup;

static vk_void_function lookup_unfailing(void *instance, const char *name)
{
    int was_armed = armed;
    armed = 0;
    vk_void_function f = loader_lookup(instance, name);
    armed = was_armed;
    return f;
}

static int use_unfailing_lookup(hwenc_config *cfg)
{
    void *loader = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!loader || !(*(void **)&loader_lookup = dlsym(loader, "vkGetInstanceProcAddr"))) {
        printf("libvulkan.so.1 or its vkGetInstanceProcAddr is missing\n");
        return -1;
    }
    cfg->external.vk_get_instance_proc_addr = (void *)lookup_unfailing;
    return 0; /* the loader stays loaded until exit */
}

static int leaks_after_run(long n)
{
    int leaks = 0;
    if (tracked_count) {
        printf("N=%ld: %ld allocations of the library left after hwenc_close\n", n, tracked_count);
        leaks = 1;
    }
#ifdef HAVE_LSAN
    if (__lsan_do_recoverable_leak_check()) {
        printf("N=%ld: LeakSanitizer found leaks (above)\n", n);
        leaks = 1;
    }
#endif
    return leaks;
}

int main(int argc, char **argv)
{
    const scenario *s = NULL;
    for (size_t i = 0; argc > 1 && i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
        if (!strcmp(argv[1], scenarios[i].name))
            s = &scenarios[i];
    if (!s || (argc > 2 && strcmp(argv[2], "library") && strcmp(argv[2], "all"))) {
        fprintf(stderr, "usage: test_alloc_fail SCENARIO [all|library [N]]\n");
        return 2;
    }
    library_only = argc > 2 && !strcmp(argv[2], "library");
    dl_iterate_phdr(find_loader, NULL);
    const long only = argc > 3 ? atol(argv[3]) : 0;
    if (only) {
        void *frames[1];
        backtrace(frames, 1); /* loads what backtrace() needs before it counts */
        print_stack = 1;
    }
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = s->backend;
    cfg.width = 64;
    cfg.height = 48;
    cfg.want_recon = 1;
    s->setup(&cfg);
    if (cfg.backend == HWENC_BACKEND_VULKAN && !library_only && use_unfailing_lookup(&cfg) < 0)
        return 1;
    /* The VA-API double's render node is a plain file the test makes
     * (tests/vaapi/drm_shim.c). */
    if (cfg.backend == HWENC_BACKEND_VAAPI && (cfg.device = getenv("HWENCTEST_DRM_NODE"))) {
        char dir[512];
        snprintf(dir, sizeof(dir), "%s", cfg.device);
        if (strrchr(dir, '/')) {
            *strrchr(dir, '/') = '\0';
            mkdir(dir, 0755);
        }
        FILE *node = fopen(cfg.device, "a");
        if (node)
            fclose(node);
    }

    /* Twice without a failure: the first run also makes what glibc keeps
     * for the rest of the process (thread stacks, stdio), which would
     * otherwise shift the count. */
    run ref;
    long allocations = 0;
    for (int warm = 0; warm < 2; warm++) {
        atomic_store(&calls, 0);
        run_scenario(&cfg, &ref);
        allocations = atomic_load(&calls);
        if (ref.error) {
            printf("%s: the run without failures failed in %s: %d %s\n", s->name, ref.where, ref.error, ref.message);
            return 1;
        }
        if (warm == 0)
            free(ref.stream);
    }
    if (leaks_after_run(0)) {
        free(ref.stream);
        return 1;
    }

    int failures = 0, enomem = 0, other = 0, recovered = 0, not_reached = 0;
    for (long n = only ? only : 1; n <= (only ? only : allocations); n++) {
        run r;
        atomic_store(&calls, 0);
        atomic_store(&failure_injected, 0);
        fail_at = n;
        run_scenario(&cfg, &r);
        fail_at = 0;
        const char *verdict = NULL;
        if (!atomic_load(&failure_injected)) {
            not_reached++;
        } else if (r.error == HWENC_ENOMEM) {
            enomem++;
        } else if (s->enomem_only && r.error) {
            verdict = "an error other than HWENC_ENOMEM";
        } else if (r.error < 0 && r.message[0]) {
            other++;
        } else if (r.error) {
            verdict = "an error without a message, or a wrong count of packets";
        } else if (r.size != ref.size || memcmp(r.stream, ref.stream, ref.size)) {
            verdict = "success, but a stream other than that of the run without failures";
        } else {
            recovered++;
        }
        /* Whatever came out before the error must decode, one picture per packet. */
        if (!verdict && r.packets) {
            decoded_video v;
            char err[256];
            if (avdecode_h264(r.stream, r.size, &v, err, sizeof(err)) < 0)
                verdict = "the packets before the error do not decode";
            else if (v.frame_count != r.packets)
                verdict = "the packets before the error decode to another count of pictures";
            else
                decoded_video_free(&v);
        }
        if (leaks_after_run(n))
            verdict = "leak";
        if (verdict) {
            printf("%s: N=%ld: %s (in %s: %d %s, %d packets)\n", s->name, n, verdict, r.where, r.error, r.message,
                   r.packets);
            failures++;
        } else if (r.error && r.error != HWENC_ENOMEM) {
            printf("%s: N=%ld: %s gave %s: %s\n", s->name, n, r.where, hwenc_error_string(r.error), r.message);
        }
        free(r.stream);
        if (failures >= 10)
            break;
    }
    printf("%s%s: %ld allocations; failing each: %d HWENC_ENOMEM, %d other errors with a message, %d recovered "
           "with the same stream, %d not reached, %d wrong\n",
           s->name, library_only ? " (library only)" : "", allocations, enomem, other, recovered, not_reached,
           failures);
    free(ref.stream);
    return failures || allocations == 0;
}

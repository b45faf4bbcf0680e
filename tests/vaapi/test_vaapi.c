/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * VA-API backend tests against the hwenctest VA driver (see drv.h). Every
 * test decodes what the backend produced with libavcodec and compares it
 * with the source, and reads the driver's trace to check what reached the
 * driver. The driver itself aborts at vaTerminate on any leaked object or
 * contract violation, so every test is also a leak and contract test.
 *
 * usage: test_vaapi probe|roundtrip|bframes|intra-only|rc|reconfigure|fallback|endfail|external|audit|cli [variant|path]
 *        test_vaapi list-backends PATH_TO_HWENC [default|lp-only]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_drm.h>

#include "tests/common/avdecode.h"
#include "hw/vaapi/backend.h"
#include "tests/common/check.h"
#include "tools/media/clipgen.h"
#include "hw/core/gop.h"
#include "hw/core/hal.h"
#include "tests/common/hrd_stream.h"
#include "hwenc/hwenc.h"
#include "hw/core/registry.h"

#define W 168 /* not a macroblock multiple: cropping and padding */
#define H 100

static const char *node_path;
static const char *trace_path;

static void setup(void)
{
    node_path = getenv("HWENCTEST_DRM_NODE");
    trace_path = getenv("HWENCTEST_VA_TRACE");
    REQUIRE(node_path && trace_path, "run through ctest (HWENCTEST_DRM_NODE, HWENCTEST_VA_TRACE)");
    char dir[512];
    snprintf(dir, sizeof(dir), "%s", node_path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
        mkdir(dir, 0755);
    }
    int fd = open(node_path, O_CREAT | O_WRONLY, 0644);
    REQUIRE(fd >= 0, "cannot create %s: %s", node_path, strerror(errno));
    close(fd);
    unlink(trace_path);
}

/* ------------------------------------------------------------------ trace */

static char *read_trace(void)
{
    FILE *f = fopen(trace_path, "r");
    REQUIRE(f, "no driver trace at %s: the driver was not loaded", trace_path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static int count_lines(const char *trace, const char *a, const char *b)
{
    int n = 0;
    for (const char *line = trace; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%.*s", (int)len, line);
        if (strstr(tmp, a) && (!b || strstr(tmp, b)))
            n++;
        line = end ? end + 1 : NULL;
    }
    return n;
}

/* Every session the driver saw ended with nothing leaked and no violation. */
static void check_trace_clean(const char *trace)
{
    int sessions = count_lines(trace, "terminate", NULL);
    REQUIRE(sessions > 0, "the driver was never terminated");
    REQUIRE(count_lines(trace, "terminate leaks=0 violations=0", NULL) == sessions, "driver audit failed:\n%s", trace);
    REQUIRE(!count_lines(trace, "violation", NULL) || count_lines(trace, "violation", NULL) == sessions,
            "violations:\n%s", trace);
    /* Tolerated error paths that a working client never takes. */
    REQUIRE(!count_lines(trace, "end without begin", NULL) && !count_lines(trace, "render failed", NULL),
            "a picture ended without a begin or after a failed render:\n%s", trace);
}

/* The most list-0 entries any picture had ("refs=3,1" is two). */
static int max_refs_in_trace(const char *t)
{
    int max = 0;
    for (const char *p = strstr(t, " refs="); p; p = strstr(p + 1, " refs=")) {
        int n = p[6] != ' ';
        for (const char *q = p + 6; *q && *q != ' '; q++)
            n += *q == ',';
        max = n > max ? n : max;
    }
    return max;
}

/* ---------------------------------------------------------------- encoding */

static void base_config(hwenc_config *cfg)
{
    hwenc_config_default(cfg);
    cfg->backend = HWENC_BACKEND_VAAPI;
    cfg->device = node_path;
    cfg->width = W;
    cfg->height = H;
    cfg->fps_num = 25;
    cfg->fps_den = 1;
    cfg->qp = 26;
    cfg->keyint = 8;
    cfg->ref_frames = 1;
}

typedef struct clip_result {
    uint8_t *stream;
    size_t size;
    int packets, keyframes, sent;
    int b_packets;
    int dts_order_ok;        /* dts increasing and never above pts, pts each frame once */
    int64_t last_dts;
    uint64_t pts_seen;       /* bit per frame (tests send fewer than 64) */
    int failed_at;           /* frame whose send failed, -1 */
    char error[512];
} clip_result;

static void append_packet(clip_result *r, const hwenc_packet *pkt)
{
    r->stream = realloc(r->stream, r->size + pkt->size);
    REQUIRE(r->stream, "out of memory");
    memcpy(r->stream + r->size, pkt->data, pkt->size);
    r->size += pkt->size;
    if (r->packets == 0)
        r->dts_order_ok = 1;
    if ((r->packets && pkt->dts <= r->last_dts) || pkt->dts > pkt->pts || pkt->pts < 0 || pkt->pts >= 64 ||
        (r->pts_seen >> pkt->pts & 1))
        r->dts_order_ok = 0;
    else
        r->pts_seen |= 1ull << pkt->pts;
    r->last_dts = pkt->dts;
    r->b_packets += pkt->type == HWENC_FRAME_B;
    r->packets++;
    r->keyframes += pkt->keyframe;
}

static void source_frame(int i, uint8_t *frame)
{
    clipgen_frame_i420(CLIPGEN_PAN, W, H, i, 7, frame);
}

/* Encodes frames of the PAN clip; stops at the first failed send. */
static int encode_clip(const hwenc_config *cfg, int frames, const int *force_idr, clip_result *r)
{
    memset(r, 0, sizeof(*r));
    r->failed_at = -1;
    hwenc_encoder *enc;
    int ret = hwenc_open_ex(cfg, &enc, r->error, sizeof(r->error));
    if (ret < 0)
        return ret;
    uint8_t *i420 = malloc(W * H * 3 / 2), *nv12 = malloc(W * H * 3 / 2);
    REQUIRE(i420 && nv12, "out of memory");
    hwenc_packet pkt;
    for (int i = 0; i < frames && ret >= 0; i++) {
        source_frame(i, i420);
        hwenc_frame f = { .pts = i };
        for (const int *p = force_idr; p && *p >= 0; p++)
            f.force_idr |= *p == i;
        if (cfg->pixel_format == HWENC_PIXFMT_NV12) {
            memcpy(nv12, i420, W * H);
            for (int k = 0; k < W * H / 4; k++) {
                nv12[W * H + 2 * k] = i420[W * H + k];
                nv12[W * H + 2 * k + 1] = i420[W * H * 5 / 4 + k];
            }
            f.plane[0] = nv12;
            f.plane[1] = nv12 + W * H;
            f.stride[0] = f.stride[1] = W;
        } else {
            f.plane[0] = i420;
            f.plane[1] = i420 + W * H;
            f.plane[2] = i420 + W * H * 5 / 4;
            f.stride[0] = W;
            f.stride[1] = f.stride[2] = W / 2;
        }
        ret = hwenc_send_frame(enc, &f);
        if (ret < 0) {
            r->failed_at = i;
            snprintf(r->error, sizeof(r->error), "%s", hwenc_last_error(enc));
            break;
        }
        r->sent++;
        while (hwenc_receive_packet(enc, &pkt) == 0)
            append_packet(r, &pkt);
    }
    if (ret >= 0)
        hwenc_send_frame(enc, NULL);
    while (hwenc_receive_packet(enc, &pkt) == 0)
        append_packet(r, &pkt);
    hwenc_close(enc);
    free(i420);
    free(nv12);
    return ret;
}

/* The stream decodes to `frames` pictures, each close to its source. */
static void check_decode(const uint8_t *stream, size_t size, int frames, double min_psnr)
{
    decoded_video dec;
    char err[256];
    REQUIRE(avdecode_h264(stream, size, &dec, err, sizeof(err)) == 0, "decoding: %s", err);
    REQUIRE(dec.frame_count == frames && dec.width == W && dec.height == H, "decoded %d frames of %dx%d",
            dec.frame_count, dec.width, dec.height);
    uint8_t *src = malloc(W * H * 3 / 2);
    REQUIRE(src, "out of memory");
    for (int i = 0; i < frames; i++) {
        source_frame(i, src);
        double psnr = psnr_plane(dec.frames[i], W, src, W, W, H);
        REQUIRE(psnr >= min_psnr, "frame %d: PSNR %.2f dB below %.1f", i, psnr, min_psnr);
    }
    free(src);
    decoded_video_free(&dec);
}

/* Encodes frames with a forced IDR list, checks that every frame came back
 * as a packet and decodes to at least 30 dB, and returns the driver's
 * trace, checked clean. */
static const char *encode_decode_trace(const hwenc_config *cfg, int frames, const int *forced, clip_result *r)
{
    int ret = encode_clip(cfg, frames, forced, r);
    REQUIRE(ret >= 0, "encoding failed: %s", r->error);
    REQUIRE(r->packets == frames, "%d packets", r->packets);
    check_decode(r->stream, r->size, frames, 30.0);
    const char *t = read_trace();
    check_trace_clean(t);
    return t;
}

static void free_clip(clip_result *r)
{
    free(r->stream);
}

/* ------------------------------------------------------------- the driver */

/* What the driver under test (HWENCTEST_VA_PROFILE, refined by
 * HWENCTEST_VA_CAPS) reports, read through libva itself: the tests expect
 * from these, not from the backend's own queries. */
typedef struct driver_facts {
    int cb;                  /* Constrained Baseline has an encode entry point */
    int high;                /* High has one (hwenc's first choice) */
    int main;                /* Main has one */
    int slice, slice_lp;     /* the entry points of the profile hwenc encodes with */
    uint32_t rc;             /* VA_RC_* of the entry point hwenc uses (EncSlice when present) */
    uint32_t packed;         /* VA_ENC_PACKED_HEADER_*, 0 when not reported */
    int refs_l0, refs_l1;    /* EncMaxRefFrames */
    int main_l1;             /* list 1 of the Main encoder hwenc takes for B frames; 0 without one */
    int derive;              /* vaDeriveImage works on a surface */
    int sync_buffer;         /* vaSyncBuffer implemented, asked as FFmpeg asks */
} driver_facts;

/* The VA profile hwenc's default (High) stream is coded with. */
static const char *expected_profile(const driver_facts *f)
{
    return f->high ? "config profile=High" : f->main ? "config profile=Main" : "config profile=CB";
}

static void get_attribute(VADisplay dpy, VAProfile profile, VAEntrypoint entry, VAConfigAttribType type,
                          uint32_t *value)
{
    VAConfigAttrib a = { .type = type };
    REQUIRE(vaGetConfigAttributes(dpy, profile, entry, &a, 1) == VA_STATUS_SUCCESS, "vaGetConfigAttributes");
    *value = a.value;
}

static void driver_query(driver_facts *f)
{
    memset(f, 0, sizeof(*f));
    int fd = open(node_path, O_RDWR);
    VADisplay dpy = vaGetDisplayDRM(fd);
    int major, minor;
    REQUIRE(dpy && vaInitialize(dpy, &major, &minor) == VA_STATUS_SUCCESS, "vaInitialize: is the shim preloaded?");
    VAEntrypoint eps[8];
    int n = 0;
    f->cb = vaQueryConfigEntrypoints(dpy, VAProfileH264ConstrainedBaseline, eps, &n) == VA_STATUS_SUCCESS && n > 0;
    f->high = vaQueryConfigEntrypoints(dpy, VAProfileH264High, eps, &n) == VA_STATUS_SUCCESS && n > 0;
    f->main = vaQueryConfigEntrypoints(dpy, VAProfileH264Main, eps, &n) == VA_STATUS_SUCCESS && n > 0;
    VAProfile profile = f->cb ? VAProfileH264ConstrainedBaseline : VAProfileH264Main;
    REQUIRE(vaQueryConfigEntrypoints(dpy, profile, eps, &n) == VA_STATUS_SUCCESS, "entry points");
    for (int i = 0; i < n; i++) {
        f->slice |= eps[i] == VAEntrypointEncSlice;
        f->slice_lp |= eps[i] == VAEntrypointEncSliceLP;
    }
    VAEntrypoint entry = f->slice ? VAEntrypointEncSlice : VAEntrypointEncSliceLP;
    uint32_t refs;
    get_attribute(dpy, profile, entry, VAConfigAttribRateControl, &f->rc);
    get_attribute(dpy, profile, entry, VAConfigAttribEncPackedHeaders, &f->packed);
    get_attribute(dpy, profile, entry, VAConfigAttribEncMaxRefFrames, &refs);
    if (f->rc == VA_ATTRIB_NOT_SUPPORTED)
        f->rc = VA_RC_CQP;
    if (f->packed == VA_ATTRIB_NOT_SUPPORTED)
        f->packed = 0;
    f->refs_l0 = (int)(refs & 0xffff);
    f->refs_l1 = (int)(refs >> 16);
    if (vaQueryConfigEntrypoints(dpy, VAProfileH264Main, eps, &n) == VA_STATUS_SUCCESS && n > 0) {
        uint32_t direction = 0;
        get_attribute(dpy, VAProfileH264Main, eps[0], VAConfigAttribEncMaxRefFrames, &refs);
        get_attribute(dpy, VAProfileH264Main, eps[0], VAConfigAttribPredictionDirection, &direction);
        /* A list 1 and, where reported, pictures from the future allowed
         * without both lists required. */
        if (direction == VA_ATTRIB_NOT_SUPPORTED ||
            ((direction & VA_PREDICTION_DIRECTION_FUTURE) && !(direction & VA_PREDICTION_DIRECTION_BI_NOT_EMPTY)))
            f->main_l1 = (int)(refs >> 16);
    }
    VASurfaceID s;
    VAImage im;
    REQUIRE(vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 64, 64, &s, 1, NULL, 0) == VA_STATUS_SUCCESS, "surface");
    f->derive = vaDeriveImage(dpy, s, &im) == VA_STATUS_SUCCESS;
    if (f->derive)
        vaDestroyImage(dpy, im.image_id);
    vaDestroySurfaces(dpy, &s, 1);
    f->sync_buffer = vaSyncBuffer(dpy, VA_INVALID_ID, 0) != VA_STATUS_ERROR_UNIMPLEMENTED;
    vaTerminate(dpy);
    close(fd);
    /* The query session itself is in the trace: start the test's afresh. */
    unlink(trace_path);
}

/* The capability line hwenc prints for each profile without refinements
 * (tests/vaapi/drv_main.c has the source of every number). */
static const char *expected_caps(void)
{
    static const struct {
        const char *profile, *caps;
    } table[] = {
        { "default", "profiles: CB Main High; entry: EncSlice* EncSliceLP; rc: CQP CBR VBR ICQ; packed headers: SPS PPS "
                     "slice; max refs 4 (list 1: 1)" },
        { "ihd", "profiles: CB Main High; entry: EncSlice* EncSliceLP; rc: CQP CBR VBR ICQ QVBR AVBR; packed headers: "
                 "SPS PPS slice; max refs 8 (list 1: 2)" },
        { "ihd-lp", "profiles: CB Main High; entry: EncSliceLP*; rc: CQP CBR VBR QVBR; packed headers: SPS PPS slice; "
                    "max refs 3 (list 1: 0)" },
        { "i965", "profiles: CB Main High; entry: EncSlice*; rc: CQP CBR VBR; packed headers: SPS PPS slice; max refs 4 "
                  "(list 1: 1)" },
        { "radeonsi", "profiles: CB Main High; entry: EncSlice*; rc: CQP CBR VBR; packed headers: none; max refs 1 "
                      "(list 1: 0)" },
    };
    /* EncROI, after the rest (drv_main.c names the sources). */
    static const struct {
        const char *profile, *roi;
    } roi[] = {
        { "default", "8 regions" }, { "ihd", "8 regions" }, { "ihd-lp", "16 regions" },
        { "i965", "none" },         { "radeonsi", "none" },
    };
    const char *profile = getenv("HWENCTEST_VA_PROFILE");
    profile = profile && *profile ? profile : "default";
    static char caps[256];
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (!strcmp(table[i].profile, profile) && !strcmp(roi[i].profile, profile)) {
            snprintf(caps, sizeof(caps), "%s; roi: %s", table[i].caps, roi[i].roi);
            return caps;
        }
    REQUIRE(0, "no expected capabilities for profile %s", profile);
    return NULL;
}

/* ------------------------------------------------------------------ tests */

static int test_probe(const char *variant)
{
    hwenc_config cfg;
    base_config(&cfg);
    /* The registry's probe of this backend alone, as hwenc_probe() and
     * list-backends do for each (the other backends' probes would load
     * their own libraries here). */
    hwenc_backend_info info[1];
    registry_probe_one(HWENC_BACKEND_VAAPI, &cfg, &info[0]);
    const hwenc_backend_info *va = &info[0];
    REQUIRE(va->compiled && va->available, "vaapi not available: %s", va->reason);
    REQUIRE(strstr(va->driver, "hwenc test driver"), "vendor string '%s'", va->driver);
    REQUIRE(!strcmp(va->device, node_path), "device '%s'", va->device);
    printf("reason: %s\ndriver: %s\ncaps: %s\n", va->reason, va->driver, va->capabilities);
    if (!strcmp(variant, "lp-only")) {
        REQUIRE(strstr(va->capabilities, "EncSliceLP*") && !strstr(va->capabilities, "EncSlice "),
                "caps '%s'", va->capabilities);
        REQUIRE(strstr(va->capabilities, "rc: CQP;") && strstr(va->capabilities, "packed headers: none"), "caps '%s'",
                va->capabilities);
        REQUIRE(strstr(va->reason, "low power"), "reason '%s'", va->reason);
        /* What the driver lacks is a reason not to pick it. */
        cfg.rc_mode = HWENC_RC_CBR;
        cfg.bitrate_kbps = 500;
        registry_probe_one(HWENC_BACKEND_VAAPI, &cfg, &info[0]);
        REQUIRE(!info[0].available && strstr(info[0].reason, "does not offer CBR"), "reason '%s'", info[0].reason);
    } else {
        REQUIRE(!strcmp(va->capabilities, expected_caps()), "caps '%s', wanted '%s'", va->capabilities,
                expected_caps());
        /* No node: a reason a user can act on. */
        cfg.device = "/nonexistent/renderD128";
        registry_probe_one(HWENC_BACKEND_VAAPI, &cfg, &info[0]);
        REQUIRE(!info[0].available && strstr(info[0].reason, "cannot open /nonexistent/renderD128"), "reason '%s'",
                info[0].reason);
    }
    check_trace_clean(read_trace());
    return 0;
}

/* Every frame back as a packet, decoded close to its source, and what
 * reached the driver as the driver's reports (driver_facts) say it must:
 * packed headers where offered, EncSlice unless only EncSliceLP exists
 * (or the variant refines the driver to that), Constrained Baseline where
 * offered, vaPutImage where deriving is refused, the references the driver
 * allows. */
static int test_roundtrip(const char *variant)
{
    driver_facts f;
    driver_query(&f);
    hwenc_config cfg;
    base_config(&cfg);
    int frames = 20;
    static const int forced[] = { 13, -1 };
    int intra = !strcmp(variant, "intra");
    if (intra)
        cfg.keyint = 1;
    if (!strcmp(variant, "nv12"))
        cfg.pixel_format = HWENC_PIXFMT_NV12;
    if (!strcmp(variant, "refs"))
        cfg.ref_frames = 3;
    clip_result r;
    const char *t = encode_decode_trace(&cfg, frames, forced, &r);
    int idrs = count_lines(t, "picture n=", "type=IDR"), ps = count_lines(t, "picture n=", "type=P");
    int want_idr = intra ? frames : 3; /* 0, 8, 13 */
    REQUIRE(idrs == want_idr && r.keyframes == want_idr && ps == frames - want_idr, "%d IDR, %d P pictures:\n%s", idrs,
            ps, t);
    if (f.packed & VA_ENC_PACKED_HEADER_SEQUENCE) {
        REQUIRE(count_lines(t, "type=IDR", "packed=SPH") == want_idr, "packed headers on IDRs:\n%s", t);
        REQUIRE(count_lines(t, "type=P", "packed=--H") == frames - want_idr, "packed slice headers:\n%s", t);
    } else {
        REQUIRE(count_lines(t, "picture n=", "packed=---") == frames, "packed headers sent:\n%s", t);
        REQUIRE(count_lines(t, "config", "packed=0x0"), "config:\n%s", t);
    }
    REQUIRE(count_lines(t, "config", f.slice ? "entry=EncSlice " : "entry=EncSliceLP"), "config:\n%s", t);
    if (!strcmp(variant, "cqp-only"))
        REQUIRE(count_lines(t, "config", "rc=0x10"), "config:\n%s", t);
    REQUIRE(count_lines(t, expected_profile(&f), NULL), "config:\n%s", t);
    if (!f.derive)
        REQUIRE(count_lines(t, "putimage", NULL) == frames && count_lines(t, "derive refused", NULL) == 1,
                "upload path:\n%s", t);
    else
        REQUIRE(!count_lines(t, "putimage", NULL), "vaPutImage used though vaDeriveImage works:\n%s", t);
    int want_refs = intra ? 0 : cfg.ref_frames < f.refs_l0 ? cfg.ref_frames : f.refs_l0;
    REQUIRE(max_refs_in_trace(t) == want_refs, "%d references, wanted %d:\n%s", max_refs_in_trace(t), want_refs, t);
    free_clip(&r);
    return 0;
}

/* The profile and tools (hal_caps.tools): High with CABAC and the 8x8
 * transform where the driver has a High encoder and takes packed SPS and
 * PPS, the 8x8 transform left out where it writes its own (radeonsi), and
 * the configuration's --profile/--no-cabac/--no-8x8dct honoured. The
 * stream decodes either way; the selection says what was coded. */
static int test_tools(const char *variant)
{
    driver_facts f;
    driver_query(&f);
    hwenc_config cfg;
    base_config(&cfg);
    cfg.bframes = 2;
    int profile = f.high ? 100 : f.main ? 77 : 66, cabac = profile != 66,
        t8x8 = profile == 100 && (f.packed & VA_ENC_PACKED_HEADER_SEQUENCE) && (f.packed & VA_ENC_PACKED_HEADER_PICTURE);
    if (!strcmp(variant, "no-cabac"))
        cfg.cabac = 0, cabac = 0;
    if (!strcmp(variant, "no-8x8"))
        cfg.transform_8x8 = 0, t8x8 = 0;
    if (!strcmp(variant, "main")) {
        cfg.profile = HWENC_PROFILE_MAIN;
        t8x8 = 0;
        profile = f.main ? 77 : 66;
        cabac = profile != 66;
    }
    if (!strcmp(variant, "baseline")) {
        cfg.profile = HWENC_PROFILE_BASELINE;
        cfg.bframes = 0;
        profile = 66, cabac = 0, t8x8 = 0;
    }
    char want[96];
    snprintf(want, sizeof(want), "tools profile_idc=%d cabac=%d transform_8x8=%d", profile, cabac, t8x8);
    clip_result r;
    const char *t = encode_decode_trace(&cfg, 12, NULL, &r);
    REQUIRE(count_lines(t, want, NULL) == count_lines(t, "type=IDR", NULL) && count_lines(t, "tools", NULL) >= 1,
            "wanted %s:\n%s", want, t);
    free_clip(&r);
    /* What the selection says it codes. */
    hwenc_encoder *enc;
    char err[256];
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "open: %s", err);
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int n = hwenc_get_selection(enc, info, HWENC_BACKEND_COUNT);
    h264_tools coded = { profile, cabac, t8x8 };
    char words[64];
    h264_tools_describe(&coded, words, sizeof(words));
    REQUIRE(n >= 1 && strstr(info[n - 1].reason, words), "selection: %s; wanted %s", n ? info[n - 1].reason : "", words);
    hwenc_close(enc);
    printf("%s: %s\n", variant, info[n - 1].reason);
    return 0;
}

/* A driver that needs list 1 in every inter picture (BI_NOT_EMPTY) cannot
 * take our P pictures: the stream is IDRs where they are due and non-IDR
 * I pictures between them, and it still decodes. */
static int test_intra_only(void)
{
    hwenc_config cfg;
    base_config(&cfg);
    cfg.keyint = 8;
    int frames = 20;
    static const int forced[] = { 13, -1 };
    clip_result r;
    const char *t = encode_decode_trace(&cfg, frames, forced, &r);
    int idrs = count_lines(t, "picture n=", "type=IDR"), is = count_lines(t, "picture n=", "type=I ");
    REQUIRE(idrs == 3 && r.keyframes == 3 && is == frames - 3, "%d IDR and %d I pictures, wanted 3 and %d:\n%s", idrs,
            is, frames - 3, t);
    REQUIRE(max_refs_in_trace(t) == 0, "references used:\n%s", t);
    free_clip(&r);
    return 0;
}

/* B frames: planned when the driver takes a list 1 with a Main/High
 * profile, and left out (P only) when it does not. */
static int test_bframes(void)
{
    driver_facts f;
    driver_query(&f);
    hwenc_config cfg;
    base_config(&cfg);
    cfg.bframes = 2;
    cfg.keyint = 30;
    int frames = 20;
    static const int forced[] = { 13, -1 };
    clip_result r;
    const char *t = encode_decode_trace(&cfg, frames, forced, &r);
    REQUIRE(r.dts_order_ok, "dts order wrong");
    int idrs = count_lines(t, "picture n=", "type=IDR"), bs = count_lines(t, "picture n=", "type=B");
    /* 0 IDR, P3 B1 B2, P6 B4 B5, P9 B7 B8, P12 B10 B11, IDR13, P16 B14 B15,
     * P19 B17 B18: 12 B pictures when the driver takes them. */
    int without_b = !f.main_l1;
    int want_b = without_b ? 0 : 12;
    REQUIRE(idrs == 2 && r.keyframes == 2, "%d IDR pictures:\n%s", idrs, t);
    REQUIRE(bs == want_b && r.b_packets == want_b, "%d B pictures (%d packets), wanted %d:\n%s", bs, r.b_packets,
            want_b, t);
    /* The High encoder either way (Constrained Baseline where that is all
     * there is): without B slices the stream is planned again without
     * them, in the same profile. */
    REQUIRE(count_lines(t, expected_profile(&f), NULL), "config:\n%s", t);
    if (want_b && !(f.packed & VA_ENC_PACKED_HEADER_SLICE))
        REQUIRE(count_lines(t, "type=B", "packed=---") == want_b, "packed headers sent:\n%s", t);
    else if (want_b)
        REQUIRE(count_lines(t, "type=B", "packed=--H") == want_b, "packed B slice headers:\n%s", t);
    free_clip(&r);
    return 0;
}

/* Rate control as FFmpeg chooses and fills it, on the modes the driver
 * offers: CBR and VBR everywhere; CRF as ICQ where offered, else constant
 * QP; ABR as AVBR where offered, else VBR. */
static int test_rc(const char *variant)
{
    driver_facts f;
    driver_query(&f);
    hwenc_config cfg;
    base_config(&cfg);
    clip_result r;
    if (!strcmp(variant, "cbr-refused")) {
        cfg.rc_mode = HWENC_RC_CBR;
        cfg.bitrate_kbps = 400;
        int ret = encode_clip(&cfg, 4, NULL, &r);
        REQUIRE(ret < 0 && strstr(r.error, "does not offer CBR rate control (it offers: CQP)"), "ret %d: %s", ret,
                r.error);
        free_clip(&r);
        check_trace_clean(read_trace());
        return 0;
    }
    const char *want_config, *want_rc, *want_hrd = NULL;
    if (!strcmp(variant, "cbr")) {
        cfg.rc_mode = HWENC_RC_CBR;
        cfg.bitrate_kbps = 400;
        want_config = "rc=0x2 ";
        want_rc = " bps=400000 target=100 window=1000";
        want_hrd = "hrd buffer=400000 initial=300000";
    } else if (!strcmp(variant, "vbr")) {
        cfg.rc_mode = HWENC_RC_VBR;
        cfg.bitrate_kbps = 300;
        cfg.vbv_maxrate_kbps = 600;
        cfg.vbv_bufsize_kbits = 1200;
        want_config = "rc=0x4 ";
        want_rc = " bps=600000 target=50 window=2000";
        want_hrd = "hrd buffer=1200000 initial=900000";
    } else if (!strcmp(variant, "abr")) {
        cfg.rc_mode = HWENC_RC_ABR;
        cfg.bitrate_kbps = 300;
        int avbr = f.rc & VA_RC_AVBR;
        want_config = avbr ? "rc=0x800 " : "rc=0x4 ";
        /* VBR peaks at twice the bitrate, with one second of it buffered. */
        want_rc = avbr ? " bps=300000 target=100 window=8" : " bps=600000 target=50 window=1000";
        want_hrd = avbr ? NULL : "hrd buffer=600000 initial=450000";
    } else {
        REQUIRE(!strcmp(variant, "icq"), "unknown variant %s", variant);
        cfg.rc_mode = HWENC_RC_CRF;
        cfg.crf = 28;
        want_config = f.rc & VA_RC_ICQ ? "rc=0x40 " : "rc=0x10 ";
        want_rc = f.rc & VA_RC_ICQ ? "icq=28" : NULL;
    }
    int ret = encode_clip(&cfg, 12, NULL, &r);
    REQUIRE(ret >= 0, "encoding failed: %s", r.error);
    check_decode(r.stream, r.size, 12, 24.0);
    const char *t = read_trace();
    check_trace_clean(t);
    REQUIRE(count_lines(t, "config", want_config), "config:\n%s", t);
    if (!want_rc) { /* constant QP at the CRF value: P pictures at 28 */
        REQUIRE(!count_lines(t, "rc picture=", NULL) && count_lines(t, "type=P", "qp=28") == 10, "CQP fallback:\n%s", t);
        free_clip(&r);
        return 0;
    }
    /* At both IDRs, frames 0 and 8. */
    REQUIRE(count_lines(t, "rc picture=0 ", want_rc) == 1 && count_lines(t, "rc picture=8 ", want_rc) == 1 &&
                count_lines(t, "rc picture=", NULL) == 2,
            "rate control at both IDRs:\n%s", t);
    if (want_hrd)
        REQUIRE(count_lines(t, want_hrd, NULL) == 2 && count_lines(t, "framerate 25/1", NULL) == 2, "HRD:\n%s", t);
    free_clip(&r);
    return 0;
}

/* The bitrate change at the HAL level, as hwenc_reconfigure() will call it. */
static int test_reconfigure(void)
{
    driver_facts f;
    driver_query(&f);
    hwenc_config cfg;
    base_config(&cfg);
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 400;
    cfg.keyint = 100;
    h264_stream_desc desc = { .width = W, .height = H, .fps_num = 25, .fps_den = 1, .profile_idc = H264_PROFILE_BASELINE,
                              .max_refs = 1, .bitrate_kbps = 400, .qp = 26, .deblock = 1 };
    h264_sps sps;
    h264_pps pps;
    char err[256] = "";
    REQUIRE(h264_stream_init(&desc, &sps, &pps, err, sizeof(err)) == 0, "%s", err);
    uint8_t ps[512];
    size_t ps_size = h264_write_parameter_sets(ps, sizeof(ps), &sps, &pps);
    hal_session s = { .config = &cfg, .h264 = { .sps = &sps, .pps = &pps }, .parameter_sets = ps,
                      .parameter_sets_size = ps_size, .dpb_slots = 2 };
    void *priv = NULL;
    hal_caps caps = { 0 };
    REQUIRE(hal_backend_vaapi.open(&s, &priv, &caps, err, sizeof(err)) == 0, "open: %s", err);
    int want_refs = f.refs_l0 > H264_MAX_REFS ? H264_MAX_REFS : f.refs_l0;
    REQUIRE(caps.max_refs == want_refs, "max refs %d, the driver's %d", caps.max_refs, want_refs);
    gop_state g;
    gop_init(&g, &cfg, sps.max_num_ref_frames, 2, 1, 2);
    h264_syntax syntax;
    h264_syntax_init(&syntax, &cfg, &sps, &pps);
    uint8_t *frame = malloc(W * H * 3 / 2);
    uint8_t *stream = NULL;
    size_t size = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 5) {
            hwenc_config next = cfg;
            next.bitrate_kbps = 800;
            REQUIRE(vaapi_reconfigure(priv, &next, err, sizeof(err)) == 0, "reconfigure: %s", err);
            next.rc_mode = HWENC_RC_VBR;
            REQUIRE(vaapi_reconfigure(priv, &next, err, sizeof(err)) == HWENC_EINVAL, "mode change accepted");
        }
        hal_picture pic;
        memset(&pic, 0, sizeof(pic));
        gop_plan(&g, i == 0 ? HWENC_FRAME_IDR : HWENC_FRAME_P, i, &pic);
        h264_syntax_plan(&syntax, &pic);
        source_frame(i, frame);
        pic.input.plane[0] = frame;
        pic.input.plane[1] = frame + W * H;
        pic.input.plane[2] = frame + W * H * 5 / 4;
        pic.input.stride[0] = W;
        pic.input.stride[1] = pic.input.stride[2] = W / 2;
        pic.pts = i;
        if (pic.type == HWENC_FRAME_IDR) {
            pic.parameter_sets = ps;
            pic.parameter_sets_size = ps_size;
        }
        REQUIRE(hal_backend_vaapi.send_picture(priv, &pic, err, sizeof(err)) == 0, "send %d: %s", i, err);
        gop_commit(&g, &pic);
        h264_syntax_commit(&syntax, &pic);
        hal_packet pkt;
        while (hal_backend_vaapi.receive_packet(priv, i == 9, &pkt, err, sizeof(err)) == 0) {
            stream = realloc(stream, size + pkt.size);
            memcpy(stream + size, pkt.data, pkt.size);
            size += pkt.size;
        }
    }
    hal_backend_vaapi.close(priv);
    check_decode(stream, size, 10, 24.0);
    const char *t = read_trace();
    check_trace_clean(t);
    REQUIRE(count_lines(t, "rc picture=0 bps=400000 target=100", "reset=0") == 1, "initial rate:\n%s", t);
    REQUIRE(count_lines(t, "rc picture=5 bps=800000 target=100", "reset=1") == 1, "new rate at picture 5:\n%s", t);
    REQUIRE(count_lines(t, "rc picture=", NULL) == 2, "rate control sent again:\n%s", t);
    free(frame);
    free(stream);
    return 0;
}

static int test_fallback(void)
{
    hwenc_config cfg;
    base_config(&cfg);
    cfg.backend = HWENC_BACKEND_AUTO;
    unsetenv("HWENC_BACKEND");
    hwenc_encoder *enc;
    char err[512];
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "auto did not fall back: %s", err);
    REQUIRE(hwenc_get_backend(enc) == HWENC_BACKEND_CPU, "backend %s", hwenc_backend_name(hwenc_get_backend(enc)));
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int n = hwenc_get_selection(enc, info, HWENC_BACKEND_COUNT);
    REQUIRE(n >= 2 && info[0].backend == HWENC_BACKEND_VAAPI && !info[0].available, "selection");
    REQUIRE(strstr(info[0].reason, "vaCreateContext failed") && strstr(info[0].reason, "resource allocation failed"),
            "reason kept: '%s'", info[0].reason);
    printf("vaapi: %s\n", info[0].reason);
    hwenc_close(enc);
    clip_result r;
    REQUIRE(encode_clip(&cfg, 5, NULL, &r) >= 0, "%s", r.error);
    check_decode(r.stream, r.size, 5, 30.0);
    free_clip(&r);
    const char *t = read_trace();
    check_trace_clean(t);
    REQUIRE(count_lines(t, "inject create-context", NULL) == 2, "injection:\n%s", t);
    return 0;
}

static int test_endfail(void)
{
    hwenc_config cfg;
    base_config(&cfg);
    clip_result r;
    int ret = encode_clip(&cfg, 10, NULL, &r);
    REQUIRE(ret == HWENC_EBACKEND && r.failed_at == 5, "ret %d at frame %d", ret, r.failed_at);
    REQUIRE(strstr(r.error, "vaEndPicture on frame 5 failed: internal encoding error"), "error '%s'", r.error);
    REQUIRE(r.packets == 5, "%d packets kept", r.packets);
    check_decode(r.stream, r.size, 5, 30.0);
    free_clip(&r);
    const char *t = read_trace();
    check_trace_clean(t); /* every object destroyed after the failure */
    REQUIRE(count_lines(t, "inject end-picture failure n=5", NULL) == 1, "injection:\n%s", t);
    return 0;
}

/* The application's VADisplay: used, not terminated. */
static int test_external(void)
{
    int fd = open(node_path, O_RDWR);
    REQUIRE(fd >= 0, "open %s", node_path);
    VADisplay dpy = vaGetDisplayDRM(fd);
    REQUIRE(dpy, "vaGetDisplayDRM: is the shim preloaded?");
    int major, minor;
    REQUIRE(vaInitialize(dpy, &major, &minor) == VA_STATUS_SUCCESS, "vaInitialize");
    hwenc_config cfg;
    base_config(&cfg);
    cfg.device = NULL;
    cfg.external.va_display = dpy;
    clip_result r;
    REQUIRE(encode_clip(&cfg, 6, NULL, &r) >= 0, "%s", r.error);
    check_decode(r.stream, r.size, 6, 30.0);
    free_clip(&r);
    /* Still ours, still working. */
    REQUIRE(vaQueryVendorString(dpy) && strstr(vaQueryVendorString(dpy), "hwenc test driver"), "display gone");
    VASurfaceID s;
    REQUIRE(vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 64, 64, &s, 1, NULL, 0) == VA_STATUS_SUCCESS, "surface");
    vaDestroySurfaces(dpy, &s, 1);
    const char *t = read_trace();
    REQUIRE(!count_lines(t, "terminate", NULL), "the backend terminated the application's display:\n%s", t);
    vaTerminate(dpy);
    close(fd);
    check_trace_clean(read_trace());
    return 0;
}

/* The double must catch what it promises to: run misbehaving clients in
 * children and expect the abort. */
static int run_child(int which)
{
    pid_t pid = fork();
    REQUIRE(pid >= 0, "fork");
    if (pid) {
        int status;
        waitpid(pid, &status, 0);
        return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    }
    int fd = open(node_path, O_RDWR);
    VADisplay dpy = vaGetDisplayDRM(fd);
    int major, minor;
    if (!dpy || vaInitialize(dpy, &major, &minor) != VA_STATUS_SUCCESS)
        _exit(3);
    VASurfaceID s;
    vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 64, 64, &s, 1, NULL, 0);
    if (which == 1) { /* a config with two rate-control modes at once */
        VAConfigAttrib a = { .type = VAConfigAttribRateControl, .value = VA_RC_CBR | VA_RC_VBR };
        VAConfigID c;
        VAEntrypoint eps[4];
        int n = 0;
        if (vaQueryConfigEntrypoints(dpy, VAProfileH264ConstrainedBaseline, eps, &n) != VA_STATUS_SUCCESS || !n ||
            vaCreateConfig(dpy, VAProfileH264ConstrainedBaseline, eps[0], &a, 1, &c) == VA_STATUS_SUCCESS)
            _exit(4);
    }
    if (which != 2) /* 2 leaks the surface */
        vaDestroySurfaces(dpy, &s, 1);
    vaTerminate(dpy);
    _exit(0);
}

static int test_audit(void)
{
    REQUIRE(run_child(0) == 0, "a clean session was reported");
    REQUIRE(run_child(1) == -SIGABRT, "a contract violation went unnoticed");
    REQUIRE(run_child(2) == -SIGABRT, "a leaked surface went unnoticed");
    return 0;
}

static int test_cli(const char *hwenc)
{
    char in[64], out[64]; /* per process: ctest runs the profiles side by side */
    snprintf(in, sizeof(in), "vaapi-cli-in-%d.y4m", (int)getpid());
    snprintf(out, sizeof(out), "vaapi-cli-out-%d.264", (int)getpid());
    FILE *f = fopen(in, "wb");
    REQUIRE(f, "cannot write %s", in);
    fprintf(f, "YUV4MPEG2 W%d H%d F25:1 Ip A1:1 C420jpeg\n", W, H);
    uint8_t *frame = malloc(W * H * 3 / 2);
    for (int i = 0; i < 12; i++) {
        source_frame(i, frame);
        fprintf(f, "FRAME\n");
        fwrite(frame, 1, W * H * 3 / 2, f);
    }
    fclose(f);
    free(frame);
    unlink(out);
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "'%s' encode %s -o %s --backend vaapi --device '%s' --keyint 5 --ref 2 --quiet", hwenc,
             in, out, node_path);
    int status = system(cmd);
    REQUIRE(status == 0, "'%s' exited with %d", cmd, status);
    decoded_video dec;
    char err[256];
    REQUIRE(avdecode_h264_file(out, &dec, err, sizeof(err)) == 0, "%s", err);
    REQUIRE(dec.frame_count == 12, "%d frames", dec.frame_count);
    decoded_video_free(&dec);
    FILE *s = fopen(out, "rb");
    REQUIRE(s, "no output");
    static uint8_t stream[1 << 20];
    size_t size = fread(stream, 1, sizeof(stream), s);
    fclose(s);
    check_decode(stream, size, 12, 30.0);
    const char *t = read_trace();
    check_trace_clean(t);
    REQUIRE(count_lines(t, "picture n=", "type=IDR") == 3 && count_lines(t, "picture n=", "type=P") == 9,
            "the CLI did not encode through the driver:\n%s", t);
    unlink(in);
    unlink(out);
    return 0;
}

/* ---------------------------------------------------------- list-backends */

/* Runs a command and returns its standard output (static storage), or NULL
 * when it cannot be run or exits with a failure. */
static const char *command_output(const char *cmd)
{
    static char buf[1 << 16];
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    REQUIRE(p, "cannot run '%s'", cmd);
    size_t n = fread(buf, 1, sizeof(buf) - 1, p);
    buf[n] = 0;
    int status = pclose(p);
    printf("$ %s\n%s", cmd, buf);
    return status == 0 ? buf : NULL;
}

/* list-backends prints a line per backend that starts with its name,
 * followed by indented "driver:" and "caps:" lines. Copies the named
 * backend's lines into sec. */
static void backend_section(const char *out, const char *name, char *sec, size_t n)
{
    size_t len = strlen(name);
    const char *start = NULL;
    for (const char *line = out; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line))
        if (!strncmp(line, name, len) && line[len] == ' ') {
            start = line;
            break;
        }
    REQUIRE(start, "no '%s' line in:\n%s", name, out);
    const char *end = strchr(start, '\n');
    while (end && end[1] == ' ')
        end = strchr(end + 1, '\n');
    snprintf(sec, n, "%.*s", (int)(end ? end - start : (ptrdiff_t)strlen(start)), start);
}

/* 1 if text has word as a whole word ('*' marks the preferred entry
 * point and counts as a word's end). */
static int lists_word(const char *text, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
        if ((p == text || p[-1] == ' ') && (p[len] == ' ' || p[len] == '*' || p[len] == ';' || !p[len]))
            return 1;
    return 0;
}

/* `hwenc list-backends --device NODE`: the VA-API entry names the node, the
 * driver's vendor string (read here through libva itself) and what the
 * driver's caps (HWENCTEST_VA_CAPS) make of the capabilities line. */
static int test_list_backends(const char *hwenc, const char *variant)
{
    REQUIRE(hwenc && *hwenc, "usage: test_vaapi list-backends PATH_TO_HWENC default|lp-only");
    int fd = open(node_path, O_RDWR);
    REQUIRE(fd >= 0, "open %s", node_path);
    VADisplay dpy = vaGetDisplayDRM(fd);
    int major, minor;
    REQUIRE(dpy && vaInitialize(dpy, &major, &minor) == VA_STATUS_SUCCESS, "vaInitialize: is the shim preloaded?");
    char vendor[256];
    snprintf(vendor, sizeof(vendor), "%s", vaQueryVendorString(dpy) ? vaQueryVendorString(dpy) : "");
    int lp = 0, slice = 0;
    VAEntrypoint ep[16];
    int n_ep = 0;
    if (vaQueryConfigEntrypoints(dpy, VAProfileH264ConstrainedBaseline, ep, &n_ep) == VA_STATUS_SUCCESS)
        for (int i = 0; i < n_ep; i++) {
            lp |= ep[i] == VAEntrypointEncSliceLP;
            slice |= ep[i] == VAEntrypointEncSlice;
        }
    vaTerminate(dpy);
    close(fd);
    REQUIRE(vendor[0], "the driver has no vendor string");

    char cmd[1024], sec[2048], want[512];
    snprintf(cmd, sizeof(cmd), "'%s' list-backends --device '%s'", hwenc, node_path);
    const char *out = command_output(cmd);
    REQUIRE(out, "'%s' failed", cmd);
    backend_section(out, "vaapi", sec, sizeof(sec));
    REQUIRE(lists_word(sec, "yes") && strstr(sec, node_path), "not available on %s:\n%s", node_path, sec);
    snprintf(want, sizeof(want), "driver: %s\n", vendor);
    REQUIRE(strstr(sec, want), "no line '%s' in:\n%s", want, sec);
    const char *caps = strstr(sec, "caps: ");
    REQUIRE(caps, "no capabilities line in:\n%s", sec);
    /* What libva reports, independently of the backend's own queries. */
    REQUIRE(lp == lists_word(caps, "EncSliceLP") && slice == lists_word(caps, "EncSlice"),
            "entry points (EncSlice %d, EncSliceLP %d) disagree with '%s'", slice, lp, caps);
    if (!strcmp(variant, "lp-only"))
        REQUIRE(strstr(caps, "rc: CQP;") && strstr(caps, "packed headers: none"), "caps '%s'", caps);
    else
        REQUIRE(!strncmp(caps + 6, expected_caps(), strlen(expected_caps())) &&
                    (!caps[6 + strlen(expected_caps())] || caps[6 + strlen(expected_caps())] == '\n'),
                "caps '%s', wanted '%s'", caps, expected_caps());

    /* The option reaches the probe: a missing node is reported as such. */
    snprintf(cmd, sizeof(cmd), "'%s' list-backends --device /nonexistent/renderD128", hwenc);
    out = command_output(cmd);
    REQUIRE(out, "'%s' failed", cmd);
    backend_section(out, "vaapi", sec, sizeof(sec));
    REQUIRE(lists_word(sec, "no") && strstr(sec, "cannot open /nonexistent/renderD128"), "%s", sec);
    check_trace_clean(read_trace());
    return 0;
}



/* -------------------------------------------------- defects of issue 16 */

/* Each variant broke a real driver before its fix (see hw/vaapi/README.md);
 * run with the HWENCTEST_VA_PROFILE the driver's limit is modelled in. */
static int test_defect(const char *variant)
{
    hwenc_config cfg;
    base_config(&cfg);
    int frames = 6;
    clip_result r;
    if (!strcmp(variant, "keyint-infinite")) { /* Mesa 22.x: SIGFPE on intra_idr_period 0 */
        cfg.keyint = -1;
    } else if (!strcmp(variant, "keyint-huge")) { /* iHD: 16-bit GopPicSize */
        cfg.keyint = 70000;
    } else if (!strcmp(variant, "abr")) { /* iHD AVBR: bits_per_second is the target */
        cfg.rc_mode = HWENC_RC_ABR;
        cfg.bitrate_kbps = 300;
        cfg.vbv_maxrate_kbps = 600;
    } else if (!strcmp(variant, "fps-den")) { /* iHD: 12-bit denominator */
        cfg.rc_mode = HWENC_RC_CBR;
        cfg.bitrate_kbps = 400;
        cfg.fps_num = 30000;
        cfg.fps_den = 4097;
    } else if (!strcmp(variant, "fps-reduce")) { /* reduced, not halved */
        cfg.rc_mode = HWENC_RC_CBR;
        cfg.bitrate_kbps = 400;
        cfg.fps_num = 2000000;
        cfg.fps_den = 66733;
    } else if (!strcmp(variant, "crf")) { /* no ICQ: constant QP, as FFmpeg */
        cfg.rc_mode = HWENC_RC_CRF;
        cfg.crf = 30;
    } else {
        REQUIRE(0, "unknown defect variant %s", variant);
    }
    const char *t = encode_decode_trace(&cfg, frames, NULL, &r);
    free_clip(&r);
    if (!strncmp(variant, "keyint", 6))
        REQUIRE(count_lines(t, "seq intra_period=1024 intra_idr_period=1024", NULL) == 1, "GOP hint:\n%s", t);
    if (!strcmp(variant, "abr"))
        REQUIRE(count_lines(t, "config", "rc=0x800 ") && count_lines(t, "seq ", "bps=300000") &&
                    count_lines(t, "rc picture=0 bps=300000 target=100 window=8", NULL) &&
                    !count_lines(t, "hrd buffer", NULL),
                "AVBR target:\n%s", t);
    if (!strncmp(variant, "fps", 3)) {
        unsigned num = 0, den = 0;
        const char *f = strstr(t, "framerate ");
        REQUIRE(f && sscanf(f, "framerate %u/%u", &num, &den) == 2 && den && den <= 0xfff && num <= 0xffff,
                "frame rate:\n%s", t);
        double want = (double)cfg.fps_num / cfg.fps_den, got = (double)num / den;
        REQUIRE(got / want > 1 - 1e-5 && got / want < 1 + 1e-5, "frame rate %u/%u for %d/%d", num, den, cfg.fps_num,
                cfg.fps_den);
    }
    if (!strcmp(variant, "crf"))
        REQUIRE(count_lines(t, "config", "rc=0x40 ") || (count_lines(t, "config", "rc=0x10 ") &&
                                                         count_lines(t, "type=P", "qp=30") == frames - 1),
                "ICQ, or the CQP fallback:\n%s", t);
    return 0;
}

/* ------------------------------------------------ rules the driver keeps */

static VABufferID make_buffer(VADisplay dpy, VAContextID ctx, VABufferType type, unsigned size, void *data)
{
    VABufferID id = VA_INVALID_ID;
    REQUIRE(vaCreateBuffer(dpy, ctx, type, size, 1, data, &id) == VA_STATUS_SUCCESS, "vaCreateBuffer %d", (int)type);
    return id;
}

static VABufferID make_misc(VADisplay dpy, VAContextID ctx, VAEncMiscParameterType type, const void *payload,
                            size_t size)
{
    uint32_t buf[64] = { (uint32_t)type };
    memcpy(buf + 1, payload, size);
    return make_buffer(dpy, ctx, VAEncMiscParameterBufferType, (unsigned)(sizeof(VAEncMiscParameterBuffer) + size), buf);
}

/* Writes mid-grey into a surface: through a derived image where the
 * driver allows it, else vaCreateImage + vaPutImage (radeonsi). Returns
 * the status of the map or the put, so a refusal can be seen. */
static VAStatus fill_surface(VADisplay dpy, VASurfaceID surface, int w, int h)
{
    VAImage im;
    VAImageFormat nv12 = { .fourcc = VA_FOURCC_NV12 };
    void *map;
    VAStatus st;
    if (vaDeriveImage(dpy, surface, &im) != VA_STATUS_SUCCESS) {
        REQUIRE(vaCreateImage(dpy, &nv12, w, h, &im) == 0, "image");
        REQUIRE(vaMapBuffer(dpy, im.buf, &map) == 0, "map");
        memset(map, 128, im.data_size);
        vaUnmapBuffer(dpy, im.buf);
        st = vaPutImage(dpy, surface, im.image_id, 0, 0, (unsigned)w, (unsigned)h, 0, 0, (unsigned)w, (unsigned)h);
    } else {
        st = vaMapBuffer(dpy, im.buf, &map);
        if (st == VA_STATUS_SUCCESS) {
            memset(map, 128, im.data_size);
            vaUnmapBuffer(dpy, im.buf);
        }
    }
    vaDestroyImage(dpy, im.image_id);
    return st;
}

typedef struct rule_session {
    VADisplay dpy;
    VAContextID ctx;
    VASurfaceID surf[3];         /* input, reconstruction, a second input */
    VABufferID coded;
    int w, h;
    int cabac, transform_8x8;    /* the PPS flags of every picture */
} rule_session;

/* One IDR picture (idr_pic_id as given) from input into the coded buffer;
 * extra buffers go with it. Returns vaEndPicture's status. */
static VAStatus rule_picture(const rule_session *r, VASurfaceID input, int idr_pic_id, VABufferID *extra, int n_extra)
{
    VAEncPictureParameterBufferH264 pic = {
        .CurrPic = { .picture_id = r->surf[1] }, .coded_buf = r->coded, .pic_init_qp = 26,
        .pic_fields.bits = { .idr_pic_flag = 1, .reference_pic_flag = 1, .entropy_coding_mode_flag = (uint32_t)r->cabac,
                             .transform_8x8_mode_flag = (uint32_t)r->transform_8x8 },
    };
    for (int i = 0; i < 16; i++)
        pic.ReferenceFrames[i] = (VAPictureH264){ .picture_id = VA_INVALID_SURFACE, .flags = VA_PICTURE_H264_INVALID };
    VAEncSliceParameterBufferH264 slice = { .num_macroblocks = (uint32_t)(r->w / 16 * r->h / 16), .slice_type = 2,
                                            .macroblock_info = VA_INVALID_ID, .idr_pic_id = (uint16_t)idr_pic_id };
    for (int i = 0; i < 32; i++)
        slice.RefPicList0[i] = slice.RefPicList1[i] =
            (VAPictureH264){ .picture_id = VA_INVALID_SURFACE, .flags = VA_PICTURE_H264_INVALID };
    VABufferID bufs[8];
    int n = 0;
    for (int i = 0; i < n_extra; i++)
        bufs[n++] = extra[i];
    bufs[n++] = make_buffer(r->dpy, r->ctx, VAEncPictureParameterBufferType, sizeof(pic), &pic);
    bufs[n++] = make_buffer(r->dpy, r->ctx, VAEncSliceParameterBufferType, sizeof(slice), &slice);
    REQUIRE(vaBeginPicture(r->dpy, r->ctx, input) == 0, "begin");
    /* A buffer the driver refuses at once (ROI) fails the render; the
     * picture is ended all the same, as FFmpeg does. */
    VAStatus st = vaRenderPicture(r->dpy, r->ctx, bufs, n);
    VAStatus end = vaEndPicture(r->dpy, r->ctx);
    if (st == VA_STATUS_SUCCESS)
        st = end;
    for (int i = 0; i < n; i++)
        vaDestroyBuffer(r->dpy, bufs[i]);
    return st;
}

/* The rules of pictures in flight, after one picture was ended and before
 * its wait. Returns 1 when the driver refused. */
static int break_pipeline_rule(const rule_session *r, const char *rule)
{
    void *map;
    int refused = 0;
    if (!strcmp(rule, "map-before-sync")) {
        refused = vaMapBuffer(r->dpy, r->coded, &map) != VA_STATUS_SUCCESS;
    } else if (!strcmp(rule, "reuse-before-sync")) {
        refused = vaBeginPicture(r->dpy, r->ctx, r->surf[0]) != VA_STATUS_SUCCESS;
        if (!refused)
            vaEndPicture(r->dpy, r->ctx);
    } else if (!strcmp(rule, "upload-before-sync")) {
        refused = fill_surface(r->dpy, r->surf[0], r->w, r->h) != VA_STATUS_SUCCESS;
    } else if (!strcmp(rule, "coded-before-sync")) {
        /* A second picture from its own input, into the same coded buffer. */
        REQUIRE(fill_surface(r->dpy, r->surf[2], r->w, r->h) == VA_STATUS_SUCCESS, "upload of the second input");
        refused = rule_picture(r, r->surf[2], 1, NULL, 0) != VA_STATUS_SUCCESS;
    } else {
        REQUIRE(0, "unknown rule %s", rule);
    }
    /* The wait, then the coded data are there. */
    REQUIRE(vaSyncSurface(r->dpy, r->surf[0]) == VA_STATUS_SUCCESS, "sync");
    REQUIRE(vaMapBuffer(r->dpy, r->coded, &map) == VA_STATUS_SUCCESS, "map after sync refused");
    vaUnmapBuffer(r->dpy, r->coded);
    return refused;
}

/* In a child: one IDR picture through raw VA calls, with the one field the
 * rule is about broken (or, for the rules of pictures in flight, a call
 * made too early after it). Exit 0 when the driver refused exactly there
 * and recorded the violation, 1 when it accepted. */
static int break_rule_child(const char *rule)
{
    rule_session r = { .w = 64, .h = 64 };
    int fd = open(node_path, O_RDWR);
    r.dpy = vaGetDisplayDRM(fd);
    VADisplay dpy = r.dpy;
    int major, minor;
    if (!dpy || vaInitialize(dpy, &major, &minor) != VA_STATUS_SUCCESS)
        _exit(3);
    VAStatus refused = VA_STATUS_SUCCESS;
    if (!strcmp(rule, "max-size")) {
        r.w = 4096;
        r.h = 4096;
    }
    int w = r.w, h = r.h;
    uint32_t rc = strcmp(rule, "icq") ? VA_RC_CQP : VA_RC_ICQ;
    VAConfigAttrib attr = { .type = VAConfigAttribRateControl, .value = rc };
    VAConfigID config;
    VAEntrypoint entry = VAEntrypointEncSlice;
    VAEntrypoint eps[4];
    int n = 0;
    /* The coding tools: CABAC under Constrained Baseline, the 8x8
     * transform under Main, and under High on a driver without it. */
    VAProfile profile = !strcmp(rule, "cabac-cb")   ? VAProfileH264ConstrainedBaseline
                        : !strcmp(rule, "8x8-high") ? VAProfileH264High
                                                    : VAProfileH264Main;
    r.cabac = !strcmp(rule, "cabac-cb");
    r.transform_8x8 = !strcmp(rule, "8x8-main") || !strcmp(rule, "8x8-high");
    vaQueryConfigEntrypoints(dpy, profile, eps, &n);
    if (n && eps[0] != VAEntrypointEncSlice)
        entry = eps[0];
    refused = vaCreateConfig(dpy, profile, entry, &attr, 1, &config);
    if (refused != VA_STATUS_SUCCESS)
        _exit(vaTerminate(dpy) == VA_STATUS_SUCCESS && !strcmp(rule, "icq") ? 0 : 4);
    REQUIRE(vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, (unsigned)w, (unsigned)h, r.surf, 3, NULL, 0) == 0, "surfaces");
    refused = vaCreateContext(dpy, config, w, h, VA_PROGRESSIVE, r.surf, 3, &r.ctx);
    if (refused != VA_STATUS_SUCCESS)
        _exit(!strcmp(rule, "max-size") ? 0 : 5);
    REQUIRE(fill_surface(dpy, r.surf[0], w, h) == VA_STATUS_SUCCESS, "upload");
    r.coded = make_buffer(dpy, r.ctx, VAEncCodedBufferType, 1 << 20, NULL);
    VAEncSequenceParameterBufferH264 seq = {
        .level_idc = 30, .intra_period = 30, .intra_idr_period = 30, .ip_period = 1, .max_num_ref_frames = 1,
        .picture_width_in_mbs = (uint16_t)(w / 16), .picture_height_in_mbs = (uint16_t)(h / 16),
        .seq_fields.bits = { .chroma_format_idc = 1, .frame_mbs_only_flag = 1, .direct_8x8_inference_flag = 1,
                             .pic_order_cnt_type = 2 },
    };
    if (!strcmp(rule, "idr-period-0"))
        seq.intra_period = seq.intra_idr_period = 0;
    if (!strcmp(rule, "gop-16bit"))
        seq.intra_period = seq.intra_idr_period = 70000;
    VAEncMiscParameterFrameRate fr = { .framerate = 25u | (strcmp(rule, "fps-den-12bit") ? 1u : 4097u) << 16 };
    VABufferID extra[3] = {
        make_buffer(dpy, r.ctx, VAEncSequenceParameterBufferType, sizeof(seq), &seq),
        make_misc(dpy, r.ctx, VAEncMiscParameterTypeFrameRate, &fr, sizeof(fr)),
    };
    int n_extra = 2;
    if (!strncmp(rule, "roi-", 4)) {
        /* One delta-QP region as FFmpeg sends it, then the broken field:
         * priorities, more regions than EncROI reports (run with roi=1),
         * a NULL array, or any ROI where EncROI has none (i965). */
        static VAEncROI regions[2] = { { .roi_rectangle = { 0, 0, 16, 16 }, .roi_value = -4 },
                                       { .roi_rectangle = { 16, 16, 16, 16 }, .roi_value = 3 } };
        VAEncMiscParameterBufferROI roi = { .num_roi = 1, .max_delta_qp = INT8_MAX, .min_delta_qp = INT8_MIN,
                                            .roi = regions, .roi_flags.bits.roi_value_is_qp_delta = 1 };
        if (!strcmp(rule, "roi-priority"))
            roi.roi_flags.bits.roi_value_is_qp_delta = 0;
        if (!strcmp(rule, "roi-too-many"))
            roi.num_roi = 2;
        if (!strcmp(rule, "roi-null"))
            roi.roi = NULL;
        extra[n_extra++] = make_misc(dpy, r.ctx, VAEncMiscParameterTypeROI, &roi, sizeof(roi));
    }
    refused = rule_picture(&r, r.surf[0], 0, extra, n_extra);
    int ok = refused != VA_STATUS_SUCCESS;
    if (!strcmp(rule, "roi-valid"))
        ok = refused == VA_STATUS_SUCCESS && vaSyncSurface(dpy, r.surf[0]) == VA_STATUS_SUCCESS;
    if (strstr(rule, "-before-sync")) {
        REQUIRE(refused == VA_STATUS_SUCCESS, "the picture itself was refused");
        ok = break_pipeline_rule(&r, rule);
    } else if (!strcmp(rule, "end-without-begin")) {
        /* FFmpeg's error path: answered with an error, and the context
         * still codes the next picture. */
        REQUIRE(refused == VA_STATUS_SUCCESS, "the picture itself was refused");
        ok = vaEndPicture(dpy, r.ctx) != VA_STATUS_SUCCESS;
        void *map;
        REQUIRE(vaSyncSurface(dpy, r.surf[0]) == VA_STATUS_SUCCESS && vaMapBuffer(dpy, r.coded, &map) == 0 &&
                    vaUnmapBuffer(dpy, r.coded) == 0,
                "the first picture's coded data");
        REQUIRE(fill_surface(dpy, r.surf[2], w, h) == VA_STATUS_SUCCESS, "upload of the second input");
        REQUIRE(rule_picture(&r, r.surf[2], 1, NULL, 0) == VA_STATUS_SUCCESS, "the next picture was refused");
        REQUIRE(vaSyncSurface(dpy, r.surf[2]) == VA_STATUS_SUCCESS, "sync");
    }
    vaDestroyBuffer(dpy, r.coded);
    vaDestroyContext(dpy, r.ctx);
    vaDestroySurfaces(dpy, r.surf, 3);
    vaDestroyConfig(dpy, config);
    vaTerminate(dpy);
    _exit(ok ? 0 : 1);
}

static int test_rule(const char *rule)
{
    setenv("HWENCTEST_VA_NO_ABORT", "1", 1);
    pid_t pid = fork();
    REQUIRE(pid >= 0, "fork");
    if (!pid)
        break_rule_child(rule);
    int status;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the driver did not refuse '%s' (status 0x%x)", rule, status);
    const char *t = read_trace();
    if (!strcmp(rule, "end-without-begin"))
        REQUIRE(!count_lines(t, "violation ", NULL) && count_lines(t, "end without begin", NULL) == 1,
                "an error without a violation expected:\n%s", t);
    else if (!strcmp(rule, "roi-valid"))
        REQUIRE(!count_lines(t, "violation ", NULL), "the valid ROI buffer was refused:\n%s", t);
    else
        REQUIRE(count_lines(t, "violation", NULL) >= 1 || !strcmp(rule, "icq"), "no violation recorded:\n%s", t);
    printf("refused as expected: %s\n", rule);
    return 0;
}


/* ---------------------------------------------------- pictures in flight */

/* The most pictures the driver had ended and not yet seen waited for. */
static int max_in_flight(const char *t)
{
    int now = 0, max = 0;
    for (const char *line = t; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (!strncmp(line, "picture n=", 10))
            now++;
        else if (!strncmp(line, "sync ", 5))
            now--;
        max = now > max ? now : max;
    }
    return max;
}

/* Pictures in flight on the profile under test: as many as FFmpeg keeps
 * (2 with vaSyncBuffer, else 1; 1 with low_latency), waited for the way
 * FFmpeg waits, packets in order with the right latency, every frame back. */
static int test_pipeline(const char *variant)
{
    int low_latency = !strcmp(variant, "low-latency");
    driver_facts f;
    driver_query(&f);
    int sync_buffer = f.sync_buffer;
    int depth = sync_buffer && !low_latency ? 2 : 1;
    hwenc_config cfg;
    base_config(&cfg);
    cfg.low_latency = low_latency;
    int frames = 20;
    hwenc_encoder *enc;
    char err[512];
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "open: %s", err);
    uint8_t *frame = malloc(W * H * 3 / 2);
    clip_result r;
    memset(&r, 0, sizeof(r));
    hwenc_packet pkt;
    for (int i = 0; i < frames; i++) {
        source_frame(i, frame);
        hwenc_frame in = { .plane = { frame, frame + W * H, frame + W * H * 5 / 4 }, .stride = { W, W / 2, W / 2 },
                           .pts = i };
        REQUIRE(hwenc_send_frame(enc, &in) == 0, "send %d: %s", i, hwenc_last_error(enc));
        while (hwenc_receive_packet(enc, &pkt) == 0) {
            REQUIRE(pkt.pts == r.packets, "packet %d has pts %lld", r.packets, (long long)pkt.pts);
            append_packet(&r, &pkt);
        }
        /* The latency of the pipeline, and not more. */
        REQUIRE(r.packets == i + 2 - depth, "%d packets after %d frames with %d in flight", r.packets, i + 1, depth);
    }
    REQUIRE(hwenc_send_frame(enc, NULL) == 0, "flush");
    while (hwenc_receive_packet(enc, &pkt) == 0)
        append_packet(&r, &pkt);
    hwenc_close(enc);
    free(frame);
    REQUIRE(r.packets == frames && r.dts_order_ok, "%d packets", r.packets);
    check_decode(r.stream, r.size, frames, 30.0);
    free_clip(&r);
    const char *t = read_trace();
    check_trace_clean(t);
    REQUIRE(max_in_flight(t) == depth, "%d pictures in flight, wanted %d:\n%s", max_in_flight(t), depth, t);
    REQUIRE(count_lines(t, sync_buffer ? "sync buffer" : "sync surface", NULL) == frames &&
                !count_lines(t, sync_buffer ? "sync surface" : "sync buffer", NULL),
            "waits (vaSyncBuffer %d):\n%s", sync_buffer, t);
    return 0;
}

/* The wait for picture 5 fails (HWENCTEST_VA_FAIL=sync:5): the error names
 * frame 5 and every packet before it comes out. The picture already in
 * flight behind it (with two in flight) was coded, but may predict from
 * frame 5: the HAL's packet check leaves it out and says so. */
static int test_sync_fail(void)
{
    driver_facts f;
    driver_query(&f);
    int depth = f.sync_buffer ? 2 : 1;
    hwenc_config cfg;
    base_config(&cfg);
    hwenc_encoder *enc;
    char err[512] = "";
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "open: %s", err);
    uint8_t *frame = malloc(W * H * 3 / 2);
    clip_result r;
    memset(&r, 0, sizeof(r));
    hwenc_packet pkt;
    uint64_t pts = 0;
    int ret = 0;
    for (int i = 0; i < 10 && ret >= 0; i++) {
        source_frame(i, frame);
        hwenc_frame in = { .plane = { frame, frame + W * H, frame + W * H * 5 / 4 }, .stride = { W, W / 2, W / 2 },
                           .pts = i };
        if ((ret = hwenc_send_frame(enc, &in)) < 0) {
            snprintf(err, sizeof(err), "%s", hwenc_last_error(enc));
            break;
        }
        while ((ret = hwenc_receive_packet(enc, &pkt)) == 0) {
            pts |= 1ull << pkt.pts;
            if (pkt.pts < 5)
                append_packet(&r, &pkt);
        }
        if (ret == HWENC_EAGAIN)
            ret = 0;
        else if (ret < 0)
            snprintf(err, sizeof(err), "%s", hwenc_last_error(enc));
    }
    REQUIRE(ret == HWENC_EBACKEND && strstr(err, "on frame 5 failed: internal encoding error"), "ret %d: '%s'", ret,
            err);
    REQUIRE(hwenc_send_frame(enc, &(hwenc_frame){ .plane = { frame, frame + W * H, frame + W * H * 5 / 4 },
                                                  .stride = { W, W / 2, W / 2 } }) == HWENC_ESTATE,
            "frames taken after the failure");
    while ((ret = hwenc_receive_packet(enc, &pkt)) == 0)
        pts |= 1ull << pkt.pts;
    REQUIRE(strstr(hwenc_last_error(enc), "on frame 5 failed") &&
                (depth == 1 || strstr(hwenc_last_error(enc), "frame 6, coded after it, is left out")),
            "after the drain: %s", hwenc_last_error(enc));
    hwenc_close(enc);
    free(frame);
    REQUIRE(pts == 0x1f, "packets 0x%llx, wanted frames 0-4", (unsigned long long)pts);
    check_decode(r.stream, r.size, 5, 30.0);
    free_clip(&r);
    const char *t = read_trace();
    check_trace_clean(t);
    REQUIRE(count_lines(t, "inject sync failure n=5", NULL) == 1, "injection:\n%s", t);
    return 0;
}

/* ------------------------------------------------- HRD and timing SEI */

/* What one access unit of the stream says about timing, read back by
 * FFmpeg's trace_headers bitstream filter (CBS, independent of hwenc's
 * writer). */
typedef struct au_timing {
    int idr, have_bp, pt_count;
    long long initial_delay, cpb_delay, dpb_delay;
} au_timing;

typedef struct stream_timing {
    int sps_count, sps_hrd, sei_count;
    long long bit_rate_scale, cpb_size_scale, bit_rate_minus1, cpb_size_minus1, cbr_flag;
    au_timing au[64];
    int aus;
} stream_timing;

static void read_timing(const char *ffmpeg, const char *path, stream_timing *st)
{
    memset(st, 0, sizeof(*st));
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "'%s' -nostdin -hide_banner -i '%s' -c copy -bsf:v trace_headers -f null - 2>&1", ffmpeg,
             path);
    FILE *p = popen(cmd, "r");
    REQUIRE(p, "cannot run %s", cmd);
    char line[512];
    au_timing cur = { 0 };
    int nal = -1;
    while (fgets(line, sizeof(line), p)) {
        const char *b = strstr(line, "] ");
        const char *eq = strstr(line, " = ");
        char name[128];
        long long bit, value;
        if (!b || !eq || sscanf(b + 2, "%lld %127s", &bit, name) != 2 || sscanf(eq + 3, "%lld", &value) != 1)
            continue;
        if (!strcmp(name, "nal_unit_type")) {
            nal = (int)value;
            st->sps_count += nal == 7;
            st->sei_count += nal == 6;
            if ((nal == 1 || nal == 5) && st->aus < 64) {
                cur.idr = nal == 5;
                st->au[st->aus++] = cur;
                memset(&cur, 0, sizeof(cur));
            }
        } else if (nal == 7 && !strcmp(name, "nal_hrd_parameters_present_flag")) {
            st->sps_hrd = (int)value;
        } else if (nal == 7 && !strcmp(name, "bit_rate_scale")) {
            st->bit_rate_scale = value;
        } else if (nal == 7 && !strcmp(name, "cpb_size_scale")) {
            st->cpb_size_scale = value;
        } else if (nal == 7 && !strcmp(name, "bit_rate_value_minus1[0]")) {
            st->bit_rate_minus1 = value;
        } else if (nal == 7 && !strcmp(name, "cpb_size_value_minus1[0]")) {
            st->cpb_size_minus1 = value;
        } else if (nal == 7 && !strcmp(name, "cbr_flag[0]")) {
            st->cbr_flag = value;
        } else if (nal == 6 && !strcmp(name, "initial_cpb_removal_delay[0]")) {
            cur.have_bp = 1;
            cur.initial_delay = value;
        } else if (nal == 6 && !strcmp(name, "cpb_removal_delay")) {
            cur.pt_count++;
            cur.cpb_delay = value;
        } else if (nal == 6 && !strcmp(name, "dpb_output_delay")) {
            cur.dpb_delay = value;
        }
    }
    pclose(p);
}

/* hwenc's own CBR/VBR streams carry FFmpeg's HRD signalling: the NAL HRD
 * in the SPS (at least the real rate and buffer, rounded up), a
 * buffering period at every IDR whose initial delay is the initial
 * fullness drained at the rate, and a picture timing on every picture
 * whose delays give its removal in coding order and its output in display
 * order. Drivers that write their own SPS get none (hw/vaapi/README.md);
 * CQP streams none either. Exit 77 without ffmpeg (the reader). */
static int test_hrd(const char *ffmpeg, const char *variant)
{
    if (access(ffmpeg, X_OK) != 0) {
        printf("skipped: %s is not installed\n", ffmpeg);
        return 77;
    }
    driver_facts f;
    driver_query(&f);
    int takes_sei = (f.packed & VA_ENC_PACKED_HEADER_SEQUENCE) &&
                    (f.packed & (VA_ENC_PACKED_HEADER_MISC | VA_ENC_PACKED_HEADER_RAW_DATA));
    hwenc_config cfg;
    base_config(&cfg);
    long long rate = 0, buffer = 0, fullness = 0;
    if (!strcmp(variant, "cbr")) {
        cfg.rc_mode = HWENC_RC_CBR;
        cfg.bitrate_kbps = 400;
        rate = 400000, buffer = 400000, fullness = 300000;
    } else if (!strcmp(variant, "vbr")) {
        cfg.rc_mode = HWENC_RC_VBR;
        cfg.bitrate_kbps = 300;
        cfg.vbv_maxrate_kbps = 600;
        cfg.vbv_bufsize_kbits = 1500;
        rate = 600000, buffer = 1500000, fullness = 1125000; /* the HRD runs at the peak */
    } else {
        REQUIRE(!strcmp(variant, "cqp"), "unknown variant %s", variant);
    }
    cfg.bframes = 2;
    int frames = 20;
    static const int forced[] = { 13, -1 };
    clip_result r;
    const char *t = encode_decode_trace(&cfg, frames, forced, &r);
    int has_b = count_lines(t, "picture n=", "type=B") > 0;
    char path[64];
    snprintf(path, sizeof(path), "vaapi-hrd-%d.264", (int)getpid());
    FILE *file = fopen(path, "wb");
    REQUIRE(file && fwrite(r.stream, 1, r.size, file) == r.size, "cannot write %s", path);
    fclose(file);
    /* Display order of the pictures in coding order: their POC (two a
     * frame, from 0 at each IDR), as the driver saw them. */
    int64_t pts[64];
    int n = 0;
    for (const char *p = strstr(t, "picture n="); p && n < 64; p = strstr(p + 1, "picture n=")) {
        int poc = 0;
        const char *q = strstr(p, " poc=");
        REQUIRE(q && sscanf(q, " poc=%d", &poc) == 1, "no POC in the trace");
        pts[n++] = poc;
    }
    stream_timing st;
    read_timing(ffmpeg, path, &st);
    char msg[512];
    hrd_stream hs;
    REQUIRE(hrd_stream_read_file(ffmpeg, path, &hs, msg, sizeof(msg)) == 0, "%s", msg);
    unlink(path);
    free_clip(&r);
    REQUIRE(st.aus == frames && n == frames, "%d access units, %d pictures", st.aus, n);
    if (!cfg.rc_mode || !takes_sei) {
        REQUIRE(!st.sps_hrd && !st.sei_count, "HRD %d, %d SEI NAL units where none belong", st.sps_hrd, st.sei_count);
        hrd_stream_free(&hs);
        if (cfg.rc_mode) { /* no HRD to write: nal_hrd vbr is refused */
            hwenc_encoder *enc = NULL;
            char err[512] = "";
            cfg.nal_hrd = HWENC_NAL_HRD_VBR;
            REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == HWENC_EUNSUPPORTED && strstr(err, "nal_hrd vbr"),
                    "nal_hrd vbr without packed headers: %s", err);
        }
        printf("no HRD and no SEI, as expected\n");
        return 0;
    }
    REQUIRE(st.sps_hrd && st.sps_count >= 2, "SPS without a NAL HRD");
    long long sig_rate = (st.bit_rate_minus1 + 1) << (6 + st.bit_rate_scale);
    long long sig_size = (st.cpb_size_minus1 + 1) << (4 + st.cpb_size_scale);
    REQUIRE(sig_rate >= rate && sig_rate < rate + rate / 1000 + 64 && sig_size >= buffer &&
                sig_size < buffer + buffer / 1000 + 16 && st.cbr_flag == 0,
            "HRD bit rate %lld, CPB %lld, cbr_flag %lld for %lld bit/s, %lld bits", sig_rate, sig_size, st.cbr_flag, rate,
            buffer);
    int idr = -1;
    for (int k = 0; k < frames; k++) {
        const au_timing *a = &st.au[k];
        REQUIRE(a->pt_count == 1, "access unit %d has %d picture timings", k, a->pt_count);
        REQUIRE(a->have_bp == a->idr, "access unit %d: buffering period %d, IDR %d", k, a->have_bp, a->idr);
        if (a->idr) {
            idr = k;
            REQUIRE(a->initial_delay == 90000 * fullness / rate && a->initial_delay <= 90000 * sig_size / sig_rate,
                    "initial_cpb_removal_delay %lld, wanted %lld", a->initial_delay, 90000 * fullness / rate);
        }
        REQUIRE(idr >= 0, "no IDR first");
        REQUIRE(a->cpb_delay == 2 * (k - idr), "AU %d: cpb_removal_delay %lld, wanted %d", k, a->cpb_delay, 2 * (k - idr));
        /* Output time relative to the IDR's, in ticks (two a frame, as
         * POC counts): display order. */
        long long out = a->cpb_delay + a->dpb_delay, idr_out = st.au[idr].dpb_delay;
        REQUIRE(out - idr_out == pts[k] - pts[idr] && a->dpb_delay >= 0,
                "AU %d: output at %lld ticks after the IDR's, wanted %lld", k, out - idr_out, (long long)(pts[k] - pts[idr]));
    }
    REQUIRE(st.au[0].dpb_delay == 2 * has_b, "first dpb_output_delay %lld with B pictures %d", st.au[0].dpb_delay, has_b);
    printf("HRD %lld bit/s, CPB %lld bits; %d access units timed\n", sig_rate, sig_size, frames);
    /* Annex C on what the stream signals, with the access units' sizes
     * as the demuxer cut them (the double's rate control stands for the
     * driver's). Later buffering periods repeat the first one's delay, as
     * FFmpeg's h264_vaapi writes them (the driver does not say how full
     * its buffer is): only bounded by the buffer here. */
    int64_t bits[64];
    for (int k = 0; k < hs.aus && k < 64; k++)
        bits[k] = hs.au[k].bytes * 8;
    hrd_model m;
    int conform = hrd_stream_check(&hs, bits, hs.aus < 64 ? hs.aus : 64, 25.0, 0, &m, msg, sizeof(msg));
    hrd_stream_free(&hs);
    printf("%s\n", msg);
    REQUIRE(conform, "%s", msg);
    /* nal_hrd: vbr is what this backend signals already; cbr (filler)
     * it refuses, naming the field. */
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    cfg.nal_hrd = HWENC_NAL_HRD_VBR;
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "nal_hrd vbr: %s", err);
    hwenc_close(enc);
    cfg.nal_hrd = HWENC_NAL_HRD_CBR;
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.vbv_maxrate_kbps = 0;
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == HWENC_EUNSUPPORTED && strstr(err, "nal_hrd cbr"),
            "nal_hrd cbr: %s", err);
    printf("nal_hrd vbr opens, nal_hrd cbr refused: %s\n", err);
    return 0;
}

/* ------------------------------------------- GStreamer through the double */

/* GStreamer 1.22's vah264enc (or vah264lpenc where the driver has only
 * EncSliceLP) encodes videotestsrc through the double, found through udev
 * in a private mount namespace (gst_namespace.sh says how): every picture
 * reaches the driver, the audit is clean and libavcodec decodes every
 * frame. CABAC and 8x8 transforms are turned off: the double's CPU encoder
 * has neither yet. Exit 77 (skipped) when not root, without gst-launch-1.0
 * or the va plugin, or where no mount namespace can be made. */
static int test_gstreamer(const char *script, const char *element)
{
    const char *launch = "/usr/bin/gst-launch-1.0";
    if (geteuid() != 0) {
        printf("skipped: needs root for a private mount namespace (unshare -m)\n");
        return 77;
    }
    if (access(launch, X_OK) != 0) {
        printf("skipped: %s is not installed (gstreamer1.0-tools)\n", launch);
        return 77;
    }
    if (system("gst-inspect-1.0 va >/dev/null 2>&1") != 0) {
        printf("skipped: GStreamer's va plugin is not installed (gstreamer1.0-plugins-bad)\n");
        return 77;
    }
    if (system("unshare -m true") != 0) {
        printf("skipped: unshare -m fails here (no CAP_SYS_ADMIN in this container)\n");
        return 77;
    }
    char out[512], registry[64], cmd[2048];
    snprintf(out, sizeof(out), "%s/vaapi-gst-%d.264", getcwd(cmd, sizeof(cmd)) ? cmd : ".", (int)getpid());
    snprintf(registry, sizeof(registry), "vaapi-gst-registry-%d.bin", (int)getpid());
    unlink(out);
    unlink(registry);
    int frames = 30;
    snprintf(cmd, sizeof(cmd),
             "GST_REGISTRY=%s timeout 120 unshare -m '%s' %s -q videotestsrc num-buffers=%d pattern=ball ! "
             "video/x-raw,format=NV12,width=%d,height=%d,framerate=25/1 ! %s cabac=false dct8x8=false ! h264parse ! "
             "filesink location=%s",
             registry, script, launch, frames, W, H, element, out);
    printf("$ %s\n", cmd);
    fflush(stdout);
    int status = system(cmd);
    unlink(registry);
    const char *t = read_trace();
    REQUIRE(status == 0, "exit status %d; driver trace:\n%s", status, t);
    check_trace_clean(t);
    REQUIRE(count_lines(t, "picture n=", NULL) == frames, "%d pictures reached the driver:\n%s",
            count_lines(t, "picture n=", NULL), t);
    decoded_video dec;
    char err[256];
    REQUIRE(avdecode_h264_file(out, &dec, err, sizeof(err)) == 0, "%s", err);
    REQUIRE(dec.frame_count == frames && dec.width == W && dec.height == H, "decoded %d frames of %dx%d",
            dec.frame_count, dec.width, dec.height);
    decoded_video_free(&dec);
    unlink(out);
    return 0;
}

/* ------------------------------------------------ FFmpeg through the double */

/* /usr/bin/ffmpeg's h264_vaapi (hwupload from system memory) with the given
 * options on this profile: the stream decodes to every frame and the
 * driver saw no broken rule. Exit 77 (skipped) without ffmpeg. */
static int test_ffmpeg(const char *ffmpeg, const char *options)
{
    if (access(ffmpeg, X_OK) != 0) {
        printf("skipped: %s is not installed\n", ffmpeg);
        return 77;
    }
    char in[64], out[64]; /* per process: ctest runs the profiles side by side */
    snprintf(in, sizeof(in), "vaapi-ffmpeg-in-%d.y4m", (int)getpid());
    snprintf(out, sizeof(out), "vaapi-ffmpeg-out-%d.264", (int)getpid());
    FILE *f = fopen(in, "wb");
    REQUIRE(f, "cannot write %s", in);
    fprintf(f, "YUV4MPEG2 W%d H%d F25:1 Ip A1:1 C420jpeg\n", W, H);
    uint8_t *frame = malloc(W * H * 3 / 2);
    int frames = 15;
    for (int i = 0; i < frames; i++) {
        source_frame(i, frame);
        fprintf(f, "FRAME\n");
        fwrite(frame, 1, W * H * 3 / 2, f);
    }
    fclose(f);
    free(frame);
    unlink(out);
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "'%s' -nostdin -hide_banner -loglevel error -vaapi_device '%s' -i %s "
                               "-vf format=nv12,hwupload -c:v h264_vaapi %s -y %s", ffmpeg, node_path, in, options, out);
    printf("$ %s\n", cmd);
    fflush(stdout);
    int status = system(cmd);
    const char *t = read_trace();
    REQUIRE(status == 0, "'%s' exited with %d; driver trace:\n%s", cmd, status, t);
    check_trace_clean(t);
    REQUIRE(count_lines(t, "picture n=", NULL) == frames, "%d pictures reached the driver:\n%s",
            count_lines(t, "picture n=", NULL), t);
    decoded_video dec;
    char err[256];
    REQUIRE(avdecode_h264_file(out, &dec, err, sizeof(err)) == 0, "%s", err);
    REQUIRE(dec.frame_count == frames && dec.width == W && dec.height == H, "decoded %d frames of %dx%d",
            dec.frame_count, dec.width, dec.height);
    decoded_video_free(&dec);
    unlink(in);
    unlink(out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_vaapi probe|roundtrip|bframes|intra-only|rc|reconfigure|fallback|endfail|external|audit|cli|list-backends [arg]\n");
        return 2;
    }
    setup();
    const char *arg = argc > 2 ? argv[2] : "";
    if (!strcmp(argv[1], "probe")) return test_probe(arg);
    if (!strcmp(argv[1], "roundtrip")) return test_roundtrip(arg);
    if (!strcmp(argv[1], "rc")) return test_rc(arg);
    if (!strcmp(argv[1], "bframes")) return test_bframes();
    if (!strcmp(argv[1], "intra-only")) return test_intra_only();
    if (!strcmp(argv[1], "reconfigure")) return test_reconfigure();
    if (!strcmp(argv[1], "tools")) return test_tools(argc > 2 ? argv[2] : "default");
    if (!strcmp(argv[1], "fallback")) return test_fallback();
    if (!strcmp(argv[1], "endfail")) return test_endfail();
    if (!strcmp(argv[1], "external")) return test_external();
    if (!strcmp(argv[1], "audit")) return test_audit();
    if (!strcmp(argv[1], "cli")) return test_cli(arg);
    if (!strcmp(argv[1], "defect")) return test_defect(arg);
    if (!strcmp(argv[1], "ffmpeg")) return test_ffmpeg(arg, argc > 3 ? argv[3] : "");
    if (!strcmp(argv[1], "rule")) return test_rule(arg);
    if (!strcmp(argv[1], "pipeline")) return test_pipeline(arg);
    if (!strcmp(argv[1], "gstreamer")) return test_gstreamer(arg, argc > 3 ? argv[3] : "vah264enc");
    if (!strcmp(argv[1], "hrd")) return test_hrd(arg, argc > 3 ? argv[3] : "");
    if (!strcmp(argv[1], "sync-fail")) return test_sync_fail();
    if (!strcmp(argv[1], "list-backends")) return test_list_backends(arg, argc > 3 ? argv[3] : "default");
    fprintf(stderr, "test_vaapi: unknown test '%s'\n", argv[1]);
    return 2;
}

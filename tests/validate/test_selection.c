/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Backend selection and a double broken on purpose (double_break.h):
 *
 *   test_selection HWENC BACKEND none
 *     `auto` chooses the double after its test encode passes, and says so
 *     in hwenc_get_selection and `hwenc list-backends`; skip_test_encode
 *     and an explicit choice say that no test encode ran; the stream
 *     decodes.
 *   test_selection HWENC BACKEND poc|drop|garbage EXPECT
 *     `auto` passes the double over, with "test encode failed: ...EXPECT..."
 *     as its reason, and encodes on the CPU; hwenc_test_encode fails alike;
 *     chosen explicitly, or under `auto` with skip_test_encode, the double
 *     opens and the encode fails at the broken picture with HWENC_EBACKEND
 *     and EXPECT in hwenc_last_error: never a broken stream handed out.
 *     `hwenc list-backends` says the test encode failed, and why.
 *
 * Run through ctest, which points the double's environment at it; for
 * VA-API, HWENCTEST_DRM_NODE names the file standing for the render node.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/common/avdecode.h"
#include "tests/common/check.h"
#include "tools/media/clipgen.h"
#include "hwenc/hwenc.h"

#define WIDTH 160
#define HEIGHT 128
#define FRAMES 8

static enum hwenc_backend backend;
static const char *device;
static const char *hwenc_cli;

static void base_config(hwenc_config *cfg, enum hwenc_backend which)
{
    hwenc_config_default(cfg);
    cfg->backend = which;
    cfg->device = device;
    cfg->width = WIDTH;
    cfg->height = HEIGHT;
    cfg->bframes = 1;
}

/* The file the VA double's DRM shim treats as a render node. */
static void make_va_node(void)
{
    const char *node = getenv("HWENCTEST_DRM_NODE");
    if (!node)
        return;
    char dir[512];
    snprintf(dir, sizeof(dir), "%s", node);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
        mkdir(dir, 0755);
    }
    int fd = open(node, O_CREAT | O_WRONLY, 0644);
    REQUIRE(fd >= 0, "cannot create %s: %s", node, strerror(errno));
    close(fd);
    device = node;
}

/* The backend's "test encode:" line of `hwenc list-backends`. */
static void list_backends_says(const char *expect)
{
    char cmd[1024], line[1024];
    snprintf(cmd, sizeof(cmd), "'%s' list-backends%s%s", hwenc_cli, device ? " --device " : "", device ? device : "");
    FILE *p = popen(cmd, "r");
    REQUIRE(p, "cannot run %s", cmd);
    int in_section = 0, found = 0;
    size_t len = strlen(hwenc_backend_name(backend));
    while (fgets(line, sizeof(line), p)) {
        if (line[0] != ' ')
            in_section = !strncmp(line, hwenc_backend_name(backend), len) && line[len] == ' ';
        if (in_section && strstr(line, "test encode: ")) {
            REQUIRE(strstr(line, expect), "list-backends: '%s' lacks '%s'", line, expect);
            found = 1;
        }
    }
    REQUIRE(pclose(p) == 0 && found, "%s: no test encode line for %s", cmd, hwenc_backend_name(backend));
}

static const hwenc_backend_info *entry(const hwenc_backend_info *info, int n, enum hwenc_backend which)
{
    for (int i = 0; i < n; i++)
        if (info[i].backend == which)
            return &info[i];
    return NULL;
}

typedef struct encode_outcome {
    int ret;                     /* 0, or the failing call's result */
    char error[512];
    int packets;
    uint8_t *stream;
    size_t size;
} encode_outcome;

static int collect(hwenc_encoder *enc, encode_outcome *o)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(enc, &pkt)) == 0) {
        uint8_t *grown = realloc(o->stream, o->size + pkt.size);
        REQUIRE(grown, "out of memory");
        o->stream = grown;
        memcpy(o->stream + o->size, pkt.data, pkt.size);
        o->size += pkt.size;
        o->packets++;
    }
    return ret == HWENC_EAGAIN || ret == HWENC_EOF ? 0 : ret;
}

/* Encodes FRAMES frames of a panning texture; stops at the first error. */
static void encode(hwenc_encoder *enc, encode_outcome *o)
{
    static uint8_t frame[WIDTH * HEIGHT * 3 / 2];
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < FRAMES && !o->ret; i++) {
        clipgen_frame_i420(CLIPGEN_PAN, WIDTH, HEIGHT, i, 7, frame);
        hwenc_frame f = { .plane = { frame, frame + WIDTH * HEIGHT, frame + WIDTH * HEIGHT * 5 / 4 },
                          .stride = { WIDTH, WIDTH / 2, WIDTH / 2 }, .pts = i };
        while ((o->ret = hwenc_send_frame(enc, &f)) == HWENC_EAGAIN)
            if ((o->ret = collect(enc, o)) < 0)
                break;
        if (!o->ret)
            o->ret = collect(enc, o);
    }
    if (!o->ret && !(o->ret = hwenc_send_frame(enc, NULL)))
        o->ret = collect(enc, o);
    if (o->ret)
        snprintf(o->error, sizeof(o->error), "%s", hwenc_last_error(enc));
}

static void test_sound(void)
{
    hwenc_config cfg;
    hwenc_encoder *enc;
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    char err[512];
    const char *name = hwenc_backend_name(backend);

    base_config(&cfg, HWENC_BACKEND_AUTO);
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "auto: %s", err);
    int n = hwenc_get_selection(enc, info, HWENC_BACKEND_COUNT);
    const hwenc_backend_info *e = entry(info, n, backend);
    REQUIRE(hwenc_get_backend(enc) == backend, "auto chose %s, not the %s double",
            hwenc_backend_name(hwenc_get_backend(enc)), name);
    REQUIRE(e && strstr(e->reason, "; test encode passed: 5 pictures (IDR ") &&
                strstr(e->reason, ") at 256x256 as planned"), "%s's reason: %s", name, e ? e->reason : "(not tried)");
    encode_outcome o;
    encode(enc, &o);
    REQUIRE(o.ret == 0 && o.packets == FRAMES, "encode: %d packets, %s", o.packets, o.error);
    decoded_video v;
    REQUIRE(avdecode_h264(o.stream, o.size, &v, err, sizeof(err)) == 0 && v.frame_count == FRAMES, "decode: %s", err);
    decoded_video_free(&v);
    free(o.stream);
    hwenc_close(enc);

    cfg.skip_test_encode = 1;
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "auto, skip_test_encode: %s", err);
    n = hwenc_get_selection(enc, info, HWENC_BACKEND_COUNT);
    e = entry(info, n, backend);
    REQUIRE(hwenc_get_backend(enc) == backend && e && strstr(e->reason, "; test encode skipped (skip_test_encode)"),
            "skip_test_encode: %s: %s", hwenc_backend_name(hwenc_get_backend(enc)), e ? e->reason : "(not tried)");
    hwenc_close(enc);

    base_config(&cfg, backend);
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "explicit: %s", err);
    n = hwenc_get_selection(enc, info, HWENC_BACKEND_COUNT);
    REQUIRE(n == 1 && strstr(info[0].reason, "; chosen explicitly, so not test-encoded"), "explicit: %s", info[0].reason);
    hwenc_close(enc);

    /* Profiles without B pictures (or without P) code other types. */
    REQUIRE(hwenc_test_encode(&cfg, backend, err, sizeof(err)) == 0 && strstr(err, "5 pictures (IDR "),
            "hwenc_test_encode: %s", err);
    cfg.bframes = 0;
    REQUIRE(hwenc_test_encode(&cfg, backend, err, sizeof(err)) == 0 && strstr(err, "4 pictures (IDR ") &&
                strstr(err, ") at 256x256"), "hwenc_test_encode without B frames: %s", err);
    REQUIRE(hwenc_test_encode(&cfg, HWENC_BACKEND_AUTO, err, sizeof(err)) == HWENC_EINVAL && strstr(err, "one backend"),
            "hwenc_test_encode of auto: %s", err);
    list_backends_says("test encode: passed: 4 pictures (IDR ");
}

/* A broken double opened anyway: the encode must stop at the broken
 * picture with the reason, not hand out what a decoder would misplay. */
static void expect_encode_fails(hwenc_config *cfg, const char *expect, const char *how)
{
    hwenc_encoder *enc;
    char err[512];
    REQUIRE(hwenc_open_ex(cfg, &enc, err, sizeof(err)) == 0, "%s: %s", how, err);
    REQUIRE(hwenc_get_backend(enc) == backend, "%s: opened %s", how, hwenc_backend_name(hwenc_get_backend(enc)));
    encode_outcome o;
    encode(enc, &o);
    REQUIRE(o.ret == HWENC_EBACKEND && strstr(o.error, expect), "%s: the encode ended with %d (%s) after %d packets, "
            "not HWENC_EBACKEND with '%s'", how, o.ret, o.error, o.packets, expect);
    /* The broken picture is the second in coding order; nothing after it
     * comes out. */
    REQUIRE(o.packets <= 1, "%s: %d packets came out", how, o.packets);
    int after = hwenc_receive_packet(enc, &(hwenc_packet){ 0 });
    REQUIRE(after == HWENC_EBACKEND || after == HWENC_EOF, "%s: after the failure, receive returned %d", how, after);
    printf("%s: %s\n", how, o.error);
    free(o.stream);
    hwenc_close(enc);
}

static void test_broken(const char *expect)
{
    hwenc_config cfg;
    hwenc_encoder *enc;
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    char err[512];
    const char *name = hwenc_backend_name(backend);

    base_config(&cfg, HWENC_BACKEND_AUTO);
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "auto: %s", err);
    int n = hwenc_get_selection(enc, info, HWENC_BACKEND_COUNT);
    const hwenc_backend_info *e = entry(info, n, backend);
    REQUIRE(hwenc_get_backend(enc) == HWENC_BACKEND_CPU, "auto chose %s over a broken %s double",
            hwenc_backend_name(hwenc_get_backend(enc)), name);
    REQUIRE(e && !e->available && !strncmp(e->reason, "test encode failed: ", 20) && strstr(e->reason, expect),
            "%s's reason lacks 'test encode failed: ...%s': %s", name, expect, e ? e->reason : "(not tried)");
    printf("auto passed %s over: %s\n", name, e->reason);
    encode_outcome o;
    encode(enc, &o);
    REQUIRE(o.ret == 0 && o.packets == FRAMES, "the CPU encode: %d packets, %s", o.packets, o.error);
    free(o.stream);
    hwenc_close(enc);

    REQUIRE(hwenc_test_encode(&cfg, backend, err, sizeof(err)) < 0 && strstr(err, expect), "hwenc_test_encode: %s", err);

    char line[256];
    snprintf(line, sizeof(line), "test encode: FAILED: ");
    list_backends_says(line);
    list_backends_says(expect);

    base_config(&cfg, backend);
    expect_encode_fails(&cfg, expect, "chosen explicitly");
    base_config(&cfg, HWENC_BACKEND_AUTO);
    cfg.skip_test_encode = 1;
    expect_encode_fails(&cfg, expect, "auto with skip_test_encode");
}

int main(int argc, char **argv)
{
    if (argc < 4 || hwenc_backend_from_name(argv[2]) <= 0 || (strcmp(argv[3], "none") && argc < 5)) {
        fprintf(stderr, "usage: test_selection HWENC BACKEND none | HWENC BACKEND poc|drop|garbage EXPECTED-MESSAGE\n");
        return 2;
    }
    hwenc_cli = argv[1];
    backend = (enum hwenc_backend)hwenc_backend_from_name(argv[2]);
    make_va_node();
    if (!strcmp(argv[3], "none"))
        test_sound();
    else
        test_broken(argv[4]);
    printf("selection %s %s: ok\n", argv[2], argv[3]);
    return 0;
}

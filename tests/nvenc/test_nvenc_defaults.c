/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwenc's NVENC configuration against FFmpeg's h264_nvenc for the same
 * settings, on the same stand-in: both record what they sent
 * (HWENC_FAKE_NVENC_DUMP), and every field must be equal except the
 * deviations hw/nvenc/README.md gives reasons for, which are printed. The
 * order of the calls that set a session up and take it down must be
 * FFmpeg's too, but for FFmpeg's nvEncSetIOCudaStreams and hwenc's input
 * format query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/nvenc/test_nvenc.h"

#define SKIPPED 77
#define MAX_LINES 256

typedef struct setting {
    const char *name;
    const char *ffmpeg;          /* h264_nvenc options */
    const char *hwenc;           /* hwenc encode options */
    /* Fields that may differ here, each one a README deviation: "key", or
     * "key=value" where hwenc must send that value. */
    const char *deviations;
    /* "key=value" hwenc must send whatever FFmpeg sends, or NULL. */
    const char *required;
} setting;

/* High with CABAC and the 8x8 transform set explicitly (README: FFmpeg
 * 5.1's default is Main with the preset's entropy coding). */
#define HIGH_TOOLS "profile=high entropyCodingMode=1 adaptiveTransformMode=2"

static const setting settings[] = {
    { "VBR with B frames", "-preset p4 -tune hq -b:v 2M -g 250 -bf 2",
      "--rc abr --bitrate 2000 --keyint 250 --bframes 2", "maxNumRefFrames numRefL0 " HIGH_TOOLS, NULL },
    { "CBR ultra-low latency", "-preset p4 -tune ull -rc cbr -b:v 1M -g 60 -bf 0 -zerolatency 1",
      "--rc cbr --bitrate 1000 --keyint 60 --low-latency", "maxNumRefFrames numRefL0 vbvBufferSize=0 " HIGH_TOOLS,
      /* The ultra-low-latency tuning's own VBV (the stand-in's preset: 0,
       * the driver's default) stays. */
      "vbvBufferSize=0" },
    { "constant QP", "-preset p4 -rc constqp -qp 24 -g 30 -bf 0", "--qp 24 --keyint 30",
      "maxNumRefFrames numRefL0 constQP averageBitRate vbvBufferSize " HIGH_TOOLS, NULL },
};

typedef struct dump {
    int n;
    char *key[MAX_LINES], *value[MAX_LINES];
} dump;

/* The last session's record: from its nvEncOpenEncodeSessionEx on (hwenc
 * probes the GPU in a session of its own first). */
static int read_dump(const char *path, dump *d)
{
    FILE *f = fopen(path, "r");
    char line[256];
    d->n = 0;
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        if (!strcmp(line, "call nvEncOpenEncodeSessionEx")) {
            for (int i = 0; i < d->n; i++) {
                free(d->key[i]);
                free(d->value[i]);
            }
            d->n = 0;
        }
        char *space = strchr(line, ' ');
        if (!space || d->n == MAX_LINES)
            continue;
        *space = 0;
        d->key[d->n] = strdup(line);
        d->value[d->n] = strdup(space + 1);
        d->n++;
    }
    if (f)
        fclose(f);
    return d->n ? 0 : -1;
}

static void free_dump(dump *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->key[i]);
        free(d->value[i]);
    }
    d->n = 0;
}

static const char *field(const dump *d, const char *key)
{
    for (int i = 0; i < d->n; i++)
        if (!strcmp(d->key[i], key))
            return d->value[i];
    return NULL;
}

/* Whether key is a deviation allowed with this value of hwenc's. */
static int allowed(const char *list, const char *key, const char *value)
{
    size_t n = strlen(key);
    for (const char *p = strstr(list, key); p; p = strstr(p + 1, key)) {
        if ((p != list && p[-1] != ' ') || (p[n] != ' ' && p[n] != '=' && p[n]))
            continue;
        if (p[n] != '=')
            return 1;
        size_t len = strcspn(p + n + 1, " ");
        return value && strlen(value) == len && !strncmp(p + n + 1, value, len);
    }
    return 0;
}

/* The calls in order, one line each, without the ones only one side makes. */
static void call_order(const dump *d, char *out, size_t size)
{
    size_t len = 0;
    out[0] = 0;
    for (int i = 0; i < d->n && len < size; i++) {
        const char *v = d->value[i];
        if (strcmp(d->key[i], "call") || !strcmp(v, "nvEncSetIOCudaStreams") || strstr(v, "InputFormat") ||
            (len && !strncmp(out + len - strlen(v) - 1, v, strlen(v))))
            continue;
        len += (size_t)snprintf(out + len, size - len, "%s\n", v);
    }
}

static int compare(const setting *s, const dump *ff, const dump *hw, char *msg, size_t n)
{
    int bad = 0;
    for (int i = 0; i < ff->n; i++) {
        const char *key = ff->key[i];
        if (!strcmp(key, "call"))
            continue;
        const char *mine = field(hw, key);
        int same = mine && !strcmp(mine, ff->value[i]);
        if (same)
            continue;
        int ok = allowed(s->deviations, key, mine);
        printf("  %-26s FFmpeg %-12s hwenc %-12s %s\n", key, ff->value[i], mine ? mine : "(none)",
               ok ? "(deviation, see README)" : "DIFFERS");
        if (!ok && !bad) {
            snprintf(msg, n, "%s: %s is %s in hwenc, %s in FFmpeg", s->name, key, mine ? mine : "not sent",
                     ff->value[i]);
            bad = 1;
        }
    }
    if (!bad && s->required) {
        const char *eq = strchr(s->required, '=');
        char key[64];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - s->required), s->required);
        const char *mine = field(hw, key);
        if (!mine || strcmp(mine, eq + 1)) {
            snprintf(msg, n, "%s: hwenc sent %s %s, not %s", s->name, key, mine ? mine : "nothing", eq + 1);
            bad = 1;
        }
    }
    char a[4096], b[4096];
    call_order(ff, a, sizeof(a));
    call_order(hw, b, sizeof(b));
    if (!bad && strcmp(a, b)) {
        printf("FFmpeg's calls:\n%shwenc's calls:\n%s", a, b);
        snprintf(msg, n, "%s: the calls come in another order than FFmpeg's", s->name);
        bad = 1;
    }
    return bad ? -1 : 0;
}

int test_defaults(const char *hwenc, const char *ffmpeg, char *msg, size_t n)
{
    if (access(ffmpeg, X_OK)) {
        printf("%s is missing: skipped\n", ffmpeg);
        return SKIPPED;
    }
    char dir[] = "/tmp/hwenc-defaults-XXXXXX";
    if (!mkdtemp(dir)) {
        snprintf(msg, n, "mkdtemp failed");
        return -1;
    }
    char in[256], out[256], ffdump[256], hwdump[256], cmd[2048];
    snprintf(in, sizeof(in), "%s/in.y4m", dir);
    snprintf(out, sizeof(out), "%s/out.264", dir);
    snprintf(ffdump, sizeof(ffdump), "%s/ffmpeg.dump", dir);
    snprintf(hwdump, sizeof(hwdump), "%s/hwenc.dump", dir);
    char env[1024];
    test_ffmpeg_env(env, sizeof(env));
    int ret = test_write_y4m(in, 176, 144, 12);
    if (ret < 0)
        snprintf(msg, n, "cannot write %s", in);
    for (size_t i = 0; ret == 0 && i < sizeof(settings) / sizeof(settings[0]); i++) {
        const setting *s = &settings[i];
        printf("%s\n", s->name);
        remove(ffdump);
        remove(hwdump);
        snprintf(cmd, sizeof(cmd),
                 "HWENC_FAKE_NVENC_DUMP='%s' %s'%s' -nostdin -hide_banner -loglevel error -y -i '%s' "
                 "-c:v h264_nvenc %s '%s' && HWENC_FAKE_NVENC_DUMP='%s' '%s' encode '%s' -o '%s' --backend nvenc "
                 "--quiet %s",
                 ffdump, env, ffmpeg, in, s->ffmpeg, out, hwdump, hwenc, in, out, s->hwenc);
        printf("$ %s\n", cmd);
        fflush(stdout);
        dump ff = { 0 }, hw = { 0 };
        if (system(cmd) != 0) {
            snprintf(msg, n, "%s: an encode failed", s->name);
            ret = -1;
        } else if (read_dump(ffdump, &ff) < 0 || read_dump(hwdump, &hw) < 0) {
            snprintf(msg, n, "%s: the stand-in recorded nothing", s->name);
            ret = -1;
        } else {
            ret = compare(s, &ff, &hw, msg, n);
        }
        free_dump(&ff);
        free_dump(&hw);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return ret;
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * `hwenc validate` end to end, its reports read back with a JSON parser
 * that shares nothing with the writer:
 *
 *   test_validate_cli HWENC BACKEND pass DIR - ARGS...
 *     exit 0, "PASSED"; validate.json says pass and names the backend's
 *     device and driver; the test encode passed; every case passed or was
 *     not offered, and every check of the matrix ran somewhere;
 *     validate.md says the same.
 *   test_validate_cli HWENC BACKEND poc|drop|garbage DIR EXPECT ARGS...
 *     (the double broken that way) exit 1, "FAILED"; the test encode and
 *     every case that ran failed, each saying EXPECT.
 *   test_validate_cli HWENC BACKEND nothing DIR EXPECT ARGS...
 *     exit 3; validate.json says nothing was validated, and why (EXPECT).
 *   test_validate_cli HWENC BACKEND usage DIR EXPECT ARGS...
 *     exit 2 with EXPECT on stderr, and no report.
 *   test_validate_cli HWENC cpu y4m DIR - ARGS...
 *     as pass, with a Y4M clip written here as --input.
 *
 * For VA-API, HWENCTEST_DRM_NODE names the file standing for the render
 * node; it is created and passed as --device.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/check.h"
#include "tools/media/clipgen.h"
#include "tests/bench/mini_json.h"
#include "tools/media/video_io.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = 0;
    fclose(f);
    return s;
}

static void make_dir(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0755);
            *p = '/';
        }
    REQUIRE(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
}

/* The file the VA double's DRM shim treats as a render node. */
static const char *va_node(void)
{
    const char *node = getenv("HWENCTEST_DRM_NODE");
    if (!node)
        return NULL;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s", node);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
        make_dir(dir);
    }
    int fd = open(node, O_CREAT | O_WRONLY, 0644);
    REQUIRE(fd >= 0, "cannot create %s: %s", node, strerror(errno));
    close(fd);
    return node;
}

static void write_clip(const char *path, int frames)
{
    video_info info = { .width = 176, .height = 144, .fps_num = 30, .fps_den = 1 };
    video_writer *w = NULL;
    char err[256];
    REQUIRE(video_writer_open(&w, path, &info, err, sizeof(err)) == 0, "%s", err);
    static uint8_t frame[176 * 144 * 3 / 2];
    for (int i = 0; i < frames; i++) {
        clipgen_frame_i420(CLIPGEN_OBJECT, 176, 144, i, 3, frame);
        const uint8_t *plane[3] = { frame, frame + 176 * 144, frame + 176 * 144 * 5 / 4 };
        const ptrdiff_t stride[3] = { 176, 88, 88 };
        REQUIRE(video_writer_write(w, plane, stride) == 0, "writing %s", path);
    }
    REQUIRE(video_writer_close(w) == 0, "closing %s", path);
}

/* Runs hwenc with args; returns the exit status, stdout in *out. */
static int run(char *const *args, char **out, const char *log_path)
{
    int pipefd[2];
    REQUIRE(pipe(pipefd) == 0, "pipe");
    pid_t pid = fork();
    REQUIRE(pid >= 0, "fork");
    if (pid == 0) {
        dup2(pipefd[1], 1);
        int log = open(log_path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (log >= 0)
            dup2(log, 2);
        close(pipefd[0]);
        execv(args[0], args);
        _exit(127);
    }
    close(pipefd[1]);
    size_t size = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t n;
    while (buf && (n = read(pipefd[0], buf + size, cap - size - 1)) > 0) {
        size += (size_t)n;
        if (size + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    REQUIRE(buf, "out of memory");
    buf[size] = 0;
    close(pipefd[0]);
    int status;
    REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid");
    *out = buf;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static const char *str(const json_value *obj, const char *key)
{
    const json_value *v = json_get(obj, key);
    REQUIRE(v && v->type == JSON_STRING, "no string '%s'", key);
    return v->string;
}

static double num(const json_value *obj, const char *key)
{
    const json_value *v = json_get(obj, key);
    REQUIRE(v && v->type == JSON_NUMBER, "no number '%s'", key);
    return v->number;
}

static int boolean(const json_value *obj, const char *key)
{
    const json_value *v = json_get(obj, key);
    REQUIRE(v && v->type == JSON_BOOL, "no boolean '%s'", key);
    return v->boolean;
}

static json_value *read_json(const char *dir, char **md)
{
    char path[1024], err[256];
    snprintf(path, sizeof(path), "%s/validate.json", dir);
    char *text = read_file(path);
    REQUIRE(text, "no %s", path);
    json_value *root = json_parse(text, err, sizeof(err));
    REQUIRE(root && root->type == JSON_OBJECT, "%s: %s", path, err);
    free(text);
    snprintf(path, sizeof(path), "%s/validate.md", dir);
    *md = read_file(path);
    REQUIRE(*md, "no %s", path);
    return root;
}

static const json_value *the_backend(const json_value *root, const char *backend)
{
    const json_value *list = json_get(root, "backends");
    REQUIRE(list && list->type == JSON_ARRAY && list->n == 1, "one backend validated");
    const json_value *b = &list->items[0];
    REQUIRE(!strcmp(str(b, "backend"), backend), "validated %s, not %s", str(b, "backend"), backend);
    REQUIRE(boolean(b, "available"), "%s not available", backend);
    REQUIRE(str(b, "device")[0], "%s names no device", backend);
    return b;
}

/* A sound backend: everything passed, and the matrix really ran. */
static void check_passed(const json_value *root, const char *md, const char *backend)
{
    static const char *const kinds[] = { "encode", "frames", "order", "keyframes", "structure", "bitrate", "psnr" };
    int ran[7] = { 0 };
    REQUIRE(!strcmp(str(root, "result"), "pass"), "result %s", str(root, "result"));
    const json_value *b = the_backend(root, backend);
    REQUIRE(str(b, "driver")[0], "%s names no driver", backend);
    const json_value *te = json_get(b, "test_encode");
    REQUIRE(te && boolean(te, "passed") && strstr(str(te, "report"), "as planned"), "test encode");
    const json_value *cases = json_get(b, "cases");
    REQUIRE(cases && cases->type == JSON_ARRAY && cases->n >= 15, "%d cases", cases ? cases->n : 0);
    int passed = 0, rate_modes = 0;
    for (int i = 0; i < cases->n; i++) {
        const json_value *c = &cases->items[i];
        const char *status = str(c, "status");
        REQUIRE(!strcmp(status, "pass") || !strcmp(status, "not offered"), "%s: %s: %s", str(c, "name"), status,
                str(c, "message"));
        if (strcmp(status, "pass"))
            continue;
        passed++;
        rate_modes += strcmp(str(c, "rc"), "cqp") && strcmp(str(c, "rc"), "crf");
        REQUIRE(num(c, "decoded") == num(c, "frames") && num(c, "frames") >= 6, "%s: frames", str(c, "name"));
        const json_value *checks = json_get(c, "checks");
        for (int k = 0; checks && k < checks->n; k++)
            for (int j = 0; j < 7; j++)
                ran[j] += !strcmp(str(&checks->items[k], "name"), kinds[j]) && boolean(&checks->items[k], "passed");
    }
    /* A CQP-only device (the ANV profile) runs the six constant-QP cases:
     * B frames on and off, forced IDRs with and without them, keyint -1
     * and low latency. It has no bitrate to check; every other check runs
     * whatever the device. */
    REQUIRE(passed >= (rate_modes ? 8 : 6), "only %d cases passed", passed);
    for (int j = 0; j < 7; j++)
        REQUIRE(ran[j] || (!rate_modes && !strcmp(kinds[j], "bitrate")), "no case ran the %s check", kinds[j]);
    REQUIRE(strstr(md, "# hwenc validate: PASSED") && strstr(md, str(b, "driver")), "validate.md");
}

/* A broken backend: the test encode and every case that ran failed with
 * the reason. */
static void check_failed(const json_value *root, const char *md, const char *backend, const char *expect)
{
    REQUIRE(!strcmp(str(root, "result"), "fail"), "result %s", str(root, "result"));
    const json_value *b = the_backend(root, backend);
    const json_value *te = json_get(b, "test_encode");
    REQUIRE(te && !boolean(te, "passed") && strstr(str(te, "report"), expect), "test encode: %s",
            te ? str(te, "report") : "");
    const json_value *cases = json_get(b, "cases");
    int failed = 0;
    for (int i = 0; cases && i < cases->n; i++) {
        const json_value *c = &cases->items[i];
        if (!strcmp(str(c, "status"), "not offered"))
            continue;
        REQUIRE(!strcmp(str(c, "status"), "fail") && strstr(str(c, "message"), expect), "%s: %s: %s",
                str(c, "name"), str(c, "status"), str(c, "message"));
        failed++;
    }
    REQUIRE(failed >= 8, "only %d cases failed", failed);
    REQUIRE(strstr(md, "# hwenc validate: FAILED") && strstr(md, "### Failed checks") && strstr(md, expect),
            "validate.md");
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: test_validate_cli HWENC BACKEND pass|poc|drop|garbage|nothing|usage|y4m DIR "
                "EXPECT|- [ARGS...]\n");
        return 2;
    }
    const char *hwenc = argv[1], *backend = argv[2], *mode = argv[3], *dir = argv[4], *expect = argv[5];
    char *args[64], log[1024], clip[1024];
    int n = 0;
    make_dir(dir);
    snprintf(log, sizeof(log), "%s/stderr.txt", dir);
    unlink(log);
    args[n++] = (char *)hwenc;
    args[n++] = "validate";
    args[n++] = "--backend";
    args[n++] = (char *)backend;
    const char *node = va_node();
    if (node && !strcmp(backend, "vaapi")) {
        args[n++] = "--device";
        args[n++] = (char *)node;
    }
    if (!strcmp(mode, "y4m")) {
        snprintf(clip, sizeof(clip), "%s/clip.y4m", dir);
        write_clip(clip, 50);
        args[n++] = "--input";
        args[n++] = clip;
    }
    args[n++] = "--output-dir";
    args[n++] = (char *)dir;
    for (int i = 6; i < argc && n < 62; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    char report[1024];
    snprintf(report, sizeof(report), "%s/validate.json", dir);
    unlink(report);

    char *out, *md;
    int status = run(args, &out, log);
    char *err = read_file(log);
    printf("%s", out);
    if (!strcmp(mode, "usage")) {
        REQUIRE(status == 2 && err && strstr(err, expect) && access(report, F_OK) != 0,
                "exit %d, stderr: %s", status, err ? err : "");
    } else if (!strcmp(mode, "nothing")) {
        REQUIRE(status == 3 && strstr(out, "nothing to validate") && strstr(out, expect), "exit %d: %s", status, out);
        json_value *root = read_json(dir, &md);
        REQUIRE(!strcmp(str(root, "result"), "nothing validated") && strstr(str(root, "no_backend"), expect),
                "no_backend: %s", str(root, "no_backend"));
        json_free(root);
        free(md);
    } else if (!strcmp(mode, "pass") || !strcmp(mode, "y4m")) {
        REQUIRE(status == 0 && strstr(out, "PASSED"), "exit %d; stderr:\n%s", status, err ? err : "");
        json_value *root = read_json(dir, &md);
        check_passed(root, md, backend);
        if (!strcmp(mode, "y4m"))
            REQUIRE(strstr(str(root, "input"), "clip.y4m: 50 frames of 176x144 at 30/1 fps"), "input: %s",
                    str(root, "input"));
        json_free(root);
        free(md);
    } else {
        REQUIRE(status == 1 && strstr(out, "FAILED") && strstr(out, expect), "exit %d: %s", status, out);
        json_value *root = read_json(dir, &md);
        check_failed(root, md, backend, expect);
        json_free(root);
        free(md);
    }
    free(out);
    free(err);
    printf("validate %s %s: ok\n", backend, mode);
    return 0;
}

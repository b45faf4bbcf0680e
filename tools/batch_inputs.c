/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The files of a batch and their names. An output is named after its
 * input: the input's file name without its last extension, then "." and
 * --format ("264" by default). Inputs of the same name (a/x.y4m, b/x.y4m,
 * x.yuv) get "-2", "-3"... in the order they were given, so no output ever
 * overwrites another; that order (arguments, then each directory sorted by
 * name, then --list) is the same on every run, so a resumed batch gives a
 * file the name it had.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/batch.h"

static char *format_path(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, fmt, a, b);
    return s;
}

static int add_input(batch *b, const char *path, int *capacity)
{
    if (b->file_count == *capacity) {
        int n = *capacity ? *capacity * 2 : 16;
        batch_file *files = realloc(b->files, (size_t)n * sizeof(*files));
        if (!files)
            return -1;
        b->files = files;
        *capacity = n;
    }
    batch_file *f = &b->files[b->file_count];
    memset(f, 0, sizeof(*f));
    f->device = -1;
    /* A name that starts with '-' would be an option to the child. */
    if (!(f->input = format_path("%s%s", path[0] == '-' ? "./" : "", path)))
        return -1;
    struct stat sb;
    if (stat(path, &sb) == 0)
        f->input_bytes = (int64_t)sb.st_size;
    b->file_count++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a directory (not its subdirectories or hidden files), by name. */
static int add_directory(batch *b, const char *dir, int *capacity)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "hwenc batch: cannot read the directory %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t count = 0, room = 0;
    int ret = 0;
    struct dirent *e;
    while (ret == 0 && (e = readdir(d))) {
        char *path = e->d_name[0] == '.' ? NULL : format_path("%s/%s", dir, e->d_name);
        struct stat sb;
        if (!path || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
            free(path);
            continue;
        }
        if (count == room) {
            char **n = realloc(names, (room = room ? room * 2 : 16) * sizeof(*n));
            if (!n) {
                free(path);
                ret = -1;
                break;
            }
            names = n;
        }
        names[count++] = path;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof(*names), compare_names);
    for (size_t i = 0; i < count; i++) {
        if (ret == 0 && add_input(b, names[i], capacity) < 0)
            ret = -1;
        free(names[i]);
    }
    free(names);
    if (ret < 0)
        fprintf(stderr, "hwenc batch: out of memory\n");
    return ret;
}

/* One path a line; empty lines are skipped. */
static int add_list(batch *b, const char *list, int *capacity)
{
    FILE *f = fopen(list, "r");
    if (!f) {
        fprintf(stderr, "hwenc batch: cannot read --list %s: %s\n", list, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    int ret = 0;
    while (ret == 0 && (n = getline(&line, &size, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n && add_input(b, line, capacity) < 0) {
            fprintf(stderr, "hwenc batch: out of memory\n");
            ret = -1;
        }
    }
    if (ret == 0 && ferror(f)) {
        fprintf(stderr, "hwenc batch: reading --list %s failed: %s\n", list, strerror(errno));
        ret = -1;
    }
    free(line);
    fclose(f);
    return ret;
}

static int name_taken(const batch *b, int upto, const char *name)
{
    if (!strcmp(name, "batch.json") || !strcmp(name, "batch.csv"))
        return 1;
    for (int i = 0; i < upto; i++)
        if (!strcmp(strrchr(b->files[i].output, '/') + 1, name))
            return 1;
    return 0;
}

/* The output and temporary names of file i, after those of the files
 * before it, and its stats and log in the batch's private directory. */
static int name_outputs(batch *b, int i)
{
    batch_file *f = &b->files[i];
    const char *base = strrchr(f->input, '/') ? strrchr(f->input, '/') + 1 : f->input;
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    char name[1024];
    snprintf(name, sizeof(name), "%.*s.%s", stem, base, b->opt.format);
    for (int n = 2; name_taken(b, i, name); n++)
        snprintf(name, sizeof(name), "%.*s-%d.%s", stem, base, n, b->opt.format);
    f->output = format_path("%s/%s", b->opt.outdir, name);
    f->temp = format_path("%s/" BATCH_TEMP_PREFIX "%s", b->opt.outdir, name);
    char index[16];
    snprintf(index, sizeof(index), "%d", i);
    f->stats = format_path("%s/%s.stats.json", b->workdir, index);
    f->log = format_path("%s/%s.log", b->workdir, index);
    return f->output && f->temp && f->stats && f->log ? 0 : -1;
}

int batch_collect_inputs(batch *b, char **args, int count)
{
    int capacity = 0;
    for (int i = 0; i < count; i++) {
        struct stat sb;
        int ret = stat(args[i], &sb) == 0 && S_ISDIR(sb.st_mode) ? add_directory(b, args[i], &capacity)
                                                                  : add_input(b, args[i], &capacity);
        if (ret < 0)
            return -1;
    }
    if (b->opt.list && add_list(b, b->opt.list, &capacity) < 0)
        return -1;
    if (!b->file_count) {
        fprintf(stderr, "hwenc batch: no input: give files, directories or --list FILE\n");
        return -1;
    }
    for (int i = 0; i < b->file_count; i++)
        if (name_outputs(b, i) < 0) {
            fprintf(stderr, "hwenc batch: out of memory\n");
            return -1;
        }
    return 0;
}

int batch_make_workdir(batch *b)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(b->workdir, sizeof(b->workdir), "%s/hwenc-batch-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(b->workdir)) {
        fprintf(stderr, "hwenc batch: cannot create a directory for its logs in %s: %s\n", tmp && tmp[0] ? tmp : "/tmp",
                strerror(errno));
        b->workdir[0] = 0;
        return -1;
    }
    return 0;
}

void batch_free_inputs(batch *b)
{
    for (int i = 0; i < b->file_count; i++) {
        batch_file *f = &b->files[i];
        if (f->stats)
            unlink(f->stats);
        if (f->log)
            unlink(f->log);
        free(f->input);
        free(f->output);
        free(f->temp);
        free(f->stats);
        free(f->log);
    }
    free(b->files);
    b->files = NULL;
    b->file_count = 0;
    if (b->workdir[0])
        rmdir(b->workdir);
    b->workdir[0] = 0;
}

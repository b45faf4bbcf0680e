/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * main() for a harness built without libFuzzer (any compiler): runs every
 * file named on the command line, or found in a directory named there,
 * through LLVMFuzzerTestOneInput once. The test suite replays the seed
 * corpus this way in every build, and a crash file found by a campaign
 * reproduces with it under a debugger.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    uint8_t *data = NULL;
    size_t size = 0, cap = 0, n;
    do {
        if (size == cap && !(data = realloc(data, cap = cap * 2 + 4096))) {
            fclose(f);
            return -1;
        }
        n = fread(data + size, 1, cap - size, f);
        size += n;
    } while (n);
    fclose(f);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a directory in name order, so that runs are reproducible. */
static int run_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof(*names));
        if (!grown || !(grown[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)))
            abort();
        names = grown;
        sprintf(names[n++], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), compare_names);
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        if (run_file(names[i]) < 0)
            ret = -1;
        else
            (*count)++;
        free(names[i]);
    }
    free(names);
    return ret;
}

int main(int argc, char **argv)
{
    int count = 0, ret = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) < 0) {
            perror(argv[i]);
            ret = 1;
        } else if (S_ISDIR(sb.st_mode) ? run_dir(argv[i], &count) < 0 : run_file(argv[i]) < 0) {
            ret = 1;
        } else if (!S_ISDIR(sb.st_mode)) {
            count++;
        }
    }
    printf("%d inputs replayed\n", count);
    return ret || !count;
}

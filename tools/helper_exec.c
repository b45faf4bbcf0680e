/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/helper_exec.h"

int exec_helper(const char *name, int argc, char **argv)
{
    char path[4096];
    char **args = calloc((size_t)argc + 1, sizeof(*args));
    if (!args) {
        fprintf(stderr, "hwenc: out of memory\n");
        return 1;
    }
    args[0] = (char *)name;
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    path[n > 0 ? n : 0] = 0;
    char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) + 1 + strlen(name) < sizeof(path)) {
        strcpy(slash + 1, name);
        execv(path, args);
    }
    execvp(name, args);
    fprintf(stderr, "hwenc: cannot run %s (%s): it is installed with hwenc, next to it\n", name, strerror(errno));
    free(args);
    return 2;
}

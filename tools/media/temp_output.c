/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/media/temp_output.h"

int temp_output_create(const char *path, char **tmp_path, char *err, size_t err_size)
{
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path) + 1 : 0;
    struct stat sb;
    *tmp_path = NULL;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
            snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return fd;
    }
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%.*s.%s.hwenc-XXXXXX", dir_len, path, path + dir_len);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, err_size, "cannot create %s in %.*s: %s", path + dir_len, dir_len ? dir_len : 1,
                 dir_len ? path : ".", strerror(errno));
        free(tmp);
        return -1;
    }
    /* mkstemp makes it private; the output gets the mode fopen would give. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        snprintf(err, err_size, "cannot set the mode of %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    *tmp_path = tmp;
    return fd;
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The GeForce NVENC session limit counts every session of the system, in
 * every process and on every card ("regardless of the count of the cards
 * installed": Wikipedia "Nvidia NVENC"; two GTX 690s gave two sessions in
 * all on NVIDIA's developer forum, "Session count limitation for NVENC"),
 * and the driver refuses the session beyond it with
 * NV_ENC_ERR_OUT_OF_MEMORY (standin_profile.c [SM] has the numbers). With
 * HWENC_FAKE_NVENC_SESSION_DIR set, the stand-ins share that count between
 * processes: a session holds an flock() on one of max_sessions slot files
 * there ("slot0", "slot1", ...), and the kernel drops the lock when the
 * session's process ends, however it ends, as the driver frees its
 * sessions. Unset, sessions are counted in the process only.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "tests/nvenc/standin.h"

int standin_system_session_take(int max_sessions)
{
    const char *dir = getenv("HWENC_FAKE_NVENC_SESSION_DIR");
    if (!dir || !*dir)
        return STANDIN_SESSIONS_UNCOUNTED;
    for (int i = 0; i < max_sessions; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/slot%d", dir, i);
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "NVIDIA stand-ins: cannot open the session slot %s\n", path);
            abort();
        }
        /* Each open() is a lock of its own, so two sessions of one
         * process take two slots too. */
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        close(fd);
    }
    return STANDIN_SESSIONS_FULL;
}

void standin_system_session_release(int slot)
{
    if (slot >= 0)
        close(slot);
}

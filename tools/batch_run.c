/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Runs the encodes of a batch as child processes (`hwenc encode`, the
 * program itself from /proc/self/exe) and keeps at most --jobs of them
 * running, none on a device beyond its session limit.
 *
 * A child writes its output under a temporary name in the output
 * directory (its --stats and stderr go to the batch's workdir); the parent
 * renames the output to its final name only after the child exited with 0. The final name therefore exists only for
 * a complete output, and that is what --resume trusts. SIGINT or SIGTERM
 * on the batch kills the children (what they wrote is thrown away, so
 * there is nothing for them to finish), removes their temporaries and
 * ends with the report. Children run in a process group of their own, so
 * a Ctrl-C on the terminal reaches the batch only, which decides.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/batch.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* Only there so that a child's exit ends the parent's wait at once. */
static void on_child(int sig)
{
    (void)sig;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler = on_stop_signal;
    static const int stops[2] = { SIGINT, SIGTERM };
    for (int i = 0; i < 2; i++) {
        struct sigaction old;
        /* A signal ignored since the start (nohup) stays ignored. */
        if (sigaction(stops[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(stops[i], &sa, NULL);
    }
}

double batch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A batch temporary, or the temporary a child writes its output under
 * before renaming it to the batch's (temp_output.h: "." + that name +
 * ".hwenc-XXXXXX"). */
static int is_temporary(const char *name)
{
    size_t n = strlen(BATCH_TEMP_PREFIX);
    return !strncmp(name, BATCH_TEMP_PREFIX, n) || (name[0] == '.' && !strncmp(name + 1, BATCH_TEMP_PREFIX, n));
}

/* Temporaries of a run that was killed before it could remove them, and
 * at the end of a run those of children killed before they could. */
static int remove_stale_temporaries(const char *dir, int quiet)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "hwenc batch: cannot read the output directory %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int removed = 0, ret = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_temporary(e->d_name))
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) < 0) {
            fprintf(stderr, "hwenc batch: cannot remove %s/%s, left by an interrupted batch: %s\n", dir, e->d_name,
                    strerror(errno));
            ret = -1;
        } else {
            removed++;
        }
    }
    closedir(d);
    if (removed && !quiet)
        fprintf(stderr, "hwenc batch: removed %d temporary files left by an interrupted batch in %s\n", removed, dir);
    return ret;
}

/* Two batches writing one directory would remove each other's
 * temporaries; the lock (released by the kernel when the batch ends, however
 * it ends) refuses the second. */
static int lock_outdir(const char *dir, int *lock_fd)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/.hwenc-batch.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "hwenc batch: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        fprintf(stderr, "hwenc batch: another hwenc batch is writing to %s (%s is locked)\n", dir, path);
        close(fd);
        return -1;
    }
    *lock_fd = fd;
    return 0;
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int batch_prepare_outdir(batch *b, int *lock_fd)
{
    const char *dir = b->opt.outdir;
    struct stat sb;
    if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "hwenc batch: the output directory %s %s\n", dir,
                errno == ENOENT ? "does not exist" : "is not a directory");
        return -1;
    }
    if (access(dir, W_OK | X_OK) < 0) {
        fprintf(stderr, "hwenc batch: the output directory %s is not writable: %s\n", dir, strerror(errno));
        return -1;
    }
    if (lock_outdir(dir, lock_fd) < 0 || remove_stale_temporaries(dir, b->opt.quiet) < 0)
        return -1;
    for (int i = 0; i < b->file_count; i++) {
        batch_file *f = &b->files[i];
        if (same_file(f->input, f->output)) {
            f->status = BATCH_FAILED;
            snprintf(f->error, sizeof(f->error), "its output %s is the input itself: writing it would destroy it",
                     f->output);
        } else if (b->opt.resume && lstat(f->output, &sb) == 0) {
            f->status = BATCH_SKIPPED;
            f->bytes = (int64_t)sb.st_size;
        }
    }
    return 0;
}

/* The child's side of the fork: stderr into the file's log, stdout into
 * out (or nowhere), no terminal input, then `hwenc encode` or `probe`. */
static void exec_child(const char *self, char **args, const char *log, const char *out)
{
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644), null = open("/dev/null", O_RDWR);
    int out_fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : null;
    if (fd < 0 || null < 0 || out_fd < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(fd, 2) < 0)
        _exit(126);
    setpgid(0, 0);
    execv(self, args);
    fprintf(stderr, "hwenc batch: cannot run %s: %s\n", self, strerror(errno));
    _exit(127);
}

static int start_child(batch *b, const char *self, batch_file *f, int device)
{
    batch_device *d = &b->devices[device];
    char **args = calloc((size_t)b->opt.encode_argc + 16, sizeof(*args));
    if (!args) {
        snprintf(f->error, sizeof(f->error), "out of memory");
        return -1;
    }
    int n = 0;
    args[n++] = "hwenc";
    args[n++] = "encode";
    args[n++] = f->input;
    args[n++] = "-o";
    args[n++] = f->temp;
    args[n++] = "--stats";
    args[n++] = f->stats;
    args[n++] = "--quiet";
    if (b->opt.psnr)
        args[n++] = "--psnr";
    args[n++] = "--backend";
    args[n++] = (char *)hwenc_backend_name(d->backend);
    if (d->name[0]) {
        args[n++] = "--device";
        args[n++] = d->name;
    }
    for (int i = 0; i < b->opt.encode_argc; i++)
        args[n++] = b->opt.encode_args[i];
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0)
        exec_child(self, args, f->log, NULL);
    free(args);
    if (pid < 0) {
        snprintf(f->error, sizeof(f->error), "cannot start its encode: fork failed: %s", strerror(errno));
        return -1;
    }
    f->pid = pid;
    f->device = device;
    f->status = BATCH_RUNNING;
    f->started = batch_now();
    if (++d->running > d->peak)
        d->peak = d->running;
    return 0;
}

/* What the child said last: its last "hwenc: " line that is no warning,
 * else its last line. */
static void read_child_error(batch_file *f, const char *prefix)
{
    char line[512], found[512] = "", last[512] = "";
    FILE *log = fopen(f->log, "r");
    while (log && fgets(line, sizeof(line), log)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0])
            continue;
        snprintf(last, sizeof(last), "%s", line);
        if (!strncmp(line, "hwenc: ", 7) && strncmp(line, "hwenc: warning", 14))
            snprintf(found, sizeof(found), "%s", line + 7);
    }
    if (log)
        fclose(log);
    const char *said = found[0] ? found : last;
    /* The child wrote to the temporary; the user knows the final name. */
    const char *tmp = strstr(said, f->temp);
    snprintf(f->error, sizeof(f->error), "%s%s%.*s%s%s", prefix, prefix[0] && said[0] ? ": " : "",
             tmp ? (int)(tmp - said) : (int)strlen(said), said, tmp ? f->output : "", tmp ? tmp + strlen(f->temp) : "");
}

static void remove_temporaries(const batch_file *f)
{
    unlink(f->temp);
    unlink(f->stats);
    unlink(f->log);
}

static void finish_child(batch *b, batch_file *f, int status)
{
    char prefix[128] = "";
    b->devices[f->device].running--;
    f->seconds = batch_now() - f->started;
    f->pid = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (batch_read_stats(f) < 0)
            snprintf(f->error, sizeof(f->error), "the encode succeeded but its --stats %s cannot be read", f->stats);
        else if (rename(f->temp, f->output) < 0)
            snprintf(f->error, sizeof(f->error), "cannot rename %s to %s: %s", f->temp, f->output, strerror(errno));
        else
            f->status = BATCH_DONE;
    } else {
        if (WIFSIGNALED(status))
            snprintf(prefix, sizeof(prefix), "the encode was killed by signal %d (%s)", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
        else if (WEXITSTATUS(status) != 1)
            snprintf(prefix, sizeof(prefix), "the encode exited with status %d", WEXITSTATUS(status));
        read_child_error(f, prefix);
        if (!f->error[0])
            snprintf(f->error, sizeof(f->error), "the encode failed without a message");
    }
    if (f->status != BATCH_DONE)
        f->status = BATCH_FAILED;
    remove_temporaries(f);
}

static batch_file *file_of(batch *b, pid_t pid)
{
    for (int i = 0; i < b->file_count; i++)
        if (b->files[i].status == BATCH_RUNNING && b->files[i].pid == pid)
            return &b->files[i];
    return NULL;
}

static void reap_children(batch *b)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        batch_file *f = file_of(b, pid);
        if (f)
            finish_child(b, f, status);
    }
}

/* The device with room for one more encode and the fewest running, or -1;
 * the GeForce cards also share the system's NVENC limit. */
static int free_device(const batch *b)
{
    int best = -1, geforce_running = 0;
    for (int i = 0; i < b->device_count; i++)
        geforce_running += b->devices[i].geforce ? b->devices[i].running : 0;
    for (int i = 0; i < b->device_count; i++) {
        const batch_device *d = &b->devices[i];
        if (d->sessions && d->running >= d->sessions)
            continue;
        if (d->geforce && geforce_running >= b->geforce_limit)
            continue;
        if (best < 0 || d->running < b->devices[best].running)
            best = i;
    }
    return best;
}

static void stop_children(batch *b)
{
    for (int i = 0; i < b->file_count; i++) {
        batch_file *f = &b->files[i];
        if (f->status != BATCH_RUNNING)
            continue;
        kill(f->pid, SIGKILL);
        while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
            continue;
        b->devices[f->device].running--;
        f->seconds = batch_now() - f->started;
        f->status = BATCH_INTERRUPTED;
        snprintf(f->error, sizeof(f->error), "interrupted by %s: its encode was stopped and its partial output removed",
                 stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        remove_temporaries(f);
    }
}

/* An output complete from an earlier run (--resume) is described from
 * the file itself: `hwenc probe` (which needs hwenc-media) writes what
 * batch_read_stats reads. */
static void probe_skipped(batch_file *f, const char *self)
{
    char *args[] = { "hwenc", "probe", f->output, NULL };
    int status = -1;
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0)
        exec_child(self, args, f->log, f->stats);
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || batch_read_stats(f) < 0) {
        read_child_error(f, "complete from an earlier run, but hwenc probe cannot read it");
        f->have_stats = 0;
    }
    unlink(f->stats);
    unlink(f->log);
}

typedef struct batch_counts {
    int done, failed, running, left;
    int64_t frames, bytes_done, bytes_left;
} batch_counts;

static batch_counts count_files(const batch *b)
{
    batch_counts c = { 0 };
    for (int i = 0; i < b->file_count; i++) {
        const batch_file *f = &b->files[i];
        c.done += f->status == BATCH_DONE || f->status == BATCH_SKIPPED;
        c.failed += f->status == BATCH_FAILED;
        c.running += f->status == BATCH_RUNNING;
        c.left += f->status == BATCH_PENDING || f->status == BATCH_RUNNING;
        if (f->status == BATCH_DONE)
            c.frames += f->frames;
        /* The ETA follows the input bytes encoded in this run. */
        if (f->status == BATCH_DONE)
            c.bytes_done += f->input_bytes;
        if (f->status == BATCH_PENDING || f->status == BATCH_RUNNING)
            c.bytes_left += f->input_bytes;
    }
    return c;
}

/* One line: on a terminal rewritten in place, elsewhere a line each time
 * a file finishes. */
static void show_progress(const batch *b, int *last_finished, int final)
{
    if (b->opt.quiet)
        return;
    batch_counts c = count_files(b);
    int tty = isatty(2);
    if (!tty && c.done + c.failed == *last_finished)
        return;
    *last_finished = c.done + c.failed;
    double elapsed = batch_now() - b->start;
    char eta[32] = "--";
    if (c.bytes_done > 0 && c.left) {
        int s = (int)(elapsed * (double)c.bytes_left / (double)c.bytes_done + 0.5);
        snprintf(eta, sizeof(eta), "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    } else if (!c.left) {
        snprintf(eta, sizeof(eta), "0:00:00");
    }
    fprintf(stderr, "%sbatch: %d/%d done, %d failed, %d running, %.1f fps, ETA %s%s", tty ? "\r" : "", c.done,
            b->file_count, c.failed, c.running, elapsed > 0 ? (double)c.frames / elapsed : 0.0, eta,
            tty ? "\033[K" : "\n");
    if (tty && final)
        fputc('\n', stderr);
}

int batch_run(batch *b)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        fprintf(stderr, "hwenc batch: cannot find its own program in /proc/self/exe: %s\n", strerror(errno));
        return -1;
    }
    self[n] = 0;
    for (int i = 0; i < b->file_count; i++)
        if (b->files[i].status == BATCH_SKIPPED)
            probe_skipped(&b->files[i], self);
    catch_signals();
    int next = 0, running = 0, last_finished = -1;
    b->start = batch_now();
    for (;;) {
        reap_children(b);
        running = count_files(b).running;
        if (stop_signal)
            break;
        while (next < b->file_count && b->files[next].status != BATCH_PENDING)
            next++;
        int device;
        while (next < b->file_count && running < b->opt.jobs && (device = free_device(b)) >= 0) {
            batch_file *f = &b->files[next++];
            if (start_child(b, self, f, device) < 0)
                f->status = BATCH_FAILED;
            else
                running++;
            while (next < b->file_count && b->files[next].status != BATCH_PENDING)
                next++;
        }
        show_progress(b, &last_finished, 0);
        if (next == b->file_count && !running)
            break;
        /* A child's exit or a stop signal ends the wait early. */
        struct timespec tick = { 0, 250 * 1000 * 1000 };
        nanosleep(&tick, NULL);
    }
    if (stop_signal) {
        stop_children(b);
        b->interrupted = stop_signal;
    }
    /* A child killed (here, or by a crash) left its own temporary. */
    remove_stale_temporaries(b->opt.outdir, 1);
    show_progress(b, &last_finished, 1);
    return 0;
}

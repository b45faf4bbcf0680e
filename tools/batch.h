/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * `hwenc batch`: many inputs into one output directory, several encodes at
 * once over the devices found. Each file is encoded by a child process of
 * this same program (`hwenc encode ... --stats`), so a crash or a failed
 * file never stops the others; the parent only schedules, renames finished
 * outputs to their final names and writes the report.
 *
 * The stages, one file each: batch.c (options, the order of the stages),
 * batch_inputs.c (the list of files and their output names),
 * batch_devices.c (devices and their session limits), batch_run.c (the
 * children, signals, progress), batch_report.c (batch.json, batch.csv).
 */
#ifndef HWENC_TOOLS_BATCH_H
#define HWENC_TOOLS_BATCH_H

#include <stdint.h>
#include <sys/types.h>

#include "hwenc/hwenc.h"

/* Every temporary of a batch in the output directory starts with this, so
 * the next run finds and removes what an interrupted one left. */
#define BATCH_TEMP_PREFIX ".hwenc-tmp."

enum batch_status {
    BATCH_PENDING,               /* not started (yet) */
    BATCH_RUNNING,
    BATCH_DONE,
    BATCH_SKIPPED,               /* complete from an earlier run (--resume) */
    BATCH_FAILED,
    BATCH_INTERRUPTED,           /* its encode was stopped by SIGINT/SIGTERM */
};

typedef struct batch_device {
    char name[128];              /* what the child gets as --device; "" for none */
    enum hwenc_backend backend;  /* what the child gets as --backend */
    int sessions;                /* most encodes at once; 0: only --jobs limits */
    int geforce;                 /* the system's GeForce NVENC limit its sessions count against, or 0 */
    char limit_source[160];      /* why that limit, for the report */
    int running, peak;           /* encodes now, and the most at once */
} batch_device;

typedef struct batch_file {
    char *input, *output;        /* output: the final path */
    char *temp;                  /* in the output directory, BATCH_TEMP_PREFIX... */
    char *stats, *log;           /* the child's --stats and stderr, in the batch's workdir */
    enum batch_status status;
    int device;                  /* index into the devices, -1 before it ran */
    pid_t pid;
    int64_t input_bytes;
    double started, seconds;     /* wall clock of its encode */
    /* From the child's --stats. */
    char backend[32], device_name[128];
    int64_t frames, bytes;
    double duration, fps, bitrate, psnr[4];
    int have_stats, have_psnr;
    char error[512];
} batch_file;

typedef struct batch_options {
    const char *outdir, *list, *format, *devices;
    enum hwenc_backend backend;
    int backend_given;
    int jobs, sessions_per_device, resume, quiet, psnr;
    char **encode_args;          /* after "--", given to every child */
    int encode_argc;
} batch_options;

typedef struct batch {
    batch_options opt;
    batch_file *files;
    int file_count;
    batch_device *devices;
    int device_count;
    int geforce_limit;           /* NVENC sessions on all GeForce cards together, 0: none */
    int interrupted;             /* the signal that stopped the batch, or 0 */
    double start;
    /* The children's --stats and logs: a private directory in $TMPDIR
     * (or /tmp), not the output directory, so that a full output disk
     * cannot swallow the message that says so. */
    char workdir[4096];
} batch;

int cmd_batch(int argc, char **argv);

/* batch_inputs.c: the files from the arguments, directories and --list, in
 * that order, with their output and temporary names. */
int batch_collect_inputs(batch *b, char **args, int count);
/* Creates b->workdir; batch_free_inputs removes it with what is in it. */
int batch_make_workdir(batch *b);
void batch_free_inputs(batch *b);

/* batch_devices.c: the devices to use and their session limits, and the
 * default --jobs. */
int batch_find_devices(batch *b);

/* batch_run.c: removes the temporaries an interrupted run left, marks the
 * complete outputs (--resume) and runs the rest. */
int batch_prepare_outdir(batch *b, int *lock_fd);
int batch_run(batch *b);
double batch_now(void);

/* batch_report.c */
int batch_read_stats(batch_file *f);
int batch_write_report(const batch *b);
const char *batch_status_name(enum batch_status s);

#endif

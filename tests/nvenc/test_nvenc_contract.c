/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The stand-in must catch what it promises to. Each case drives the
 * stand-in libnvidia-encode.so.1 directly through its function list, in a
 * child process: a clean session must exit 0; a misuse must be refused
 * (at the step that commits it, or at the end for what only the end
 * shows), with a CONTRACT VIOLATION naming it on stderr, and the stand-in
 * must then fail the process (exit 3) when it is unloaded.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/nvEncodeAPI.h>

#include "tests/nvenc/test_nvenc.h"

#define SIZE 64
#define MAX_POOL 16

/* Exit codes of a child that saw something other than what its case says. */
enum { CHILD_SETUP_FAILED = 6, CHILD_UNEXPECTED = 7 };

/* Where a misuse is refused: by the call that commits it, or only when
 * the session or the library ends. */
enum { CLEAN = 0, AT_STEP, AT_END };

typedef struct contract_case {
    const char *what;
    int refused;                 /* CLEAN, AT_STEP or AT_END */
    const char *message;         /* in the CONTRACT VIOLATION or LEAK line */
    const char *profile;         /* HWENC_FAKE_NVENC_PROFILE, or NULL for the suite's */
    int ptd;                     /* enablePTD */
    int interval_p;              /* frameIntervalP */
    int max_refs;                /* maxNumRefFrames */
    int infinite_gop;
    int pool;                    /* input and output buffers; 0: B frames + 4 */
    int num_ref_l0;              /* 0: AUTOSELECT */
    int no_eos;                  /* destroy without the EOS picture */
    int open_fails;              /* the session limit is 0: the open fails */
    int keep_failed_handle;      /* and its handle is not destroyed */
    /* Steps: a picture (enablePTD 0: I (IDR), P, B, R (a B marked as a
     * reference) with its displayPOCSyntax; enablePTD 1: D, or F with
     * FORCEIDR, M with a QP delta map of every macroblock, S with one a
     * byte short), or L (lock the oldest output now). */
    const char *steps;
    /* The coding tools asked: "cabac-baseline", "8x8-main", "cabac-nocap"
     * and "8x8-nocap" (the GPU reports neither), or NULL for the preset's. */
    const char *tools;
    int qp_map_mode;             /* NV_ENC_RC_PARAMS.qpMapMode */
    int aq;                      /* enableAQ */
} contract_case;

static const contract_case cases[] = {
    /* ROI through the QP delta map (nvEncodeAPI.h on qpMapMode, qpDeltaMap
     * and qpDeltaMapSize). */
    { .what = "a QP delta map with some pictures (NV_ENC_QP_MAP_DELTA)", .refused = CLEAN, .ptd = 1, .interval_p = 1,
      .max_refs = 1, .steps = "D M D M", .qp_map_mode = NV_ENC_QP_MAP_DELTA },
    { .what = "a QP delta map in a session with qpMapMode DISABLED", .refused = AT_STEP,
      .message = "qpMapMode is NV_ENC_QP_MAP_DISABLED", .ptd = 1, .interval_p = 1, .max_refs = 1, .steps = "D M" },
    { .what = "a QP delta map smaller than the picture's macroblocks", .refused = AT_STEP,
      .message = "qpDeltaMapSize 15 is below the 16 macroblocks", .ptd = 1, .interval_p = 1, .max_refs = 1,
      .steps = "D S", .qp_map_mode = NV_ENC_QP_MAP_DELTA },
    { .what = "qpMapMode NV_ENC_QP_MAP (absolute QPs, not supported)", .refused = AT_STEP,
      .message = "qpMapMode 3 is not supported", .ptd = 1, .interval_p = 1, .max_refs = 1, .steps = "",
      .qp_map_mode = NV_ENC_QP_MAP },
    { .what = "the emphasis map with adaptive quantisation", .refused = AT_STEP,
      .message = "NV_ENC_QP_MAP_EMPHASIS with adaptive quantisation", .ptd = 1, .interval_p = 1, .max_refs = 1,
      .steps = "", .qp_map_mode = NV_ENC_QP_MAP_EMPHASIS, .aq = 1 },
    { "a clean session with B pictures in encode order (enablePTD 0)", CLEAN, NULL, NULL, 0, 3, 2, 0, 0, 0, 0, 0, 0,
      "I0 P6 B2 B4 P12 B8 B10" },
    { "a clean session in display order, a forced IDR (enablePTD 1)", CLEAN, NULL, NULL, 1, 3, 2, 0, 0, 0, 0, 0, 0,
      "D D D D F D D D" },
    { "a failed open whose handle is destroyed", CLEAN, NULL, NULL, 1, 1, 1, 0, 0, 0, 0, 1, 0, "" },
    { "a picture before nvEncInitializeEncoder", AT_STEP, "before initialisation", NULL, -1, 1, 1, 0, 0, 0, 0, 0, 0,
      "I0" },
    { "a B picture in a session with frameIntervalP 1", AT_STEP, "frameIntervalP 1", NULL, 0, 1, 2, 0, 0, 0, 0, 0, 0,
      "I0 P4 B2" },
    { "a B picture after its anchor in display order", AT_STEP, "not between", NULL, 0, 3, 2, 0, 0, 0, 0, 0, 0,
      "I0 P6 B8" },
    { "two B pictures in a row with frameIntervalP 2", AT_STEP, "in a row", NULL, 0, 2, 2, 0, 0, 0, 0, 0, 0,
      "I0 P6 B2 B4" },
    { "a B picture marked as a reference", AT_STEP, "refPicFlag 1", NULL, 0, 3, 2, 0, 0, 0, 0, 0, 0, "I0 P6 R2" },
    { "a B picture whose past anchor left the DPB", AT_STEP, "no reference before", NULL, 0, 3, 1, 0, 0, 0, 0, 0, 0,
      "I0 P6 B2" },
    { "B frames with an infinite GOP", AT_STEP, "infinite gopLength", NULL, 0, 3, 2, 1, 0, 0, 0, 0, 0, "" },
    /* nvEncodeAPI.h, NV_ENC_PIC_FLAG_FORCEIDR: valid only with enablePTD 1. */
    { "NV_ENC_PIC_FLAG_FORCEIDR with enablePTD 0", AT_STEP, "FORCEIDR with enablePTD = 0", NULL, 0, 1, 1, 0, 0, 0, 0,
      0, 0, "I0 P2 F4" },
    /* The guide: the EOS picture before the session is closed. */
    { "nvEncDestroyEncoder without an EOS picture", AT_END, "without an EOS picture", NULL, 1, 1, 1, 0, 0, 0, 1, 0, 0,
      "D D" },
    /* nvEncodeAPI.h, NvEncCreateInputBuffer: 4 more input buffers than B frames. */
    { "3 input buffers for 2 B frames", AT_STEP, "input buffers for 2 B frames", NULL, 1, 3, 2, 0, 3, 0, 0, 0, 0,
      "D" },
    /* nvEncodeAPI.h, numRefL0: check NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES. */
    { "numRefL0 set on a GPU without multiple references", AT_STEP, "SUPPORT_MULTIPLE_REF_FRAMES is 0", "kepler", 1,
      1, 2, 0, 0, 2, 0, 0, 0, "" },
    /* nvEncodeAPI.h, NvEncOpenEncodeSessionEx: a failed open still needs
     * NvEncDestroyEncoder. */
    { "the handle of a failed open never destroyed", AT_END, "failed nvEncOpenEncodeSessionEx", NULL, 1, 1, 1, 0, 0,
      0, 0, 1, 1, "" },
    /* nvEncodeAPI.h, NvEncEncodePicture: no lock of an output answered
     * with NV_ENC_ERR_NEED_MORE_INPUT until a later call succeeds. */
    { "a lock of an output held for B frames", AT_STEP, "held by the look-ahead or for B frames", NULL, 1, 3, 2, 0, 0,
      0, 0, 0, 0, "D D L" },
    /* H.264 A.2.1 and A.2.2 (standin_nvenc.c stream_tools), and the caps
     * nvEncodeAPI.h names for CABAC and the 8x8 transform. */
    { "CABAC with the Baseline profile", AT_STEP, "Baseline profile (A.2.1)", NULL, 1, 1, 1, 0, 0, 0, 0, 0, 0, "",
      "cabac-baseline" },
    { "the 8x8 transform with the Main profile", AT_STEP, "other than High (A.2.2)", NULL, 1, 1, 1, 0, 0, 0, 0, 0, 0,
      "", "8x8-main" },
    { "CABAC on a GPU without it", AT_STEP, "SUPPORT_CABAC is 0", NULL, 1, 1, 1, 0, 0, 0, 0, 0, 0, "", "cabac-nocap" },
    { "the 8x8 transform on a GPU without it", AT_STEP, "SUPPORT_ADAPTIVE_TRANSFORM is 0", NULL, 1, 1, 1, 0, 0, 0, 0, 0,
      0, "", "8x8-nocap" },
};

typedef struct session {
    NV_ENCODE_API_FUNCTION_LIST nv;
    void *encoder;
    int pool;
    NV_ENC_INPUT_PTR input[MAX_POOL];
    uint32_t pitch;
    NV_ENC_OUTPUT_PTR output[MAX_POOL];
    int head, pending;           /* submitted outputs not read yet, oldest at head */
    int next_poc;
} session;

static void *symbol(void *lib, const char *name)
{
    void *f = dlsym(lib, name);
    if (!f) {
        fprintf(stderr, "the stand-in lacks %s\n", name);
        _exit(CHILD_SETUP_FAILED);
    }
    return f;
}

static NVENCSTATUS open_session(void *lib, CUcontext ctx, session *s)
{
    NVENCSTATUS(NVENCAPI * create)(NV_ENCODE_API_FUNCTION_LIST *);
    void *f = symbol(lib, "NvEncodeAPICreateInstance");
    memcpy(&create, &f, sizeof(f));
    memset(s, 0, sizeof(*s));
    s->nv.version = NV_ENCODE_API_FUNCTION_LIST_VER;
    NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS p = {
        .version = NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS_VER,
        .deviceType = NV_ENC_DEVICE_TYPE_CUDA,
        .device = ctx,
        .apiVersion = NVENCAPI_VERSION,
    };
    if (create(&s->nv) != NV_ENC_SUCCESS)
        _exit(CHILD_SETUP_FAILED);
    return s->nv.nvEncOpenEncodeSessionEx(&p, &s->encoder);
}

static NVENCSTATUS initialise(session *s, const contract_case *c)
{
    NV_ENC_PRESET_CONFIG preset = { .version = NV_ENC_PRESET_CONFIG_VER, .presetCfg.version = NV_ENC_CONFIG_VER };
    if (s->nv.nvEncGetEncodePresetConfigEx(s->encoder, NV_ENC_CODEC_H264_GUID, NV_ENC_PRESET_P4_GUID,
                                           NV_ENC_TUNING_INFO_HIGH_QUALITY, &preset) != NV_ENC_SUCCESS)
        _exit(CHILD_SETUP_FAILED);
    NV_ENC_CONFIG cfg = preset.presetCfg;
    cfg.gopLength = c->infinite_gop ? NVENC_INFINITE_GOPLENGTH : 30;
    cfg.frameIntervalP = c->interval_p;
    cfg.encodeCodecConfig.h264Config.idrPeriod = cfg.gopLength;
    cfg.encodeCodecConfig.h264Config.maxNumRefFrames = (uint32_t)c->max_refs;
    cfg.encodeCodecConfig.h264Config.numRefL0 = (NV_ENC_NUM_REF_FRAMES)c->num_ref_l0;
    if (c->tools) {
        NV_ENC_CONFIG_H264 *h = &cfg.encodeCodecConfig.h264Config;
        int baseline = !strcmp(c->tools, "cabac-baseline"), main = !strcmp(c->tools, "8x8-main");
        cfg.profileGUID = baseline ? NV_ENC_H264_PROFILE_BASELINE_GUID
                          : main   ? NV_ENC_H264_PROFILE_MAIN_GUID
                                   : NV_ENC_H264_PROFILE_HIGH_GUID;
        if (strstr(c->tools, "cabac"))
            h->entropyCodingMode = NV_ENC_H264_ENTROPY_CODING_MODE_CABAC;
        if (strstr(c->tools, "8x8"))
            h->adaptiveTransformMode = NV_ENC_H264_ADAPTIVE_TRANSFORM_ENABLE;
    }
    cfg.rcParams.qpMapMode = (NV_ENC_QP_MAP_MODE)c->qp_map_mode;
    cfg.rcParams.enableAQ = (uint32_t)c->aq;
    NV_ENC_INITIALIZE_PARAMS init = {
        .version = NV_ENC_INITIALIZE_PARAMS_VER,
        .encodeGUID = NV_ENC_CODEC_H264_GUID,
        .presetGUID = NV_ENC_PRESET_P4_GUID,
        .tuningInfo = NV_ENC_TUNING_INFO_HIGH_QUALITY,
        .encodeWidth = SIZE,
        .encodeHeight = SIZE,
        .darWidth = 1,
        .darHeight = 1,
        .frameRateNum = 25,
        .frameRateDen = 1,
        .enablePTD = (uint32_t)c->ptd,
        .encodeConfig = &cfg,
    };
    NVENCSTATUS st = s->nv.nvEncInitializeEncoder(s->encoder, &init);
    if (st != NV_ENC_SUCCESS)
        return st;
    s->pool = c->pool ? c->pool : c->interval_p + 3;
    for (int i = 0; i < s->pool; i++) {
        NV_ENC_CREATE_INPUT_BUFFER in = { .version = NV_ENC_CREATE_INPUT_BUFFER_VER, .width = SIZE,
                                          .height = SIZE, .bufferFmt = NV_ENC_BUFFER_FORMAT_NV12 };
        NV_ENC_CREATE_BITSTREAM_BUFFER out = { .version = NV_ENC_CREATE_BITSTREAM_BUFFER_VER };
        if (s->nv.nvEncCreateInputBuffer(s->encoder, &in) != NV_ENC_SUCCESS ||
            s->nv.nvEncCreateBitstreamBuffer(s->encoder, &out) != NV_ENC_SUCCESS)
            _exit(CHILD_SETUP_FAILED);
        s->input[i] = in.inputBuffer;
        s->output[i] = out.bitstreamBuffer;
        /* The pitch comes with a lock; the content may stay as it is. */
        NV_ENC_LOCK_INPUT_BUFFER lock = { .version = NV_ENC_LOCK_INPUT_BUFFER_VER, .inputBuffer = in.inputBuffer };
        if (s->nv.nvEncLockInputBuffer(s->encoder, &lock) != NV_ENC_SUCCESS ||
            s->nv.nvEncUnlockInputBuffer(s->encoder, in.inputBuffer) != NV_ENC_SUCCESS)
            _exit(CHILD_SETUP_FAILED);
        s->pitch = lock.pitch;
    }
    return NV_ENC_SUCCESS;
}

/* Reads the oldest submitted output back. */
static NVENCSTATUS read_oldest(session *s)
{
    NV_ENC_OUTPUT_PTR out = s->output[s->head];
    NV_ENC_LOCK_BITSTREAM lock = { .version = NV_ENC_LOCK_BITSTREAM_VER, .outputBitstream = out };
    NVENCSTATUS st = s->nv.nvEncLockBitstream(s->encoder, &lock);
    if (st != NV_ENC_SUCCESS)
        return st;
    if (s->nv.nvEncUnlockBitstream(s->encoder, out) != NV_ENC_SUCCESS)
        _exit(CHILD_UNEXPECTED);
    s->head = (s->head + 1) % s->pool;
    s->pending--;
    return NV_ENC_SUCCESS;
}

/* Submits one picture ("P6", "D") and, once the stand-in says the outputs
 * are ready, reads them back. */
static NVENCSTATUS encode(session *s, const char *step)
{
    char type = step[0];
    if (type == 'L')
        return read_oldest(s);
    int slot = (s->head + s->pending) % (s->pool ? s->pool : 1);
    NV_ENC_PIC_PARAMS p = {
        .version = NV_ENC_PIC_PARAMS_VER,
        .inputWidth = SIZE,
        .inputHeight = SIZE,
        .inputPitch = s->pitch,
        .inputBuffer = s->input[slot],
        .outputBitstream = s->output[slot],
        .bufferFmt = NV_ENC_BUFFER_FORMAT_NV12,
        .pictureStruct = NV_ENC_PIC_STRUCT_FRAME,
        .pictureType = type == 'I'   ? NV_ENC_PIC_TYPE_IDR
                       : type == 'P' ? NV_ENC_PIC_TYPE_P
                                     : NV_ENC_PIC_TYPE_B,
        .encodePicFlags = type == 'F' ? NV_ENC_PIC_FLAG_FORCEIDR : 0,
        .inputTimeStamp = (uint64_t)s->next_poc,
    };
    /* F in an enablePTD 0 case stands for a P picture with the flag. */
    if (type == 'F')
        p.pictureType = NV_ENC_PIC_TYPE_P;
    static int8_t map[(SIZE / 16) * (SIZE / 16)] = { -6, -6, 0, 4 };
    if (type == 'M' || type == 'S') {
        p.qpDeltaMap = map;
        p.qpDeltaMapSize = sizeof(map) - (type == 'S');
    }
    p.codecPicParams.h264PicParams.displayPOCSyntax = (uint32_t)atoi(step + 1);
    p.codecPicParams.h264PicParams.refPicFlag = type != 'B';
    s->next_poc += 2;
    NVENCSTATUS st = s->nv.nvEncEncodePicture(s->encoder, &p);
    if (st != NV_ENC_SUCCESS && st != NV_ENC_ERR_NEED_MORE_INPUT)
        return st;
    s->pending++;
    while (st == NV_ENC_SUCCESS && s->pending)
        if (read_oldest(s) != NV_ENC_SUCCESS)
            _exit(CHILD_UNEXPECTED);
    return NV_ENC_SUCCESS;
}

/* Runs the case's steps; returns whether the last step, and only it,
 * failed (a clean case: none). */
static int run_steps(session *s, const contract_case *c)
{
    char steps[128];
    snprintf(steps, sizeof(steps), "%s", c->steps);
    int failed = c->ptd >= 0 && initialise(s, c) != NV_ENC_SUCCESS;
    for (char *save = NULL, *step = strtok_r(steps, " ", &save); step; step = strtok_r(NULL, " ", &save)) {
        if (failed)
            return 0;
        failed = encode(s, step) != NV_ENC_SUCCESS;
    }
    return failed;
}

static void close_session(session *s, const contract_case *c)
{
    if (!c->no_eos) {
        NV_ENC_PIC_PARAMS eos = { .version = NV_ENC_PIC_PARAMS_VER, .encodePicFlags = NV_ENC_PIC_FLAG_EOS };
        if (s->nv.nvEncEncodePicture(s->encoder, &eos) != NV_ENC_SUCCESS)
            _exit(CHILD_UNEXPECTED);
        while (s->pending)
            if (read_oldest(s) != NV_ENC_SUCCESS)
                _exit(CHILD_UNEXPECTED);
    }
    for (int i = 0; i < s->pool; i++) {
        s->nv.nvEncDestroyInputBuffer(s->encoder, s->input[i]);
        s->nv.nvEncDestroyBitstreamBuffer(s->encoder, s->output[i]);
    }
    s->nv.nvEncDestroyEncoder(s->encoder);
}

static void child(const contract_case *c)
{
    if (c->profile)
        setenv("HWENC_FAKE_NVENC_PROFILE", c->profile, 1);
    if (c->open_fails)
        setenv("HWENC_FAKE_NVENC_MAX_SESSIONS", "0", 1);
    if (c->tools && !strcmp(c->tools, "cabac-nocap"))
        setenv("HWENC_FAKE_NVENC_NO_CABAC", "1", 1);
    if (c->tools && !strcmp(c->tools, "8x8-nocap"))
        setenv("HWENC_FAKE_NVENC_NO_8X8", "1", 1);
    void *ctx, *cuda;
    char msg[256];
    if (test_cuda_context_create(&ctx, &cuda, msg, sizeof(msg)) < 0) {
        fprintf(stderr, "%s\n", msg);
        _exit(CHILD_SETUP_FAILED);
    }
    void *lib = dlopen("libnvidia-encode.so.1", RTLD_NOW);
    if (!lib)
        _exit(CHILD_SETUP_FAILED);
    session s;
    NVENCSTATUS st = open_session(lib, ctx, &s);
    if (c->open_fails) {
        if (st == NV_ENC_SUCCESS || !s.encoder)
            _exit(CHILD_UNEXPECTED);
        if (!c->keep_failed_handle)
            s.nv.nvEncDestroyEncoder(s.encoder);
    } else {
        if (st != NV_ENC_SUCCESS)
            _exit(CHILD_SETUP_FAILED);
        int failed = run_steps(&s, c);
        if ((c->refused == AT_STEP) != failed) {
            fprintf(stderr, "unexpected: %s (last error: %s)\n", failed ? "a step failed" : "no step failed",
                    s.nv.nvEncGetLastErrorString(s.encoder));
            _exit(CHILD_UNEXPECTED);
        }
        close_session(&s, c);
    }
    dlclose(lib);
    test_cuda_context_destroy(ctx, cuda);
    exit(0);
}

/* Runs the case in a child with stderr in log; returns its exit status. */
static int run_child(const contract_case *c, FILE *log)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fileno(log), 2);
        child(c);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Whether the child's stderr has the case's message on a violation or
 * leak line. */
static int logged(FILE *log, const char *message)
{
    char line[512];
    int found = 0;
    rewind(log);
    while (fgets(line, sizeof(line), log)) {
        fputs(line, stdout);
        found |= (strstr(line, "CONTRACT VIOLATION") || strstr(line, "LEAK")) && strstr(line, message);
    }
    return found;
}

int test_contract(char *msg, size_t n)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const contract_case *c = &cases[i];
        FILE *log = tmpfile();
        if (!log) {
            snprintf(msg, n, "tmpfile failed");
            return -1;
        }
        int want = c->refused ? 3 : 0, got = run_child(c, log);
        int named = !c->refused || logged(log, c->message);
        fclose(log);
        printf("%s: exit %d (want %d)%s\n", c->what, got, want, named ? "" : ", message missing");
        if (got != want || !named) {
            snprintf(msg, n, "%s: the child exited with %d, not %d%s", c->what, got, want,
                     named ? "" : ", and the stand-in did not say why");
            return -1;
        }
    }
    return 0;
}

/* Opens a session of the stand-in and asks it what the profile can do. */
int test_query_caps(int *max_bframes, int *lookahead, int *bframe_ref_mode, int *dyn_bitrate, int *multiple_refs)
{
    void *ctx, *cuda, *lib;
    char msg[256];
    if (test_cuda_context_create(&ctx, &cuda, msg, sizeof(msg)) < 0)
        return -1;
    int ret = -1;
    session s;
    if ((lib = dlopen("libnvidia-encode.so.1", RTLD_NOW)) && open_session(lib, ctx, &s) == NV_ENC_SUCCESS) {
        struct { NV_ENC_CAPS cap; int *value; } want[] = {
            { NV_ENC_CAPS_NUM_MAX_BFRAMES, max_bframes }, { NV_ENC_CAPS_SUPPORT_LOOKAHEAD, lookahead },
            { NV_ENC_CAPS_SUPPORT_BFRAME_REF_MODE, bframe_ref_mode },
            { NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE, dyn_bitrate },
            { NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES, multiple_refs },
        };
        ret = 0;
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
            NV_ENC_CAPS_PARAM p = { .version = NV_ENC_CAPS_PARAM_VER, .capsToQuery = want[i].cap };
            if (s.nv.nvEncGetEncodeCaps(s.encoder, NV_ENC_CODEC_H264_GUID, &p, want[i].value) != NV_ENC_SUCCESS)
                ret = -1;
        }
        s.nv.nvEncDestroyEncoder(s.encoder);
    }
    if (lib)
        dlclose(lib);
    test_cuda_context_destroy(ctx, cuda);
    return ret;
}

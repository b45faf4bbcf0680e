/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The stand-in must catch what it promises to. Each case drives the
 * stand-in libnvidia-encode.so.1 directly through its function list, in a
 * child process: a clean session must exit 0; a misuse must be refused at
 * the step that commits it, with a message naming it, and the stand-in must
 * then fail the process (exit 3) when it is unloaded.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/nvEncodeAPI.h>

#include "test_nvenc.h"

#define SIZE 64

/* Exit codes of a child that saw something other than what its case says. */
enum { CHILD_SETUP_FAILED = 6, CHILD_UNEXPECTED = 7 };

typedef struct contract_case {
    const char *misuse;          /* NULL: a clean session */
    const char *message;         /* what the stand-in's last error must say */
    int initialise;
    int interval_p;              /* frameIntervalP */
    int max_refs;                /* maxNumRefFrames */
    int infinite_gop;
    /* Pictures in encode order: type (I: IDR, P, B, R: B marked as a
     * reference) and displayPOCSyntax. */
    const char *pictures;
} contract_case;

static const contract_case cases[] = {
    { NULL, NULL, 1, 3, 2, 0, "I0 P6 B2 B4 P12 B8 B10" },
    { "a picture before nvEncInitializeEncoder", "before initialisation", 0, 1, 1, 0, "I0" },
    { "a B picture in a session with frameIntervalP 1", "frameIntervalP 1", 1, 1, 2, 0, "I0 P4 B2" },
    { "a B picture after its anchor in display order", "not between", 1, 3, 2, 0, "I0 P6 B8" },
    { "two B pictures in a row with frameIntervalP 2", "in a row", 1, 2, 2, 0, "I0 P6 B2 B4" },
    { "a B picture marked as a reference", "refPicFlag 1", 1, 3, 2, 0, "I0 P6 R2" },
    { "a B picture whose past anchor left the DPB", "no reference before", 1, 3, 1, 0, "I0 P6 B2" },
    { "B frames with an infinite GOP", "infinite gopLength", 1, 3, 2, 1, "" },
};

typedef struct session {
    NV_ENCODE_API_FUNCTION_LIST nv;
    void *encoder;
    NV_ENC_INPUT_PTR input;
    uint32_t pitch;
    NV_ENC_OUTPUT_PTR output;
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

static void open_session(void *lib, CUcontext ctx, session *s)
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
    if (create(&s->nv) != NV_ENC_SUCCESS || s->nv.nvEncOpenEncodeSessionEx(&p, &s->encoder) != NV_ENC_SUCCESS)
        _exit(CHILD_SETUP_FAILED);
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
    cfg.encodeCodecConfig.h264Config.maxNumRefFrames = (uint32_t)c->max_refs;
    cfg.encodeCodecConfig.h264Config.numRefL0 = NV_ENC_NUM_REF_FRAMES_1;
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
        .encodeConfig = &cfg,
    };
    NVENCSTATUS st = s->nv.nvEncInitializeEncoder(s->encoder, &init);
    if (st != NV_ENC_SUCCESS)
        return st;
    NV_ENC_CREATE_INPUT_BUFFER in = { .version = NV_ENC_CREATE_INPUT_BUFFER_VER, .width = SIZE, .height = SIZE,
                                      .bufferFmt = NV_ENC_BUFFER_FORMAT_NV12 };
    NV_ENC_CREATE_BITSTREAM_BUFFER out = { .version = NV_ENC_CREATE_BITSTREAM_BUFFER_VER };
    if (s->nv.nvEncCreateInputBuffer(s->encoder, &in) != NV_ENC_SUCCESS ||
        s->nv.nvEncCreateBitstreamBuffer(s->encoder, &out) != NV_ENC_SUCCESS)
        _exit(CHILD_SETUP_FAILED);
    s->input = in.inputBuffer;
    s->output = out.bitstreamBuffer;
    /* The pitch comes with a lock; the content may stay as it is. */
    NV_ENC_LOCK_INPUT_BUFFER lock = { .version = NV_ENC_LOCK_INPUT_BUFFER_VER, .inputBuffer = s->input };
    if (s->nv.nvEncLockInputBuffer(s->encoder, &lock) != NV_ENC_SUCCESS ||
        s->nv.nvEncUnlockInputBuffer(s->encoder, s->input) != NV_ENC_SUCCESS)
        _exit(CHILD_SETUP_FAILED);
    s->pitch = lock.pitch;
    return NV_ENC_SUCCESS;
}

/* Submits one picture ("P6") and reads its output back. */
static NVENCSTATUS encode(session *s, const char *picture)
{
    char type = picture[0];
    NV_ENC_PIC_PARAMS p = {
        .version = NV_ENC_PIC_PARAMS_VER,
        .inputWidth = SIZE,
        .inputHeight = SIZE,
        .inputPitch = s->pitch,
        .inputBuffer = s->input,
        .outputBitstream = s->output,
        .bufferFmt = NV_ENC_BUFFER_FORMAT_NV12,
        .pictureStruct = NV_ENC_PIC_STRUCT_FRAME,
        .pictureType = type == 'I'   ? NV_ENC_PIC_TYPE_IDR
                       : type == 'P' ? NV_ENC_PIC_TYPE_P
                                     : NV_ENC_PIC_TYPE_B,
        .encodePicFlags = type == 'I' ? NV_ENC_PIC_FLAG_FORCEIDR | NV_ENC_PIC_FLAG_OUTPUT_SPSPPS : 0,
    };
    p.codecPicParams.h264PicParams.displayPOCSyntax = (uint32_t)atoi(picture + 1);
    p.codecPicParams.h264PicParams.refPicFlag = type != 'B';
    NVENCSTATUS st = s->nv.nvEncEncodePicture(s->encoder, &p);
    if (st != NV_ENC_SUCCESS)
        return st;
    NV_ENC_LOCK_BITSTREAM lock = { .version = NV_ENC_LOCK_BITSTREAM_VER, .outputBitstream = s->output };
    if (s->nv.nvEncLockBitstream(s->encoder, &lock) != NV_ENC_SUCCESS ||
        s->nv.nvEncUnlockBitstream(s->encoder, s->output) != NV_ENC_SUCCESS)
        _exit(CHILD_UNEXPECTED);
    return NV_ENC_SUCCESS;
}

/* Runs the case's steps; returns whether the last step, and only it, failed
 * (a clean case: none). */
static int run_steps(session *s, const contract_case *c)
{
    char pictures[128];
    snprintf(pictures, sizeof(pictures), "%s", c->pictures);
    int failed = c->initialise && initialise(s, c) != NV_ENC_SUCCESS;
    for (char *save = NULL, *pic = strtok_r(pictures, " ", &save); pic; pic = strtok_r(NULL, " ", &save)) {
        if (failed)
            return 0;
        failed = encode(s, pic) != NV_ENC_SUCCESS;
    }
    return failed;
}

static void close_session(session *s)
{
    if (s->input)
        s->nv.nvEncDestroyInputBuffer(s->encoder, s->input);
    if (s->output)
        s->nv.nvEncDestroyBitstreamBuffer(s->encoder, s->output);
    s->nv.nvEncDestroyEncoder(s->encoder);
}

static void child(const contract_case *c)
{
    void *ctx, *cuda;
    char msg[256];
    if (test_cuda_context_create(&ctx, &cuda, msg, sizeof(msg)) < 0) {
        fprintf(stderr, "%s\n", msg);
        _exit(CHILD_SETUP_FAILED);
    }
    tcuCtxPushCurrent_v2 *push;
    tcuCtxPopCurrent_v2 *pop;
    void *f = symbol(cuda, "cuCtxPushCurrent_v2"), *g = symbol(cuda, "cuCtxPopCurrent_v2");
    memcpy(&push, &f, sizeof(f));
    memcpy(&pop, &g, sizeof(g));
    void *lib = dlopen("libnvidia-encode.so.1", RTLD_NOW);
    if (!lib || push(ctx) != CUDA_SUCCESS)
        _exit(CHILD_SETUP_FAILED);
    session s;
    open_session(lib, ctx, &s);
    int failed = run_steps(&s, c);
    const char *error = s.nv.nvEncGetLastErrorString(s.encoder);
    if (c->misuse ? !failed || !strstr(error, c->message) : failed) {
        fprintf(stderr, "unexpected: %s (last error: %s)\n", failed ? "a step failed" : "no step failed", error);
        _exit(CHILD_UNEXPECTED);
    }
    close_session(&s);
    CUcontext popped;
    pop(&popped);
    dlclose(lib);
    test_cuda_context_destroy(ctx, cuda);
    exit(0);
}

static int run_child(const contract_case *c)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        child(c);
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int test_contract(char *msg, size_t n)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const contract_case *c = &cases[i];
        int want = c->misuse ? 3 : 0, got = run_child(c);
        printf("%s: exit %d (want %d)\n", c->misuse ? c->misuse : "a clean session with B pictures", got, want);
        if (got != want) {
            snprintf(msg, n, "%s: the child exited with %d, not %d", c->misuse ? c->misuse : "clean session", got,
                     want);
            return -1;
        }
    }
    return 0;
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A stand-in libnvidia-encode.so.1 (NVENC API 11.1) for hwenc's tests.
 *
 * It enforces the documented contract of every call the backend makes:
 * struct versions equal the *_VER macro of their type, required fields are
 * set, handles were created by this session and are used in the right state
 * (input buffers locked and unlocked in pairs, bitstreams locked only once
 * ready, registered resources mapped before use and unmapped before being
 * unregistered), the session's CUDA context is current on every call, and
 * everything is destroyed by the end. A breach is printed as a CONTRACT
 * VIOLATION, the call fails, and the process fails when the library is
 * unloaded, as it does for leaks.
 *
 * Like a driver with enablePTD = 0, it codes each picture with the type the
 * application gives, in the order given (encode order), keeps its own DPB
 * (a sliding window of maxNumRefFrames references), numbers frame_num and
 * takes the POC from displayPOCSyntax, and writes its own SPS, PPS and
 * slice headers (hw/h264/params.h). B pictures (frameIntervalP > 1) are
 * non-reference pictures whose lists it builds from its DPB by POC; it
 * checks that each lies between the anchors around it. The slices are coded
 * by the project's CPU encoder core, so the output is real H.264 that
 * libavcodec decodes. Rate control is the constant QPs, the target
 * quality, or a QP derived from the bitrate and steered towards it by a
 * toy loop; look-ahead is modelled as an output delay of lookaheadDepth
 * pictures.
 *
 * Sessions live in a per-process list, as the session limit is per process
 * here (system-wide on real drivers).
 *
 * HWENC_FAKE_NVENC_BREAK=poc|drop|garbage breaks the second picture of each
 * session as it is coded (tests/common/double_break.h), for the tests of
 * `hwenc validate` and of the test encode `auto` runs.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ffnvcodec/nvEncodeAPI.h>

#include "encoder.h"
#include "hwenc/hwenc.h"
#include "h264/params.h"
#include "standin.h"
#include "../common/double_break.h"

CUresult cuCtxGetCurrent(CUcontext *pctx);

enum object_kind { OBJ_INPUT = 1, OBJ_BITSTREAM, OBJ_REGISTERED, OBJ_MAPPED };

typedef struct object {
    enum object_kind kind;
    struct object *next;
    /* input buffers */
    NV_ENC_BUFFER_FORMAT format;
    uint32_t pitch;
    uint8_t *data;
    int locked;
    /* bitstream buffers */
    size_t capacity, size;
    int queued;                  /* submitted, output not read yet */
    int64_t order;               /* submission number */
    NV_ENC_PIC_TYPE pic_type;
    uint32_t qp, frame_idx;
    uint64_t timestamp;
    /* registered resources and their mappings */
    CUdeviceptr devptr;
    int map_count;
    struct object *registered;
} object;

typedef struct dpb_entry {
    int slot, frame_num, poc;
} dpb_entry;

typedef struct session {
    struct session *next;
    CUcontext ctx;
    int initialized;
    NV_ENC_INITIALIZE_PARAMS init;
    NV_ENC_CONFIG config;
    object *objects;
    char last_error[256];

    h264_sps sps;
    h264_pps pps;
    uint8_t headers[256];
    size_t headers_size;
    cpu_encoder *enc;
    int max_refs, refs_l0;
    int bframes;                 /* frameIntervalP - 1 */
    int num_refs;
    dpb_entry dpb[H264_MAX_REFS];
    int next_frame_num, idr_count;
    double rc_debt;              /* bits spent beyond the average bitrate so far */
    /* Display order: the POC of the last anchor (I, P, IDR), and the one a
     * B picture must follow (the anchor before, or the B picture before). */
    int anchor_poc, floor_poc;
    int b_run;                   /* consecutive B pictures so far */
    int64_t submitted;           /* pictures given to EncodePicture */
    int delay;                   /* look-ahead: outputs held back */
    int eos;
} session;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static session *sessions;
static int violations;

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

static void trace(const char *what)
{
    if (env_int("HWENC_FAKE_NVENC_LOG", 0))
        fprintf(stderr, "libnvidia-encode stand-in: %s\n", what);
}

static NVENCSTATUS violation(session *s, NVENCSTATUS status, const char *fmt, ...)
{
    va_list ap;
    char msg[256];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "libnvidia-encode stand-in: CONTRACT VIOLATION: %s\n", msg);
    pthread_mutex_lock(&lock);
    violations++;
    pthread_mutex_unlock(&lock);
    if (s)
        snprintf(s->last_error, sizeof(s->last_error), "%s", msg);
    return status;
}

static NVENCSTATUS fail(session *s, NVENCSTATUS status, const char *msg)
{
    if (s)
        snprintf(s->last_error, sizeof(s->last_error), "%s", msg);
    return status;
}

#define CHECK_VERSION(s, ptr, ver, name)                                                               \
    do {                                                                                               \
        if (!(ptr))                                                                                    \
            return violation(s, NV_ENC_ERR_INVALID_PTR, "%s: NULL parameter struct", name);            \
        if ((ptr)->version != (ver))                                                                   \
            return violation(s, NV_ENC_ERR_INVALID_VERSION, "%s: version 0x%08x, expected %s = 0x%08x", \
                             name, (unsigned)(ptr)->version, #ver, (unsigned)(ver));                   \
    } while (0)

/* The session, if encoder is one of ours and its CUDA context is current. */
static NVENCSTATUS get_session(void *encoder, const char *what, session **out)
{
    trace(what);
    pthread_mutex_lock(&lock);
    session *s = sessions;
    while (s && s != encoder)
        s = s->next;
    pthread_mutex_unlock(&lock);
    if (!s)
        return violation(NULL, NV_ENC_ERR_INVALID_PTR, "%s: %p is not an open encode session", what, encoder);
    CUcontext cur = NULL;
    cuCtxGetCurrent(&cur);
    if (cur != s->ctx)
        return violation(s, NV_ENC_ERR_INVALID_CALL,
                         "%s: the session's CUDA context is not current (current: %p, session: %p)", what,
                         (void *)cur, (void *)s->ctx);
    *out = s;
    return NV_ENC_SUCCESS;
}

static object *find_object(session *s, const void *handle, enum object_kind kind)
{
    for (object *o = s->objects; o; o = o->next)
        if (o == handle && o->kind == kind)
            return o;
    return NULL;
}

static object *new_object(session *s, enum object_kind kind)
{
    object *o = calloc(1, sizeof(*o));
    if (!o)
        return NULL;
    o->kind = kind;
    o->next = s->objects;
    s->objects = o;
    return o;
}

static void free_object(session *s, object *o)
{
    object **p = &s->objects;
    while (*p != o)
        p = &(*p)->next;
    *p = o->next;
    free(o->data);
    free(o);
}

static int guid_equal(const GUID *a, const GUID *b)
{
    return !memcmp(a, b, sizeof(*a));
}

static int preset_number(const GUID *g)
{
    const GUID *presets[7] = {
        &NV_ENC_PRESET_P1_GUID, &NV_ENC_PRESET_P2_GUID, &NV_ENC_PRESET_P3_GUID, &NV_ENC_PRESET_P4_GUID,
        &NV_ENC_PRESET_P5_GUID, &NV_ENC_PRESET_P6_GUID, &NV_ENC_PRESET_P7_GUID,
    };
    for (int i = 0; i < 7; i++)
        if (guid_equal(g, presets[i]))
            return i + 1;
    return 0;
}

/* NV_ENC_CAPS_NUM_MAX_BFRAMES */
static int caps_max_bframes(void)
{
    return env_int("HWENC_FAKE_NVENC_NO_BFRAMES", 0) ? 0 : 4;
}

/* Baseline and Constrained High have no B slices. */
static int profile_has_b_slices(const GUID *profile)
{
    return !guid_equal(profile, &NV_ENC_H264_PROFILE_BASELINE_GUID) &&
           !guid_equal(profile, &NV_ENC_H264_PROFILE_CONSTRAINED_HIGH_GUID);
}

static int format_ok(NV_ENC_BUFFER_FORMAT f)
{
    return f == NV_ENC_BUFFER_FORMAT_NV12 || f == NV_ENC_BUFFER_FORMAT_IYUV || f == NV_ENC_BUFFER_FORMAT_YV12;
}

/* ------------------------------------------------------------- session */

static NVENCSTATUS NVENCAPI open_session(NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS *p, void **encoder)
{
    trace("nvEncOpenEncodeSessionEx");
    CHECK_VERSION(NULL, p, NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS_VER, "nvEncOpenEncodeSessionEx");
    if (!encoder)
        return violation(NULL, NV_ENC_ERR_INVALID_PTR, "nvEncOpenEncodeSessionEx: encoder is NULL");
    *encoder = NULL;
    if (p->apiVersion != NVENCAPI_VERSION)
        return violation(NULL, NV_ENC_ERR_INVALID_VERSION, "nvEncOpenEncodeSessionEx: apiVersion 0x%x, not NVENCAPI_VERSION",
                         p->apiVersion);
    if (p->deviceType != NV_ENC_DEVICE_TYPE_CUDA)
        return violation(NULL, NV_ENC_ERR_UNSUPPORTED_DEVICE, "nvEncOpenEncodeSessionEx: deviceType %d is not CUDA",
                         (int)p->deviceType);
    if (!hwenc_standin_cuda_context_valid((CUcontext)p->device))
        return violation(NULL, NV_ENC_ERR_INVALID_DEVICE, "nvEncOpenEncodeSessionEx: device %p is not a CUDA context",
                         p->device);
    CUcontext cur = NULL;
    cuCtxGetCurrent(&cur);
    if (cur != (CUcontext)p->device)
        return violation(NULL, NV_ENC_ERR_INVALID_CALL, "nvEncOpenEncodeSessionEx: the CUDA context is not current");
    if (env_int("HWENC_FAKE_NVENC_NO_ENCODER", 0))
        return NV_ENC_ERR_NO_ENCODE_DEVICE;

    pthread_mutex_lock(&lock);
    int open = 0;
    for (session *s = sessions; s; s = s->next)
        open++;
    session *s = NULL;
    if (open < env_int("HWENC_FAKE_NVENC_MAX_SESSIONS", 8) && (s = calloc(1, sizeof(*s)))) {
        s->ctx = (CUcontext)p->device;
        s->next = sessions;
        sessions = s;
    }
    pthread_mutex_unlock(&lock);
    if (!s)
        return NV_ENC_ERR_OUT_OF_MEMORY;  /* how drivers report the session limit */
    *encoder = s;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI get_guid_count(void *encoder, uint32_t *count)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncGetEncodeGUIDCount", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    *count = 2;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI get_guids(void *encoder, GUID *guids, uint32_t size, uint32_t *count)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncGetEncodeGUIDs", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    const GUID all[2] = { NV_ENC_CODEC_H264_GUID, NV_ENC_CODEC_HEVC_GUID };
    *count = 0;
    for (uint32_t i = 0; i < 2 && i < size; i++)
        guids[(*count)++] = all[i];
    return NV_ENC_SUCCESS;
}

static const NV_ENC_BUFFER_FORMAT input_formats[] = {
    NV_ENC_BUFFER_FORMAT_NV12, NV_ENC_BUFFER_FORMAT_YV12, NV_ENC_BUFFER_FORMAT_IYUV,
};

static NVENCSTATUS NVENCAPI get_input_format_count(void *encoder, GUID codec, uint32_t *count)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncGetInputFormatCount", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    if (!guid_equal(&codec, &NV_ENC_CODEC_H264_GUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncGetInputFormatCount: not the H.264 GUID");
    *count = 3;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI get_input_formats(void *encoder, GUID codec, NV_ENC_BUFFER_FORMAT *formats,
                                              uint32_t size, uint32_t *count)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncGetInputFormats", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    if (!guid_equal(&codec, &NV_ENC_CODEC_H264_GUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncGetInputFormats: not the H.264 GUID");
    *count = 0;
    for (uint32_t i = 0; i < 3 && i < size; i++)
        formats[(*count)++] = input_formats[i];
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI get_caps(void *encoder, GUID codec, NV_ENC_CAPS_PARAM *p, int *value)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncGetEncodeCaps", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_CAPS_PARAM_VER, "nvEncGetEncodeCaps");
    if (!guid_equal(&codec, &NV_ENC_CODEC_H264_GUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncGetEncodeCaps: not the H.264 GUID");
    switch (p->capsToQuery) {
    case NV_ENC_CAPS_WIDTH_MAX:
    case NV_ENC_CAPS_HEIGHT_MAX: *value = 4096; break;
    case NV_ENC_CAPS_NUM_MAX_BFRAMES: *value = caps_max_bframes(); break;
    case NV_ENC_CAPS_SUPPORTED_RATECONTROL_MODES: *value = NV_ENC_PARAMS_RC_VBR | NV_ENC_PARAMS_RC_CBR; break;
    case NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE: *value = !env_int("HWENC_FAKE_NVENC_NO_DYN_BITRATE", 0); break;
    case NV_ENC_CAPS_SUPPORT_LOOKAHEAD:
    case NV_ENC_CAPS_SUPPORT_LOSSLESS_ENCODE:
    case NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES:
    case NV_ENC_CAPS_SUPPORT_CABAC: *value = 1; break;
    default: *value = 0; break;
    }
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI get_preset_config_ex(void *encoder, GUID codec, GUID preset, NV_ENC_TUNING_INFO tuning,
                                                 NV_ENC_PRESET_CONFIG *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncGetEncodePresetConfigEx", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_PRESET_CONFIG_VER, "nvEncGetEncodePresetConfigEx");
    if (p->presetCfg.version != NV_ENC_CONFIG_VER)
        return violation(s, NV_ENC_ERR_INVALID_VERSION, "nvEncGetEncodePresetConfigEx: presetCfg.version is not NV_ENC_CONFIG_VER");
    if (!guid_equal(&codec, &NV_ENC_CODEC_H264_GUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncGetEncodePresetConfigEx: not the H.264 GUID");
    int n = preset_number(&preset);
    if (!n)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncGetEncodePresetConfigEx: not a P1..P7 preset GUID");
    if (tuning <= NV_ENC_TUNING_INFO_UNDEFINED || tuning >= NV_ENC_TUNING_INFO_COUNT)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncGetEncodePresetConfigEx: tuning info %d", (int)tuning);
    NV_ENC_CONFIG *c = &p->presetCfg;
    memset(c, 0, sizeof(*c));
    c->version = NV_ENC_CONFIG_VER;
    /* Which profile a real preset gives is not documented; P1 gives
     * Baseline here, so a client asking for B frames must choose one. */
    c->profileGUID = n == 1 ? NV_ENC_H264_PROFILE_BASELINE_GUID : NV_ENC_H264_PROFILE_HIGH_GUID;
    c->gopLength = 250;
    /* As the real presets do: P3 and up use B-frames for high quality. */
    c->frameIntervalP = n >= 3 && tuning == NV_ENC_TUNING_INFO_HIGH_QUALITY ? 3 : 1;
    c->frameFieldMode = NV_ENC_PARAMS_FRAME_FIELD_MODE_FRAME;
    c->rcParams.version = NV_ENC_RC_PARAMS_VER;
    c->rcParams.rateControlMode = NV_ENC_PARAMS_RC_VBR;
    c->rcParams.averageBitRate = 5000000;
    c->rcParams.constQP.qpInterP = c->rcParams.constQP.qpIntra = c->rcParams.constQP.qpInterB = 28;
    c->encodeCodecConfig.h264Config.idrPeriod = 250;
    c->encodeCodecConfig.h264Config.chromaFormatIDC = 1;
    c->encodeCodecConfig.h264Config.maxNumRefFrames = 0;
    return NV_ENC_SUCCESS;
}

/* What nvEncodeAPI.h asks of a session with B frames (frameIntervalP > 1). */
static NVENCSTATUS check_bframes(session *s, const NV_ENC_INITIALIZE_PARAMS *p, const char *what)
{
    const NV_ENC_CONFIG *c = p->encodeConfig;
    int bframes = c->frameIntervalP - 1;
    if (bframes > caps_max_bframes())
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frameIntervalP %d asks for %d B frames, but "
                         "NV_ENC_CAPS_NUM_MAX_BFRAMES is %d", what, c->frameIntervalP, bframes, caps_max_bframes());
    if (c->gopLength == NVENC_INFINITE_GOPLENGTH)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frameIntervalP %d with an infinite gopLength "
                         "(frameIntervalP must then be 1)", what, c->frameIntervalP);
    if (c->rcParams.zeroReorderDelay)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: zeroReorderDelay (num_reorder_frames 0) with B frames "
                         "(frameIntervalP %d)", what, c->frameIntervalP);
    if (p->enableWeightedPrediction)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: weighted prediction with B frames", what);
    if (!profile_has_b_slices(&c->profileGUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frameIntervalP %d with a profile that has no B slices "
                         "(Baseline or Constrained High)", what, c->frameIntervalP);
    if (c->encodeCodecConfig.h264Config.useBFramesAsRef != NV_ENC_BFRAME_REF_MODE_DISABLED)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in codes B pictures as non-references only");
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS check_config(session *s, const NV_ENC_INITIALIZE_PARAMS *p, const char *what)
{
    NVENCSTATUS st;
    if (!guid_equal(&p->encodeGUID, &NV_ENC_CODEC_H264_GUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: encodeGUID is not H.264", what);
    if (!preset_number(&p->presetGUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: presetGUID is not P1..P7", what);
    if (p->tuningInfo <= NV_ENC_TUNING_INFO_UNDEFINED || p->tuningInfo >= NV_ENC_TUNING_INFO_COUNT)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: tuningInfo is not set", what);
    if (!p->encodeWidth || !p->encodeHeight || p->encodeWidth > 4096 || p->encodeHeight > 4096 ||
        (p->encodeWidth | p->encodeHeight) & 1)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: encode size %ux%u", what, p->encodeWidth, p->encodeHeight);
    if (!p->frameRateNum || !p->frameRateDen || !p->darWidth || !p->darHeight)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frame rate or display aspect ratio not set", what);
    if (p->enableEncodeAsync)
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM, "%s: asynchronous mode does not exist on Linux", what);
    if (p->privDataSize || p->privData)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: reserved privData set", what);
    const NV_ENC_CONFIG *c = p->encodeConfig;
    if (!c)
        return violation(s, NV_ENC_ERR_INVALID_PTR, "%s: no encodeConfig (hwenc always sends one)", what);
    if (c->version != NV_ENC_CONFIG_VER || c->rcParams.version != NV_ENC_RC_PARAMS_VER)
        return violation(s, NV_ENC_ERR_INVALID_VERSION, "%s: encodeConfig or rcParams version is wrong", what);
    if (p->enablePTD)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in implements only enablePTD = 0");
    if (c->frameIntervalP < 1)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frameIntervalP %d is an intra-only GOP pattern", what,
                         c->frameIntervalP);
    if (c->frameIntervalP > 1 && (st = check_bframes(s, p, what)) != NV_ENC_SUCCESS)
        return st;
    const NV_ENC_RC_PARAMS *rc = &c->rcParams;
    if (rc->rateControlMode != NV_ENC_PARAMS_RC_CONSTQP && rc->rateControlMode != NV_ENC_PARAMS_RC_VBR &&
        rc->rateControlMode != NV_ENC_PARAMS_RC_CBR)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: rate control mode 0x%x", what, (unsigned)rc->rateControlMode);
    if (rc->rateControlMode == NV_ENC_PARAMS_RC_CBR && !rc->averageBitRate)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: CBR without averageBitRate", what);
    if (rc->rateControlMode == NV_ENC_PARAMS_RC_VBR && !rc->averageBitRate && !rc->targetQuality)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: VBR without averageBitRate or targetQuality", what);
    if (rc->enableLookahead && (!rc->lookaheadDepth || rc->lookaheadDepth > 32))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: lookaheadDepth %u", what, rc->lookaheadDepth);
    if (c->encodeCodecConfig.h264Config.maxNumRefFrames > 16)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: maxNumRefFrames > 16", what);
    return NV_ENC_SUCCESS;
}

static int session_qp(const session *s, NV_ENC_PIC_TYPE type)
{
    const NV_ENC_RC_PARAMS *rc = &s->config.rcParams;
    if (rc->rateControlMode == NV_ENC_PARAMS_RC_CONSTQP)
        return (int)(type == NV_ENC_PIC_TYPE_B   ? rc->constQP.qpInterB
                     : type == NV_ENC_PIC_TYPE_P ? rc->constQP.qpInterP
                                                 : rc->constQP.qpIntra);
    if (rc->targetQuality)
        return rc->targetQuality;
    /* A QP that falls as the bits per pixel rise, steered by a toy rate
     * loop: 6 QP steps (half the bits) per second of overspending. The
     * application's bitrate must arrive, not a good rate control. */
    double bpp = rc->averageBitRate * (double)s->init.frameRateDen /
                 ((double)s->init.frameRateNum * s->init.encodeWidth * s->init.encodeHeight);
    double steer = rc->averageBitRate ? 6.0 * s->rc_debt / rc->averageBitRate : 0;
    int qp = (int)lrint(26.0 - 6.0 * log2(bpp / 0.1) + (steer > 12 ? 12 : steer < -12 ? -12 : steer));
    return qp < 10 ? 10 : qp > 51 ? 51 : qp;
}

static NVENCSTATUS setup_stream(session *s)
{
    const NV_ENC_CONFIG_H264 *h = &s->config.encodeCodecConfig.h264Config;
    const NV_ENC_CONFIG_H264_VUI_PARAMETERS *vui = &h->h264VUIParameters;
    s->max_refs = h->maxNumRefFrames ? (int)h->maxNumRefFrames : 1;
    s->refs_l0 = h->numRefL0 ? (int)h->numRefL0 : 1;
    if (s->refs_l0 > s->max_refs)
        s->refs_l0 = s->max_refs;
    s->bframes = s->config.frameIntervalP - 1;
    h264_stream_desc d = {
        .width = (int)s->init.encodeWidth,
        .height = (int)s->init.encodeHeight,
        .fps_num = (int)s->init.frameRateNum,
        .fps_den = (int)s->init.frameRateDen,
        .full_range = (int)vui->videoFullRangeFlag,
        .colour_primaries = vui->colourDescriptionPresentFlag ? (int)vui->colourPrimaries : 2,
        .transfer = vui->colourDescriptionPresentFlag ? (int)vui->transferCharacteristics : 2,
        .matrix = vui->colourDescriptionPresentFlag ? (int)vui->colourMatrix : 2,
        .chroma_sample_loc = (int)vui->chromaSampleLocationTop,
        /* The CPU core has Main-profile tools at most; a driver with a High
         * session would use more, which the stream does not depend on. */
        .profile_idc = s->bframes ? H264_PROFILE_MAIN : H264_PROFILE_BASELINE,
        .max_refs = s->max_refs,
        .bframes = s->bframes,
        .bitrate_kbps = (int)(s->config.rcParams.maxBitRate / 1000),
        .qp = 26,
        .deblock = h->disableDeblockingFilterIDC != 1,
    };
    char err[256];
    if (h264_stream_init(&d, &s->sps, &s->pps, err, sizeof(err)) < 0)
        return fail(s, NV_ENC_ERR_INVALID_PARAM, err);
    s->pps.num_ref_idx_l0_default_active = s->refs_l0;
    s->headers_size = h264_write_parameter_sets(s->headers, sizeof(s->headers), &s->sps, &s->pps);
    cpu_encoder_params cp = { .sps = &s->sps, .pps = &s->pps, .dpb_slots = s->max_refs + 1, .preset = 0 };
    if (!s->headers_size || cpu_encoder_open(&s->enc, &cp) < 0)
        return fail(s, NV_ENC_ERR_OUT_OF_MEMORY, "cannot open the CPU encoder core");
    s->delay = s->config.rcParams.enableLookahead ? s->config.rcParams.lookaheadDepth : 0;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI initialize(void *encoder, NV_ENC_INITIALIZE_PARAMS *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncInitializeEncoder", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_INITIALIZE_PARAMS_VER, "nvEncInitializeEncoder");
    if (s->initialized)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncInitializeEncoder called twice");
    if ((st = check_config(s, p, "nvEncInitializeEncoder")) != NV_ENC_SUCCESS)
        return st;
    s->init = *p;
    s->config = *p->encodeConfig;
    s->init.encodeConfig = &s->config;
    if ((st = setup_stream(s)) != NV_ENC_SUCCESS)
        return st;
    s->initialized = 1;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI reconfigure(void *encoder, NV_ENC_RECONFIGURE_PARAMS *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncReconfigureEncoder", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_RECONFIGURE_PARAMS_VER, "nvEncReconfigureEncoder");
    CHECK_VERSION(s, &p->reInitEncodeParams, NV_ENC_INITIALIZE_PARAMS_VER, "nvEncReconfigureEncoder.reInitEncodeParams");
    if (!s->initialized)
        return violation(s, NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "nvEncReconfigureEncoder before initialisation");
    if ((st = check_config(s, &p->reInitEncodeParams, "nvEncReconfigureEncoder")) != NV_ENC_SUCCESS)
        return st;
    const NV_ENC_INITIALIZE_PARAMS *n = &p->reInitEncodeParams;
    if (n->encodeWidth != s->init.encodeWidth || n->encodeHeight != s->init.encodeHeight)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in cannot change the size");
    if (p->forceIDR && !s->init.enablePTD)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncReconfigureEncoder: forceIDR is only valid with enablePTD = 1");
    if (env_int("HWENC_FAKE_NVENC_NO_DYN_BITRATE", 0) &&
        n->encodeConfig->rcParams.averageBitRate != s->config.rcParams.averageBitRate)
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM,
                         "nvEncReconfigureEncoder: bitrate change without NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE");
    s->config.rcParams = n->encodeConfig->rcParams;
    return NV_ENC_SUCCESS;
}

/* ------------------------------------------------------------- buffers */

static NVENCSTATUS NVENCAPI create_input(void *encoder, NV_ENC_CREATE_INPUT_BUFFER *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncCreateInputBuffer", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_CREATE_INPUT_BUFFER_VER, "nvEncCreateInputBuffer");
    if (!s->initialized)
        return violation(s, NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "nvEncCreateInputBuffer before nvEncInitializeEncoder");
    if (p->width < s->init.encodeWidth || p->height < s->init.encodeHeight || !format_ok(p->bufferFmt))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncCreateInputBuffer: %ux%u format 0x%x", p->width, p->height,
                         (unsigned)p->bufferFmt);
    object *o = new_object(s, OBJ_INPUT);
    if (!o)
        return NV_ENC_ERR_OUT_OF_MEMORY;
    /* A pitch wider than the row, as hardware has, so a copy that ignores
     * the returned pitch shows. */
    o->pitch = (p->width + 255) & ~255u;
    o->format = p->bufferFmt;
    o->capacity = (size_t)o->pitch * p->height * 3 / 2;
    if (!(o->data = calloc(1, o->capacity))) {
        free_object(s, o);
        return NV_ENC_ERR_OUT_OF_MEMORY;
    }
    p->inputBuffer = o;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI destroy_input(void *encoder, NV_ENC_INPUT_PTR buffer)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncDestroyInputBuffer", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    object *o = find_object(s, buffer, OBJ_INPUT);
    if (!o)
        return violation(s, NV_ENC_ERR_INVALID_PTR, "nvEncDestroyInputBuffer: %p is not an input buffer", buffer);
    if (o->locked)
        violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncDestroyInputBuffer: the buffer is still locked");
    free_object(s, o);
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI lock_input(void *encoder, NV_ENC_LOCK_INPUT_BUFFER *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncLockInputBuffer", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_LOCK_INPUT_BUFFER_VER, "nvEncLockInputBuffer");
    object *o = find_object(s, p->inputBuffer, OBJ_INPUT);
    if (!o)
        return violation(s, NV_ENC_ERR_INVALID_PTR, "nvEncLockInputBuffer: %p is not an input buffer", p->inputBuffer);
    if (o->locked)
        return violation(s, NV_ENC_ERR_LOCK_BUSY, "nvEncLockInputBuffer: already locked");
    o->locked = 1;
    p->bufferDataPtr = o->data;
    p->pitch = o->pitch;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI unlock_input(void *encoder, NV_ENC_INPUT_PTR buffer)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncUnlockInputBuffer", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    object *o = find_object(s, buffer, OBJ_INPUT);
    if (!o || !o->locked)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncUnlockInputBuffer: %p is not a locked input buffer", buffer);
    o->locked = 0;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI create_bitstream(void *encoder, NV_ENC_CREATE_BITSTREAM_BUFFER *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncCreateBitstreamBuffer", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_CREATE_BITSTREAM_BUFFER_VER, "nvEncCreateBitstreamBuffer");
    if (!s->initialized)
        return violation(s, NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "nvEncCreateBitstreamBuffer before initialisation");
    object *o = new_object(s, OBJ_BITSTREAM);
    if (!o)
        return NV_ENC_ERR_OUT_OF_MEMORY;
    o->capacity = cpu_encoder_max_picture_size(s->enc) + sizeof(s->headers);
    if (!(o->data = malloc(o->capacity))) {
        free_object(s, o);
        return NV_ENC_ERR_OUT_OF_MEMORY;
    }
    p->bitstreamBuffer = o;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI destroy_bitstream(void *encoder, NV_ENC_OUTPUT_PTR buffer)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncDestroyBitstreamBuffer", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    object *o = find_object(s, buffer, OBJ_BITSTREAM);
    if (!o)
        return violation(s, NV_ENC_ERR_INVALID_PTR, "nvEncDestroyBitstreamBuffer: %p is not a bitstream buffer", buffer);
    if (o->locked)
        violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncDestroyBitstreamBuffer: the buffer is still locked");
    free_object(s, o);
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI register_resource(void *encoder, NV_ENC_REGISTER_RESOURCE *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncRegisterResource", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_REGISTER_RESOURCE_VER, "nvEncRegisterResource");
    if (p->resourceType != NV_ENC_INPUT_RESOURCE_TYPE_CUDADEVICEPTR)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in registers CUDA device pointers only");
    if (p->bufferUsage != NV_ENC_INPUT_IMAGE || !format_ok(p->bufferFormat) || p->width != s->init.encodeWidth ||
        p->height != s->init.encodeHeight || p->pitch < p->width || p->pitch % 4)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncRegisterResource: %ux%u pitch %u format 0x%x usage %d",
                         p->width, p->height, p->pitch, (unsigned)p->bufferFormat, (int)p->bufferUsage);
    CUdeviceptr ptr = (CUdeviceptr)(uintptr_t)p->resourceToRegister;
    if (!hwenc_standin_cuda_range_valid(ptr, (size_t)p->pitch * p->height * 3 / 2))
        return violation(s, NV_ENC_ERR_RESOURCE_REGISTER_FAILED,
                         "nvEncRegisterResource: 0x%llx is not a device allocation of %u x %u x 1.5 bytes",
                         (unsigned long long)ptr, p->pitch, p->height);
    object *o = new_object(s, OBJ_REGISTERED);
    if (!o)
        return NV_ENC_ERR_OUT_OF_MEMORY;
    o->devptr = ptr;
    o->pitch = p->pitch;
    o->format = p->bufferFormat;
    p->registeredResource = o;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI unregister_resource(void *encoder, NV_ENC_REGISTERED_PTR handle)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncUnregisterResource", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    object *o = find_object(s, handle, OBJ_REGISTERED);
    if (!o)
        return violation(s, NV_ENC_ERR_RESOURCE_NOT_REGISTERED, "nvEncUnregisterResource: %p is not registered", handle);
    if (o->map_count)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncUnregisterResource: still mapped %d time(s)", o->map_count);
    free_object(s, o);
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI map_resource(void *encoder, NV_ENC_MAP_INPUT_RESOURCE *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncMapInputResource", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_MAP_INPUT_RESOURCE_VER, "nvEncMapInputResource");
    object *r = find_object(s, p->registeredResource, OBJ_REGISTERED);
    if (!r)
        return violation(s, NV_ENC_ERR_RESOURCE_NOT_REGISTERED, "nvEncMapInputResource: %p is not registered",
                         p->registeredResource);
    if (!hwenc_standin_cuda_range_valid(r->devptr, 1))
        return violation(s, NV_ENC_ERR_MAP_FAILED, "nvEncMapInputResource: the device memory was freed while registered");
    object *m = new_object(s, OBJ_MAPPED);
    if (!m)
        return NV_ENC_ERR_OUT_OF_MEMORY;
    m->registered = r;
    r->map_count++;
    p->mappedResource = m;
    p->mappedBufferFmt = r->format;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI unmap_resource(void *encoder, NV_ENC_INPUT_PTR mapped)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncUnmapInputResource", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    object *m = find_object(s, mapped, OBJ_MAPPED);
    if (!m)
        return violation(s, NV_ENC_ERR_RESOURCE_NOT_MAPPED, "nvEncUnmapInputResource: %p is not mapped", mapped);
    m->registered->map_count--;
    free_object(s, m);
    return NV_ENC_SUCCESS;
}

/* ------------------------------------------------------------ encoding */

/* Plane pointers of a picture at pitch in one buffer, chroma after the
 * luma, as NVENC lays out NV12, IYUV and YV12. */
static void picture_planes(const uint8_t *base, uint32_t pitch, int h, NV_ENC_BUFFER_FORMAT fmt, cpu_picture *pic)
{
    const uint8_t *chroma = base + (size_t)pitch * h;
    pic->plane[0] = base;
    pic->stride[0] = pitch;
    if (fmt == NV_ENC_BUFFER_FORMAT_NV12) {
        pic->nv12 = 1;
        pic->plane[1] = chroma;
        pic->stride[1] = pitch;
        return;
    }
    const uint8_t *second = chroma + (size_t)(pitch / 2) * (h / 2);
    pic->plane[1] = fmt == NV_ENC_BUFFER_FORMAT_YV12 ? second : chroma;
    pic->plane[2] = fmt == NV_ENC_BUFFER_FORMAT_YV12 ? chroma : second;
    pic->stride[1] = pic->stride[2] = pitch / 2;
}

static int free_slot(const session *s)
{
    for (int slot = 0; slot <= s->max_refs; slot++) {
        int used = 0;
        for (int i = 0; i < s->num_refs; i++)
            used |= s->dpb[i].slot == slot;
        if (!used)
            return slot;
    }
    return 0;
}

/* The encode order enablePTD = 0 asks for: anchors (I, P) in display order,
 * and the B pictures that precede an anchor in display order right after it,
 * in display order themselves, at most frameIntervalP - 1 in a row, and
 * never references (useBFramesAsRef DISABLED). */
static NVENCSTATUS check_order(session *s, NV_ENC_PIC_TYPE t, int ref, int poc)
{
    if (t == NV_ENC_PIC_TYPE_IDR)
        return NV_ENC_SUCCESS;
    if (t != NV_ENC_PIC_TYPE_B) {
        if (poc <= s->anchor_poc)
            return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: displayPOCSyntax %d of an I or P "
                             "picture does not increase (previous I or P: %d)", poc, s->anchor_poc);
        return NV_ENC_SUCCESS;
    }
    if (ref)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: a B picture with refPicFlag 1, but "
                         "useBFramesAsRef is DISABLED");
    if (s->b_run >= s->bframes)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: %d B pictures in a row, but "
                         "frameIntervalP %d allows %d", s->b_run + 1, s->bframes + 1, s->bframes);
    if (poc <= s->floor_poc || poc >= s->anchor_poc)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: displayPOCSyntax %d of a B picture is not "
                         "between %d and %d: B pictures come after the anchor that follows them in display order, "
                         "and in display order", poc, s->floor_poc, s->anchor_poc);
    return NV_ENC_SUCCESS;
}

/* Inserts DPB entry i into list, n entries sorted by POC. */
static void insert_by_poc(const session *s, int *list, int n, int i, int descending)
{
    int poc = s->dpb[i].poc;
    while (n > 0 && (descending ? s->dpb[list[n - 1]].poc < poc : s->dpb[list[n - 1]].poc > poc)) {
        list[n] = list[n - 1];
        n--;
    }
    list[n] = i;
}

/* The initial B lists of 8.2.4.2.4 from the DPB by POC: list 0 starts with
 * the references before the picture, nearest first, list 1 with those after
 * it, nearest first. Up to numRefL0 of the ones before and the nearest one
 * after are used: heads of the default lists, so no modification is written. */
static NVENCSTATUS b_references(session *s, int poc, cpu_picture *pic)
{
    int before[H264_MAX_REFS], after[H264_MAX_REFS], nb = 0, na = 0;
    for (int i = 0; i < s->num_refs; i++) {
        if (s->dpb[i].poc < poc)
            insert_by_poc(s, before, nb++, i, 1);
        else
            insert_by_poc(s, after, na++, i, 0);
    }
    if (!nb || !na)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: no reference %s the B picture at POC %d "
                         "in the DPB (%d references, maxNumRefFrames %d)", nb ? "after" : "before", poc,
                         s->num_refs, s->max_refs);
    pic->num_refs = nb < s->refs_l0 ? nb : s->refs_l0;
    for (int i = 0; i < pic->num_refs; i++)
        pic->ref_slots[i] = s->dpb[before[i]].slot;
    pic->num_refs_l1 = 1;
    pic->ref_slots_l1[0] = s->dpb[after[0]].slot;
    h264_slice_header *sh = &pic->slice;
    sh->direct_spatial_mv_pred = 1;
    sh->num_ref_idx_l0_active = pic->num_refs;
    sh->num_ref_idx_l1_active = 1;
    sh->num_ref_idx_active_override = pic->num_refs != s->pps.num_ref_idx_l0_default_active ||
                                      s->pps.num_ref_idx_l1_default_active != 1;
    return NV_ENC_SUCCESS;
}

/* List 0 of a P picture: the DPB, most recently decoded first. */
static void p_references(const session *s, cpu_picture *pic)
{
    pic->num_refs = s->num_refs < s->refs_l0 ? s->num_refs : s->refs_l0;
    for (int i = 0; i < pic->num_refs; i++)
        pic->ref_slots[i] = s->dpb[i].slot;
    pic->slice.num_ref_idx_l0_active = pic->num_refs;
    pic->slice.num_ref_idx_active_override = pic->num_refs != s->pps.num_ref_idx_l0_default_active;
}

static void update_order(session *s, NV_ENC_PIC_TYPE t, int poc)
{
    if (t == NV_ENC_PIC_TYPE_B) {
        s->floor_poc = poc;
        s->b_run++;
        return;
    }
    /* No B picture can precede an IDR in display order and follow it in
     * encode order. */
    s->floor_poc = t == NV_ENC_PIC_TYPE_IDR ? poc : s->anchor_poc;
    s->anchor_poc = poc;
    s->b_run = 0;
}

static NVENCSTATUS code_picture(session *s, const NV_ENC_PIC_PARAMS *p, const cpu_picture *src, object *out)
{
    NV_ENC_PIC_TYPE t = p->pictureType;
    int idr = t == NV_ENC_PIC_TYPE_IDR;
    int intra = idr || t == NV_ENC_PIC_TYPE_I;
    int ref = idr || p->codecPicParams.h264PicParams.refPicFlag;
    int poc = (int)p->codecPicParams.h264PicParams.displayPOCSyntax;
    NVENCSTATUS st = check_order(s, t, ref, poc);
    if (st != NV_ENC_SUCCESS)
        return st;
    cpu_picture pic = *src;
    h264_slice_header *sh = &pic.slice;

    if (idr)
        s->num_refs = 0;
    memset(sh, 0, sizeof(*sh));
    sh->nal_unit_type = idr ? H264_NAL_IDR_SLICE : H264_NAL_SLICE;
    sh->nal_ref_idc = ref ? (idr ? 3 : 2) : 0;
    sh->slice_type = intra ? H264_SLICE_I : t == NV_ENC_PIC_TYPE_B ? H264_SLICE_B : H264_SLICE_P;
    sh->frame_num = idr ? 0 : s->next_frame_num;
    sh->idr_pic_id = s->idr_count & 0xffff;
    sh->poc_lsb = poc & ((1 << s->sps.log2_max_poc_lsb) - 1);
    enum double_break brk = double_break_from_env("HWENC_FAKE_NVENC_BREAK");
    sh->poc_lsb = double_break_poc_lsb(brk, s->submitted, sh->poc_lsb, s->sps.log2_max_poc_lsb);
    sh->disable_deblocking_filter_idc = (int)s->config.encodeCodecConfig.h264Config.disableDeblockingFilterIDC;
    sh->slice_qp = session_qp(s, t);
    pic.recon_slot = ref ? free_slot(s) : -1;
    pic.num_refs = 0;
    if (t == NV_ENC_PIC_TYPE_B) {
        if ((st = b_references(s, poc, &pic)) != NV_ENC_SUCCESS)
            return st;
    } else if (!intra) {
        p_references(s, &pic);
    }

    size_t pos = 0;
    if (idr && ((p->encodePicFlags & NV_ENC_PIC_FLAG_OUTPUT_SPSPPS) || s->submitted == 0 ||
                s->config.encodeCodecConfig.h264Config.repeatSPSPPS)) {
        memcpy(out->data, s->headers, s->headers_size);
        pos = s->headers_size;
    }
    cpu_picture_stats stats;
    int64_t n = cpu_encode_picture(s->enc, &pic, out->data + pos, out->capacity - pos, &stats);
    if (n == HWENC_EUNSUPPORTED)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in's CPU encoder core cannot code this picture type yet");
    if (n < 0)
        return fail(s, NV_ENC_ERR_GENERIC, "the stand-in's CPU encoder core failed");

    if (ref) {
        if (s->num_refs == s->max_refs)
            s->num_refs--;  /* sliding window */
        memmove(s->dpb + 1, s->dpb, sizeof(s->dpb[0]) * (size_t)s->num_refs);
        s->dpb[0] = (dpb_entry){ pic.recon_slot, sh->frame_num, poc };
        s->num_refs++;
        s->next_frame_num = (sh->frame_num + 1) % (1 << s->sps.log2_max_frame_num);
    }
    if (idr)
        s->idr_count++;
    update_order(s, t, poc);
    out->size = double_break_coded(brk, s->submitted, out->data, pos + (size_t)n);
    s->rc_debt += 8.0 * (double)out->size -
                  s->config.rcParams.averageBitRate * (double)s->init.frameRateDen / s->init.frameRateNum;
    out->pic_type = t;
    out->qp = (uint32_t)sh->slice_qp;
    out->frame_idx = p->frameIdx;
    out->timestamp = p->inputTimeStamp;
    return NV_ENC_SUCCESS;
}

/* Output of the picture submitted as number order is readable once delay
 * more pictures followed it, or after EOS. */
static int output_ready(const session *s, const object *o)
{
    return s->eos || s->submitted - 1 - o->order >= s->delay;
}

static NVENCSTATUS check_picture(session *s, const NV_ENC_PIC_PARAMS *p, object **in, object **out)
{
    if (!s->initialized)
        return violation(s, NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "nvEncEncodePicture before initialisation");
    if (s->eos)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncEncodePicture after EOS");
    if (p->inputWidth != s->init.encodeWidth || p->inputHeight != s->init.encodeHeight ||
        p->inputPitch < p->inputWidth)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: input %ux%u pitch %u", p->inputWidth,
                         p->inputHeight, p->inputPitch);
    if (p->pictureStruct != NV_ENC_PIC_STRUCT_FRAME)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: pictureStruct is not FRAME");
    NV_ENC_PIC_TYPE t = p->pictureType;
    if (t == NV_ENC_PIC_TYPE_B && !s->bframes)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: a B picture in a session initialised "
                         "with frameIntervalP 1 (no B frames)");
    if (t != NV_ENC_PIC_TYPE_IDR && t != NV_ENC_PIC_TYPE_I && t != NV_ENC_PIC_TYPE_P && t != NV_ENC_PIC_TYPE_B)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: pictureType %d with enablePTD = 0", (int)t);
    if (s->submitted == 0 && t != NV_ENC_PIC_TYPE_IDR)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: the first picture must be an IDR");
    if ((p->encodePicFlags & NV_ENC_PIC_FLAG_FORCEIDR) && t != NV_ENC_PIC_TYPE_IDR)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: FORCEIDR on a picture of type %d", (int)t);
    *out = find_object(s, p->outputBitstream, OBJ_BITSTREAM);
    if (!*out || (*out)->locked || (*out)->queued)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: outputBitstream %p is not an idle bitstream buffer",
                         p->outputBitstream);
    *in = find_object(s, p->inputBuffer, OBJ_INPUT);
    if (!*in)
        *in = find_object(s, p->inputBuffer, OBJ_MAPPED);
    if (!*in)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: inputBuffer %p is neither an input buffer nor a mapped resource",
                         p->inputBuffer);
    if ((*in)->kind == OBJ_INPUT && (*in)->locked)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: the input buffer is still locked");
    NV_ENC_BUFFER_FORMAT fmt = (*in)->kind == OBJ_INPUT ? (*in)->format : (*in)->registered->format;
    uint32_t pitch = (*in)->kind == OBJ_INPUT ? (*in)->pitch : (*in)->registered->pitch;
    if (p->bufferFmt != fmt || p->inputPitch != pitch)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: bufferFmt 0x%x / inputPitch %u differ from the "
                         "buffer's 0x%x / %u", (unsigned)p->bufferFmt, p->inputPitch, (unsigned)fmt, pitch);
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI encode_picture(void *encoder, NV_ENC_PIC_PARAMS *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncEncodePicture", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_PIC_PARAMS_VER, "nvEncEncodePicture");
    if (p->encodePicFlags & NV_ENC_PIC_FLAG_EOS) {
        if (p->inputBuffer || p->outputBitstream)
            return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture(EOS) with buffers");
        s->eos = 1;
        return NV_ENC_SUCCESS;
    }
    object *in = NULL, *out = NULL;
    if ((st = check_picture(s, p, &in, &out)) != NV_ENC_SUCCESS)
        return st;
    if (s->submitted == env_int("HWENC_FAKE_NVENC_FAIL_AT", -1)) {
        snprintf(s->last_error, sizeof(s->last_error), "stand-in: injected encode failure at picture %lld",
                 (long long)s->submitted);
        return NV_ENC_ERR_GENERIC;
    }
    cpu_picture src = { .nv12 = 0 };
    if (in->kind == OBJ_INPUT)
        picture_planes(in->data, in->pitch, (int)p->inputHeight, in->format, &src);
    else
        picture_planes((const uint8_t *)(uintptr_t)in->registered->devptr, in->registered->pitch,
                       (int)p->inputHeight, in->registered->format, &src);
    if ((st = code_picture(s, p, &src, out)) != NV_ENC_SUCCESS)
        return st;
    out->queued = 1;
    out->order = s->submitted++;
    return s->submitted > s->delay ? NV_ENC_SUCCESS : NV_ENC_ERR_NEED_MORE_INPUT;
}

static NVENCSTATUS NVENCAPI lock_bitstream(void *encoder, NV_ENC_LOCK_BITSTREAM *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncLockBitstream", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_LOCK_BITSTREAM_VER, "nvEncLockBitstream");
    object *o = find_object(s, p->outputBitstream, OBJ_BITSTREAM);
    if (!o)
        return violation(s, NV_ENC_ERR_INVALID_PTR, "nvEncLockBitstream: %p is not a bitstream buffer", p->outputBitstream);
    if (o->locked)
        return violation(s, NV_ENC_ERR_LOCK_BUSY, "nvEncLockBitstream: already locked");
    if (!o->queued)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncLockBitstream: nothing was encoded into this buffer");
    if (!output_ready(s, o))
        return violation(s, NV_ENC_ERR_INVALID_PARAM,
                         "nvEncLockBitstream: picture %lld is held by the look-ahead (NEED_MORE_INPUT): send more or EOS",
                         (long long)o->order);
    for (object *other = s->objects; other; other = other->next)
        if (other->kind == OBJ_BITSTREAM && other->queued && other->order < o->order)
            return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncLockBitstream: outputs must be read in submission order");
    o->locked = 1;
    o->queued = 0;
    p->bitstreamBufferPtr = o->data;
    p->bitstreamSizeInBytes = (uint32_t)o->size;
    p->pictureType = o->pic_type;
    p->pictureStruct = NV_ENC_PIC_STRUCT_FRAME;
    p->frameAvgQP = o->qp;
    p->frameIdx = o->frame_idx;
    p->outputTimeStamp = o->timestamp;
    p->hwEncodeStatus = 0;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI unlock_bitstream(void *encoder, NV_ENC_OUTPUT_PTR buffer)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncUnlockBitstream", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    object *o = find_object(s, buffer, OBJ_BITSTREAM);
    if (!o || !o->locked)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncUnlockBitstream: %p is not a locked bitstream buffer", buffer);
    o->locked = 0;
    return NV_ENC_SUCCESS;
}

static const char *NVENCAPI last_error(void *encoder)
{
    pthread_mutex_lock(&lock);
    session *s = sessions;
    while (s && s != encoder)
        s = s->next;
    pthread_mutex_unlock(&lock);
    return s ? s->last_error : "not an encode session";
}

static const char *kind_name(enum object_kind k)
{
    switch (k) {
    case OBJ_INPUT: return "input buffer";
    case OBJ_BITSTREAM: return "bitstream buffer";
    case OBJ_REGISTERED: return "registered resource";
    default: return "mapped resource";
    }
}

static NVENCSTATUS NVENCAPI destroy_encoder(void *encoder)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncDestroyEncoder", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    while (s->objects) {
        violation(s, NV_ENC_ERR_INVALID_CALL, "LEAK: nvEncDestroyEncoder with a %s (%p) not destroyed%s",
                  kind_name(s->objects->kind), (void *)s->objects, s->objects->locked ? ", and locked" : "");
        free_object(s, s->objects);
    }
    pthread_mutex_lock(&lock);
    session **p = &sessions;
    while (*p != s)
        p = &(*p)->next;
    *p = s->next;
    pthread_mutex_unlock(&lock);
    cpu_encoder_close(s->enc);
    free(s);
    return NV_ENC_SUCCESS;
}

/* --------------------------------------------------------- entry points */

static uint32_t max_version(void)
{
    int major = 12, minor = 2;
    const char *v = getenv("HWENC_FAKE_NVENC_API");
    if (v && *v)
        sscanf(v, "%d.%d", &major, &minor);
    return (uint32_t)(major << 4 | minor);
}

/* Built without it too, to stand for a broken driver installation. */
#ifndef STANDIN_OMIT_MAX_VERSION
NVENCSTATUS NVENCAPI NvEncodeAPIGetMaxSupportedVersion(uint32_t *version)
{
    *version = max_version();
    return NV_ENC_SUCCESS;
}
#endif

NVENCSTATUS NVENCAPI NvEncodeAPICreateInstance(NV_ENCODE_API_FUNCTION_LIST *list)
{
    CHECK_VERSION(NULL, list, NV_ENCODE_API_FUNCTION_LIST_VER, "NvEncodeAPICreateInstance");
    if (max_version() < (NVENCAPI_MAJOR_VERSION << 4 | NVENCAPI_MINOR_VERSION))
        return NV_ENC_ERR_INVALID_VERSION;  /* a driver older than the client's API */
    list->nvEncOpenEncodeSessionEx = open_session;
    list->nvEncGetEncodeGUIDCount = get_guid_count;
    list->nvEncGetEncodeGUIDs = get_guids;
    list->nvEncGetInputFormatCount = get_input_format_count;
    list->nvEncGetInputFormats = get_input_formats;
    list->nvEncGetEncodeCaps = get_caps;
    list->nvEncGetEncodePresetConfigEx = get_preset_config_ex;
    list->nvEncInitializeEncoder = initialize;
    list->nvEncReconfigureEncoder = reconfigure;
    list->nvEncCreateInputBuffer = create_input;
    list->nvEncDestroyInputBuffer = destroy_input;
    list->nvEncLockInputBuffer = lock_input;
    list->nvEncUnlockInputBuffer = unlock_input;
    list->nvEncCreateBitstreamBuffer = create_bitstream;
    list->nvEncDestroyBitstreamBuffer = destroy_bitstream;
    list->nvEncRegisterResource = register_resource;
    list->nvEncUnregisterResource = unregister_resource;
    list->nvEncMapInputResource = map_resource;
    list->nvEncUnmapInputResource = unmap_resource;
    list->nvEncEncodePicture = encode_picture;
    list->nvEncLockBitstream = lock_bitstream;
    list->nvEncUnlockBitstream = unlock_bitstream;
    list->nvEncGetLastErrorString = last_error;
    list->nvEncDestroyEncoder = destroy_encoder;
    return NV_ENC_SUCCESS;
}

__attribute__((destructor)) static void report_leaks(void)
{
    int leaks = 0;
    for (session *s = sessions; s; s = s->next) {
        fprintf(stderr, "libnvidia-encode stand-in: LEAK: encode session %p was never destroyed\n", (void *)s);
        leaks++;
    }
    if (leaks || violations) {
        fprintf(stderr, "libnvidia-encode stand-in: %d leak(s), %d contract violation(s): failing the process\n",
                leaks, violations);
        _exit(3);
    }
}

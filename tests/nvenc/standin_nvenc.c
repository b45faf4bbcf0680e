/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A stand-in libnvidia-encode.so.1 (NVENC API 11.1) for hwenc's tests and
 * for FFmpeg's h264_nvenc.
 *
 * It enforces the documented contract of every call a client makes:
 * struct versions equal the *_VER macro of their type, required fields are
 * set, handles were created by this session and are used in the right state
 * (input buffers locked and unlocked in pairs, bitstreams locked only once
 * ready and in submission order, registered resources mapped before use and
 * unmapped before being unregistered), the session's CUDA context is alive,
 * and everything is destroyed by the end. A breach is printed as a CONTRACT
 * VIOLATION, the call fails, and the process fails when the library is
 * unloaded, as it does for leaks. Each rule names its source: nvEncodeAPI.h
 * of API 11.1 ("header"), NVIDIA's NVENC programming guide ("guide"), or
 * what FFmpeg's nvenc.c, which works on real drivers, relies on.
 *
 * What the GPU can do comes from a capability profile (standin_profile.c,
 * HWENC_FAKE_NVENC_PROFILE).
 *
 * Picture types. With enablePTD = 1 (what FFmpeg and NVIDIA's samples use)
 * the stand-in decides them as a driver does: pictures arrive in display
 * order; an IDR every idrPeriod pictures, on a picture flagged FORCEIDR (or
 * after a reconfiguration with forceIDR) and at the start, an I picture
 * every gopLength and on a picture flagged FORCEINTRA, and
 * frameIntervalP - 1 B pictures between anchors; a run
 * of B pictures cut short by an IDR or the end of the stream ends on a P.
 * It keeps copies of the pictures it holds back (the header says the API
 * copies the input of pictures it reorders), codes anchors before the B
 * pictures shown ahead of them (never as references: the CPU encoder core
 * codes no reference B pictures, so useBFramesAsRef MIDDLE with two or
 * more B frames is refused as unimplemented), and fills
 * the output buffers in submission order with the pictures in coding order
 * (the header's example: (I1,O1) P1, (I2,O2) B2, (I3,O3) P3 give O1 P1,
 * O2 P3, O3 B2). nvEncEncodePicture returns NV_ENC_ERR_NEED_MORE_INPUT
 * while it holds pictures back for B frames or fills the look-ahead.
 * With enablePTD = 0 it codes each picture with the type the application
 * gives, in the order given (encode order), and checks that order.
 *
 * Either way it keeps its own DPB (a sliding window of maxNumRefFrames
 * references, at least what the GOP structure needs when the driver chose
 * it), numbers frame_num and POC, and writes its own SPS, PPS and slice
 * headers (hw/h264/params.h). The slices are coded by the project's CPU
 * encoder core, so the output is real H.264 that libavcodec decodes. Rate
 * control is the constant QPs, the target quality, or a QP derived from the
 * bitrate and steered towards it by a toy loop (6 QP steps per second of
 * overspending: the application's bitrate must arrive, not a good rate
 * control); look-ahead is modelled as lookaheadDepth pictures whose output
 * is not ready yet (locking one fails, as GStreamer's nvenc plugin observed
 * of real drivers).
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
#include <time.h>
#include <unistd.h>

#include <ffnvcodec/nvEncodeAPI.h>

#include "cpu_fallback/encoder.h"
#include "hwenc/hwenc.h"
#include "hw/h264/params.h"
#include "tests/nvenc/standin.h"
#include "tests/common/double_break.h"

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
    int filled;                  /* holds its coded picture */
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

/* A picture the driver holds back (enablePTD = 1), in display order. */
typedef struct held_picture {
    uint8_t *copy;
    uint32_t pitch;
    NV_ENC_BUFFER_FORMAT format;
    int64_t display;             /* pictures submitted before it */
    int force_idr, force_intra, headers;
    uint32_t frame_idx;
    uint64_t timestamp;
    int8_t *qp_delta;            /* the picture's qpDeltaMap (NV_ENC_QP_MAP_DELTA), copied; NULL: none */
} held_picture;

/* What code_picture needs to know of a picture, whoever decided it. */
typedef struct coded_desc {
    NV_ENC_PIC_TYPE type;
    int ref;
    int poc;
    int headers;                 /* SPS and PPS before the slice */
    uint32_t frame_idx;
    uint64_t timestamp;
} coded_desc;

/* Look-ahead (at most 31) plus the B pictures of a run (at most 4 here),
 * with room to spare. */
#define MAX_HELD 48
#define MAX_PENDING 128

typedef struct session {
    struct session *next;
    int system_slot;             /* standin_system_session_take */
    CUcontext ctx;
    int failed_open;             /* what a failed nvEncOpenEncodeSessionEx returned */
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
    int intra_only;              /* frameIntervalP 0 */
    int num_refs;
    dpb_entry dpb[H264_MAX_REFS];
    int next_frame_num, idr_count;
    double rc_debt;              /* bits spent beyond the average bitrate so far */
    /* enablePTD = 0, display order: the POC of the last anchor (I, P,
     * IDR), and the one a B picture must follow (the anchor before, or the
     * B picture before). */
    int anchor_poc, floor_poc;
    int b_run;                   /* consecutive B pictures so far */
    int64_t submitted;           /* pictures given to EncodePicture */
    int delay;                   /* look-ahead: outputs held back */
    int eos;                     /* an EOS picture came (and nothing after it) */
    int eos_seen;                /* ever, for the check at destroy */
    int pool_checked;
    /* enablePTD = 1 */
    held_picture held[MAX_HELD];
    int held_count;
    object *pending[MAX_PENDING]; /* output buffers waiting for a picture, in submission order */
    int pending_count;
    int64_t display_count, last_idr_display, coded;
    int force_next_idr;          /* nvEncReconfigureEncoder with forceIDR */
    /* HWENCTEST_ENCODE_CPU_LOG */
    int64_t encode_cpu_ns, encode_pictures;
} session;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static session *sessions;
static int violations;

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

static void dump_call(const char *what);

/* Every call: on stderr with HWENC_FAKE_NVENC_LOG, and in the dump. */
static void trace(const char *what)
{
    if (env_int("HWENC_FAKE_NVENC_LOG", 0))
        fprintf(stderr, "libnvidia-encode stand-in: %s\n", what);
    dump_call(what);
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

static session *find_session(void *encoder)
{
    pthread_mutex_lock(&lock);
    session *s = sessions;
    while (s && s != encoder)
        s = s->next;
    pthread_mutex_unlock(&lock);
    return s;
}

/* The session, if encoder is one of ours and its CUDA context is alive.
 * The context need not be current: the guide has the client pass a
 * floating context to nvEncOpenEncodeSessionEx, FFmpeg opens the session
 * and queries capabilities and the preset with no context current, and
 * NVIDIA's NvEncoderCuda sample pushes it only around its own CUDA copies. */
static NVENCSTATUS get_session(void *encoder, const char *what, session **out)
{
    trace(what);
    session *s = find_session(encoder);
    if (!s)
        return violation(NULL, NV_ENC_ERR_INVALID_PTR, "%s: %p is not an open encode session", what, encoder);
    if (s->failed_open)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "%s on the handle of a failed nvEncOpenEncodeSessionEx "
                         "(only nvEncDestroyEncoder may follow)", what);
    if (!hwenc_standin_cuda_context_valid(s->ctx))
        return violation(s, NV_ENC_ERR_INVALID_DEVICE, "%s: the session's CUDA context %p was destroyed", what,
                         (void *)s->ctx);
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

static int count_objects(const session *s, enum object_kind kind)
{
    int n = 0;
    for (const object *o = s->objects; o; o = o->next)
        n += o->kind == kind;
    return n;
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

static session *add_session(CUcontext ctx, int failed)
{
    session *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->ctx = ctx;
    s->failed_open = failed;
    s->system_slot = STANDIN_SESSIONS_UNCOUNTED;
    pthread_mutex_lock(&lock);
    s->next = sessions;
    sessions = s;
    pthread_mutex_unlock(&lock);
    return s;
}

static int open_sessions(void)
{
    int n = 0;
    pthread_mutex_lock(&lock);
    for (session *s = sessions; s; s = s->next)
        n += !s->failed_open;
    pthread_mutex_unlock(&lock);
    return n;
}

/* A refused open still returns a handle: the header (NvEncOpenEncodeSessionEx)
 * says that if the creation fails, the client must call NvEncDestroyEncoder
 * before exiting, and the stand-in reports the handle as leaked otherwise. */
static NVENCSTATUS refuse_open(CUcontext ctx, NVENCSTATUS status, void **encoder)
{
    session *s = add_session(ctx, 1);
    if (s)
        snprintf(s->last_error, sizeof(s->last_error), "the encode session could not be opened");
    *encoder = s;
    return status;
}

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
    if (env_int("HWENC_FAKE_NVENC_NO_ENCODER", 0))
        return refuse_open((CUcontext)p->device, NV_ENC_ERR_NO_ENCODE_DEVICE, encoder);
    /* How drivers report the session limit of GeForce cards. */
    int max_sessions = standin_profile_get()->max_sessions;
    if (open_sessions() >= max_sessions)
        return refuse_open((CUcontext)p->device, NV_ENC_ERR_OUT_OF_MEMORY, encoder);
    int slot = standin_system_session_take(max_sessions);
    if (slot == STANDIN_SESSIONS_FULL)
        return refuse_open((CUcontext)p->device, NV_ENC_ERR_OUT_OF_MEMORY, encoder);
    session *s = add_session((CUcontext)p->device, 0);
    if (!s) {
        standin_system_session_release(slot);
        return NV_ENC_ERR_OUT_OF_MEMORY;
    }
    s->system_slot = slot;
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


static int caps_value(NV_ENC_CAPS cap, int *value)
{
    const standin_profile *p = standin_profile_get();
    switch (cap) {
    case NV_ENC_CAPS_WIDTH_MAX:
    case NV_ENC_CAPS_HEIGHT_MAX: *value = p->size_max; break;
    case NV_ENC_CAPS_NUM_MAX_BFRAMES: *value = p->max_bframes; break;
    case NV_ENC_CAPS_SUPPORTED_RATECONTROL_MODES: *value = NV_ENC_PARAMS_RC_VBR | NV_ENC_PARAMS_RC_CBR; break;
    case NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE: *value = p->dyn_bitrate; break;
    case NV_ENC_CAPS_SUPPORT_LOOKAHEAD: *value = p->lookahead; break;
    case NV_ENC_CAPS_SUPPORT_LOSSLESS_ENCODE: *value = p->lossless; break;
    case NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES: *value = p->multiple_refs; break;
    case NV_ENC_CAPS_SUPPORT_BFRAME_REF_MODE: *value = p->bframe_ref_mode; break;
    case NV_ENC_CAPS_SUPPORT_CABAC: *value = p->cabac; break;
    case NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM: *value = p->adaptive_transform; break;
    default: *value = 0; break;
    }
    return 0;
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
    if (env_int("HWENC_FAKE_NVENC_FAIL_CAP", -1) == (int)p->capsToQuery)
        return fail(s, NV_ENC_ERR_UNSUPPORTED_PARAM, "stand-in: injected capability query failure");
    caps_value(p->capsToQuery, value);
    return NV_ENC_SUCCESS;
}

/* What a preset configuration holds is not documented; the stand-in's
 * presets are plausible and make clients choose: P1 gives Baseline, so a
 * client asking for B frames must pick a profile; P3 and up with the
 * high-quality tuning use two B frames (FFmpeg's -bf -1 keeps them). */
static void preset_config(int preset, NV_ENC_TUNING_INFO tuning, NV_ENC_CONFIG *c)
{
    memset(c, 0, sizeof(*c));
    c->version = NV_ENC_CONFIG_VER;
    c->profileGUID = preset == 1 ? NV_ENC_H264_PROFILE_BASELINE_GUID : NV_ENC_H264_PROFILE_HIGH_GUID;
    c->gopLength = 250;
    c->frameIntervalP = preset >= 3 && tuning == NV_ENC_TUNING_INFO_HIGH_QUALITY && standin_profile_get()->max_bframes
                            ? 3
                            : 1;
    c->frameFieldMode = NV_ENC_PARAMS_FRAME_FIELD_MODE_FRAME;
    c->rcParams.version = NV_ENC_RC_PARAMS_VER;
    c->rcParams.rateControlMode = NV_ENC_PARAMS_RC_VBR;
    c->rcParams.averageBitRate = 5000000;
    c->rcParams.constQP.qpInterP = c->rcParams.constQP.qpIntra = c->rcParams.constQP.qpInterB = 28;
    c->encodeCodecConfig.h264Config.idrPeriod = 250;
    c->encodeCodecConfig.h264Config.chromaFormatIDC = 1;
    c->encodeCodecConfig.h264Config.maxNumRefFrames = 0;
    /* FFmpeg: "P6 & P7 presets may enable lookahead"; which ones do is not
     * documented, so a test says (on a GPU that has it). */
    int depth = env_int("HWENC_FAKE_NVENC_PRESET_LOOKAHEAD", 0);
    if (depth > 0 && standin_profile_get()->lookahead) {
        c->rcParams.enableLookahead = 1;
        c->rcParams.lookaheadDepth = (uint16_t)depth;
    }
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
    preset_config(n, tuning, &p->presetCfg);
    return NV_ENC_SUCCESS;
}

/* What nvEncodeAPI.h asks of a session with B frames (frameIntervalP > 1). */
static NVENCSTATUS check_bframes(session *s, const NV_ENC_INITIALIZE_PARAMS *p, const NV_ENC_CONFIG *c,
                                 const char *what)
{
    const standin_profile *prof = standin_profile_get();
    int bframes = c->frameIntervalP - 1;
    const NV_ENC_CONFIG_H264 *h = &c->encodeCodecConfig.h264Config;
    if (bframes > prof->max_bframes)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frameIntervalP %d asks for %d B frames, but "
                         "NV_ENC_CAPS_NUM_MAX_BFRAMES is %d", what, c->frameIntervalP, bframes, prof->max_bframes);
    if (c->gopLength == NVENC_INFINITE_GOPLENGTH)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frameIntervalP %d with an infinite gopLength "
                         "(frameIntervalP must then be 1)", what, c->frameIntervalP);
    /* zeroReorderDelay promises num_reorder_frames 0 (header): a client
     * that sends B pictures itself (enablePTD 0) breaks it; with
     * enablePTD 1 the driver keeps it by coding no B pictures (FFmpeg's
     * -zerolatency leaves the preset's B frames on, and works on real
     * drivers). */
    if (c->rcParams.zeroReorderDelay && !p->enablePTD)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: zeroReorderDelay (num_reorder_frames 0) with B frames "
                         "(frameIntervalP %d)", what, c->frameIntervalP);
    if (p->enableWeightedPrediction)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: weighted prediction with B frames", what);
    if (!profile_has_b_slices(&c->profileGUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frameIntervalP %d with a profile that has no B slices "
                         "(Baseline or Constrained High)", what, c->frameIntervalP);
    if (h->useBFramesAsRef == NV_ENC_BFRAME_REF_MODE_EACH)
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM, "%s: useBFramesAsRef EACH, which the header says H.264 "
                         "does not support", what);
    if (h->useBFramesAsRef == NV_ENC_BFRAME_REF_MODE_MIDDLE && !(prof->bframe_ref_mode & 2))
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM, "%s: useBFramesAsRef MIDDLE, but "
                         "NV_ENC_CAPS_SUPPORT_BFRAME_REF_MODE is %d", what, prof->bframe_ref_mode);
    /* MIDDLE with one B frame has no middle one to keep. */
    if (h->useBFramesAsRef == NV_ENC_BFRAME_REF_MODE_MIDDLE && bframes >= 2)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "useBFramesAsRef MIDDLE: the stand-in's CPU encoder core codes no "
                    "reference B pictures");
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS check_config(session *s, const NV_ENC_INITIALIZE_PARAMS *p, const NV_ENC_CONFIG *c,
                                const char *what)
{
    const standin_profile *prof = standin_profile_get();
    NVENCSTATUS st;
    if (!guid_equal(&p->encodeGUID, &NV_ENC_CODEC_H264_GUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: encodeGUID is not H.264", what);
    if (!preset_number(&p->presetGUID))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: presetGUID is not P1..P7", what);
    if (p->tuningInfo <= NV_ENC_TUNING_INFO_UNDEFINED || p->tuningInfo >= NV_ENC_TUNING_INFO_COUNT)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: tuningInfo is not set", what);
    if (p->tuningInfo == NV_ENC_TUNING_INFO_LOSSLESS && !prof->lossless)
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM, "%s: lossless tuning, but "
                         "NV_ENC_CAPS_SUPPORT_LOSSLESS_ENCODE is 0", what);
    if (!p->encodeWidth || !p->encodeHeight || p->encodeWidth > (uint32_t)prof->size_max ||
        p->encodeHeight > (uint32_t)prof->size_max || (p->encodeWidth | p->encodeHeight) & 1)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: encode size %ux%u", what, p->encodeWidth, p->encodeHeight);
    if (!p->frameRateNum || !p->frameRateDen || !p->darWidth || !p->darHeight)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frame rate or display aspect ratio not set", what);
    if (p->enableEncodeAsync)
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM, "%s: asynchronous mode does not exist on Linux", what);
    if (p->privDataSize || p->privData)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: reserved privData set", what);
    if (c->version != NV_ENC_CONFIG_VER || c->rcParams.version != NV_ENC_RC_PARAMS_VER)
        return violation(s, NV_ENC_ERR_INVALID_VERSION, "%s: encodeConfig or rcParams version is wrong", what);
    /* The header on NV_ENC_RC_PARAMS::qpMapMode: NV_ENC_QP_MAP "currently
     * not supported", other values reserved; the emphasis map "not
     * supported when AQ (Spatial/Temporal) is enabled" (and not modelled:
     * its levels' QP deltas are the driver's secret). */
    if (c->rcParams.qpMapMode > NV_ENC_QP_MAP_DELTA)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: qpMapMode %d is not supported (NV_ENC_QP_MAP) or reserved",
                         what, (int)c->rcParams.qpMapMode);
    if (c->rcParams.qpMapMode == NV_ENC_QP_MAP_EMPHASIS && (c->rcParams.enableAQ || c->rcParams.enableTemporalAQ))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: qpMapMode NV_ENC_QP_MAP_EMPHASIS with adaptive quantisation",
                         what);
    if (c->rcParams.qpMapMode == NV_ENC_QP_MAP_EMPHASIS)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "stand-in: the emphasis level map is not modelled");
    /* The header: frameIntervalP 0 is intra only, 1 IPP, 2 IBP, 3 IBBP. */
    if (c->frameIntervalP < 0)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: frameIntervalP %d", what, c->frameIntervalP);
    if (c->frameIntervalP > 1 && (st = check_bframes(s, p, c, what)) != NV_ENC_SUCCESS)
        return st;
    const NV_ENC_CONFIG_H264 *h = &c->encodeCodecConfig.h264Config;
    /* The header: "Check support for numRefL0 (numRefL1) using
     * NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES"; FFmpeg refuses a set count
     * (ENOSYS) where the capability is 0. */
    if ((h->numRefL0 != NV_ENC_NUM_REF_FRAMES_AUTOSELECT || h->numRefL1 != NV_ENC_NUM_REF_FRAMES_AUTOSELECT) &&
        !prof->multiple_refs)
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM, "%s: numRefL0 %d / numRefL1 %d set, but "
                         "NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES is 0 (use NV_ENC_NUM_REF_FRAMES_AUTOSELECT)", what,
                         (int)h->numRefL0, (int)h->numRefL1);
    const NV_ENC_RC_PARAMS *rc = &c->rcParams;
    if (rc->rateControlMode != NV_ENC_PARAMS_RC_CONSTQP && rc->rateControlMode != NV_ENC_PARAMS_RC_VBR &&
        rc->rateControlMode != NV_ENC_PARAMS_RC_CBR)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: rate control mode 0x%x", what, (unsigned)rc->rateControlMode);
    if (rc->rateControlMode == NV_ENC_PARAMS_RC_CBR && !rc->averageBitRate)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: CBR without averageBitRate", what);
    if (rc->enableLookahead && !prof->lookahead)
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM, "%s: enableLookahead, but NV_ENC_CAPS_SUPPORT_LOOKAHEAD is 0",
                         what);
    /* The header: lookaheadDepth in 0 .. 31 - number of B frames. */
    int bframes = c->frameIntervalP > 1 ? c->frameIntervalP - 1 : 0;
    if (rc->enableLookahead && (!rc->lookaheadDepth || rc->lookaheadDepth > 31 - bframes))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: lookaheadDepth %u (0 .. %d with %d B frames)", what,
                         rc->lookaheadDepth, 31 - bframes, bframes);
    if (h->maxNumRefFrames > 16)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "%s: maxNumRefFrames > 16", what);
    if (h->enableIntraRefresh || h->enableLTR)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in does not model intra refresh or long-term references");
    if ((h->sliceMode == 3 && h->sliceModeData > 1) || (h->sliceMode != 3 && h->sliceModeData))
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in codes one slice per picture");
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

/* The DPB: what the client asked for (maxNumRefFrames), and with
 * enablePTD = 1 at least what the driver's own GOP structure needs (0 lets
 * the driver decide, as FFmpeg sends). */
static int dpb_size(const session *s)
{
    const NV_ENC_CONFIG_H264 *h = &s->config.encodeCodecConfig.h264Config;
    int asked = (int)h->maxNumRefFrames;
    if (!s->init.enablePTD)
        return asked ? asked : 1;
    int need = 1 + (s->bframes > 0);
    return asked > need ? asked : need;
}

/* The profile and coding tools of the stream from profileGUID,
 * entropyCodingMode and adaptiveTransformMode. The CPU encoder codes them
 * all; refused: CABAC where NV_ENC_CAPS_SUPPORT_CABAC is 0 or the profile
 * is Baseline (H.264 A.2.1), the 8x8 transform where
 * NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM is 0 or the profile is not High
 * (A.2.2); the real driver's answer to those was not seen, the spec's
 * rules stand in for it. AUTOSELECT (the presets' value, which FFmpeg 5.1
 * leaves for its default coder) is CABAC from Main and the 8x8 transform
 * in High, where the GPU has them; an autoselected profile is High, and
 * the High 4:4:4 and other GUIDs code as before (Main with B frames, else
 * Baseline, CAVLC, 4x4), which the stream does not depend on. */
static NVENCSTATUS stream_tools(session *s, h264_stream_desc *d)
{
    const standin_profile *prof = standin_profile_get();
    const NV_ENC_CONFIG_H264 *h = &s->config.encodeCodecConfig.h264Config;
    const GUID *g = &s->config.profileGUID;
    d->profile_idc = guid_equal(g, &NV_ENC_H264_PROFILE_BASELINE_GUID) ? H264_PROFILE_BASELINE
                     : guid_equal(g, &NV_ENC_H264_PROFILE_MAIN_GUID)   ? H264_PROFILE_MAIN
                     : guid_equal(g, &NV_ENC_H264_PROFILE_HIGH_GUID) || guid_equal(g, &NV_ENC_CODEC_PROFILE_AUTOSELECT_GUID)
                         ? H264_PROFILE_HIGH
                         : 0;
    if (!d->profile_idc) {
        d->profile_idc = s->bframes ? H264_PROFILE_MAIN : H264_PROFILE_BASELINE;
        return NV_ENC_SUCCESS;
    }
    if (h->entropyCodingMode == NV_ENC_H264_ENTROPY_CODING_MODE_CABAC && !prof->cabac)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "entropyCodingMode CABAC, but NV_ENC_CAPS_SUPPORT_CABAC is 0");
    if (h->entropyCodingMode == NV_ENC_H264_ENTROPY_CODING_MODE_CABAC && d->profile_idc == H264_PROFILE_BASELINE)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "entropyCodingMode CABAC with the Baseline profile (A.2.1)");
    if (h->adaptiveTransformMode == NV_ENC_H264_ADAPTIVE_TRANSFORM_ENABLE && !prof->adaptive_transform)
        return violation(s, NV_ENC_ERR_INVALID_PARAM,
                         "adaptiveTransformMode ENABLE, but NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM is 0");
    if (h->adaptiveTransformMode == NV_ENC_H264_ADAPTIVE_TRANSFORM_ENABLE && d->profile_idc != H264_PROFILE_HIGH)
        return violation(s, NV_ENC_ERR_INVALID_PARAM,
                         "adaptiveTransformMode ENABLE with a profile other than High (A.2.2)");
    d->cabac = h->entropyCodingMode == NV_ENC_H264_ENTROPY_CODING_MODE_CABAC ||
               (h->entropyCodingMode == NV_ENC_H264_ENTROPY_CODING_MODE_AUTOSELECT && prof->cabac &&
                d->profile_idc != H264_PROFILE_BASELINE);
    d->transform_8x8 = h->adaptiveTransformMode == NV_ENC_H264_ADAPTIVE_TRANSFORM_ENABLE ||
                       (h->adaptiveTransformMode == NV_ENC_H264_ADAPTIVE_TRANSFORM_AUTOSELECT &&
                        prof->adaptive_transform && d->profile_idc == H264_PROFILE_HIGH);
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS setup_stream(session *s)
{
    const NV_ENC_CONFIG_H264 *h = &s->config.encodeCodecConfig.h264Config;
    const NV_ENC_CONFIG_H264_VUI_PARAMETERS *vui = &h->h264VUIParameters;
    s->bframes = s->config.frameIntervalP > 1 && !(s->init.enablePTD && s->config.rcParams.zeroReorderDelay)
                     ? s->config.frameIntervalP - 1
                     : 0;
    s->intra_only = s->config.frameIntervalP == 0;
    s->max_refs = dpb_size(s);
    s->refs_l0 = h->numRefL0 ? (int)h->numRefL0 : 1;
    if (s->refs_l0 > s->max_refs)
        s->refs_l0 = s->max_refs;
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
        .max_refs = s->max_refs,
        .bframes = s->bframes,
        .bitrate_kbps = (int)(s->config.rcParams.maxBitRate / 1000),
        .qp = 26,
        .deblock = h->disableDeblockingFilterIDC != 1,
    };
    NVENCSTATUS st = stream_tools(s, &d);
    if (st != NV_ENC_SUCCESS)
        return st;
    if (d.profile_idc == H264_PROFILE_BASELINE && s->bframes)
        d.profile_idc = H264_PROFILE_MAIN; /* refused earlier (check_bframes); a GUID that is not modelled */
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

/* The header on encodeConfig: NULL makes the session use the preset's
 * configuration (FFmpeg's reconfiguration of the aspect ratio alone sends
 * NULL). */
static const NV_ENC_CONFIG *given_config(const NV_ENC_INITIALIZE_PARAMS *p, NV_ENC_CONFIG *preset)
{
    if (p->encodeConfig)
        return p->encodeConfig;
    preset_config(preset_number(&p->presetGUID), p->tuningInfo, preset);
    return preset;
}

/* HWENC_FAKE_NVENC_DUMP=FILE: what a client sent, one "key value" line
 * each, so that tests can compare hwenc's configuration with FFmpeg's. */
static FILE *dump_file(void)
{
    const char *path = getenv("HWENC_FAKE_NVENC_DUMP");
    return path && *path ? fopen(path, "a") : NULL;
}

/* The calls that set a session up and take it down, in their order (not
 * the ones repeated for every picture). */
static void dump_call(const char *what)
{
    static const char *const per_picture[] = { "nvEncEncodePicture", "nvEncLock", "nvEncUnlock", "nvEncMap",
                                               "nvEncUnmap" };
    for (size_t i = 0; i < sizeof(per_picture) / sizeof(per_picture[0]); i++)
        if (!strcmp(what, "nvEncEncodePicture") || !strncmp(what, per_picture[i], strlen(per_picture[i])))
            return;
    FILE *f = dump_file();
    if (f) {
        fprintf(f, "call %s\n", what);
        fclose(f);
    }
}

static void dump_config(const NV_ENC_INITIALIZE_PARAMS *p, const NV_ENC_CONFIG *c)
{
    FILE *f = dump_file();
    if (!f)
        return;
    const NV_ENC_RC_PARAMS *rc = &c->rcParams;
    const NV_ENC_CONFIG_H264 *h = &c->encodeCodecConfig.h264Config;
    const char *profile = guid_equal(&c->profileGUID, &NV_ENC_H264_PROFILE_BASELINE_GUID) ? "baseline"
                          : guid_equal(&c->profileGUID, &NV_ENC_H264_PROFILE_MAIN_GUID)   ? "main"
                          : guid_equal(&c->profileGUID, &NV_ENC_H264_PROFILE_HIGH_GUID)   ? "high"
                                                                                          : "other";
    fprintf(f, "enablePTD %u\npreset P%d\ntuningInfo %d\nprofile %s\ngopLength %u\nframeIntervalP %d\n"
               "idrPeriod %u\nrateControlMode %d\naverageBitRate %u\nmaxBitRate %u\nvbvBufferSize %u\n"
               "vbvInitialDelay %u\nconstQP %u/%u/%u\nenableInitialRCQP %u\ninitialRCQP %u/%u/%u\n"
               "targetQuality %u.%u\nmultiPass %d\nenableLookahead %u\nlookaheadDepth %u\n"
               "zeroReorderDelay %u\nenableNonRefP %u\nmaxNumRefFrames %u\nnumRefL0 %d\nnumRefL1 %d\n"
               "useBFramesAsRef %d\nsliceMode %u\nsliceModeData %u\nrepeatSPSPPS %u\n"
               "outputPictureTimingSEI %u\noutputBufferingPeriodSEI %u\nlevel %u\nenableWeightedPrediction %u\n"
               "entropyCodingMode %d\nadaptiveTransformMode %d\n",
            p->enablePTD, preset_number(&p->presetGUID), (int)p->tuningInfo, profile, c->gopLength,
            c->frameIntervalP, h->idrPeriod, (int)rc->rateControlMode, rc->averageBitRate, rc->maxBitRate,
            rc->vbvBufferSize, rc->vbvInitialDelay, rc->constQP.qpIntra, rc->constQP.qpInterP, rc->constQP.qpInterB,
            rc->enableInitialRCQP, rc->initialRCQP.qpIntra, rc->initialRCQP.qpInterP, rc->initialRCQP.qpInterB,
            rc->targetQuality, rc->targetQualityLSB, (int)rc->multiPass, rc->enableLookahead, rc->lookaheadDepth,
            rc->zeroReorderDelay, rc->enableNonRefP, h->maxNumRefFrames, (int)h->numRefL0, (int)h->numRefL1,
            (int)h->useBFramesAsRef, h->sliceMode, h->sliceModeData, h->repeatSPSPPS, h->outputPictureTimingSEI,
            h->outputBufferingPeriodSEI, h->level, p->enableWeightedPrediction, (int)h->entropyCodingMode,
            (int)h->adaptiveTransformMode);
    fclose(f);
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
    NV_ENC_CONFIG preset;
    const NV_ENC_CONFIG *c = preset_number(&p->presetGUID) ? given_config(p, &preset) : NULL;
    if (!c)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncInitializeEncoder: presetGUID is not P1..P7");
    if ((st = check_config(s, p, c, "nvEncInitializeEncoder")) != NV_ENC_SUCCESS)
        return st;
    s->init = *p;
    s->config = *c;
    s->init.encodeConfig = &s->config;
    dump_config(p, c);
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
    const NV_ENC_INITIALIZE_PARAMS *n = &p->reInitEncodeParams;
    /* No encodeConfig: the session's own stays. */
    const NV_ENC_CONFIG *c = n->encodeConfig ? n->encodeConfig : &s->config;
    if ((st = check_config(s, n, c, "nvEncReconfigureEncoder")) != NV_ENC_SUCCESS)
        return st;
    if (n->encodeWidth != s->init.encodeWidth || n->encodeHeight != s->init.encodeHeight)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in cannot change the size");
    if (p->forceIDR && !s->init.enablePTD)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncReconfigureEncoder: forceIDR is only valid with enablePTD = 1");
    if (!standin_profile_get()->dyn_bitrate && (c->rcParams.averageBitRate != s->config.rcParams.averageBitRate ||
                                                c->rcParams.maxBitRate != s->config.rcParams.maxBitRate))
        return violation(s, NV_ENC_ERR_UNSUPPORTED_PARAM,
                         "nvEncReconfigureEncoder: bitrate change without NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE");
    s->config.rcParams = c->rcParams;
    s->init.darWidth = n->darWidth;
    s->init.darHeight = n->darHeight;
    /* The header on forceIDR and resetEncoder: with enablePTD = 1 the
     * next picture is an IDR. */
    if (s->init.enablePTD && (p->forceIDR || p->resetEncoder))
        s->force_next_idr = 1;
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI set_io_cuda_streams(void *encoder, NV_ENC_CUSTREAM_PTR input, NV_ENC_CUSTREAM_PTR output)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncSetIOCudaStreams", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    if (!input || !output)
        return violation(s, NV_ENC_ERR_INVALID_PTR, "nvEncSetIOCudaStreams: NULL stream pointer");
    /* Copies are synchronous here: any stream (0 is the default one) will do. */
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS NVENCAPI get_sequence_params(void *encoder, NV_ENC_SEQUENCE_PARAM_PAYLOAD *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncGetSequenceParams", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_SEQUENCE_PARAM_PAYLOAD_VER, "nvEncGetSequenceParams");
    if (!s->initialized)
        return violation(s, NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "nvEncGetSequenceParams before initialisation");
    if (!p->spsppsBuffer || !p->outSPSPPSPayloadSize)
        return violation(s, NV_ENC_ERR_INVALID_PTR, "nvEncGetSequenceParams: no buffer or size pointer");
    if (p->inBufferSize < s->headers_size)
        return fail(s, NV_ENC_ERR_NOT_ENOUGH_BUFFER, "nvEncGetSequenceParams: the buffer is too small");
    memcpy(p->spsppsBuffer, s->headers, s->headers_size);
    *p->outSPSPPSPayloadSize = (uint32_t)s->headers_size;
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

static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Codes one picture into out, which then holds it. */
static NVENCSTATUS code_picture(session *s, const coded_desc *d, const cpu_picture *src, object *out)
{
    NV_ENC_PIC_TYPE t = d->type;
    int idr = t == NV_ENC_PIC_TYPE_IDR;
    int intra = idr || t == NV_ENC_PIC_TYPE_I;
    int ref = idr || d->ref;
    NVENCSTATUS st;
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
    sh->poc_lsb = d->poc & ((1 << s->sps.log2_max_poc_lsb) - 1);
    enum double_break brk = double_break_from_env("HWENC_FAKE_NVENC_BREAK");
    sh->poc_lsb = double_break_poc_lsb(brk, s->coded, sh->poc_lsb, s->sps.log2_max_poc_lsb);
    sh->disable_deblocking_filter_idc = (int)s->config.encodeCodecConfig.h264Config.disableDeblockingFilterIDC;
    sh->slice_qp = session_qp(s, t);
    pic.recon_slot = ref ? free_slot(s) : -1;
    pic.num_refs = 0;
    if (t == NV_ENC_PIC_TYPE_B) {
        if ((st = b_references(s, d->poc, &pic)) != NV_ENC_SUCCESS)
            return st;
    } else if (!intra) {
        p_references(s, &pic);
    }

    size_t pos = 0;
    if (d->headers) {
        memcpy(out->data, s->headers, s->headers_size);
        pos = s->headers_size;
    }
    cpu_picture_stats stats;
    int64_t start = thread_cpu_ns();
    int64_t n = cpu_encode_picture(s->enc, &pic, out->data + pos, out->capacity - pos, &stats);
    s->encode_cpu_ns += thread_cpu_ns() - start;
    s->encode_pictures++;
    if (n == HWENC_EUNSUPPORTED)
        return fail(s, NV_ENC_ERR_UNIMPLEMENTED, "the stand-in's CPU encoder core cannot code this picture type yet");
    if (n < 0)
        return fail(s, NV_ENC_ERR_GENERIC, "the stand-in's CPU encoder core failed");

    if (ref) {
        if (s->num_refs == s->max_refs)
            s->num_refs--;  /* sliding window */
        memmove(s->dpb + 1, s->dpb, sizeof(s->dpb[0]) * (size_t)s->num_refs);
        s->dpb[0] = (dpb_entry){ pic.recon_slot, sh->frame_num, d->poc };
        s->num_refs++;
        s->next_frame_num = (sh->frame_num + 1) % (1 << s->sps.log2_max_frame_num);
    }
    if (idr)
        s->idr_count++;
    out->size = double_break_coded(brk, s->coded, out->data, pos + (size_t)n);
    s->rc_debt += 8.0 * (double)out->size -
                  s->config.rcParams.averageBitRate * (double)s->init.frameRateDen / s->init.frameRateNum;
    out->pic_type = t;
    out->qp = (uint32_t)sh->slice_qp;
    out->frame_idx = d->frame_idx;
    out->timestamp = d->timestamp;
    out->filled = 1;
    s->coded++;
    return NV_ENC_SUCCESS;
}

/* Output of the picture submitted as number order is readable once it was
 * coded and, with enablePTD = 0, delay more pictures followed it (the
 * look-ahead), or after EOS. With enablePTD = 1 the look-ahead holds the
 * picture itself back, so coded is ready. */
static int output_ready(const session *s, const object *o)
{
    return o->filled && (s->init.enablePTD || s->eos || s->submitted - 1 - o->order >= s->delay);
}

/* The header (NvEncCreateInputBuffer, NvEncCreateBitstreamBuffer): at
 * least 4 more input buffers, and 4 more output buffers, than B frames.
 * Checked once the client starts encoding, when its pool is complete;
 * input buffers only where it uses them (not with mapped resources). */
static NVENCSTATUS check_pool(session *s)
{
    if (s->pool_checked)
        return NV_ENC_SUCCESS;
    s->pool_checked = 1;
    int need = s->bframes + 4;
    int inputs = count_objects(s, OBJ_INPUT), outputs = count_objects(s, OBJ_BITSTREAM);
    FILE *f = dump_file();
    if (f) {
        fprintf(f, "pool inputs %d outputs %d\n", inputs, outputs);
        fclose(f);
    }
    if (inputs && inputs < need)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncEncodePicture: %d input buffers for %d B frames; "
                         "the header asks for at least %d (B frames + 4)", inputs, s->bframes, need);
    if (outputs < need)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncEncodePicture: %d bitstream buffers for %d B frames; "
                         "the header asks for at least %d (B frames + 4)", outputs, s->bframes, need);
    return NV_ENC_SUCCESS;
}

static NVENCSTATUS check_picture(session *s, const NV_ENC_PIC_PARAMS *p, object **in, object **out)
{
    if (!s->initialized)
        return violation(s, NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "nvEncEncodePicture before initialisation");
    if (s->eos)
        return violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncEncodePicture after EOS");
    if (p->pictureStruct != NV_ENC_PIC_STRUCT_FRAME)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: pictureStruct is not FRAME");
    /* The header on NV_ENC_PIC_FLAG_FORCEIDR: valid only with enablePTD = 1. */
    if ((p->encodePicFlags & NV_ENC_PIC_FLAG_FORCEIDR) && !s->init.enablePTD)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: NV_ENC_PIC_FLAG_FORCEIDR with enablePTD = 0 "
                         "(the header: valid only when the encoder takes the picture-type decision)");
    if (!s->init.enablePTD) {
        NV_ENC_PIC_TYPE t = p->pictureType;
        if (t == NV_ENC_PIC_TYPE_B && !s->bframes)
            return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: a B picture in a session initialised "
                             "with frameIntervalP %d (no B frames)", s->config.frameIntervalP);
        if (t != NV_ENC_PIC_TYPE_IDR && t != NV_ENC_PIC_TYPE_I && t != NV_ENC_PIC_TYPE_P && t != NV_ENC_PIC_TYPE_B)
            return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: pictureType %d with enablePTD = 0",
                             (int)t);
        if (s->submitted == 0 && t != NV_ENC_PIC_TYPE_IDR)
            return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: the first picture must be an IDR");
    }
    /* The header on NV_ENC_PIC_PARAMS::qpDeltaMap and qpDeltaMapSize: with
     * qpMapMode DISABLED the map "should be set to NULL"; the array holds
     * picWidthInMbs * picHeightInMbs values for H.264. */
    const uint32_t mbs = ((s->init.encodeWidth + 15) / 16) * ((s->init.encodeHeight + 15) / 16);
    if (p->qpDeltaMap && s->config.rcParams.qpMapMode == NV_ENC_QP_MAP_DISABLED)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: qpDeltaMap set, but the session's qpMapMode "
                         "is NV_ENC_QP_MAP_DISABLED");
    if (p->qpDeltaMap && p->qpDeltaMapSize < mbs)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: qpDeltaMapSize %u is below the %u "
                         "macroblocks of the picture", p->qpDeltaMapSize, mbs);
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
    /* A mapped resource has its size from the registration: FFmpeg sends
     * inputWidth and inputHeight 0 with CUDA frames, and works on real
     * drivers. */
    int mapped = (*in)->kind == OBJ_MAPPED;
    if ((!mapped || p->inputWidth || p->inputHeight) &&
        (p->inputWidth != s->init.encodeWidth || p->inputHeight != s->init.encodeHeight ||
         p->inputPitch < p->inputWidth))
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: input %ux%u pitch %u", p->inputWidth,
                         p->inputHeight, p->inputPitch);
    NV_ENC_BUFFER_FORMAT fmt = mapped ? (*in)->registered->format : (*in)->format;
    uint32_t pitch = mapped ? (*in)->registered->pitch : (*in)->pitch;
    if (p->bufferFmt != fmt || p->inputPitch != pitch)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture: bufferFmt 0x%x / inputPitch %u differ from the "
                         "buffer's 0x%x / %u", (unsigned)p->bufferFmt, p->inputPitch, (unsigned)fmt, pitch);
    return check_pool(s);
}

/* enablePTD = 0: the client's picture, coded now, into its own output. */
static NVENCSTATUS encode_client_order(session *s, const NV_ENC_PIC_PARAMS *p, const cpu_picture *src, object *out)
{
    NV_ENC_PIC_TYPE t = p->pictureType;
    int idr = t == NV_ENC_PIC_TYPE_IDR;
    coded_desc d = {
        .type = t,
        .ref = idr || p->codecPicParams.h264PicParams.refPicFlag,
        .poc = (int)p->codecPicParams.h264PicParams.displayPOCSyntax,
        .headers = idr && ((p->encodePicFlags & NV_ENC_PIC_FLAG_OUTPUT_SPSPPS) || s->submitted == 0 ||
                           s->config.encodeCodecConfig.h264Config.repeatSPSPPS),
        .frame_idx = p->frameIdx,
        .timestamp = p->inputTimeStamp,
    };
    NVENCSTATUS st = check_order(s, t, d.ref, d.poc);
    if (st == NV_ENC_SUCCESS)
        st = code_picture(s, &d, src, out);
    if (st == NV_ENC_SUCCESS)
        update_order(s, t, d.poc);
    return st;
}

/* ----------------------------------------- enablePTD = 1: the driver's GOP */

static uint32_t idr_period(const session *s)
{
    uint32_t p = s->config.encodeCodecConfig.h264Config.idrPeriod;
    return p ? p : s->config.gopLength;   /* the header: 0 means gopLength */
}

static int idr_due(const session *s, const held_picture *h)
{
    uint32_t period = idr_period(s);
    return h->display == 0 || h->force_idr ||
           (period && period != NVENC_INFINITE_GOPLENGTH && h->display - s->last_idr_display >= period);
}

static int i_due(const session *s, const held_picture *h)
{
    uint32_t gop = s->config.gopLength;
    return s->intra_only || (gop && gop != NVENC_INFINITE_GOPLENGTH && (h->display - s->last_idr_display) % gop == 0);
}

static NVENCSTATUS code_held(session *s, const held_picture *h, NV_ENC_PIC_TYPE t, int ref)
{
    if (!s->pending_count)
        return violation(s, NV_ENC_ERR_GENERIC, "stand-in: more pictures coded than output buffers submitted");
    object *out = s->pending[0];
    memmove(s->pending, s->pending + 1, sizeof(s->pending[0]) * (size_t)--s->pending_count);
    if (t == NV_ENC_PIC_TYPE_IDR)
        s->last_idr_display = h->display;
    coded_desc d = {
        .type = t,
        .ref = ref,
        .poc = (int)(2 * (h->display - s->last_idr_display)),
        .headers = t == NV_ENC_PIC_TYPE_IDR && (h->headers || s->coded == 0 ||
                                                s->config.encodeCodecConfig.h264Config.repeatSPSPPS),
        .frame_idx = h->frame_idx,
        .timestamp = h->timestamp,
    };
    /* NV_ENC_QP_MAP_DELTA: "applied on top of the QP chosen by rate
     * control", per macroblock. */
    cpu_picture src = { .nv12 = 0, .mb_qp_offset = h->qp_delta };
    picture_planes(h->copy, h->pitch, (int)s->init.encodeHeight, h->format, &src);
    return code_picture(s, &d, &src, out);
}

/* Codes the run held[0 .. anchor]: the anchor first, then the B pictures
 * before it (not references), and drops them. */
static NVENCSTATUS code_run(session *s, int anchor, NV_ENC_PIC_TYPE type)
{
    NVENCSTATUS st = code_held(s, &s->held[anchor], type, 1);
    for (int i = 0; i < anchor && st == NV_ENC_SUCCESS; i++)
        st = code_held(s, &s->held[i], NV_ENC_PIC_TYPE_B, 0);
    for (int i = 0; i <= anchor; i++) {
        free(s->held[i].copy);
        free(s->held[i].qp_delta);
    }
    s->held_count -= anchor + 1;
    memmove(s->held, s->held + anchor + 1, sizeof(s->held[0]) * (size_t)s->held_count);
    return st;
}

/* Codes every run that can be decided: the pictures past the look-ahead
 * window (all of them at the end of the stream), up to the next anchor,
 * which is the picture after frameIntervalP - 1 B pictures, the last one
 * before a due IDR, or the last one at the end. */
static NVENCSTATUS decide(session *s, int flush)
{
    for (;;) {
        int eligible = flush ? s->held_count : s->held_count - s->delay;
        int anchor = -1;
        NV_ENC_PIC_TYPE type = NV_ENC_PIC_TYPE_P;
        for (int j = 0; j < eligible && anchor < 0; j++) {
            const held_picture *h = &s->held[j];
            if (idr_due(s, h)) {
                anchor = j ? j - 1 : 0;
                type = j ? NV_ENC_PIC_TYPE_P : NV_ENC_PIC_TYPE_IDR;
            } else if (j == s->bframes || h->force_intra || (flush && j == eligible - 1)) {
                anchor = j;
            }
        }
        if (anchor < 0)
            return NV_ENC_SUCCESS;
        if (type == NV_ENC_PIC_TYPE_P && (i_due(s, &s->held[anchor]) || s->held[anchor].force_intra))
            type = NV_ENC_PIC_TYPE_I;
        NVENCSTATUS st = code_run(s, anchor, type);
        if (st != NV_ENC_SUCCESS)
            return st;
    }
}

static NVENCSTATUS encode_display_order(session *s, const NV_ENC_PIC_PARAMS *p, const object *in, object *out)
{
    if (s->held_count == MAX_HELD || s->pending_count == MAX_PENDING)
        return fail(s, NV_ENC_ERR_GENERIC, "stand-in: too many pictures held");
    NV_ENC_BUFFER_FORMAT fmt = in->kind == OBJ_INPUT ? in->format : in->registered->format;
    uint32_t pitch = in->kind == OBJ_INPUT ? in->pitch : in->registered->pitch;
    const uint8_t *data = in->kind == OBJ_INPUT ? in->data : (const uint8_t *)(uintptr_t)in->registered->devptr;
    size_t size = (size_t)pitch * s->init.encodeHeight * 3 / 2;
    held_picture *h = &s->held[s->held_count];
    if (!(h->copy = malloc(size)))
        return NV_ENC_ERR_OUT_OF_MEMORY;
    memcpy(h->copy, data, size);
    h->pitch = pitch;
    h->format = fmt;
    h->display = s->display_count++;
    h->force_idr = (p->encodePicFlags & NV_ENC_PIC_FLAG_FORCEIDR) || s->force_next_idr;
    h->force_intra = (p->encodePicFlags & NV_ENC_PIC_FLAG_FORCEINTRA) != 0;
    h->headers = (p->encodePicFlags & NV_ENC_PIC_FLAG_OUTPUT_SPSPPS) != 0;
    h->frame_idx = p->frameIdx;
    h->timestamp = p->inputTimeStamp;
    h->qp_delta = NULL;
    if (p->qpDeltaMap) {
        const size_t mbs = ((s->init.encodeWidth + 15) / 16) * ((s->init.encodeHeight + 15) / 16);
        if (!(h->qp_delta = malloc(mbs))) {
            free(h->copy);
            return NV_ENC_ERR_OUT_OF_MEMORY;
        }
        memcpy(h->qp_delta, p->qpDeltaMap, mbs);
    }
    s->held_count++;
    s->force_next_idr = 0;
    s->pending[s->pending_count++] = out;
    out->filled = 0;
    NVENCSTATUS st = decide(s, 0);
    if (st != NV_ENC_SUCCESS)
        return st;
    /* Held beyond the look-ahead window: B pictures waiting for their
     * anchor; nothing coded yet: the look-ahead is filling. */
    return s->held_count > s->delay || !s->coded ? NV_ENC_ERR_NEED_MORE_INPUT : NV_ENC_SUCCESS;
}

static NVENCSTATUS end_of_stream(session *s, const NV_ENC_PIC_PARAMS *p)
{
    if (p->inputBuffer || p->outputBitstream)
        return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncEncodePicture(EOS) with buffers");
    /* The guide: EOS may be sent more than once (FFmpeg sends it on every
     * receive while draining, and again at close). */
    /* A driver may fail the flush as it may fail any encode call (the
     * API guide lists no status EOS cannot return). */
    if (!s->eos_seen && s->initialized && env_int("HWENC_FAKE_NVENC_FAIL_EOS", 0)) {
        dump_call("EOS");
        s->eos_seen = 1; /* sent, as the destroy rule asks, if failed */
        snprintf(s->last_error, sizeof(s->last_error), "stand-in: injected encode failure at end of stream");
        return (NVENCSTATUS)env_int("HWENC_FAKE_NVENC_FAIL_STATUS", NV_ENC_ERR_GENERIC);
    }
    if (!s->eos_seen)
        dump_call("EOS");
    s->eos_seen = 1;
    if (!s->initialized)
        return NV_ENC_SUCCESS;
    NVENCSTATUS st = s->init.enablePTD ? decide(s, 1) : NV_ENC_SUCCESS;
    s->eos = 1;
    return st;
}

static NVENCSTATUS NVENCAPI encode_picture(void *encoder, NV_ENC_PIC_PARAMS *p)
{
    session *s;
    NVENCSTATUS st = get_session(encoder, "nvEncEncodePicture", &s);
    if (st != NV_ENC_SUCCESS)
        return st;
    CHECK_VERSION(s, p, NV_ENC_PIC_PARAMS_VER, "nvEncEncodePicture");
    if (p->encodePicFlags & NV_ENC_PIC_FLAG_EOS)
        return end_of_stream(s, p);
    object *in = NULL, *out = NULL;
    if ((st = check_picture(s, p, &in, &out)) != NV_ENC_SUCCESS)
        return st;
    if (s->submitted == env_int("HWENC_FAKE_NVENC_FAIL_AT", -1)) {
        snprintf(s->last_error, sizeof(s->last_error), "stand-in: injected encode failure at picture %lld",
                 (long long)s->submitted);
        return (NVENCSTATUS)env_int("HWENC_FAKE_NVENC_FAIL_STATUS", NV_ENC_ERR_GENERIC);
    }
    out->queued = 1;
    out->order = s->submitted++;
    if (s->init.enablePTD)
        return encode_display_order(s, p, in, out);
    cpu_picture src = { .nv12 = 0, .mb_qp_offset = p->qpDeltaMap };
    if (in->kind == OBJ_INPUT)
        picture_planes(in->data, in->pitch, (int)s->init.encodeHeight, in->format, &src);
    else
        picture_planes((const uint8_t *)(uintptr_t)in->registered->devptr, in->registered->pitch,
                       (int)s->init.encodeHeight, in->registered->format, &src);
    if ((st = encode_client_order(s, p, &src, out)) != NV_ENC_SUCCESS) {
        out->queued = 0;
        s->submitted--;
        return st;
    }
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
    /* The header: no lock of an output whose picture was answered with
     * NEED_MORE_INPUT until a later call succeeds, and outputs in the
     * order they were submitted. */
    if (!output_ready(s, o))
        return violation(s, NV_ENC_ERR_INVALID_PARAM,
                         "nvEncLockBitstream: picture %lld is held by the look-ahead or for B frames "
                         "(NEED_MORE_INPUT): send more or EOS", (long long)o->order);
    for (object *other = s->objects; other; other = other->next)
        if (other->kind == OBJ_BITSTREAM && other->queued && other->order < o->order)
            return violation(s, NV_ENC_ERR_INVALID_PARAM, "nvEncLockBitstream: outputs must be read in submission order");
    o->locked = 1;
    o->queued = 0;
    o->filled = 0;
    p->bitstreamBufferPtr = o->data;
    p->bitstreamSizeInBytes = (uint32_t)o->size;
    p->pictureType = o->pic_type;
    p->pictureStruct = NV_ENC_PIC_STRUCT_FRAME;
    p->frameAvgQP = o->qp;
    p->frameIdx = o->frame_idx;
    p->outputTimeStamp = o->timestamp;
    p->hwEncodeStatus = 0;
    if (p->sliceOffsets)
        p->sliceOffsets[0] = 0;
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
    session *s = find_session(encoder);
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

static void log_encode_cpu(const session *s)
{
    const char *path = getenv("HWENCTEST_ENCODE_CPU_LOG");
    FILE *f = path && *path && s->initialized ? fopen(path, "a") : NULL;
    if (!f)
        return;
    fprintf(f, "encode_cpu_ns %lld pictures %lld\n", (long long)s->encode_cpu_ns, (long long)s->encode_pictures);
    fclose(f);
}

static NVENCSTATUS NVENCAPI destroy_encoder(void *encoder)
{
    trace("nvEncDestroyEncoder");
    session *s = find_session(encoder);
    if (!s)
        return violation(NULL, NV_ENC_ERR_INVALID_PTR, "nvEncDestroyEncoder: %p is not an open encode session", encoder);
    if (!s->failed_open) {
        /* The guide ("Notifying the end of input stream"): the EOS picture
         * must be sent before the encode session is closed. */
        if (s->initialized && !s->eos_seen)
            violation(s, NV_ENC_ERR_INVALID_CALL, "nvEncDestroyEncoder without an EOS picture "
                      "(NV_ENC_PIC_FLAG_EOS) before it");
        while (s->objects) {
            violation(s, NV_ENC_ERR_INVALID_CALL, "LEAK: nvEncDestroyEncoder with a %s (%p) not destroyed%s",
                      kind_name(s->objects->kind), (void *)s->objects, s->objects->locked ? ", and locked" : "");
            free_object(s, s->objects);
        }
        for (int i = 0; i < s->held_count; i++) {
            free(s->held[i].copy);
            free(s->held[i].qp_delta);
        }
        log_encode_cpu(s);
    }
    pthread_mutex_lock(&lock);
    session **p = &sessions;
    while (*p != s)
        p = &(*p)->next;
    *p = s->next;
    pthread_mutex_unlock(&lock);
    cpu_encoder_close(s->enc);
    standin_system_session_release(s->system_slot);
    free(s);
    return NV_ENC_SUCCESS;
}

/* --------------------------------------------------------- entry points */

/* Built without it too, to stand for a broken driver installation. */
#ifndef STANDIN_OMIT_MAX_VERSION
NVENCSTATUS NVENCAPI NvEncodeAPIGetMaxSupportedVersion(uint32_t *version)
{
    *version = standin_profile_get()->api;
    return NV_ENC_SUCCESS;
}
#endif

NVENCSTATUS NVENCAPI NvEncodeAPICreateInstance(NV_ENCODE_API_FUNCTION_LIST *list)
{
    CHECK_VERSION(NULL, list, NV_ENCODE_API_FUNCTION_LIST_VER, "NvEncodeAPICreateInstance");
    if (standin_profile_get()->api < (NVENCAPI_MAJOR_VERSION << 4 | NVENCAPI_MINOR_VERSION))
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
    list->nvEncSetIOCudaStreams = set_io_cuda_streams;
    list->nvEncGetSequenceParams = get_sequence_params;
    list->nvEncDestroyEncoder = destroy_encoder;
    return NV_ENC_SUCCESS;
}

__attribute__((destructor)) static void report_leaks(void)
{
    int leaks = 0;
    for (session *s = sessions; s; s = s->next) {
        if (s->failed_open)
            fprintf(stderr, "libnvidia-encode stand-in: LEAK: the handle of a failed nvEncOpenEncodeSessionEx %p "
                            "was never destroyed (the header: the client must call NvEncDestroyEncoder)\n", (void *)s);
        else
            fprintf(stderr, "libnvidia-encode stand-in: LEAK: encode session %p was never destroyed\n", (void *)s);
        leaks++;
    }
    if (leaks || violations) {
        fprintf(stderr, "libnvidia-encode stand-in: %d leak(s), %d contract violation(s): failing the process\n",
                leaks, violations);
        _exit(3);
    }
}

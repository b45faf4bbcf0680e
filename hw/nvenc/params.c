/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * From the hwenc configuration to NVENC's: preset and tuning, then the
 * overrides of the driver's preset configuration. The defaults are what
 * FFmpeg's nvenc.c (5.1, h264_nvenc) sends; README.md lists every place
 * where they differ and why.
 *
 * Picture types. NVENC decides them (enablePTD = 1), as it does under
 * FFmpeg and NVIDIA's own samples, the only way it is known to run on real
 * drivers: pictures go in display order, gopLength and idrPeriod are the
 * keyint, frameIntervalP is the B frames plus one, and the IDRs the HAL
 * wants besides (forced, scene cuts) are asked for with
 * NV_ENC_PIC_FLAG_FORCEIDR, which nvEncodeAPI.h allows only with
 * enablePTD = 1. NVENC reorders B pictures itself and writes its own SPS,
 * PPS and slice headers; the outputs come back in coding order
 * (backend.c).
 *
 * B frames: NV_ENC_CAPS_NUM_MAX_BFRAMES bounds them, and the header asks
 * for frameIntervalP 1 with an infinite GOP (NVENC_INFINITE_GOPLENGTH), so
 * --keyint -1 gets none. B pictures are never references (useBFramesAsRef
 * DISABLED, FFmpeg's default), which the HAL's decoding time stamps assume.
 */
#include <stdio.h>
#include <string.h>

#include "hw/nvenc/nvenc.h"

static const GUID *const preset_guids[7] = {
    &NV_ENC_PRESET_P1_GUID, &NV_ENC_PRESET_P2_GUID, &NV_ENC_PRESET_P3_GUID, &NV_ENC_PRESET_P4_GUID,
    &NV_ENC_PRESET_P5_GUID, &NV_ENC_PRESET_P6_GUID, &NV_ENC_PRESET_P7_GUID,
};

/* medium, the default, is P4 as FFmpeg's default and its "medium"; the
 * faster names share P1..P3. */
static const uint8_t preset_index[HWENC_PRESET_COUNT] = { 1, 1, 2, 2, 3, 4 };

const char *nvenc_tuning_name(NV_ENC_TUNING_INFO tuning)
{
    switch (tuning) {
    case NV_ENC_TUNING_INFO_HIGH_QUALITY: return "high quality";
    case NV_ENC_TUNING_INFO_LOW_LATENCY: return "low latency";
    case NV_ENC_TUNING_INFO_ULTRA_LOW_LATENCY: return "ultra-low latency";
    case NV_ENC_TUNING_INFO_LOSSLESS: return "lossless";
    default: return "undefined";
    }
}

static int rc_supported(const nvenc_caps *caps, NV_ENC_PARAMS_RC_MODE mode)
{
    /* CONSTQP is 0 and always there; the others are bits of the mask. */
    return mode == NV_ENC_PARAMS_RC_CONSTQP || !caps->rc_modes || (caps->rc_modes & (int)mode);
}

static NV_ENC_PARAMS_RC_MODE rc_mode(enum hwenc_rate_control rc)
{
    switch (rc) {
    case HWENC_RC_CQP: return NV_ENC_PARAMS_RC_CONSTQP;
    case HWENC_RC_CBR: return NV_ENC_PARAMS_RC_CBR;
    default: return NV_ENC_PARAMS_RC_VBR;  /* ABR, VBR, and CRF as VBR with a target quality */
    }
}

/* The most consecutive B pictures the session can take: the GPU's
 * NV_ENC_CAPS_NUM_MAX_BFRAMES, or 0 with an infinite GOP. */
static int max_bframes(const hwenc_config *c, const nvenc_caps *caps)
{
    if (c->keyint <= 0 || caps->max_bframes <= 0)
        return 0;
    return caps->max_bframes < H264_MAX_REFS ? caps->max_bframes : H264_MAX_REFS;
}

/* High where the GPU codes CABAC (NV_ENC_CAPS_SUPPORT_CABAC) and the 8x8
 * transform (NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM); every NVENC encodes
 * the High profile GUID (nvEncodeAPI.h lists it for H.264 from the first
 * API version). */
h264_tools nvenc_tools_max(const nvenc_caps *caps, const char **why)
{
    h264_tools t = { .profile_idc = H264_PROFILE_HIGH, .cabac = caps->cabac != 0,
                     .transform_8x8 = caps->adaptive_transform != 0 };
    *why = !t.cabac           ? "NV_ENC_CAPS_SUPPORT_CABAC is 0 on this GPU"
           : !t.transform_8x8 ? "NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM is 0 on this GPU"
                              : NULL;
    return t;
}

int nvenc_params_choose(const hwenc_config *c, const nvenc_caps *caps, int bframes, const h264_tools *tools,
                        nvenc_params *p, char *err, size_t err_size)
{
    memset(p, 0, sizeof(*p));
    const char *why;
    const h264_tools max = nvenc_tools_max(caps, &why);
    p->tools = *tools;
    h264_tools_limit(&p->tools, &max);
    /* More than the GPU takes would fail the initialisation; the backend
     * reports the maximum, and the HAL plans again for it. */
    int most = max_bframes(c, caps);
    p->bframes = bframes < 0 ? 0 : bframes < most ? bframes : most;
    p->preset_index = preset_index[c->preset];
    p->preset = *preset_guids[p->preset_index - 1];
    if (c->rc_mode == HWENC_RC_CQP && c->qp == 0) {
        if (!caps->lossless) {
            snprintf(err, err_size, "qp 0 asks for lossless coding, which this GPU's NVENC cannot do");
            return HWENC_EUNSUPPORTED;
        }
        p->tuning = NV_ENC_TUNING_INFO_LOSSLESS;
    } else if (c->low_latency) {
        /* Constant bitrate streaming is what ultra-low latency is tuned for. */
        p->tuning = c->rc_mode == HWENC_RC_CBR ? NV_ENC_TUNING_INFO_ULTRA_LOW_LATENCY
                                               : NV_ENC_TUNING_INFO_LOW_LATENCY;
    } else {
        p->tuning = NV_ENC_TUNING_INFO_HIGH_QUALITY;
    }
    p->format = c->pixel_format == HWENC_PIXFMT_NV12 ? NV_ENC_BUFFER_FORMAT_NV12 : NV_ENC_BUFFER_FORMAT_IYUV;
    if (c->width > caps->width_max || c->height > caps->height_max) {
        snprintf(err, err_size, "%dx%d is larger than this GPU's NVENC allows for H.264 (%dx%d)", c->width,
                 c->height, caps->width_max, caps->height_max);
        return HWENC_EUNSUPPORTED;
    }
    if (!rc_supported(caps, rc_mode(c->rc_mode))) {
        snprintf(err, err_size, "this GPU's NVENC does not offer the %s rate control",
                 c->rc_mode == HWENC_RC_CBR ? "CBR" : "VBR");
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

static int clip_qp(int qp)
{
    return qp < 0 ? 0 : qp > 51 ? 51 : qp;
}

/* FFmpeg's initial QPs of its VBR modes: 26 for P, and I and B from
 * libavcodec's default quantiser factors (i 0.8, b 1.25 + 1.25). */
static void initial_qp(NV_ENC_RC_PARAMS *rc)
{
    rc->enableInitialRCQP = 1;
    rc->initialRCQP.qpInterP = 26;
    rc->initialRCQP.qpIntra = 21;
    rc->initialRCQP.qpInterB = 34;
}

void nvenc_params_rate_control(const hwenc_config *c, NV_ENC_RC_PARAMS *rc)
{
    uint32_t bitrate = (uint32_t)c->bitrate_kbps * 1000u;
    uint32_t maxrate = (uint32_t)c->vbv_maxrate_kbps * 1000u;
    rc->rateControlMode = rc_mode(c->rc_mode);
    rc->averageBitRate = c->rc_mode == HWENC_RC_CQP || c->rc_mode == HWENC_RC_CRF ? 0 : bitrate;
    rc->maxBitRate = c->rc_mode == HWENC_RC_CQP ? 0 : maxrate;
    rc->targetQuality = 0;
    rc->targetQualityLSB = 0;
    rc->multiPass = NV_ENC_MULTI_PASS_DISABLED;   /* FFmpeg's one pass for P1..P7 */
    switch (c->rc_mode) {
    case HWENC_RC_CQP:
        /* --qp is the P-frame QP, as in the CPU backend; I frames get about
         * 3 less (a qscale ratio of 1.4), B frames 2 more (1.3). */
        rc->constQP.qpInterP = (uint32_t)c->qp;
        rc->constQP.qpIntra = (uint32_t)clip_qp(c->qp ? c->qp - 3 : 0);
        rc->constQP.qpInterB = (uint32_t)clip_qp(c->qp ? c->qp + 2 : 0);
        break;
    case HWENC_RC_CRF: {
        /* Constant quality: VBR with a target quality in 8.8 fixed point,
         * no average and no VBV, as FFmpeg's -cq. */
        double crf = c->crf < 0 ? 0 : c->crf > 51 ? 51 : c->crf;
        int q = (int)crf;
        rc->targetQuality = (uint8_t)(q ? q : 1);
        rc->targetQualityLSB = (uint8_t)((crf - q) * 256.0);
        rc->vbvBufferSize = 0;
        initial_qp(rc);
        break;
    }
    case HWENC_RC_CBR:
        break;
    case HWENC_RC_ABR:
    case HWENC_RC_VBR:
        initial_qp(rc);
        break;
    }
    /* The VBV: the configuration's; else, as FFmpeg, twice the average
     * rate, except under the low-latency tunings, whose own (the preset's)
     * VBV is what makes them low latency and stays. */
    if (c->vbv_bufsize_kbits)
        rc->vbvBufferSize = (uint32_t)c->vbv_bufsize_kbits * 1000u;
    else if (!c->low_latency && rc->averageBitRate)
        rc->vbvBufferSize = 2 * rc->averageBitRate;
}

static void fill_vui(const hwenc_config *c, NV_ENC_CONFIG_H264_VUI_PARAMETERS *vui)
{
    const hwenc_colour *col = &c->colour;
    int described = (col->primaries && col->primaries != 2) || (col->transfer && col->transfer != 2) ||
                    (col->matrix && col->matrix != 2);
    vui->videoSignalTypePresentFlag = col->full_range || described;
    vui->videoFormat = 5;  /* unspecified */
    vui->videoFullRangeFlag = col->full_range != 0;
    vui->colourDescriptionPresentFlag = described;
    vui->colourPrimaries = col->primaries ? (uint32_t)col->primaries : 2;
    vui->transferCharacteristics = col->transfer ? (uint32_t)col->transfer : 2;
    vui->colourMatrix = col->matrix ? (uint32_t)col->matrix : 2;
    vui->chromaSampleLocationFlag = col->chroma_sample_loc != 0;
    vui->chromaSampleLocationTop = (uint32_t)col->chroma_sample_loc;
    vui->chromaSampleLocationBot = (uint32_t)col->chroma_sample_loc;
}

static uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

void nvenc_params_apply(const hwenc_config *c, const nvenc_caps *caps, nvenc_params *p, NV_ENC_CONFIG *cfg,
                        NV_ENC_INITIALIZE_PARAMS *init)
{
    NV_ENC_CONFIG_H264 *h = &cfg->encodeCodecConfig.h264Config;
    uint32_t gop = c->keyint > 0 ? (uint32_t)c->keyint : NVENC_INFINITE_GOPLENGTH;

    cfg->version = NV_ENC_CONFIG_VER;
    cfg->gopLength = gop;
    cfg->frameIntervalP = p->bframes + 1;
    cfg->frameFieldMode = NV_ENC_PARAMS_FRAME_FIELD_MODE_FRAME;
    cfg->rcParams.version = NV_ENC_RC_PARAMS_VER;
    nvenc_params_rate_control(c, &cfg->rcParams);
    /* Look-ahead as the preset has it (FFmpeg's default), within what the
     * GPU and the header (depth 0 .. 31 - B frames) allow. */
    NV_ENC_RC_PARAMS *rc = &cfg->rcParams;
    if (rc->enableLookahead && caps->lookahead && !c->low_latency) {
        if (rc->lookaheadDepth > 31 - p->bframes)
            rc->lookaheadDepth = (uint16_t)(31 - p->bframes);
        /* Scene cuts are the HAL's (forced IDRs); B decisions the driver's. */
        rc->disableIadapt = 1;
        rc->disableBadapt = 0;
    } else {
        rc->enableLookahead = 0;
        rc->lookaheadDepth = 0;
    }
    p->lookahead_depth = rc->enableLookahead ? rc->lookaheadDepth : 0;
    /* It promises num_reorder_frames 0: for low latency, where there are
     * no B frames. */
    rc->zeroReorderDelay = c->low_latency != 0;
    rc->enableNonRefP = 0;
    /* The stream's profile and tools (the HAL's plan, within the GPU's):
     * High, CABAC and the 8x8 transform unless the configuration or the
     * GPU says otherwise. FFmpeg 5.1's default profile is Main with the
     * preset's (driver-chosen) entropy coding; README says why High. Each
     * tool is set explicitly, so the driver's parameter sets are the
     * HAL's. Lossless needs High 4:4:4. */
    cfg->profileGUID = p->tools.profile_idc == H264_PROFILE_HIGH   ? NV_ENC_H264_PROFILE_HIGH_GUID
                       : p->tools.profile_idc == H264_PROFILE_MAIN ? NV_ENC_H264_PROFILE_MAIN_GUID
                                                                   : NV_ENC_H264_PROFILE_BASELINE_GUID;
    h->entropyCodingMode = p->tools.cabac ? NV_ENC_H264_ENTROPY_CODING_MODE_CABAC : NV_ENC_H264_ENTROPY_CODING_MODE_CAVLC;
    h->adaptiveTransformMode = p->tools.transform_8x8 ? NV_ENC_H264_ADAPTIVE_TRANSFORM_ENABLE
                                                      : NV_ENC_H264_ADAPTIVE_TRANSFORM_DISABLE;
    /* ROI offsets go per picture as the QP delta map, "applied on top of
     * the QP chosen by rate control" (nvEncodeAPI.h); a picture without
     * them sends no map. */
    rc->qpMapMode = NV_ENC_QP_MAP_DELTA;
    if (p->tuning == NV_ENC_TUNING_INFO_LOSSLESS) {
        cfg->profileGUID = NV_ENC_H264_PROFILE_HIGH_444_GUID;
        h->qpPrimeYZeroTransformBypassFlag = 1;
    }

    h->idrPeriod = gop;
    h->repeatSPSPPS = 1;
    h->disableSPSPPS = 0;
    h->outputAUD = 0;
    h->outputPictureTimingSEI = 1;
    h->outputBufferingPeriodSEI = c->rc_mode == HWENC_RC_CBR;
    h->enableIntraRefresh = 0;
    h->enableLTR = 0;
    h->hierarchicalPFrames = 0;
    h->hierarchicalBFrames = 0;
    h->level = NV_ENC_LEVEL_AUTOSELECT;
    h->chromaFormatIDC = 1;
    h->disableDeblockingFilterIDC = c->deblock ? 0 : 1;
    /* One slice per picture, as FFmpeg asks (mode 3: slices per picture). */
    h->sliceMode = 3;
    h->sliceModeData = 1;
    h->maxNumRefFrames = (uint32_t)(c->ref_frames + (p->bframes ? 1 : 0));
    /* The header: numRefL0 and numRefL1 need
     * NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES; otherwise the driver
     * chooses (AUTOSELECT), as FFmpeg leaves it. */
    h->numRefL0 = caps->multiple_refs ? (NV_ENC_NUM_REF_FRAMES)(c->ref_frames < 7 ? c->ref_frames : 7)
                                      : NV_ENC_NUM_REF_FRAMES_AUTOSELECT;
    h->numRefL1 = NV_ENC_NUM_REF_FRAMES_AUTOSELECT;
    h->useBFramesAsRef = NV_ENC_BFRAME_REF_MODE_DISABLED;
    fill_vui(c, &h->h264VUIParameters);

    memset(init, 0, sizeof(*init));
    init->version = NV_ENC_INITIALIZE_PARAMS_VER;
    init->encodeGUID = NV_ENC_CODEC_H264_GUID;
    init->presetGUID = p->preset;
    init->tuningInfo = p->tuning;
    init->encodeWidth = (uint32_t)c->width;
    init->encodeHeight = (uint32_t)c->height;
    uint32_t dar_w = (uint32_t)c->width * (uint32_t)(c->sar_num && c->sar_den ? c->sar_num : 1);
    uint32_t dar_h = (uint32_t)c->height * (uint32_t)(c->sar_num && c->sar_den ? c->sar_den : 1);
    uint32_t g = gcd(dar_w, dar_h);
    init->darWidth = dar_w / g;
    init->darHeight = dar_h / g;
    init->frameRateNum = (uint32_t)c->fps_num;
    init->frameRateDen = (uint32_t)c->fps_den;
    init->enableEncodeAsync = 0;  /* Linux has only the synchronous mode */
    init->enablePTD = 1;          /* NVENC decides the picture types */
    init->encodeConfig = cfg;
}

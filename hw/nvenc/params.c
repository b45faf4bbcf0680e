/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * From the hwenc configuration to NVENC's: preset and tuning, then the
 * overrides of the driver's preset configuration.
 *
 * Picture types and references. The HAL core decides every picture's type
 * (IDR at keyint, forced IDRs, scene cuts, P, and B between anchors) and
 * hands the pictures over in coding order. NVENC runs with enablePTD = 0,
 * the API's mode for a client that takes the picture-type decision itself:
 * it must reorder B pictures and submit them in encode order, and set
 * pictureType, displayPOCSyntax and refPicFlag for each (nvEncodeAPI.h on
 * NvEncInitializeEncoder and NvEncEncodePicture). NVENC writes its own SPS,
 * PPS and slice headers and keeps its own DPB, a sliding window of
 * maxNumRefFrames short-term references. Every I and P picture is a
 * reference (refPicFlag 1), no B picture is (refPicFlag 0, useBFramesAsRef
 * DISABLED), and there are no LTRs, so with maxNumRefFrames equal to the
 * HAL's max_num_ref_frames (cfg->ref_frames, one more with B frames for the
 * anchor that follows them) the driver's window holds the same pictures as
 * the HAL's. The HAL's slots, lists and parameter sets are therefore not
 * passed on: NVENC's DPB is the same window under other names, and it
 * builds its own (default) lists from it.
 *
 * B frames. frameIntervalP is the anchor distance (1: IPP, 3: IBBP), so
 * bframes + 1, and NV_ENC_CAPS_NUM_MAX_BFRAMES bounds bframes. What the
 * header asks for besides:
 * - frameIntervalP 1 with an infinite GOP (NVENC_INFINITE_GOPLENGTH), so
 *   --keyint -1 gets no B frames;
 * - zeroReorderDelay means num_reorder_frames 0, so it is off with B frames;
 * - no weighted prediction with B frames (never enabled here).
 * The documentation of NvEncEncodePicture also lists frameNumSyntax, but
 * NV_ENC_PIC_PARAMS_H264 of API 11.1 has no such field: frame_num is the
 * driver's, counted from refPicFlag as the HAL counts its own. NVENC reads
 * the outputs back in submission order, which is the coding order the HAL
 * computes decoding time stamps for.
 */
#include <stdio.h>
#include <string.h>

#include "nvenc.h"

static const GUID *const preset_guids[7] = {
    &NV_ENC_PRESET_P1_GUID, &NV_ENC_PRESET_P2_GUID, &NV_ENC_PRESET_P3_GUID, &NV_ENC_PRESET_P4_GUID,
    &NV_ENC_PRESET_P5_GUID, &NV_ENC_PRESET_P6_GUID, &NV_ENC_PRESET_P7_GUID,
};

/* P1 (fastest) .. P7 (best) for ultrafast .. medium; P7 is left for slower
 * presets, as x264's medium is not its slowest either. */
static const uint8_t preset_index[HWENC_PRESET_COUNT] = { 1, 2, 3, 4, 5, 6 };

#define LOOKAHEAD_DEPTH 8

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

int nvenc_params_max_bframes(const hwenc_config *c, const nvenc_caps *caps)
{
    if (c->keyint <= 0 || caps->max_bframes <= 0)
        return 0;
    return caps->max_bframes < H264_MAX_REFS ? caps->max_bframes : H264_MAX_REFS;
}

int nvenc_params_choose(const hwenc_config *c, const nvenc_caps *caps, int bframes, nvenc_params *p, char *err,
                        size_t err_size)
{
    memset(p, 0, sizeof(*p));
    /* More than the GPU takes would fail the initialisation; the backend
     * reports the maximum, and the HAL plans again for it. */
    int max_bframes = nvenc_params_max_bframes(c, caps);
    p->bframes = bframes < 0 ? 0 : bframes < max_bframes ? bframes : max_bframes;
    p->preset_index = preset_index[c->preset];
    p->preset = *preset_guids[p->preset_index - 1];
    if (c->rc_mode == HWENC_RC_CQP && c->qp == 0) {
        if (!caps->lossless) {
            snprintf(err, err_size, "--qp 0 asks for lossless coding, which this GPU's NVENC cannot do");
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
    /* Look-ahead only helps the rate control and costs latency; it delays
     * output (NEED_MORE_INPUT) but not the picture types we set. */
    if (!c->low_latency && c->rc_mode != HWENC_RC_CQP && caps->lookahead)
        p->lookahead_depth = LOOKAHEAD_DEPTH;
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

void nvenc_params_rate_control(const hwenc_config *c, NV_ENC_RC_PARAMS *rc)
{
    uint32_t bitrate = (uint32_t)c->bitrate_kbps * 1000u;
    uint32_t maxrate = (uint32_t)c->vbv_maxrate_kbps * 1000u;
    rc->rateControlMode = rc_mode(c->rc_mode);
    rc->averageBitRate = 0;
    rc->maxBitRate = 0;
    rc->targetQuality = 0;
    rc->targetQualityLSB = 0;
    switch (c->rc_mode) {
    case HWENC_RC_CQP:
        /* --qp is the P-frame QP, as in the CPU backend; I frames get about
         * 3 less (a qscale ratio of 1.4), B frames 2 more (1.3). */
        rc->constQP.qpInterP = (uint32_t)c->qp;
        rc->constQP.qpIntra = (uint32_t)clip_qp(c->qp ? c->qp - 3 : 0);
        rc->constQP.qpInterB = (uint32_t)clip_qp(c->qp ? c->qp + 2 : 0);
        break;
    case HWENC_RC_CRF: {
        /* Constant quality: VBR with a target quality in 8.8 fixed point. */
        double crf = c->crf < 0 ? 0 : c->crf > 51 ? 51 : c->crf;
        int q = (int)crf;
        rc->targetQuality = (uint8_t)(q ? q : 1);
        rc->targetQualityLSB = (uint8_t)((crf - q) * 256.0);
        rc->maxBitRate = maxrate;
        break;
    }
    case HWENC_RC_CBR:
        rc->averageBitRate = bitrate;
        rc->maxBitRate = bitrate;
        break;
    case HWENC_RC_ABR:
        rc->averageBitRate = bitrate;
        break;
    case HWENC_RC_VBR:
        rc->averageBitRate = bitrate;
        rc->maxBitRate = maxrate > bitrate ? maxrate : bitrate;
        break;
    }
    if (c->rc_mode != HWENC_RC_CQP) {
        /* 0 lets the driver pick, which is what the public default (one
         * second at the rate) would be anyway only for CBR. */
        uint32_t rate = rc->maxBitRate ? rc->maxBitRate : rc->averageBitRate;
        rc->vbvBufferSize = c->vbv_bufsize_kbits ? (uint32_t)c->vbv_bufsize_kbits * 1000u : rate;
        rc->vbvInitialDelay = rc->vbvBufferSize * 9 / 10;
    }
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

/* Baseline and Constrained High have no B slices. */
static int profile_has_b_slices(const GUID *profile)
{
    return memcmp(profile, &NV_ENC_H264_PROFILE_BASELINE_GUID, sizeof(*profile)) &&
           memcmp(profile, &NV_ENC_H264_PROFILE_CONSTRAINED_HIGH_GUID, sizeof(*profile));
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

void nvenc_params_apply(const hwenc_config *c, const nvenc_caps *caps, const nvenc_params *p, NV_ENC_CONFIG *cfg,
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
    cfg->rcParams.enableLookahead = p->lookahead_depth > 0;
    cfg->rcParams.lookaheadDepth = (uint16_t)p->lookahead_depth;
    /* Scene cuts are the HAL's decision (it forces the IDR). */
    cfg->rcParams.disableIadapt = 1;
    cfg->rcParams.disableBadapt = 1;
    /* It promises num_reorder_frames 0, which B pictures break. */
    cfg->rcParams.zeroReorderDelay = p->bframes == 0;
    cfg->rcParams.enableNonRefP = 0;
    if (p->tuning == NV_ENC_TUNING_INFO_LOSSLESS) {
        cfg->profileGUID = NV_ENC_H264_PROFILE_HIGH_444_GUID;
        h->qpPrimeYZeroTransformBypassFlag = 1;
    }
    /* The preset's profile stays unless it cannot carry B slices. */
    if (p->bframes && !profile_has_b_slices(&cfg->profileGUID))
        cfg->profileGUID = NV_ENC_H264_PROFILE_MAIN_GUID;

    h->idrPeriod = gop;
    h->repeatSPSPPS = 1;
    h->disableSPSPPS = 0;
    h->outputAUD = 0;
    h->enableIntraRefresh = 0;
    h->enableLTR = 0;
    h->hierarchicalPFrames = 0;
    h->hierarchicalBFrames = 0;
    h->level = NV_ENC_LEVEL_AUTOSELECT;
    h->chromaFormatIDC = 1;
    h->disableDeblockingFilterIDC = c->deblock ? 0 : 1;
    h->sliceMode = 0;
    h->sliceModeData = 0;
    h->maxNumRefFrames = (uint32_t)(c->ref_frames + (p->bframes ? 1 : 0));
    h->numRefL0 = caps->multiple_refs ? (NV_ENC_NUM_REF_FRAMES)(c->ref_frames < 7 ? c->ref_frames : 7)
                                      : NV_ENC_NUM_REF_FRAMES_1;
    /* One list-1 reference, the anchor after the B pictures, as the HAL
     * plans them. */
    h->numRefL1 = p->bframes ? NV_ENC_NUM_REF_FRAMES_1 : NV_ENC_NUM_REF_FRAMES_AUTOSELECT;
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
    init->enablePTD = 0;          /* the HAL decides the picture types */
    init->encodeConfig = cfg;
}

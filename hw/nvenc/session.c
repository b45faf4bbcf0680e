/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The NVENC encode session: open it on the CUDA context, check that it
 * encodes H.264 from our input format, query its capabilities, initialise it
 * from the preset configuration with our overrides, and create the pool of
 * input and bitstream buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/nvenc/nvenc.h"

static int guid_equal(const GUID *a, const GUID *b)
{
    return !memcmp(a, b, sizeof(*a));
}

static int open_encoder(nvenc_session *s, char *err, size_t err_size)
{
    NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS p;
    memset(&p, 0, sizeof(p));
    p.version = NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS_VER;
    p.deviceType = NV_ENC_DEVICE_TYPE_CUDA;
    p.device = s->device.ctx;
    p.apiVersion = NVENCAPI_VERSION;
    NVENCSTATUS st = s->lib.nv.nvEncOpenEncodeSessionEx(&p, &s->encoder);
    if (st != NV_ENC_SUCCESS) {
        int ret = nvenc_report(&s->lib, NULL, st, "nvEncOpenEncodeSessionEx", err, err_size);
        /* nvEncodeAPI.h: if the creation fails, the client must still call
         * NvEncDestroyEncoder (on what the call returned). */
        if (s->encoder)
            s->lib.nv.nvEncDestroyEncoder(s->encoder);
        s->encoder = NULL;
        return ret;
    }
    return 0;
}

static int check_h264(nvenc_session *s, char *err, size_t err_size)
{
    const NV_ENCODE_API_FUNCTION_LIST *nv = &s->lib.nv;
    uint32_t count = 0, got = 0;
    NVENCSTATUS st = nv->nvEncGetEncodeGUIDCount(s->encoder, &count);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncGetEncodeGUIDCount", err, err_size);
    GUID guids[16];
    if (count > 16)
        count = 16;
    st = nv->nvEncGetEncodeGUIDs(s->encoder, guids, count, &got);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncGetEncodeGUIDs", err, err_size);
    for (uint32_t i = 0; i < got && i < count; i++)
        if (guid_equal(&guids[i], &NV_ENC_CODEC_H264_GUID))
            return 0;
    snprintf(err, err_size, "unsupported device: GPU %s has NVENC but no H.264 encoder", s->device.name);
    return HWENC_EUNSUPPORTED;
}

static int check_format(nvenc_session *s, NV_ENC_BUFFER_FORMAT format, char *err, size_t err_size)
{
    const NV_ENCODE_API_FUNCTION_LIST *nv = &s->lib.nv;
    uint32_t count = 0, got = 0;
    NV_ENC_BUFFER_FORMAT formats[32];
    NVENCSTATUS st = nv->nvEncGetInputFormatCount(s->encoder, NV_ENC_CODEC_H264_GUID, &count);
    if (st == NV_ENC_SUCCESS) {
        if (count > 32)
            count = 32;
        st = nv->nvEncGetInputFormats(s->encoder, NV_ENC_CODEC_H264_GUID, formats, count, &got);
    }
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncGetInputFormats", err, err_size);
    for (uint32_t i = 0; i < got && i < count; i++)
        if (formats[i] == format)
            return 0;
    snprintf(err, err_size, "this GPU's NVENC does not take %s input", format == NV_ENC_BUFFER_FORMAT_NV12 ? "NV12" : "I420");
    return HWENC_EUNSUPPORTED;
}

int nvenc_session_query_caps(nvenc_session *s, char *err, size_t err_size)
{
    static const struct { NV_ENC_CAPS cap; size_t offset; } wanted[] = {
        { NV_ENC_CAPS_WIDTH_MAX, offsetof(nvenc_caps, width_max) },
        { NV_ENC_CAPS_HEIGHT_MAX, offsetof(nvenc_caps, height_max) },
        { NV_ENC_CAPS_NUM_MAX_BFRAMES, offsetof(nvenc_caps, max_bframes) },
        { NV_ENC_CAPS_SUPPORTED_RATECONTROL_MODES, offsetof(nvenc_caps, rc_modes) },
        { NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE, offsetof(nvenc_caps, dyn_bitrate) },
        { NV_ENC_CAPS_SUPPORT_LOOKAHEAD, offsetof(nvenc_caps, lookahead) },
        { NV_ENC_CAPS_SUPPORT_LOSSLESS_ENCODE, offsetof(nvenc_caps, lossless) },
        { NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES, offsetof(nvenc_caps, multiple_refs) },
        { NV_ENC_CAPS_SUPPORT_CABAC, offsetof(nvenc_caps, cabac) },
        { NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM, offsetof(nvenc_caps, adaptive_transform) },
    };
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        NV_ENC_CAPS_PARAM p;
        memset(&p, 0, sizeof(p));
        p.version = NV_ENC_CAPS_PARAM_VER;
        p.capsToQuery = wanted[i].cap;
        int value = 0;
        /* A capability the driver cannot report is one it lacks (FFmpeg
         * reads a failed query as 0 too); the sizes it must report. */
        if (s->lib.nv.nvEncGetEncodeCaps(s->encoder, NV_ENC_CODEC_H264_GUID, &p, &value) != NV_ENC_SUCCESS)
            value = 0;
        memcpy((char *)&s->caps + wanted[i].offset, &value, sizeof(value));
    }
    if (s->caps.width_max <= 0 || s->caps.height_max <= 0) {
        snprintf(err, err_size, "this GPU's NVENC reports no maximum picture size for H.264 "
                                "(NV_ENC_CAPS_WIDTH_MAX / HEIGHT_MAX)");
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

void nvenc_caps_describe(const nvenc_caps *c, char *dst, size_t size)
{
    snprintf(dst, size,
             "H.264 up to %dx%d; rc: CQP%s%s; B-frames: %d; refs: %s; dynamic bitrate: %s; "
             "look-ahead: %s; lossless: %s; CABAC: %s; 8x8 transform: %s",
             c->width_max, c->height_max, !c->rc_modes || (c->rc_modes & NV_ENC_PARAMS_RC_CBR) ? " CBR" : "",
             !c->rc_modes || (c->rc_modes & NV_ENC_PARAMS_RC_VBR) ? " VBR CRF" : "", c->max_bframes,
             c->multiple_refs ? "up to 7" : "1", c->dyn_bitrate ? "yes" : "no", c->lookahead ? "yes" : "no",
             c->lossless ? "yes" : "no", c->cabac ? "yes" : "no", c->adaptive_transform ? "yes" : "no");
}

static int initialize(nvenc_session *s, const hwenc_config *config, char *err, size_t err_size)
{
    NV_ENC_PRESET_CONFIG preset;
    memset(&preset, 0, sizeof(preset));
    preset.version = NV_ENC_PRESET_CONFIG_VER;
    preset.presetCfg.version = NV_ENC_CONFIG_VER;
    NVENCSTATUS st = s->lib.nv.nvEncGetEncodePresetConfigEx(s->encoder, NV_ENC_CODEC_H264_GUID, s->params.preset,
                                                            s->params.tuning, &preset);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncGetEncodePresetConfigEx", err, err_size);
    s->config = preset.presetCfg;
    nvenc_params_apply(config, &s->caps, &s->params, &s->config, &s->init);
    st = s->lib.nv.nvEncInitializeEncoder(s->encoder, &s->init);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncInitializeEncoder", err, err_size);
    s->initialized = 1;
    return 0;
}

static int create_pool(nvenc_session *s, char *err, size_t err_size)
{
    const NV_ENCODE_API_FUNCTION_LIST *nv = &s->lib.nv;
    /* FFmpeg's pool (nvenc_recalc_surfaces): four per anchor distance,
     * at least 4, and with look-ahead its depth plus the anchor distance
     * plus 5. It holds the header's minimum of 4 more input and output
     * buffers than B frames, and what the driver keeps back. */
    int interval = s->params.bframes + 1;
    s->num_slots = interval * 4 > 4 ? interval * 4 : 4;
    if (s->params.lookahead_depth && s->params.lookahead_depth + interval + 5 > s->num_slots)
        s->num_slots = s->params.lookahead_depth + interval + 5;
    if (s->num_slots > NVENC_MAX_SLOTS)
        s->num_slots = NVENC_MAX_SLOTS;
    for (int i = 0; i < s->num_slots; i++) {
        NV_ENC_CREATE_INPUT_BUFFER in;
        memset(&in, 0, sizeof(in));
        in.version = NV_ENC_CREATE_INPUT_BUFFER_VER;
        in.width = s->init.encodeWidth;
        in.height = s->init.encodeHeight;
        in.bufferFmt = s->params.format;
        NVENCSTATUS st = nv->nvEncCreateInputBuffer(s->encoder, &in);
        if (st != NV_ENC_SUCCESS)
            return nvenc_report(&s->lib, s->encoder, st, "nvEncCreateInputBuffer", err, err_size);
        s->slots[i].input = in.inputBuffer;

        NV_ENC_CREATE_BITSTREAM_BUFFER out;
        memset(&out, 0, sizeof(out));
        out.version = NV_ENC_CREATE_BITSTREAM_BUFFER_VER;
        st = nv->nvEncCreateBitstreamBuffer(s->encoder, &out);
        if (st != NV_ENC_SUCCESS)
            return nvenc_report(&s->lib, s->encoder, st, "nvEncCreateBitstreamBuffer", err, err_size);
        s->slots[i].bitstream = out.bitstreamBuffer;
    }
    return 0;
}

static void destroy_pool(nvenc_session *s)
{
    const NV_ENCODE_API_FUNCTION_LIST *nv = &s->lib.nv;
    for (int i = 0; i < NVENC_MAX_SLOTS; i++) {
        nvenc_slot *slot = &s->slots[i];
        nvenc_input_release(s, slot);
        if (slot->input)
            nv->nvEncDestroyInputBuffer(s->encoder, slot->input);
        if (slot->bitstream)
            nv->nvEncDestroyBitstreamBuffer(s->encoder, slot->bitstream);
        free(slot->qp_delta);
        memset(slot, 0, sizeof(*slot));
    }
    nvenc_input_unregister_all(s);
}

static int open_session(nvenc_session *s, const hwenc_config *config, int bframes, const h264_tools *tools, char *err,
                        size_t err_size)
{
    int ret;
    if ((ret = open_encoder(s, err, err_size)) < 0 || (ret = check_h264(s, err, err_size)) < 0 ||
        (ret = nvenc_session_query_caps(s, err, err_size)) < 0 ||
        (ret = nvenc_params_choose(config, &s->caps, bframes, tools, &s->params, err, err_size)) < 0 ||
        (ret = check_format(s, s->params.format, err, err_size)) < 0 ||
        (ret = initialize(s, config, err, err_size)) < 0 || (ret = create_pool(s, err, err_size)) < 0)
        return ret;
    return 0;
}

int nvenc_session_open(nvenc_session *s, const hwenc_config *config, int bframes, const h264_tools *tools, char *err,
                       size_t err_size)
{
    memset(s, 0, sizeof(*s));
    s->hcfg = *config;
    s->hcfg.device = NULL;   /* the caller's string need not outlive the open */
    int ret = nvenc_lib_load(&s->lib, err, err_size);
    if (ret < 0)
        return ret;
    if ((ret = nvenc_device_open(&s->device, &s->lib, config, err, err_size)) < 0)
        goto fail;
    if ((ret = nvenc_device_push(&s->device, err, err_size)) < 0)
        goto fail;
    ret = open_session(s, config, bframes, tools, err, err_size);
    nvenc_device_pop(&s->device);
    if (ret < 0)
        goto fail;
    return 0;
fail:
    nvenc_session_close(s);
    return ret;
}

int nvenc_session_end_stream(nvenc_session *s, char *err, size_t err_size)
{
    if (s->eos_sent || !s->initialized)
        return 0;
    NV_ENC_PIC_PARAMS pic;
    memset(&pic, 0, sizeof(pic));
    pic.version = NV_ENC_PIC_PARAMS_VER;
    pic.encodePicFlags = NV_ENC_PIC_FLAG_EOS;
    s->eos_sent = 1;
    NVENCSTATUS st = s->lib.nv.nvEncEncodePicture(s->encoder, &pic);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncEncodePicture(EOS)", err, err_size);
    return 0;
}

void nvenc_session_close(nvenc_session *s)
{
    if (s->encoder) {
        char err[256];
        if (nvenc_device_push(&s->device, err, sizeof(err)) == 0) {
            /* The guide asks for the EOS picture before the session ends,
             * also after an error (a failure to send it changes nothing
             * here: everything is released either way). */
            nvenc_session_end_stream(s, err, sizeof(err));
            destroy_pool(s);
            s->lib.nv.nvEncDestroyEncoder(s->encoder);
            nvenc_device_pop(&s->device);
        }
        s->encoder = NULL;
    }
    if (s->device.lib)
        nvenc_device_close(&s->device);
    if (s->lib.cuda_handle)
        nvenc_lib_unload(&s->lib);
    free(s->out);
    s->out = NULL;
}

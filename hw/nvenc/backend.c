/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The NVENC backend of the HAL.
 *
 * Frames arrive in display order and go through a ring of slots (input
 * buffer + bitstream buffer) in that order; NVENC decides the picture types
 * (enablePTD = 1), reorders B pictures and fills the bitstream buffers in
 * submission order with the pictures in coding order, so a slot's packet
 * may be another frame's: the packet's pts comes from outputTimeStamp,
 * which is the frame's display index. nvEncEncodePicture returns
 * NV_ENC_SUCCESS when the output of every picture submitted so far can be
 * read (the look-ahead's last pictures excepted), or
 * NV_ENC_ERR_NEED_MORE_INPUT while the driver holds pictures back; only
 * slots marked ready are locked, oldest first. The flush submits the EOS
 * picture, after which every slot is ready. The bitstream is copied out and
 * unlocked at once, so no driver buffer stays locked while the application
 * holds the packet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/config.h"
#include "hw/nvenc/nvenc.h"

static void nvenc_probe(const hwenc_config *config, hwenc_backend_info *info)
{
    nvenc_session *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(info->reason, sizeof(info->reason), "out of memory");
        return;
    }
    /* An open session is the only way to learn what the GPU can do (and
     * whether a session can be had at all); it is closed right away. */
    const h264_tools asked = config_h264_tools(config, 1, config->bframes);
    int ret = nvenc_session_open(s, config, config->bframes, &asked, info->reason, sizeof(info->reason));
    if (s->device.name[0]) {
        if (s->device.index >= 0)
            snprintf(info->device, sizeof(info->device), "GPU %d: %s", s->device.index, s->device.name);
        else
            snprintf(info->device, sizeof(info->device), "application CUDA context: %s", s->device.name);
    }
    if (ret == 0) {
        info->available = 1;
        snprintf(info->reason, sizeof(info->reason), "NVENC H.264 on %s (compute capability %d.%d)",
                 s->device.name, s->device.cc_major, s->device.cc_minor);
        snprintf(info->driver, sizeof(info->driver), "NVIDIA driver: CUDA %d.%d, NVENC API %u.%u (hwenc uses %d.%d)",
                 s->lib.cuda_version / 1000, s->lib.cuda_version % 1000 / 10, s->lib.driver_api >> 4,
                 s->lib.driver_api & 15, NVENCAPI_MAJOR_VERSION, NVENCAPI_MINOR_VERSION);
        nvenc_caps_describe(&s->caps, info->capabilities, sizeof(info->capabilities));
        const char *why;
        nvenc_tools_max(&s->caps, &why);
        h264_tools_note(&s->params.tools, &asked, why, info->reason, sizeof(info->reason));
    }
    nvenc_session_close(s);
    free(s);
}

static void nvenc_close(void *priv)
{
    nvenc_session *s = priv;
    if (!s)
        return;
    nvenc_session_close(s);
    free(s);
}

static int nvenc_open(const hal_session *hs, void **priv, hal_caps *caps, char *err, size_t err_size)
{
    /* NVENC writes the SPS and the timing SEI itself, as FFmpeg 5.1's
     * h264_nvenc asks for them (params.c: picture timing always, buffering
     * period under CBR); hwenc has not yet mapped nal_hrd onto those flags
     * and enableFillerDataInsertion, nor does the stand-in model them: it
     * refuses, and `auto` goes on to a backend that can. */
    if (hs->config->nal_hrd != HWENC_NAL_HRD_NONE) {
        snprintf(err, err_size, "nal_hrd %s: the NVENC backend does not map it onto NVENC's own HRD signalling yet",
                 hs->config->nal_hrd == HWENC_NAL_HRD_CBR ? "cbr" : "vbr");
        return HWENC_EUNSUPPORTED;
    }
    nvenc_session *s = calloc(1, sizeof(*s));
    if (!s)
        return HWENC_ENOMEM;
    const h264_tools tools = { hs->h264.sps->profile_idc, hs->h264.pps->entropy_coding_mode,
                               hs->h264.pps->transform_8x8_mode };
    int ret = nvenc_session_open(s, hs->config, hs->bframes, &tools, err, err_size);
    if (ret < 0) {
        free(s);
        return ret;
    }
    /* Worst case of one access unit: parameter sets plus a picture at the
     * PCM bound (384 bytes per macroblock), with slack for headers. */
    size_t mbs = (size_t)((s->init.encodeWidth + 15) / 16) * ((s->init.encodeHeight + 15) / 16);
    s->out_capacity = mbs * 400 + 4096;
    if (!(s->out = malloc(s->out_capacity))) {
        nvenc_close(s);
        return HWENC_ENOMEM;
    }
    /* NVENC plans the references and B pictures itself. */
    caps->max_refs = s->caps.multiple_refs ? 7 : 1;
    caps->max_bframes = s->params.bframes;
    caps->decides_types = 1;
    caps->tools = nvenc_tools_max(&s->caps, &caps->tools_why);
    /* The delta map has no capability bit (only the emphasis map has one,
     * NV_ENC_CAPS_SUPPORT_EMPHASIS_LEVEL_MAP): every GPU with the API
     * takes it, one signed byte per macroblock. */
    caps->roi = (hwenc_roi_caps){ .support = HWENC_ROI_EXACT, .block_size = 16, .min_offset = -51, .max_offset = 51 };
    *priv = s;
    return 0;
}

static void mark_ready(nvenc_session *s)
{
    for (int i = 0; i < s->count; i++) {
        nvenc_slot *slot = &s->slots[(s->head + i) % s->num_slots];
        if (slot->state == NVENC_SLOT_QUEUED)
            slot->state = NVENC_SLOT_READY;
    }
}

static int submit(nvenc_session *s, nvenc_slot *slot, const hal_picture *hp, const nvenc_input *in, char *err,
                  size_t err_size)
{
    NV_ENC_PIC_PARAMS pic;
    memset(&pic, 0, sizeof(pic));
    pic.version = NV_ENC_PIC_PARAMS_VER;
    int ret = nvenc_input_upload(s, slot, in, &pic, err, err_size);
    if (ret < 0)
        return ret;
    pic.inputWidth = s->init.encodeWidth;
    pic.inputHeight = s->init.encodeHeight;
    pic.outputBitstream = slot->bitstream;
    pic.pictureStruct = NV_ENC_PIC_STRUCT_FRAME;
    pic.frameIdx = (uint32_t)hp->display_index;
    pic.inputTimeStamp = (uint64_t)hp->display_index;
    /* The HAL's IDRs (forced, scene cut, keyint): FORCEIDR, which the header
     * allows with enablePTD = 1; at the keyint it coincides with the
     * driver's own idrPeriod. The driver decides every other type. */
    if (hp->type == HWENC_FRAME_IDR)
        pic.encodePicFlags = NV_ENC_PIC_FLAG_FORCEIDR;
    NV_ENC_PIC_PARAMS_H264 *h = &pic.codecPicParams.h264PicParams;
    h->sliceMode = s->config.encodeCodecConfig.h264Config.sliceMode;
    h->sliceModeData = s->config.encodeCodecConfig.h264Config.sliceModeData;
    /* The header does not say how long the driver reads the map (it may
     * hold the picture for its look-ahead): it lives with the slot, like
     * the input, until the picture's packet is out. */
    if (hp->roi) {
        const size_t mbs = (size_t)hp->roi->mb_width * (size_t)hp->roi->mb_height;
        if (!slot->qp_delta && !(slot->qp_delta = malloc(mbs))) {
            nvenc_input_release(s, slot);
            snprintf(err, err_size, "out of memory for the QP delta map of frame %lld", (long long)hp->display_index);
            return HWENC_ENOMEM;
        }
        memcpy(slot->qp_delta, hp->roi->mb_offset, mbs);
        pic.qpDeltaMap = slot->qp_delta;
        pic.qpDeltaMapSize = (uint32_t)mbs;
    }

    NVENCSTATUS st = s->lib.nv.nvEncEncodePicture(s->encoder, &pic);
    if (st != NV_ENC_SUCCESS && st != NV_ENC_ERR_NEED_MORE_INPUT) {
        nvenc_input_release(s, slot);
        ret = nvenc_report(&s->lib, s->encoder, st, "nvEncEncodePicture", err, err_size);
        size_t n = strlen(err);
        snprintf(err + n, err_size - n, " at frame %lld", (long long)hp->display_index);
        return ret;
    }
    s->pts[hp->display_index % NVENC_MAX_SLOTS] = hp->pts;
    slot->state = NVENC_SLOT_QUEUED;
    s->count++;
    if (st == NV_ENC_SUCCESS)
        mark_ready(s);
    return 0;
}

static int send_input(nvenc_session *s, const hal_picture *hp, const nvenc_input *in, char *err, size_t err_size)
{
    if (s->eos_sent) {
        snprintf(err, err_size, "picture sent after the end of the stream");
        return HWENC_ESTATE;
    }
    if (s->count == s->num_slots) {
        if (s->slots[s->head].state == NVENC_SLOT_READY)
            return HWENC_EAGAIN;
        snprintf(err, err_size, "NVENC holds all %d pictures without output: the driver's delay exceeds the pool",
                 s->num_slots);
        return HWENC_EBACKEND;
    }
    nvenc_slot *slot = &s->slots[(s->head + s->count) % s->num_slots];
    int ret = nvenc_device_push(&s->device, err, err_size);
    if (ret < 0)
        return ret;
    ret = submit(s, slot, hp, in, err, err_size);
    nvenc_device_pop(&s->device);
    return ret;
}

static int nvenc_send_picture(void *priv, const hal_picture *hp, char *err, size_t err_size)
{
    const hal_input *input = &hp->input;
    if (input->kind == HAL_INPUT_CUDA)
        return nvenc_send_cuda_picture(priv, hp, (CUdeviceptr)input->cuda_ptr, (uint32_t)input->cuda_pitch, err,
                                       err_size);
    nvenc_input in = { .cuda_ptr = 0 };
    for (int p = 0; p < 3; p++) {
        in.plane[p] = input->plane[p];
        in.stride[p] = input->stride[p];
    }
    return send_input(priv, hp, &in, err, err_size);
}

int nvenc_send_cuda_picture(void *priv, const hal_picture *hp, CUdeviceptr cuda_ptr, uint32_t cuda_pitch,
                            char *err, size_t err_size)
{
    nvenc_session *s = priv;
    if (!cuda_ptr) {
        snprintf(err, err_size, "the CUDA device pointer is 0");
        return HWENC_EINVAL;
    }
    /* A device pointer is valid only in the context it was allocated in;
     * the session's own context is not the application's. */
    if (s->device.own_ctx) {
        snprintf(err, err_size, "CUDA device memory input needs the application's CUDA context in "
                                "hwenc_config.external.cuda_context (the memory belongs to it)");
        return HWENC_EINVAL;
    }
    nvenc_input in = { .cuda_ptr = cuda_ptr, .cuda_pitch = cuda_pitch };
    return send_input(s, hp, &in, err, err_size);
}

static enum hwenc_frame_type frame_type(NV_ENC_PIC_TYPE t)
{
    switch (t) {
    case NV_ENC_PIC_TYPE_IDR: return HWENC_FRAME_IDR;
    case NV_ENC_PIC_TYPE_I: return HWENC_FRAME_I;
    case NV_ENC_PIC_TYPE_B: return HWENC_FRAME_B;
    default: return HWENC_FRAME_P;
    }
}

static int read_output(nvenc_session *s, nvenc_slot *slot, hal_packet *pkt, char *err, size_t err_size)
{
    const NV_ENCODE_API_FUNCTION_LIST *nv = &s->lib.nv;
    NV_ENC_LOCK_BITSTREAM lock;
    memset(&lock, 0, sizeof(lock));
    lock.version = NV_ENC_LOCK_BITSTREAM_VER;
    lock.outputBitstream = slot->bitstream;
    NVENCSTATUS st = nv->nvEncLockBitstream(s->encoder, &lock);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncLockBitstream", err, err_size);
    int ret = 0;
    if (lock.bitstreamSizeInBytes > s->out_capacity) {
        snprintf(err, err_size, "NVENC returned a %u-byte picture, more than the %zu bytes possible",
                 lock.bitstreamSizeInBytes, s->out_capacity);
        ret = HWENC_EBACKEND;
    } else {
        memcpy(s->out, lock.bitstreamBufferPtr, lock.bitstreamSizeInBytes);
        s->out_size = lock.bitstreamSizeInBytes;
    }
    st = nv->nvEncUnlockBitstream(s->encoder, slot->bitstream);
    if (st != NV_ENC_SUCCESS && ret == 0)
        ret = nvenc_report(&s->lib, s->encoder, st, "nvEncUnlockBitstream", err, err_size);
    nvenc_input_release(s, slot);
    if (ret < 0)
        return ret;
    memset(pkt, 0, sizeof(*pkt));
    pkt->data = s->out;
    pkt->size = s->out_size;
    /* Whose picture it is: the display index went in as inputTimeStamp. */
    pkt->display_index = (int64_t)lock.outputTimeStamp;
    pkt->pts = s->pts[pkt->display_index % NVENC_MAX_SLOTS];
    pkt->type = frame_type(lock.pictureType);
    pkt->qp = (int)lock.frameAvgQP;
    return 0;
}

static int nvenc_receive_packet(void *priv, int drain, hal_packet *pkt, char *err, size_t err_size)
{
    nvenc_session *s = priv;
    int ret = nvenc_device_push(&s->device, err, err_size);
    if (ret < 0)
        return ret;
    if (drain && !s->eos_sent && (ret = nvenc_session_end_stream(s, err, err_size)) == 0)
        mark_ready(s);
    if (ret == 0) {
        nvenc_slot *slot = &s->slots[s->head];
        if (!s->count)
            ret = drain ? HWENC_EOF : HWENC_EAGAIN;
        else if (slot->state != NVENC_SLOT_READY || (!s->eos_sent && s->count <= s->params.lookahead_depth))
            /* With look-ahead, a picture's output is final only once the
             * look-ahead has seen the pictures after it. */
            ret = HWENC_EAGAIN;
        else {
            /* The slot is free again whether or not reading succeeds. */
            ret = read_output(s, slot, pkt, err, err_size);
            slot->state = NVENC_SLOT_FREE;
            s->head = (s->head + 1) % s->num_slots;
            s->count--;
        }
    }
    nvenc_device_pop(&s->device);
    return ret;
}

/* The fields a running session cannot change (a new session can). */
static int same_except_rate(const hwenc_config *a, const hwenc_config *b)
{
    return a->width == b->width && a->height == b->height && a->fps_num == b->fps_num &&
           a->fps_den == b->fps_den && a->pixel_format == b->pixel_format && a->rc_mode == b->rc_mode &&
           a->preset == b->preset && a->keyint == b->keyint && a->ref_frames == b->ref_frames &&
           a->deblock == b->deblock && a->low_latency == b->low_latency;
}

int nvenc_reconfigure(void *priv, const hwenc_config *config, char *err, size_t err_size)
{
    nvenc_session *s = priv;
    if (!same_except_rate(&s->hcfg, config)) {
        snprintf(err, err_size, "NVENC can change only the rate-control targets of a running encoder "
                                "(bitrate, VBV, QP, CRF); open a new encoder for other changes");
        return HWENC_EUNSUPPORTED;
    }
    if (!s->caps.dyn_bitrate) {
        snprintf(err, err_size, "this GPU cannot change the bitrate of a running NVENC session "
                                "(NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE is 0): open a new encoder instead");
        return HWENC_EUNSUPPORTED;
    }
    NV_ENC_CONFIG cfg = s->config;
    NV_ENC_RECONFIGURE_PARAMS re;
    memset(&re, 0, sizeof(re));
    re.version = NV_ENC_RECONFIGURE_PARAMS_VER;
    re.reInitEncodeParams = s->init;
    re.reInitEncodeParams.encodeConfig = &cfg;
    nvenc_params_rate_control(config, &cfg.rcParams);
    /* No reset and no forced IDR (FFmpeg asks for both): the new rates
     * apply from the next picture without restarting the stream. */
    re.resetEncoder = 0;
    re.forceIDR = 0;
    int ret = nvenc_device_push(&s->device, err, err_size);
    if (ret < 0)
        return ret;
    NVENCSTATUS st = s->lib.nv.nvEncReconfigureEncoder(s->encoder, &re);
    nvenc_device_pop(&s->device);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncReconfigureEncoder", err, err_size);
    s->config = cfg;
    s->init.encodeConfig = &s->config;
    s->hcfg = *config;
    s->hcfg.device = NULL;
    return 0;
}

const hal_backend hal_backend_nvenc = {
    .id = HWENC_BACKEND_NVENC,
    .probe = nvenc_probe,
    .open = nvenc_open,
    .send_picture = nvenc_send_picture,
    .receive_packet = nvenc_receive_packet,
    .reconfigure = nvenc_reconfigure,
    .close = nvenc_close,
};

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Picture-level control of the CPU encoder: frame slots, the macroblock
 * loop of a slice, and the NAL unit around it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwenc/hwenc.h"
#include "internal.h"

/* A macroblock may not take more bits than this (A.3.1: 128 + RawMbBits);
 * I_PCM always fits, so larger ones are re-coded as I_PCM. */
#define MB_MAX_BITS (128 + 384 * 8)

static void init_lambda(cpu_encoder *enc)
{
    /* The SATD-domain lambda of the reference encoders: 2^((qp - 12) / 6). */
    for (int qp = 0; qp <= QP_MAX; qp++) {
        long v = lrint(pow(2.0, (qp - 12) / 6.0));
        enc->lambda_tab[qp] = (uint16_t)(v < 1 ? 1 : v);
    }
}

int cpu_encoder_open(cpu_encoder **out, const cpu_encoder_params *params)
{
    *out = NULL;
    if (!params || !params->sps || !params->pps || params->dpb_slots < 1 || params->dpb_slots > H264_MAX_REFS + 1)
        return HWENC_EINVAL;
    cpu_encoder *enc = calloc(1, sizeof(*enc));
    if (!enc)
        return HWENC_ENOMEM;
    enc->sps = *params->sps;
    enc->pps = *params->pps;
    enc->mb_width = enc->sps.mb_width;
    enc->mb_height = enc->sps.mb_height;
    enc->width = enc->mb_width * 16 - enc->sps.crop_left - enc->sps.crop_right;
    enc->height = enc->mb_height * 16 - enc->sps.crop_top - enc->sps.crop_bottom;
    enc->preset = params->preset;
    enc->dpb_slots = params->dpb_slots;

    pixel_dsp_init(&enc->pixf, params->cpu_flags);
    dct_dsp_init(&enc->dctf, params->cpu_flags);
    quant_dsp_init(&enc->quantf, params->cpu_flags);
    predict_dsp_init(&enc->predf, params->cpu_flags);
    quant_tables_init(&enc->qt);
    init_lambda(enc);

    size_t mb_count = (size_t)enc->mb_width * (size_t)enc->mb_height;
    enc->mbs = calloc(mb_count, sizeof(*enc->mbs));
    enc->recon = calloc((size_t)enc->dpb_slots + 1, sizeof(*enc->recon));
    enc->rbsp_capacity = mb_count * (MB_MAX_BITS / 8 + 8) + 1024;
    enc->rbsp = malloc(enc->rbsp_capacity);
    if (!enc->mbs || !enc->recon || !enc->rbsp || cpu_frame_alloc(&enc->source, enc->mb_width, enc->mb_height) < 0)
        goto fail;
    for (int i = 0; i <= enc->dpb_slots; i++)
        if (cpu_frame_alloc(&enc->recon[i], enc->mb_width, enc->mb_height) < 0)
            goto fail;
    *out = enc;
    return 0;
fail:
    cpu_encoder_close(enc);
    return HWENC_ENOMEM;
}

void cpu_encoder_close(cpu_encoder *enc)
{
    if (!enc)
        return;
    if (enc->recon)
        for (int i = 0; i <= enc->dpb_slots; i++)
            cpu_frame_free(&enc->recon[i]);
    free(enc->recon);
    cpu_frame_free(&enc->source);
    free(enc->mbs);
    free(enc->rbsp);
    free(enc);
}

size_t cpu_encoder_max_picture_size(const cpu_encoder *enc)
{
    return h264_nal_max_size(enc->rbsp_capacity);
}

static cpu_frame *recon_frame(const cpu_encoder *enc, int slot)
{
    return &enc->recon[slot < 0 ? enc->dpb_slots : slot];
}

void cpu_encoder_get_recon(const cpu_encoder *enc, int slot, const uint8_t *plane[3], ptrdiff_t stride[3])
{
    const cpu_frame *f = recon_frame(enc, slot);
    for (int p = 0; p < 3; p++) {
        plane[p] = f->plane[p];
        stride[p] = f->stride[p];
    }
}

static void mb_setup(cpu_encoder *enc, mb_ctx *mb, cpu_frame *recon, int mbx, int mby, int qp)
{
    mb_state *row = enc->mbs + (size_t)mby * (size_t)enc->mb_width;
    mb->x = mbx;
    mb->y = mby;
    mb->avail = (mbx > 0 ? MB_LEFT : 0) | (mby > 0 ? MB_TOP : 0) |
                (mby > 0 && mbx + 1 < enc->mb_width ? MB_TOPRIGHT : 0) | (mbx > 0 && mby > 0 ? MB_TOPLEFT : 0);
    mb->state = row + mbx;
    mb->left = mbx > 0 ? mb->state - 1 : NULL;
    mb->top = mby > 0 ? mb->state - enc->mb_width : NULL;
    mb->qp = qp;
    mb->qpc = chroma_qp_for(qp, enc->pps.chroma_qp_index_offset);
    mb->lambda = enc->lambda_tab[qp];
    for (int p = 0; p < 3; p++) {
        int size = p ? 8 : 16;
        ptrdiff_t off = (ptrdiff_t)mby * size * recon->stride[p] + (ptrdiff_t)mbx * size;
        mb->stride[p] = recon->stride[p];
        mb->src[p] = enc->source.plane[p] + off;
        mb->rec[p] = recon->plane[p] + off;
    }
}

static int check_picture(const cpu_encoder *enc, const cpu_picture *pic)
{
    const h264_slice_header *sh = &pic->slice;
    if (!pic->plane[0] || !pic->plane[1] || (!pic->nv12 && !pic->plane[2]))
        return HWENC_EINVAL;
    if (pic->recon_slot < -1 || pic->recon_slot >= enc->dpb_slots)
        return HWENC_EINVAL;
    if (sh->slice_qp < 0 || sh->slice_qp > QP_MAX)
        return HWENC_EINVAL;
    if (sh->slice_type != H264_SLICE_I)
        return HWENC_EUNSUPPORTED;
    return 0;
}

int64_t cpu_encode_picture(cpu_encoder *enc, const cpu_picture *pic, uint8_t *out, size_t out_capacity,
                           cpu_picture_stats *stats)
{
    int ret = check_picture(enc, pic);
    if (ret < 0)
        return ret;
    const h264_slice_header *sh = &pic->slice;
    cpu_frame *recon = recon_frame(enc, pic->recon_slot);
    cpu_picture_stats st = { 0 };
    h264_bitstream bs;

    cpu_frame_load(&enc->source, pic, enc->width, enc->height);
    bs_init(&bs, enc->rbsp, enc->rbsp_capacity);
    h264_write_slice_header(&bs, &enc->sps, &enc->pps, sh);
    size_t header_bits = bs_bit_count(&bs);

    int last_qp = sh->slice_qp;
    for (int mby = 0; mby < enc->mb_height; mby++) {
        for (int mbx = 0; mbx < enc->mb_width; mbx++) {
            mb_ctx mb;
            mb_setup(enc, &mb, recon, mbx, mby, sh->slice_qp);
            mb_analyse_intra(enc, &mb);
            h264_bitstream saved = bs;
            int saved_qp = last_qp;
            if (mb.type != MB_PCM) {
                mb_write_intra(&bs, enc, &mb, sh->slice_type, &last_qp);
                if (bs_bit_count(&bs) - bs_bit_count(&saved) > MB_MAX_BITS) {
                    bs = saved;
                    last_qp = saved_qp;
                    mb_encode_pcm(enc, &mb);
                }
            }
            if (mb.type == MB_PCM) {
                mb_write_pcm(&bs, &mb, sh->slice_type);
                st.pcm_mbs++;
            }
            st.intra_mbs++;
            st.qp_avg += mb.type == MB_PCM ? 0 : mb.qp;
        }
    }
    bs_write_rbsp_trailing(&bs);
    size_t rbsp_size = bs_flush(&bs);
    if (bs.overflow)
        return HWENC_ENOMEM;
    size_t size = h264_write_nal(out, out_capacity, sh->nal_ref_idc, sh->nal_unit_type, enc->rbsp, rbsp_size);
    if (!size)
        return HWENC_EINVAL;
    if (stats) {
        int mbs = enc->mb_width * enc->mb_height;
        st.bits = (int)(rbsp_size * 8 - header_bits);
        st.qp_avg = mbs > st.pcm_mbs ? st.qp_avg / (mbs - st.pcm_mbs) : 0;
        *stats = st;
    }
    return (int64_t)size;
}

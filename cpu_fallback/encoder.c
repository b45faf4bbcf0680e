/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Picture-level control of the CPU encoder: frame slots, the macroblock
 * loop of a slice, and the NAL unit around it.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/cabac.h"
#include "hwenc/hwenc.h"
#include "cpu_fallback/internal.h"
#include "cpu_fallback/threadpool.h"
#include "cpu_fallback/me.h"

/* What a coded macroblock costs beyond a skipped one, in skipped ones (plan_slices). */
#define ROW_WORK_PER_CODED_MB 6

/* A macroblock may not take more bits than this (A.3.1: 128 + RawMbBits);
 * I_PCM always fits, so larger ones are re-coded as I_PCM. */
#define MB_MAX_BITS (128 + 384 * 8)

/* What each preset turns on, fastest first (enum hwenc_preset order). */
static const encoder_options preset_options[] = {
    /* ultrafast */ { ME_DIAMOND, 16, 1, 0, 0, 1, 1 },
    /* superfast */ { ME_DIAMOND, 16, 1, 0, 1, 1, 1 },
    /* veryfast  */ { ME_HEXAGON, 16, 2, 1, 1, 1, 0 },
    /* faster    */ { ME_HEXAGON, 16, 3, 1, 1, 1, 0 },
    /* fast      */ { ME_HEXAGON, 24, 4, 1, 1, 1, 0 },
    /* medium    */ { ME_HEXAGON, 24, 6, 1, 1, 1, 0 },
};

static void init_lambda(cpu_encoder *enc)
{
    /* The SATD-domain lambda of the reference encoders: 2^((qp - 12) / 6). */
    for (int qp = 0; qp <= QP_MAX; qp++) {
        long v = lrint(pow(2.0, (qp - 12) / 6.0));
        enc->lambda_tab[qp] = (uint16_t)(v < 1 ? 1 : v);
    }
}

/* Before any inter picture, every row is taken to be the same work. */
static void reset_row_work(cpu_encoder *enc)
{
    for (int r = 0; r < enc->mb_height; r++)
        enc->row_work[r] = (uint32_t)enc->mb_width;
}

/* One slice per thread, each of whole macroblock rows. plan_slices() moves
 * their boundaries from picture to picture, up to twice the even share of
 * rows each, which is what the buffers hold. */
static int alloc_slices(cpu_encoder *enc, int threads)
{
    int n = threads < 1 ? 1 : threads > enc->mb_height ? enc->mb_height : threads;
    enc->slices = calloc((size_t)n, sizeof(*enc->slices));
    enc->row_work = calloc((size_t)enc->mb_height, sizeof(*enc->row_work));
    if (!enc->slices || !enc->row_work)
        return -1;
    enc->num_slices = n;
    enc->max_slice_rows = 2 * ((enc->mb_height + n - 1) / n);
    if (enc->max_slice_rows > enc->mb_height)
        enc->max_slice_rows = enc->mb_height;
    reset_row_work(enc);
    for (int i = 0; i < n; i++) {
        slice_job *job = &enc->slices[i];
        job->enc = enc;
        job->first_row = enc->mb_height * i / n;
        job->end_row = enc->mb_height * (i + 1) / n;
        job->capacity = (size_t)enc->max_slice_rows * (size_t)enc->mb_width * (MB_MAX_BITS / 8 + 8) + 1024;
        if (!(job->rbsp = malloc(job->capacity)))
            return -1;
    }
    return 0;
}

/*
 * Slices of about equal work rather than equal rows: content is rarely
 * even (a still sky above a busy street), and the picture waits for its
 * slowest slice. The work of a row is estimated from the last inter
 * picture, in skipped macroblocks: each macroblock counts one, a coded one
 * six more (per-row timings on the city clip fit 0.4 us per skip and 2.9 us
 * per coded macroblock). It depends only on earlier coding decisions, so the output
 * stays the same for a given thread count.
 */
static void plan_slices(cpu_encoder *enc)
{
    const int n = enc->num_slices, rows = enc->mb_height, max_rows = enc->max_slice_rows;
    uint64_t total = 0;
    for (int r = 0; r < rows; r++)
        total += enc->row_work[r];
    /* A slice's rows can be filtered only once the slice above has filtered
     * all of its own, so the filter (5-7% of the work) runs down
     * the picture behind the coding: the slice above codes, filters and
     * finishes its rows, the one below only codes while the filter cannot
     * reach it, and the thread above, done, filters and finishes the rows
     * below behind their coding (recon_rows.c). Each slice takes 1.1 times
     * the work of the one above, which leaves the thread above the time for
     * that. (Median P-picture times at two threads on the city clip, QP 22
     * and 32, for 1.0, 1.1, 1.2 and 1.3: 1.1 is best at both.) */
    double shares = 0, share = 1;
    for (int i = 0; i < n; i++, share *= 1.1)
        shares += share;
    uint64_t work = 0; /* of the rows before `row` */
    double cumulative = 0;
    int row = 0;
    share = 1;
    for (int i = 0; i < n; i++, share *= 1.1) {
        const int later = n - 1 - i; /* slices after this one, a row each at least */
        cumulative += share;
        const uint64_t target = (uint64_t)((double)total * cumulative / shares);
        int end = row + 1;
        work += enc->row_work[row];
        /* Take the next row while most of it falls before the target. */
        while (end < rows - later && work + enc->row_work[end] / 2 < target)
            work += enc->row_work[end++];
        /* Within the buffers, and leaving the later slices what theirs hold. */
        while (end - row > max_rows)
            work -= enc->row_work[--end];
        while (rows - end > later * max_rows)
            work += enc->row_work[end++];
        if (i == n - 1)
            end = rows;
        enc->slices[i].first_row = row;
        enc->slices[i].end_row = end;
        row = end;
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
    if (params->preset < 0 || params->preset >= (int)(sizeof(preset_options) / sizeof(preset_options[0]))) {
        free(enc);
        return HWENC_EINVAL;
    }
    enc->opt = preset_options[params->preset];

    pixel_dsp_init(&enc->pixf, params->cpu_flags);
    dct_dsp_init(&enc->dctf, params->cpu_flags);
    quant_dsp_init(&enc->quantf, params->cpu_flags);
    predict_dsp_init(&enc->predf, params->cpu_flags);
    dct8_dsp_init(&enc->d8f, params->cpu_flags);
    predict8x8_dsp_init(&enc->p8f, params->cpu_flags);
    quant8_tables_init(&enc->qt8);
    mc_dsp_init(&enc->mcf, params->cpu_flags);
    deblock_dsp_init(&enc->dbf, params->cpu_flags);
    quant_tables_init(&enc->qt);
    init_lambda(enc);
    cabac_cost_init(&enc->cabac_cost);
    memset(enc->bits.key, 0xff, sizeof(enc->bits.key));

    size_t mb_count = (size_t)enc->mb_width * (size_t)enc->mb_height;
    enc->mbs = calloc(mb_count, sizeof(*enc->mbs));
    enc->mbs_prev = calloc(mb_count, sizeof(*enc->mbs_prev));
    enc->recon = calloc((size_t)enc->dpb_slots + 1, sizeof(*enc->recon));
    pthread_mutex_init(&enc->rows_lock, NULL);
    pthread_cond_init(&enc->rows_cond, NULL);
    if (!enc->mbs || !enc->mbs_prev || !enc->recon || alloc_slices(enc, params->threads) < 0 ||
        thread_pool_create(&enc->pool, enc->num_slices) < 0 ||
        cpu_frame_alloc(&enc->source, enc->mb_width, enc->mb_height, 0) < 0)
        goto fail;
    for (int i = 0; i <= enc->dpb_slots; i++)
        if (cpu_frame_alloc(&enc->recon[i], enc->mb_width, enc->mb_height, 1) < 0)
            goto fail;
    for (int i = 0; i < enc->dpb_slots; i++)
        if (!(enc->col[i] = calloc(4 * mb_count, sizeof(*enc->col[i]))))
            goto fail;
    *out = enc;
    return 0;
fail:
    cpu_encoder_close(enc);
    return HWENC_ENOMEM;
}

/* The HAL's analysis comes in bands down the picture. They run here as one
 * contiguous group per slice thread, in order, so each thread (the caller
 * takes the first group, as it takes the first slice) reads about the
 * luma rows its slice codes next and finds them in its own core's cache:
 * 2.5% faster at two threads than bands handed out one by one. */
typedef struct grouped_items {
    void (*fn)(void *arg, int index);
    void *arg;
    int count, groups;
} grouped_items;

static void run_item_group(void *arg, int group)
{
    const grouped_items *g = arg;
    for (int i = g->count * group / g->groups; i < g->count * (group + 1) / g->groups; i++)
        g->fn(g->arg, i);
}

void cpu_encoder_run_parallel(cpu_encoder *enc, void (*fn)(void *arg, int index), void *arg, int count)
{
    grouped_items g = { fn, arg, count, enc->num_slices < count ? enc->num_slices : count };
    thread_pool_run(enc->pool, run_item_group, &g, g.groups);
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
    free(enc->mbs_prev);
    for (int i = 0; i < enc->dpb_slots; i++)
        free(enc->col[i]);
    for (int i = 0; enc->slices && i < enc->num_slices; i++)
        free(enc->slices[i].rbsp);
    free(enc->slices);
    free(enc->row_work);
    thread_pool_destroy(enc->pool);
    pthread_mutex_destroy(&enc->rows_lock);
    pthread_cond_destroy(&enc->rows_cond);
    free(enc);
}

size_t cpu_encoder_max_picture_size(const cpu_encoder *enc)
{
    /* The slices share the picture's rows, each with its header room. */
    const size_t mbs = (size_t)enc->mb_height * (size_t)enc->mb_width;
    size_t size = h264_nal_max_size(mbs * (MB_MAX_BITS / 8 + 8)) + (size_t)enc->num_slices * h264_nal_max_size(1024);
    /* cabac_zero_words: three bytes per 32 bins beyond what the bytes
     * cover (9.3.4.6); a macroblock codes fewer than 32768 bins. */
    return size + (enc->pps.entropy_coding_mode ? mbs * 3 * (32768 / 32) : 0);
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

/* Macroblock rows the encoder reads straight from the caller's picture:
 * those wholly inside an I420 picture whose width is whole macroblocks.
 * The others (NV12, edges to replicate) read the padded copy. */
static int source_direct_rows(const cpu_encoder *enc, const cpu_picture *pic)
{
    return pic->nv12 || enc->width % 16 ? 0 : enc->height / 16;
}

/* Macroblocks of other slices are not available for prediction. The
 * source is in_place's planes, or the padded copy if in_place is NULL. */
static void mb_setup(cpu_encoder *enc, mb_ctx *mb, const cpu_picture *in_place, cpu_frame *recon, int mbx, int mby,
                     int first_row, int qp)
{
    mb_state *row = enc->mbs + (size_t)mby * (size_t)enc->mb_width;
    int above = mby > first_row;
    mb->x = mbx;
    mb->y = mby;
    mb->avail = (mbx > 0 ? MB_LEFT : 0) | (above ? MB_TOP : 0) | (above && mbx + 1 < enc->mb_width ? MB_TOPRIGHT : 0) |
                (mbx > 0 && above ? MB_TOPLEFT : 0);
    mb->state = row + mbx;
    mb->left = mbx > 0 ? mb->state - 1 : NULL;
    mb->top = above ? mb->state - enc->mb_width : NULL;
    mb->topright = mb->avail & MB_TOPRIGHT ? mb->state - enc->mb_width + 1 : NULL;
    mb->topleft = mb->avail & MB_TOPLEFT ? mb->state - enc->mb_width - 1 : NULL;
    mb->transform_8x8 = 0;
    mb->qp = qp;
    mb->qpc = chroma_qp_for(qp, enc->pps.chroma_qp_index_offset);
    mb->lambda = enc->lambda_tab[qp];
    for (int p = 0; p < 3; p++) {
        int size = p ? 8 : 16;
        ptrdiff_t off = (ptrdiff_t)mby * size * recon->stride[p] + (ptrdiff_t)mbx * size;
        mb->stride[p] = recon->stride[p];
        mb->rec[p] = recon->plane[p] + off;
        mb->src_stride[p] = in_place ? in_place->stride[p] : enc->source.stride[p];
        mb->src[p] = (in_place ? in_place->plane[p] : enc->source.plane[p]) +
                     (ptrdiff_t)mby * size * mb->src_stride[p] + (ptrdiff_t)mbx * size;
    }
}

/* The source is read once per picture, so it is rarely in the cache, and
 * the first reads of a macroblock's pixels (chroma above all, which no
 * search touches first) stalled the transforms. Each 64-byte line holds
 * four macroblocks of luma and eight of chroma: when a macroblock starts a
 * line, the lines two ahead (luma) and one ahead (chroma) are asked for. */
static void prefetch_source_ahead(const mb_ctx *mb)
{
    if (mb->x & 3)
        return;
    /* Addresses, not pointers: near the picture's end they point past it. */
    const uintptr_t luma = (uintptr_t)mb->src[0] + 128, cb = (uintptr_t)mb->src[1] + 64,
                    cr = (uintptr_t)mb->src[2] + 64;
    for (int y = 0; y < 16; y++)
        __builtin_prefetch((const void *)(luma + (uintptr_t)(y * mb->src_stride[0])));
    if (mb->x & 7)
        return;
    for (int y = 0; y < 8; y++) {
        __builtin_prefetch((const void *)(cb + (uintptr_t)(y * mb->src_stride[1])));
        __builtin_prefetch((const void *)(cr + (uintptr_t)(y * mb->src_stride[2])));
    }
}

/* The same with CABAC. The coder and its context states are saved first:
 * a macroblock re-coded as I_PCM must leave them as if it had been coded
 * so. Bits are counted to the byte, with those still in the coder. */
static size_t cabac_bit_count(const cabac_enc *c)
{
    return 8 * ((size_t)(c->p - c->start) + (size_t)c->outstanding) + (size_t)(c->queue + 9);
}

static void write_macroblock_cabac(cpu_encoder *enc, cabac_enc *c, mb_ctx *mb, const h264_slice_header *sh,
                                   int *last_qp, int *last_dqp, cpu_picture_stats *st)
{
    if (mb->type != MB_PCM) {
        cabac_enc saved = *c;
        const int saved_qp = *last_qp, saved_dqp = *last_dqp;
        /* A carry may reach the byte before the macroblock's. */
        const uint8_t byte_before = c->p > c->start ? c->p[-1] : 0;
        cabac_write_mb(c, enc, mb, sh->slice_type, last_qp, last_dqp);
        if (cabac_bit_count(c) - cabac_bit_count(&saved) > MB_MAX_BITS) {
            *c = saved;
            if (c->p > c->start)
                c->p[-1] = byte_before;
            *last_qp = saved_qp;
            *last_dqp = saved_dqp;
            mb_encode_pcm(enc, mb);
        }
    }
    if (mb->type == MB_PCM) {
        cabac_write_pcm(c, mb, sh->slice_type);
        *last_dqp = 0;
        mb_clear_motion(mb->state);
        st->pcm_mbs++;
    }
    st->intra_mbs += mb_type_is_intra(mb->type);
    st->qp_avg += mb->state->qp;
}

/* Writes one coded macroblock, re-coding it as I_PCM when it would take
 * more bits than a macroblock may. */
static void write_macroblock(cpu_encoder *enc, h264_bitstream *bs, mb_ctx *mb, const h264_slice_header *sh,
                             int *last_qp, cpu_picture_stats *st)
{
    h264_bitstream saved = *bs;
    int saved_qp = *last_qp;
    if (mb->type != MB_PCM) {
        if (mb_type_is_intra(mb->type))
            mb_write_intra(bs, enc, mb, sh->slice_type, last_qp);
        else
            mb_write_inter(bs, enc, mb, last_qp);
        if (bs_bit_count(bs) - bs_bit_count(&saved) > MB_MAX_BITS) {
            *bs = saved;
            *last_qp = saved_qp;
            mb_encode_pcm(enc, mb);
        }
    }
    if (mb->type == MB_PCM) {
        mb_write_pcm(bs, mb, sh->slice_type);
        mb_clear_motion(mb->state);
        st->pcm_mbs++;
    }
    st->intra_mbs += mb_type_is_intra(mb->type);
    st->qp_avg += mb->state->qp;
}

static int check_ref_list(const cpu_encoder *enc, const cpu_picture *pic, int count, const int *slots, int active)
{
    if (count < 1 || count > H264_MAX_REFS || active != count)
        return -1;
    for (int i = 0; i < count; i++)
        if (slots[i] < 0 || slots[i] >= enc->dpb_slots || slots[i] == pic->recon_slot)
            return -1;
    return 0;
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
    if (sh->cabac_init_idc < 0 || sh->cabac_init_idc > 2)
        return HWENC_EINVAL;
    if (sh->slice_type != H264_SLICE_I && sh->slice_type != H264_SLICE_P && sh->slice_type != H264_SLICE_B)
        return HWENC_EUNSUPPORTED;
    if (sh->slice_type == H264_SLICE_I)
        return 0;
    int active = sh->num_ref_idx_active_override ? sh->num_ref_idx_l0_active : enc->pps.num_ref_idx_l0_default_active;
    if (check_ref_list(enc, pic, pic->num_refs, pic->ref_slots, active) < 0)
        return HWENC_EINVAL;
    if (sh->slice_type == H264_SLICE_B) {
        /* Spatial direct only: temporal direct needs POC distances the
         * picture parameters do not carry. */
        if (!sh->direct_spatial_mv_pred || sh->nal_ref_idc)
            return HWENC_EUNSUPPORTED;
        active = sh->num_ref_idx_active_override ? sh->num_ref_idx_l1_active : enc->pps.num_ref_idx_l1_default_active;
        if (check_ref_list(enc, pic, pic->num_refs_l1, pic->ref_slots_l1, active) < 0)
            return HWENC_EINVAL;
    }
    return 0;
}

static void set_ref_lists(cpu_encoder *enc, const cpu_picture *pic)
{
    int type = pic->slice.slice_type;
    enc->num_refs[0] = type == H264_SLICE_I ? 0 : pic->num_refs;
    enc->num_refs[1] = type == H264_SLICE_B ? pic->num_refs_l1 : 0;
    for (int list = 0; list < 2; list++)
        for (int i = 0; i < enc->num_refs[list]; i++) {
            int slot = list ? pic->ref_slots_l1[i] : pic->ref_slots[i];
            enc->refs[list][i] = &enc->recon[slot];
            enc->ref_slots[list][i] = (int8_t)slot;
        }
    enc->col_l1 = enc->num_refs[1] ? enc->col[pic->ref_slots_l1[0]] : NULL;
}

/* Keeps the corner 4x4 block of each 8x8 quadrant of the macroblock rows
 * of a reference picture just coded, as direct prediction with
 * direct_8x8_inference reads it. */
static void store_col_motion(const cpu_encoder *enc, col_motion *col, int first_row, int end_row)
{
    static const uint8_t corner[4] = { 0, 3, 12, 15 };
    const size_t end = (size_t)enc->mb_width * (size_t)end_row;
    for (size_t i = (size_t)enc->mb_width * (size_t)first_row; i < end; i++) {
        const mb_state *m = &enc->mbs[i];
        for (int q = 0; q < 4; q++) {
            col_motion *c = &col[4 * i + q];
            int list = m->ref[0][q] < 0;
            c->ref = mb_type_is_intra(m->type) ? -1 : m->ref[list][q];
            c->mv[0] = c->ref < 0 ? 0 : m->mv[list][corner[q]][0];
            c->mv[1] = c->ref < 0 ? 0 : m->mv[list][corner[q]][1];
        }
    }
}

/* Codes the macroblock rows of one slice into its own RBSP buffer. Slices
 * share nothing they write but disjoint rows of the recon and of the
 * macroblock state, so they run in parallel. */
static void encode_slice(void *arg, int index)
{
    cpu_encoder *enc = arg;
    slice_job *job = &enc->slices[index];
    const cpu_picture *pic = job->pic;
    h264_slice_header sh = pic->slice;
    h264_bitstream bs;

    recon_rows_begin_slice(job);
    sh.first_mb = job->first_row * enc->mb_width;
    const int direct_rows = source_direct_rows(enc, pic);
    if (job->end_row > direct_rows)
        cpu_frame_load_rows(&enc->source, pic, enc->width, enc->height,
                            job->first_row > direct_rows ? job->first_row : direct_rows, job->end_row);
    memset(&job->stats, 0, sizeof(job->stats));
    bs_init(&bs, job->rbsp, job->capacity);
    h264_write_slice_header(&bs, &enc->sps, &enc->pps, &sh);
    const int cabac = enc->pps.entropy_coding_mode;
    cabac_enc *cb = &job->cabac;
    if (cabac) {
        /* cabac_alignment_one_bit up to a byte; the coder writes bytes. */
        while (!bs_is_aligned(&bs))
            bs_write_flag(&bs, 1);
        const size_t start = bs_flush(&bs);
        cabac_init_contexts(cb->state, sh.slice_type == H264_SLICE_I ? 0 : 1 + sh.cabac_init_idc, sh.slice_qp);
        cabac_start(cb, job->rbsp + start, job->capacity - start);
    }
    size_t header_bits = bs_bit_count(&bs);

    int last_qp = sh.slice_qp, skip_run = 0, row_qp = sh.slice_qp, last_dqp = 0;
    /* Row-level rate control needs the rows in order: one slice only. */
    int row_control = pic->row_qp && enc->num_slices == 1;
    for (int mby = job->first_row; mby < job->end_row; mby++) {
        const int skips_before = job->stats.skip_mbs;
        const cpu_picture *in_place = mby < direct_rows ? pic : NULL;
        if (row_control)
            row_qp = pic->row_qp(pic->row_qp_opaque, mby,
                                 (int64_t)((cabac ? header_bits + cabac_bit_count(cb) : bs_bit_count(&bs)) - header_bits));
        for (int mbx = 0; mbx < enc->mb_width; mbx++) {
            mb_ctx mb;
            int want = row_qp + (pic->mb_qp_offset ? pic->mb_qp_offset[mby * enc->mb_width + mbx] : 0);
            want = want < 0 ? 0 : want > QP_MAX ? QP_MAX : want;
            /* mb_qp_delta reaches -26..25 from the previous macroblock's
             * QP, which is within 0..QP_MAX, as want now is. */
            int qp = want < last_qp - 26 ? last_qp - 26 : want > last_qp + 25 ? last_qp + 25 : want;
            mb_setup(enc, &mb, in_place, job->recon, mbx, mby, job->first_row, qp);
            prefetch_source_ahead(&mb);
            if (sh.slice_type == H264_SLICE_P)
                mb_analyse_p(enc, &mb);
            else if (sh.slice_type == H264_SLICE_B)
                mb_analyse_b(enc, &mb);
            else
                mb_analyse_intra(enc, &mb);
            mb_encode(enc, &mb);
            const int skip = mb.type == MB_P_SKIP || mb.type == MB_B_SKIP;
            if (cabac && sh.slice_type != H264_SLICE_I)
                cabac_write_skip(cb, &mb, sh.slice_type, skip);
            if (skip) {
                mb_record_skip(&mb, last_qp);
                skip_run++;
                last_dqp = 0;
                job->stats.skip_mbs++;
                job->stats.qp_avg += last_qp;
            } else if (cabac) {
                write_macroblock_cabac(enc, cb, &mb, &sh, &last_qp, &last_dqp, &job->stats);
            } else {
                if (sh.slice_type != H264_SLICE_I) {
                    bs_write_ue(&bs, (uint32_t)skip_run);
                    skip_run = 0;
                }
                write_macroblock(enc, &bs, &mb, &sh, &last_qp, &job->stats);
            }
            if (cabac)
                cabac_encode_terminate(cb, mby == job->end_row - 1 && mbx == enc->mb_width - 1);
        }
        /* Intra pictures code every macroblock and say nothing about where
         * the next inter picture's work is. Slices write their own rows. */
        if (sh.slice_type != H264_SLICE_I)
            enc->row_work[mby] = (uint32_t)(enc->mb_width + ROW_WORK_PER_CODED_MB *
                                                                (enc->mb_width - (job->stats.skip_mbs - skips_before)));
        recon_rows_coded(job, mby);
    }
    if (pic->recon_slot >= 0)
        store_col_motion(enc, enc->col[pic->recon_slot], job->first_row, job->end_row);
    recon_rows_finish(job);
    if (cabac) {
        /* end_of_slice_flag was the last terminating 1: the flush ends
         * with the rbsp_stop_one_bit and the alignment. */
        job->rbsp_size = (size_t)(cb->start - job->rbsp) + cabac_flush(cb);
        job->overflow = bs.overflow || cb->overflow;
        job->bins = cb->bins;
        if (index == 0) {
            memcpy(enc->learned_states[sh.slice_type], cb->state, CABAC_CONTEXTS);
            enc->have_learned[sh.slice_type] = 1;
        }
    } else {
        if (skip_run)
            bs_write_ue(&bs, (uint32_t)skip_run);
        bs_write_rbsp_trailing(&bs);
        job->rbsp_size = bs_flush(&bs);
        job->overflow = bs.overflow;
    }
    job->stats.bits = (int)(job->rbsp_size * 8 - header_bits);
}

/* What earlier pictures taught the encoder and a picture coded first
 * would not know: the learnt CABAC states of the cost model and the row
 * work that places the slice boundaries. A fresh start forgets it, so the
 * stream from there is coded as if it began there. */
static void forget_earlier_pictures(cpu_encoder *enc)
{
    memset(enc->have_learned, 0, sizeof(enc->have_learned));
    reset_row_work(enc);
}

int64_t cpu_encode_picture(cpu_encoder *enc, const cpu_picture *pic, uint8_t *out, size_t out_capacity,
                           cpu_picture_stats *stats)
{
    int ret = check_picture(enc, pic);
    if (ret < 0)
        return ret;
    const h264_slice_header *sh = &pic->slice;
    cpu_frame *recon = recon_frame(enc, pic->recon_slot);

    set_ref_lists(enc, pic);
    if (pic->fresh_start)
        forget_earlier_pictures(enc);
    mode_bits_for_picture(&enc->bits, enc->pps.entropy_coding_mode ? &enc->cabac_cost : NULL, enc->num_refs,
                          sh->slice_type, sh->slice_qp, sh->cabac_init_idc,
                          enc->have_learned[sh->slice_type] ? enc->learned_states[sh->slice_type] : NULL);
    plan_slices(enc);
    for (int i = 0; i < enc->num_slices; i++) {
        enc->slices[i].pic = pic;
        enc->slices[i].recon = recon;
    }
    recon_rows_start(enc, pic);
    thread_pool_run(enc->pool, encode_slice, enc, enc->num_slices);
    mb_state *done = enc->mbs;
    enc->mbs = enc->mbs_prev;
    enc->mbs_prev = done;

    cpu_picture_stats st = { 0 };
    size_t size = 0;
    uint64_t bins = 0;
    for (int i = 0; i < enc->num_slices; i++) {
        const slice_job *job = &enc->slices[i];
        if (job->overflow)
            return HWENC_ENOMEM;
        size_t n = h264_write_nal(out + size, out_capacity - size, sh->nal_ref_idc, sh->nal_unit_type, job->rbsp,
                                  job->rbsp_size);
        if (!n)
            return HWENC_EINVAL;
        size += n;
        st.bits += job->stats.bits;
        st.intra_mbs += job->stats.intra_mbs;
        st.skip_mbs += job->stats.skip_mbs;
        st.pcm_mbs += job->stats.pcm_mbs;
        st.qp_avg += job->stats.qp_avg;
        bins += job->bins;
    }
    /* 7.4.2.10 and 9.3.4.6: BinCountsInNALunits may not exceed 32/3 of the
     * VCL bytes plus RawMbBits * PicSizeInMbs / 32; cabac_zero_words
     * (0x0000, written 0x000003 after emulation prevention, so 3 bytes
     * each) make up the difference after the picture's last slice. */
    if (enc->pps.entropy_coding_mode) {
        const int64_t mbs = (int64_t)enc->mb_width * enc->mb_height;
        /* The NAL units' bytes leave out the start codes. */
        const int64_t nal_bytes = (int64_t)size - 4 * enc->num_slices;
        for (int64_t k = cabac_zero_words(bins, nal_bytes, mbs); k > 0; k--) {
            if (out_capacity - size < 3)
                return HWENC_ENOMEM;
            out[size++] = 0;
            out[size++] = 0;
            out[size++] = 3;
        }
    }
    if (stats) {
        st.qp_avg /= enc->mb_width * enc->mb_height;
        *stats = st;
    }
    return (int64_t)size;
}

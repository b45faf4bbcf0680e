/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * State shared by the stages of the CPU encoder: frames, per-macroblock
 * neighbour state, the macroblock being coded, and the encoder context.
 */
#ifndef HWENC_CPU_INTERNAL_H
#define HWENC_CPU_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "cpu_fallback/cabac.h"
#include "cpu_fallback/dsp/dct.h"
#include "cpu_fallback/dsp/dct8x8.h"
#include "cpu_fallback/deblock.h"
#include "cpu_fallback/dsp/mc.h"
#include "cpu_fallback/mode_bits.h"
#include "cpu_fallback/encoder.h"
#include "hw/h264/bitstream.h"
#include "hw/h264/params.h"
#include "cpu_fallback/dsp/pixel.h"
#include "cpu_fallback/dsp/predict.h"
#include "cpu_fallback/dsp/predict8x8.h"
#include "cpu_fallback/dsp/quant.h"

/* Frame borders, wide enough for unrestricted motion vectors plus the
 * 6-tap filter's reach. */
#define FRAME_PAD_LUMA 48
#define FRAME_PAD_CHROMA 24

typedef struct cpu_frame {
    uint8_t *plane[3];       /* top-left sample of the coded area */
    ptrdiff_t stride[3];
    int width[3], height[3]; /* coded (macroblock-aligned) size */
    /* Reference frames only: the luma half-pel planes b, h and j of 8.4.2.2.1,
     * laid out like plane[0]. */
    uint8_t *hpel[3];
    uint8_t *buffer;
} cpu_frame;

/* with_hpel: also allocate the half-pel planes of a reference frame. */
int cpu_frame_alloc(cpu_frame *f, int mb_width, int mb_height, int with_hpel);
void cpu_frame_free(cpu_frame *f);
/* Copies macroblock rows mb_row0 .. mb_row1 - 1 of a cropped I420/NV12
 * picture into f, replicating the last column and row into the
 * macroblock-alignment area. Each slice loads its own rows. */
void cpu_frame_load_rows(cpu_frame *f, const cpu_picture *pic, int width, int height, int mb_row0, int mb_row1);

enum mb_type {
    MB_I4x4,
    MB_I16x16,
    MB_PCM,
    MB_P_SKIP,
    MB_P_16x16,
    MB_P_16x8,
    MB_P_8x16,
    MB_P_8x8,
    MB_B_SKIP,
    MB_B_DIRECT,                 /* B_Direct_16x16 */
    MB_B_16x16,                  /* B_L0, B_L1 or B_Bi_16x16 by part_lists[0] */
};

/* The lists a B partition predicts from. */
enum {
    PRED_L0 = 1,
    PRED_L1 = 2,
    PRED_BI = 3,
};

static inline int mb_type_is_intra(int type)
{
    return type <= MB_PCM;
}

/* Neighbour state kept for every macroblock of the current picture. */
typedef struct mb_state {
    uint8_t type;                /* enum mb_type */
    int8_t qp;
    int8_t intra4x4_mode[16];    /* raster 4x4 position; normative mode numbers */
    /* total_coeff per 4x4 block for nC prediction: luma raster 0..15, then
     * U raster 16..19, V raster 20..23. */
    uint8_t nnz[24];
    /* Inter prediction, for MV prediction, direct prediction and the
     * deblocking filter: per list, quarter-pel vectors per raster 4x4 block
     * and reference indices per raster 8x8 block (-1 for intra or where the
     * list is not used; vectors are 0 there). */
    int16_t mv[2][16][2];
    int8_t ref[2][4];
    /* For CABAC's context selection (9.3.3.1.1): transform_size_8x8_flag
     * (also the deblocking filter's), coded_block_pattern (luma bits 0-3,
     * chroma << 4), intra_chroma_pred_mode, the coded_block_flag of each
     * block (CBF_*), and per list the absolute vector difference per raster
     * 4x4 block, clamped to 64 (only sums against 3 and 32 matter). */
    uint8_t transform_8x8;
    uint8_t cbp;
    uint8_t chroma_mode;
    uint32_t cbf;
    uint8_t mvd[2][16][2];
} mb_state;

/* Bits of mb_state.cbf: luma raster 4x4 blocks 0-15 (all four of a coded
 * 8x8 transform block), chroma AC as nnz's 16-23, then the DC blocks. */
enum {
    CBF_LUMA_DC = 24,
    CBF_CHROMA_DC = 25,          /* + plane */
};

/* Availability of neighbouring macroblocks. */
enum {
    MB_LEFT = 1,
    MB_TOP = 2,
    MB_TOPRIGHT = 4,
    MB_TOPLEFT = 8,
};

/* The macroblock being coded: its decisions and quantised levels. */
typedef struct mb_ctx {
    int x, y;                    /* in macroblocks */
    int avail;
    int qp, qpc;                 /* luma and chroma QP */
    int lambda;
    mb_state *state;             /* this macroblock's entry */
    const mb_state *left, *top;  /* NULL when not available */
    const mb_state *topright, *topleft;

    const uint8_t *src[3];       /* source: the caller's picture or its padded copy */
    ptrdiff_t src_stride[3];
    uint8_t *rec[3];             /* reconstruction in the recon frame */
    ptrdiff_t stride[3];

    int type;
    int i16_mode;                /* normative 0..3 */
    int chroma_mode;             /* normative 0..3 */
    int cbp_luma, cbp_chroma;

    /* Inter decision: partitions in coding order (1 for 16x16, 2 for 16x8
     * and 8x16, 4 for 8x8), each with its lists (PRED_*; P pictures: list 0)
     * and per list its reference, vector and predictor. */
    int num_parts;
    int part_lists[4];
    int part_ref[2][4];
    int16_t part_mv[2][4][2];
    int16_t part_mvp[2][4][2];
    int16_t skip_mv[2];
    /* B pictures: the spatial direct prediction (8.4.1.2.2), per list the
     * reference (-1: list unused) and per 8x8 quadrant the vector. */
    int direct_ref[2];
    int16_t direct_mv[2][4][2];
    /* What of the skip vector's prediction the recon holds (SKIP_PRED_*),
     * left by the skip probe for a 16x16 decision on the same vector. */
    int skip_pred;
    /* The probe's quantised luma transform of its first probe_blocks 8x8
     * blocks (it stops once the residual is sure to be coded) and their
     * nonzero masks: the coding of a decision on the skip vector, at the
     * same QP, starts from them instead of transforming again. */
    int probe_blocks;
    uint8_t probe_nz[4];
    int16_t probe_dct[4][4][16];

    /* transform_size_8x8_flag: luma levels in luma8x8 instead of luma. */
    int transform_8x8;
    /* An intra decision whose luma coding the recon already holds (the
     * Intra4x4 evaluation codes its blocks as it goes). */
    int luma_coded;

    /* Levels in scan order. Intra16x16 keeps DC apart and uses [1..15]. */
    int16_t luma8x8[4][64];      /* by 8x8 block, 8x8 zigzag */
    int16_t luma_dc[16];
    int16_t luma[16][16];        /* by raster 4x4 position */
    int16_t chroma_dc[2][4];
    int16_t chroma_ac[2][4][16]; /* [plane][raster 2x2 position][scan], [1..15] used */
} mb_ctx;

/* The source samples of luma 4x4 block raster (0..15, raster order). */
static inline const uint8_t *mb_src_4x4(const mb_ctx *mb, int raster)
{
    return mb->src[0] + 4 * (raster >> 2) * mb->src_stride[0] + 4 * (raster & 3);
}

enum {
    SKIP_PRED_LUMA = 1,
    SKIP_PRED_CHROMA = 2,
};

/* Motion of one 8x8 quadrant of a reference picture as direct prediction
 * sees it (8.4.1.2.1, direct_8x8_inference: its corner 4x4 block): the list
 * 0 reference index and vector, or list 1's where list 0 was unused; ref -1
 * for intra. */
typedef struct col_motion {
    int8_t ref;
    int16_t mv[2];
} col_motion;

/* What a preset turns on (see the README's preset table). */
typedef struct encoder_options {
    int me_method;               /* enum me_method */
    int me_range;                /* full-pel search range */
    int subpel_iterations;       /* 0: full-pel only */
    int inter_partitions;        /* 16x8, 8x16 and 8x8 as well as 16x16 */
    int intra4x4_in_p;           /* try Intra4x4 in P pictures */
    int decimate;                /* drop isolated +-1 levels of inter blocks */
    int subpel_sad;              /* sub-pel search by SAD, SATD of the result only */
} encoder_options;

/* One slice of the picture being coded, for one thread. */
typedef struct slice_job {
    struct cpu_encoder *enc;
    const cpu_picture *pic;
    cpu_frame *recon;
    int first_row, end_row;      /* macroblock rows */
    uint8_t *rbsp;
    size_t capacity, rbsp_size;
    int overflow;
    cabac_enc cabac;             /* the slice's coder when the PPS asks for CABAC */
    uint32_t bins;               /* CABAC bins the slice coded */
    cpu_picture_stats stats;
    /* Under rows_lock: whether a thread has taken the slice, and the end
     * of the rows it has coded so far (recon_rows.c). */
    int started, coded_end;
} slice_job;

struct cpu_encoder {
    h264_sps sps;
    h264_pps pps;
    int width, height;           /* cropped */
    int mb_width, mb_height;
    int preset;
    encoder_options opt;

    pixel_dsp pixf;
    mc_dsp mcf;
    deblock_dsp dbf;
    dct_dsp dctf;
    quant_dsp quantf;
    predict_dsp predf;
    dct8_dsp d8f;
    predict8x8_dsp p8f;
    quant_tables qt;
    quant8_tables qt8;
    uint16_t lambda_tab[QP_MAX + 1];

    int dpb_slots;
    cpu_frame *recon;            /* dpb_slots + 1 frames; the last is the scratch frame */
    cpu_frame source;
    mb_state *mbs;
    mb_state *mbs_prev;          /* the previous picture's, for co-located predictors */
    cabac_cost cabac_cost;
    mode_bits bits;              /* for the picture being coded */
    /* By slice type: the context states the first slice of the last such
     * picture ended with, for mode_bits (CABAC). */
    uint8_t learned_states[3][CABAC_CONTEXTS];
    int have_learned[3];

    /* Per reference slot: the motion of the picture last coded into it, for
     * the co-located block of direct prediction in B pictures. */
    col_motion *col[H264_MAX_REFS + 1];

    /* The picture being coded: its reference lists, their frames and the
     * slot of each entry (the deblocking filter compares pictures). */
    int num_refs[2];
    const cpu_frame *refs[2][H264_MAX_REFS];
    int8_t ref_slots[2][H264_MAX_REFS];
    const col_motion *col_l1;    /* the motion of RefPicList1[0] */

    int num_slices;
    slice_job *slices;
    int max_slice_rows;          /* what each slice's buffer holds */
    uint32_t *row_work;          /* per macroblock row, the work estimate for plan_slices() */
    struct thread_pool *pool;
    /* The picture's rows after coding (recon_rows.c), under rows_lock: the
     * next macroblock row to filter and the next to finish (borders and
     * half-pel planes; finish_end is 0 for pictures no one references),
     * whether a thread is at either, and how many threads wait for work
     * (idle_helpers), of which rows_sleepers sleep on rows_cond.
     * rows_changes counts every change, for the waiting threads to spin on. */
    pthread_mutex_t rows_lock;
    pthread_cond_t rows_cond;
    int filter_next, filter_busy;
    int finish_next, finish_end, finish_busy;
    int idle_helpers, rows_sleepers;
    atomic_uint rows_changes;
};

/* Luma4x4BlkIdx (coding order) to raster position within the macroblock. */
extern const uint8_t block_idx_to_raster[16];

int chroma_qp_for(int qp, int chroma_qp_index_offset);

/* mvpred.c: motion vector prediction (8.4.1). Partitions are given in
 * pixels within the macroblock; the current macroblock's state holds the
 * vectors of the partitions decided before. */
void mvpred_predict(const mb_ctx *mb, int list, int x, int y, int w, int h, int ref, int16_t mvp[2]);
void mvpred_skip(const mb_ctx *mb, int16_t mv[2]);
/* Spatial direct prediction of the macroblock into mb->direct_ref and
 * mb->direct_mv; col holds the four quadrants of the co-located macroblock. */
void mvpred_direct_spatial(mb_ctx *mb, const col_motion col[4]);

/* The stages of a macroblock, as x264's analyse.c / macroblock.c: the
 * mb_analyse_* functions decide (type, partitions, vectors, modes) and
 * mb_encode() codes the decision into levels and the recon. Intra 4x4 and
 * 8x8 can only be decided block by block on the recon of the blocks before,
 * so their evaluation codes as it goes; mb->luma_coded tells mb_encode()
 * what is already there. */
/* analyse.c: intra mode decision. */
void mb_analyse_intra(cpu_encoder *enc, mb_ctx *mb);
/* The pieces, for P pictures: the Intra16x16 cost (prediction only; may
 * return INT_MAX instead of a cost it can tell reaches limit), the
 * Intra4x4 cost (which codes the blocks; INT_MAX once over limit), and the
 * decision among them plus the chroma mode. */
int mb_intra16x16_cost(cpu_encoder *enc, mb_ctx *mb, int limit);
int mb_intra4x4_code(cpu_encoder *enc, mb_ctx *mb, int limit);
/* The same in 8x8 blocks (High profile). */
int mb_intra8x8_code(cpu_encoder *enc, mb_ctx *mb, int limit);
void mb_intra_decide(cpu_encoder *enc, mb_ctx *mb, int cost16, int cost4, int cost8);
/* Inter pictures: decides intra (and returns 1) when that costs less than
 * inter_cost; type_bits is the intra mb_type's size there
 * (eighths of a bit, mode_bits.h). */
int mb_try_intra(cpu_encoder *enc, mb_ctx *mb, int inter_cost, int type_bits);
/* analyse_inter.c: P macroblock decision (skip, partitions, references,
 * intra). */
void mb_analyse_p(cpu_encoder *enc, mb_ctx *mb);
/* Motion search of one partition (pixels within the macroblock) in
 * reference ref of list; returns SATD + lambda * (vector and index bits). */
int mb_search(cpu_encoder *enc, mb_ctx *mb, int list, int ref, int px, int py, int w, int h, int pixel_partition,
              const int16_t *extra, int16_t mv[2], int16_t mvp[2]);
/* analyse_b.c: B macroblock decision (skip, direct, 16x16 from list 0, list
 * 1 or both, intra). */
void mb_analyse_b(cpu_encoder *enc, mb_ctx *mb);
/* macroblock.c: codes the decision into levels and the recon, I_PCM where
 * the levels do not fit; a P_16x16 or B_Direct decision with nothing to
 * code becomes P_Skip or B_Skip. */
void mb_encode(cpu_encoder *enc, mb_ctx *mb);
/* macroblock.c: transform, quantisation and reconstruction. */
int mb_encode_i16x16(cpu_encoder *enc, mb_ctx *mb);
int mb_encode_i4x4_block(cpu_encoder *enc, mb_ctx *mb, int raster, int mode);
/* macroblock8x8.c: the 8x8 transform. The unfiltered edge of 8x8 block
 * i8 (top-right replicated when missing) and its EDGE8_* neighbours; an
 * Intra 8x8 block from its filtered edge (returns whether it has levels,
 * -1 if they are beyond what CAVLC codes); the inter luma residual in 8x8
 * blocks (-1 likewise, the recon then untouched); and whether an inter
 * macroblock's residual looks cheaper in 8x8 blocks. */
void mb_build_edge_8x8(const mb_ctx *mb, int i8, uint8_t *edge, int *avail);
int mb_encode_i8x8_block(cpu_encoder *enc, mb_ctx *mb, int i8, int variant, const uint8_t *filtered_edge);
int mb_encode_inter_luma_8x8(cpu_encoder *enc, mb_ctx *mb);
int mb_inter_prefers_8x8(const cpu_encoder *enc, const mb_ctx *mb);
/* Intra chroma: prediction and residual. */
int mb_encode_chroma(cpu_encoder *enc, mb_ctx *mb);
/* Residual of the chroma prediction already in the recon. */
int mb_encode_chroma_residual(cpu_encoder *enc, mb_ctx *mb, int intra);
void mb_encode_pcm(cpu_encoder *enc, mb_ctx *mb);
/* Writes the inter prediction of the decided partitions into the recon. */
void mb_predict_inter(cpu_encoder *enc, mb_ctx *mb);
/* Codes the luma and chroma residual of the inter prediction in the recon. */
int mb_encode_inter(cpu_encoder *enc, mb_ctx *mb);
/* 1 if the skip prediction leaves no coefficient in luma or chroma (the
 * recon then holds it). */
int mb_probe_skip(cpu_encoder *enc, mb_ctx *mb);
/* The same for B_Skip (the direct prediction); sets skip_pred as far as it
 * got. -1 when the direct vectors reach too far out to be used. */
int mb_probe_skip_b(cpu_encoder *enc, mb_ctx *mb);
/* Motion compensation of one list into the recon or into a buffer of
 * another stride (x, y, w, h in luma samples within the macroblock). */
void mb_predict_luma(const cpu_encoder *enc, const mb_ctx *mb, int list, int ref, const int16_t mv[2], int x, int y,
                     int w, int h, uint8_t *dst, ptrdiff_t dst_stride);
/* Records the decided partitions' vectors and references in the state. */
void mb_store_motion(mb_ctx *mb);
/* No motion in either list (intra macroblocks). */
void mb_clear_motion(mb_state *st);
/* Normative predIntra4x4PredMode of a block (8.3.1.1). */
int mb_predict_intra4x4_mode(const mb_ctx *mb, int raster);
/* Predictor variants that read only available neighbours for DC modes. */
int mb_i16x16_variant(int mode, int avail);
int mb_chroma_variant(int mode, int avail);
/* Builds the prediction edge of a 4x4 block (top-right replicated when it
 * is not available) and says whether its top and left exist. */
void mb_build_edge_4x4(const mb_ctx *mb, int raster, uint8_t *edge, int *has_top, int *has_left);
void mb_build_edge(const mb_ctx *mb, int plane, int size, uint8_t *edge);
/* cabac_write.c: mb_skip_flag, macroblock_layer() and end_of_slice_flag
 * with CABAC. last_dqp is the previous macroblock's mb_qp_delta (0 after
 * a skipped one), for its context. */
void cabac_write_skip(cabac_enc *c, const mb_ctx *mb, int slice_type, int skip);
void cabac_write_mb(cabac_enc *c, const cpu_encoder *enc, mb_ctx *mb, int slice_type, int *last_qp,
                    int *last_dqp);
void cabac_write_pcm(cabac_enc *c, mb_ctx *mb, int slice_type);
/* mb_write.c: macroblock_layer() with CAVLC. */
void mb_write_intra(h264_bitstream *bs, const cpu_encoder *enc, mb_ctx *mb, int slice_type, int *last_qp);
void mb_write_inter(h264_bitstream *bs, const cpu_encoder *enc, mb_ctx *mb, int *last_qp);
/* Records a P_Skip or B_Skip macroblock's state (it writes nothing itself). */
void mb_record_skip(mb_ctx *mb, int last_qp);
void mb_write_pcm(h264_bitstream *bs, mb_ctx *mb, int slice_type);

/* recon_rows.c: the in-loop filter and reference finishing of the picture
 * being coded, shared among the slice threads. start before the slices
 * run; each slice calls begin_slice first, coded after each of its rows,
 * and finish when its rows are coded. */
void recon_rows_start(cpu_encoder *enc, const cpu_picture *pic);
void recon_rows_begin_slice(slice_job *job);
void recon_rows_coded(slice_job *job, int row);
void recon_rows_finish(slice_job *job);

#endif

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What happens to the rows of the reconstruction once they are coded: the
 * in-loop filter, one chain of macroblock rows down the picture (8.7), and
 * for reference pictures a second chain behind it that borders the planes
 * and makes the half-pel planes.
 *
 * Any slice thread may advance either chain when the rows it needs are
 * ready, so a thread whose slice is done works on the slices still coding
 * instead of waiting for them; the results do not depend on who does the
 * work. The chains' cursors live under rows_lock.
 *
 * Readiness. Row r may be filtered once it is coded and, because intra
 * prediction of the row below reads it unfiltered, once the row below is
 * coded too, unless that row starts the next slice (slices do not predict
 * across their edges). Finishing unit r (the pixel rows final_row(r) ..
 * final_row(r + 1) - 1, see below) waits for row r + 1 to be filtered,
 * whose top edge still changes the last lines of row r.
 */
#include <limits.h>
#include <pthread.h>

#include "cpu_fallback/internal.h"
#include "cpu_fallback/threadpool.h"

/* First pixel row of macroblock row mb_row that no later filtering changes:
 * the filter of the next row's top edge moves p0..p2 of luma and p0 of
 * chroma. */
static int final_row(const cpu_encoder *enc, int mb_row, int plane)
{
    if (mb_row == 0 || mb_row == enc->mb_height)
        return mb_row * (plane ? 8 : 16);
    return plane ? 8 * mb_row - 1 : 16 * mb_row - 3;
}

static const slice_job *slice_of_row(const cpu_encoder *enc, int row)
{
    const slice_job *s = enc->slices;
    while (row >= s->end_row)
        s++;
    return s;
}

static int filter_ready(const cpu_encoder *enc, int row)
{
    const slice_job *s = slice_of_row(enc, row);
    return s->coded_end > row + 1 || s->coded_end == s->end_row;
}

static int finish_ready(const cpu_encoder *enc, int unit)
{
    return enc->filter_next > unit + 1 || enc->filter_next == enc->mb_height;
}

static void filter_row(slice_job *job, int row)
{
    cpu_encoder *enc = job->enc;
    const h264_slice_header *sh = &job->pic->slice;
    const deblock_params p = {
        .disable_idc = sh->disable_deblocking_filter_idc,
        .alpha_c0_offset = sh->slice_alpha_c0_offset_div2 * 2,
        .beta_offset = sh->slice_beta_offset_div2 * 2,
        .chroma_qp_index_offset = enc->pps.chroma_qp_index_offset,
        .ref_pic = { enc->ref_slots[0], enc->ref_slots[1] },
    };
    deblock_mb_row(&enc->dbf, &p, job->recon->plane, job->recon->stride, enc->mbs, enc->mb_width, enc->mb_height,
                   row);
}

/* Borders of unit's final rows in all planes, then the half-pel rows
 * whose filter taps those borders complete: mc_hpel_rows reads 3 rows
 * below what it writes, so each unit's half-pel rows sit 3 rows higher,
 * and the first and last units also cover the core margin. */
static void finish_unit(slice_job *job, int unit)
{
    cpu_encoder *enc = job->enc;
    cpu_frame *f = job->recon;
    for (int p = 0; p < 3; p++)
        enc->mcf.frame_expand_border(f->plane[p], f->stride[p], f->width[p], f->height[p], final_row(enc, unit, p),
                                     final_row(enc, unit + 1, p), p ? FRAME_PAD_CHROMA : FRAME_PAD_LUMA);
    const int y0 = unit ? final_row(enc, unit, 0) - MC_HPEL_READ_AFTER : -MC_HPEL_CORE;
    const int y1 = unit + 1 == enc->mb_height ? f->height[0] + MC_HPEL_CORE
                                              : final_row(enc, unit + 1, 0) - MC_HPEL_READ_AFTER;
    mc_hpel_rows(&enc->mcf, f->hpel, f->plane[0], f->stride[0], f->width[0], f->height[0], y0, y1,
                 FRAME_PAD_LUMA);
}

/* With rows_lock held: tells the waiting threads that the chains or the
 * coded rows moved on. Only sleepers need the (costly) wake-up. */
static void rows_changed(cpu_encoder *enc)
{
    atomic_fetch_add_explicit(&enc->rows_changes, 1, memory_order_release);
    if (enc->rows_sleepers)
        pthread_cond_broadcast(&enc->rows_cond);
}

/* With rows_lock held: waits for the next change, spinning without the
 * lock first and sleeping only if none comes soon. */
static void wait_for_rows(cpu_encoder *enc)
{
    const unsigned seen = atomic_load_explicit(&enc->rows_changes, memory_order_relaxed);
    pthread_mutex_unlock(&enc->rows_lock);
    const int changed = thread_spin_while_equal(&enc->rows_changes, seen);
    pthread_mutex_lock(&enc->rows_lock);
    if (changed)
        return;
    enc->rows_sleepers++;
    while (atomic_load_explicit(&enc->rows_changes, memory_order_relaxed) == seen)
        pthread_cond_wait(&enc->rows_cond, &enc->rows_lock);
    enc->rows_sleepers--;
}

/* With rows_lock held, and the step at *next ready and not taken: takes
 * it, runs it with the lock released, and moves the chain on. */
static int run_step(slice_job *job, int *next, int *busy, void (*step)(slice_job *job, int index))
{
    cpu_encoder *enc = job->enc;
    const int index = *next;
    *busy = 1;
    pthread_mutex_unlock(&enc->rows_lock);
    step(job, index);
    pthread_mutex_lock(&enc->rows_lock);
    *next = index + 1;
    *busy = 0;
    rows_changed(enc);
    return 1;
}

/* With rows_lock held: filters the next row if it is ready, nobody else
 * is filtering and it lies before row `limit`; returns 1 if it did. */
static int try_filter(slice_job *job, int limit)
{
    cpu_encoder *enc = job->enc;
    const int row = enc->filter_next;
    if (enc->filter_busy || row >= limit || row >= enc->mb_height || !filter_ready(enc, row))
        return 0;
    return run_step(job, &enc->filter_next, &enc->filter_busy, filter_row);
}

/* The same for the next finishing unit. */
static int try_finish(slice_job *job, int limit)
{
    cpu_encoder *enc = job->enc;
    const int unit = enc->finish_next;
    if (enc->finish_busy || unit >= limit || unit >= enc->finish_end || !finish_ready(enc, unit))
        return 0;
    return run_step(job, &enc->finish_next, &enc->finish_busy, finish_unit);
}

void recon_rows_start(cpu_encoder *enc, const cpu_picture *pic)
{
    enc->filter_next = enc->finish_next = 0;
    enc->filter_busy = enc->finish_busy = enc->idle_helpers = enc->rows_sleepers = 0;
    /* Only reference pictures are read by motion compensation. */
    enc->finish_end = pic->recon_slot >= 0 ? enc->mb_height : 0;
    for (int i = 0; i < enc->num_slices; i++) {
        enc->slices[i].started = 0;
        enc->slices[i].coded_end = enc->slices[i].first_row;
    }
}

void recon_rows_begin_slice(slice_job *job)
{
    pthread_mutex_lock(&job->enc->rows_lock);
    job->started = 1;
    pthread_mutex_unlock(&job->enc->rows_lock);
}

/* The coding thread filters and finishes its own rows as they become ready
 * (one and two rows behind, while they are in cache), unless a thread is
 * waiting for work: then it leaves them to that thread and keeps coding. */
void recon_rows_coded(slice_job *job, int row)
{
    cpu_encoder *enc = job->enc;
    pthread_mutex_lock(&enc->rows_lock);
    job->coded_end = row + 1;
    rows_changed(enc);
    while (!enc->idle_helpers && (try_filter(job, job->end_row) || try_finish(job, job->end_row)))
        ;
    pthread_mutex_unlock(&enc->rows_lock);
}

/*
 * After its slice is coded, a thread works on both chains until the picture
 * is done. It waits for rows only of slices that have started: the pool
 * starts slices in order, and a slice not started yet may be waiting for
 * this very thread (with fewer threads than slices), so the thread leaves
 * instead and that slice's thread completes the chains.
 */
void recon_rows_finish(slice_job *job)
{
    cpu_encoder *enc = job->enc;
    pthread_mutex_lock(&enc->rows_lock);
    for (;;) {
        if (try_filter(job, INT_MAX) || try_finish(job, INT_MAX))
            continue;
        if (enc->filter_next == enc->mb_height && enc->finish_next == enc->finish_end)
            break;
        if (enc->filter_next < enc->mb_height && !enc->filter_busy && !slice_of_row(enc, enc->filter_next)->started)
            break;
        enc->idle_helpers++;
        wait_for_rows(enc);
        enc->idle_helpers--;
    }
    pthread_mutex_unlock(&enc->rows_lock);
}

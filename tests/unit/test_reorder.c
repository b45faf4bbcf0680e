/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The HAL's B-frame planning without a backend: the reorder queue and the
 * GOP state together must produce the coding order, frame types, POC,
 * frame_num, reference lists and DPB that 8.2 of the standard implies,
 * checked against an independent model of the decoder's DPB (sliding
 * window, default list initialisation of 8.2.4.2.2 and 8.2.4.2.3).
 */
#include <stdlib.h>
#include <string.h>

#include "tests/common/check.h"
#include "hw/core/gop.h"
#include "hw/core/reorder.h"

#define W 64
#define H 48

/* The decoder's view: short-term references in decoding order. */
typedef struct model_ref {
    int frame_num, poc;
} model_ref;

typedef struct model {
    model_ref refs[H264_MAX_REFS];
    int count, window;
    int prev_ref_frame_num;
} model;

static int by_poc_desc(const void *a, const void *b)
{
    return ((const model_ref *)b)->poc - ((const model_ref *)a)->poc;
}

static int by_poc_asc(const void *a, const void *b)
{
    return ((const model_ref *)a)->poc - ((const model_ref *)b)->poc;
}

/* Default initial lists for a B slice (8.2.4.2.3, frames only). */
static void model_b_lists(const model *m, int poc, model_ref *l0, int *n0, model_ref *l1, int *n1)
{
    model_ref before[H264_MAX_REFS], after[H264_MAX_REFS];
    int nb = 0, na = 0;
    for (int i = 0; i < m->count; i++) {
        if (m->refs[i].poc < poc)
            before[nb++] = m->refs[i];
        else
            after[na++] = m->refs[i];
    }
    qsort(before, (size_t)nb, sizeof(before[0]), by_poc_desc);
    qsort(after, (size_t)na, sizeof(after[0]), by_poc_asc);
    *n0 = *n1 = 0;
    for (int i = 0; i < nb; i++)
        l0[(*n0)++] = before[i];
    for (int i = 0; i < na; i++)
        l0[(*n0)++] = after[i];
    for (int i = 0; i < na; i++)
        l1[(*n1)++] = after[i];
    for (int i = 0; i < nb; i++)
        l1[(*n1)++] = before[i];
    if (*n1 > 1 && !memcmp(l0, l1, sizeof(l0[0]) * (size_t)*n1)) {
        model_ref t = l1[0];
        l1[0] = l1[1];
        l1[1] = t;
    }
}

typedef struct run_result {
    int pictures;
    int b_count, idr_count;
    char types[256];
} run_result;

/* Runs `frames` frames through the queue with bframes; IDRs forced at the
 * display indices in force (terminated by -1). */
static void run(tally *t, int frames, int bframes, int ref_frames, int keyint, const int *force, run_result *res)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = W;
    cfg.height = H;
    cfg.keyint = keyint;
    cfg.scenecut = 0;
    cfg.ref_frames = ref_frames;
    cfg.bframes = bframes;
    h264_sps sps = { .log2_max_frame_num = 8, .log2_max_poc_lsb = 8, .max_num_ref_frames = ref_frames + 1 };
    h264_pps pps = { .num_ref_idx_l0_default_active = ref_frames + 1, .num_ref_idx_l1_default_active = 1 };
    gop_state g;
    gop_init(&g, &cfg, sps.max_num_ref_frames, sps.max_num_ref_frames + 1, ref_frames, 2);
    h264_syntax syntax;
    h264_syntax_init(&syntax, &cfg, &sps, &pps);
    reorder_queue q;
    CHECK(t, reorder_init(&q, bframes, W, H) == 0, "reorder_init");

    model m = { .window = sps.max_num_ref_frames };
    uint8_t frame_data[W * H * 3 / 2];
    int64_t sent = 0;
    int last_poc_base = 0;
    memset(res, 0, sizeof(*res));
    for (int64_t i = 0; i <= frames; i++) {
        int flushing = i == frames;
        if (!flushing) {
            CHECK(t, reorder_can_take(&q), "queue refused frame %lld", (long long)i);
            hwenc_frame f = { .pts = 1000 + 40 * i };
            memset(frame_data, (int)(i & 0xff), sizeof(frame_data));
            f.plane[0] = frame_data;
            f.plane[1] = frame_data + W * H;
            f.plane[2] = frame_data + W * H * 5 / 4;
            f.stride[0] = W;
            f.stride[1] = f.stride[2] = W / 2;
            for (const int *fi = force; *fi >= 0; fi++)
                f.force_idr |= *fi == i;
            frame_cost cost = { 0 };
            reorder_take(&q, &f, W, H, HWENC_PIXFMT_I420, i, &cost);
        }
        for (;;) {
            reorder_decide(&q, &g, flushing);
            const reorder_frame *rf = reorder_peek(&q);
            if (!rf)
                break;
            hal_picture pic;
            memset(&pic, 0, sizeof(pic));
            gop_plan(&g, rf->type, rf->display_index, &pic);
            h264_syntax_plan(&syntax, &pic);
            CHECK(t, rf->plane[0][0] == (uint8_t)(rf->display_index & 0xff) && rf->pts == 1000 + 40 * rf->display_index,
                  "frame %lld carries another frame's data", (long long)rf->display_index);
            if (res->pictures < (int)sizeof(res->types) - 1)
                res->types[res->pictures] = hwenc_frame_type_name(pic.type)[0];
            res->pictures++;
            const h264_slice_header *sh = &pic.h264.slice;
            if (pic.type == HWENC_FRAME_IDR) {
                res->idr_count++;
                m.count = 0;
                last_poc_base = (int)pic.display_index;
                CHECK(t, sh->frame_num == 0 && pic.poc == 0 && sh->nal_ref_idc > 0, "IDR numbering");
            } else {
                CHECK(t, sh->frame_num == (m.prev_ref_frame_num + 1) % 256, "frame_num %d after %d", sh->frame_num,
                      m.prev_ref_frame_num);
                CHECK(t, pic.poc == 2 * (int)(pic.display_index - last_poc_base), "poc %d", pic.poc);
            }
            CHECK(t, sh->poc_lsb == (pic.poc & 255), "poc_lsb");
            CHECK(t, pic.num_dpb == (pic.type == HWENC_FRAME_IDR ? 0 : m.count), "dpb %d vs %d", pic.num_dpb,
                  m.count);
            if (pic.type == HWENC_FRAME_P) {
                CHECK(t, sh->slice_type == H264_SLICE_P && sh->nal_ref_idc > 0, "P header");
                int expect = m.count < ref_frames ? m.count : ref_frames;
                CHECK(t, pic.num_refs == expect && sh->num_ref_idx_l0_active == expect, "P refs %d", pic.num_refs);
                /* P default list: descending frame_num = most recent first. */
                for (int r = 0; r < pic.num_refs; r++)
                    CHECK(t, pic.refs[r].poc == m.refs[m.count - 1 - r].poc, "P list entry %d", r);
            } else if (pic.type == HWENC_FRAME_B) {
                res->b_count++;
                CHECK(t, sh->slice_type == H264_SLICE_B && sh->nal_ref_idc == 0 && pic.recon_slot == -1,
                      "B header");
                CHECK(t, sh->direct_spatial_mv_pred == 1, "spatial direct");
                model_ref l0[H264_MAX_REFS], l1[H264_MAX_REFS];
                int n0, n1;
                model_b_lists(&m, pic.poc, l0, &n0, l1, &n1);
                CHECK(t, pic.num_refs >= 1 && pic.num_refs_l1 == 1, "B lists %d/%d", pic.num_refs, pic.num_refs_l1);
                CHECK(t, sh->num_ref_idx_l0_active == pic.num_refs && sh->num_ref_idx_l1_active == 1, "B counts");
                for (int r = 0; r < pic.num_refs; r++)
                    CHECK(t, r < n0 && pic.refs[r].poc == l0[r].poc && pic.refs[r].poc < pic.poc,
                          "B list 0 entry %d: poc %d", r, pic.refs[r].poc);
                CHECK(t, n1 > 0 && pic.refs_l1[0].poc == l1[0].poc && l1[0].poc > pic.poc, "B list 1 poc %d",
                      pic.refs_l1[0].poc);
                CHECK(t, sh->frame_num == syntax.frame_num, "B frame_num");
            }
            for (int r = 0; r < pic.num_dpb; r++)
                CHECK(t, pic.dpb[r].slot != pic.recon_slot, "recon slot %d still referenced", pic.recon_slot);
            gop_commit(&g, &pic);
            h264_syntax_commit(&syntax, &pic);
            reorder_pop(&q);
            sent++;
            if (sh->nal_ref_idc) {
                if (m.count == m.window)
                    memmove(m.refs, m.refs + 1, sizeof(m.refs[0]) * (size_t)--m.count);
                m.refs[m.count].frame_num = sh->frame_num;
                m.refs[m.count].poc = pic.poc;
                m.count++;
                m.prev_ref_frame_num = sh->frame_num;
            }
        }
    }
    CHECK(t, reorder_empty(&q) && res->pictures == frames && sent == frames, "%d of %d pictures", res->pictures,
          frames);
    reorder_free(&q);
}

int main(void)
{
    tally t = { .name = "reorder" };
    run_result r;
    const int none[] = { -1 };

    run(&t, 10, 2, 1, 250, none, &r);
    /* 0 IDR, then P3 B1 B2 P6 B4 B5 P9 B7 B8. */
    CHECK(&t, !strcmp(r.types, "IPBBPBBPBB"), "coding order %s", r.types);
    CHECK(&t, r.b_count == 6, "%d B frames", r.b_count);

    /* The end of the stream cuts the last mini-GOP short. */
    run(&t, 6, 3, 2, 250, none, &r);
    CHECK(&t, !strcmp(r.types, "IPBBBP"), "short tail: %s", r.types);

    /* A forced IDR at 3: frame 2 becomes P, B frames never straddle it. */
    const int force3[] = { 3, -1 };
    run(&t, 9, 3, 1, 250, force3, &r);
    CHECK(&t, !strcmp(r.types, "IPBIPBBBP"), "forced IDR: %s", r.types);

    /* keyint 7 with 2 B frames: IDRs at 0 and 7. */
    run(&t, 16, 2, 3, 7, none, &r);
    CHECK(&t, r.idr_count == 3 && r.types[7] == 'I', "keyint: %s", r.types);

    /* Many references and B frames, with the POC lsb wrapping. */
    run(&t, 300, 4, 4, -1, none, &r);
    CHECK(&t, r.idr_count == 1 && r.b_count == 4 * 59 + 3, "long run: %d B", r.b_count);

    /* Without B frames the queue passes frames straight through as P. */
    run(&t, 5, 0, 1, 250, none, &r);
    CHECK(&t, !strcmp(r.types, "IPPPP"), "no B frames: %s", r.types);

    printf("%s: %d passed, %d failed\n", t.name, t.pass, t.fail);
    return t.fail != 0;
}

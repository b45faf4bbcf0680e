/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Fuzzes the public API on the CPU backend: a configuration (mostly valid,
 * sometimes with one field set to any value at all) and a sequence of
 * calls (frames of any size of padding, alignment, format and content,
 * forced IDRs, bad frames, reconfigures, receives, a flush, or a close in
 * the middle), all taken from the fuzzer's bytes.
 *
 * The library must answer every call with one of the codes its header
 * allows for it, and lose nothing: after a flush, every frame it accepted
 * comes back as exactly one packet with its pts. Every stream that comes
 * out must decode with libavcodec (all its error checks on) to one picture
 * per packet, equal bit for bit to the reconstruction the packets carried.
 */
#include <string.h>

#include "tests/common/avdecode.h"
#include "tests/fuzz/fuzz.h"
#include "hwenc/hwenc.h"

#define MAX_FRAMES 20
#define MAX_OPS 48
#define MAX_DIM 96

typedef struct session {
    hwenc_config cfg;
    hwenc_encoder *enc;
    uint8_t *stream;             /* every packet, in the order received */
    size_t size, capacity;
    int64_t sent_pts[MAX_FRAMES];
    int sent;
    int64_t packet_pts[MAX_FRAMES];
    uint8_t *recon[MAX_FRAMES];  /* packed I420 of packet i, or NULL */
    int packets;
    int64_t last_dts;
    int flushed, finished;
} session;

static const int primaries[] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 22 };
static const int transfers[] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 };
static const int matrices[] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
#define PICK(in, table) (table)[fuzz_range(in, 0, sizeof(table) / sizeof((table)[0]) - 1)]

/* Mostly valid values, so that most inputs encode; then maybe one field
 * with any value, which hwenc_open must refuse cleanly if it is invalid. */
static void fuzz_config(fuzz_input *in, hwenc_config *c)
{
    hwenc_config_default(c);
    c->backend = HWENC_BACKEND_CPU;
    c->width = (int)fuzz_range(in, 1, MAX_DIM / 2) * 2;
    c->height = (int)fuzz_range(in, 1, MAX_DIM / 2) * 2;
    c->fps_num = (int)fuzz_range(in, 1, 240000);
    c->fps_den = (int)fuzz_range(in, 1, 1001);
    uint32_t flags = fuzz_u16(in);
    c->pixel_format = flags & 1 ? HWENC_PIXFMT_NV12 : HWENC_PIXFMT_I420;
    c->low_latency = flags >> 1 & 1;
    c->want_recon = !(flags >> 2 & 1);
    c->deblock = !(flags >> 3 & 1);
    if (flags >> 4 & 1) {
        c->sar_num = (int)fuzz_range(in, 1, 65535);
        c->sar_den = (int)fuzz_range(in, 1, 65535);
    }
    if (flags >> 5 & 1)
        c->colour = (hwenc_colour){ (int)(flags >> 6 & 1), PICK(in, primaries), PICK(in, transfers),
                                    PICK(in, matrices), (int)fuzz_range(in, 0, 5) };
    c->preset = (enum hwenc_preset)fuzz_range(in, 0, HWENC_PRESET_COUNT - 1);
    c->rc_mode = (enum hwenc_rate_control)fuzz_range(in, HWENC_RC_CQP, HWENC_RC_VBR);
    c->qp = (int)fuzz_range(in, 0, 51);
    c->crf = (double)fuzz_range(in, 0, 5100) / 100;
    if (c->rc_mode >= HWENC_RC_ABR) {
        c->bitrate_kbps = (int)fuzz_range(in, 1, 20000);
        c->vbv_maxrate_kbps = flags >> 7 & 1 ? (int)fuzz_range(in, c->bitrate_kbps, 40000) : 0;
        c->vbv_bufsize_kbits = flags >> 8 & 1 ? (int)fuzz_range(in, 1, 40000) : 0;
    } else if (c->rc_mode == HWENC_RC_CRF && flags >> 7 & 1) {
        c->vbv_maxrate_kbps = (int)fuzz_range(in, 1, 40000);
    }
    c->keyint = flags >> 9 & 1 ? -1 : (int)fuzz_range(in, 1, 300);
    c->min_keyint = (int)fuzz_range(in, 0, 40);
    c->scenecut = (int)fuzz_range(in, 0, 100);
    /* Many references or B frames are slow to set up: few, mostly. */
    c->ref_frames = (int)fuzz_range(in, 1, flags >> 13 & 1 ? 16 : 3);
    c->bframes = flags >> 10 & 1 ? (int)fuzz_range(in, 1, flags >> 14 & 1 ? 16 : 3) : 0;
    c->deblock_alpha = (int)fuzz_range(in, -6, 6);
    c->deblock_beta = (int)fuzz_range(in, -6, 6);
    /* Idle slice threads spin before they sleep: one thread, mostly. */
    c->threads = flags >> 15 & 1 ? (int)fuzz_range(in, 0, 3) : 1;
    if (flags >> 11 & 1) {
        int *fields[] = { &c->width, &c->height, &c->fps_num, &c->fps_den, &c->sar_num, &c->sar_den,
                          (int *)&c->pixel_format, &c->colour.full_range, &c->colour.primaries, &c->colour.transfer,
                          &c->colour.matrix, &c->colour.chroma_sample_loc, (int *)&c->preset, (int *)&c->rc_mode,
                          &c->qp, &c->bitrate_kbps, &c->vbv_maxrate_kbps, &c->vbv_bufsize_kbits, &c->keyint,
                          &c->min_keyint, &c->scenecut, &c->ref_frames, &c->bframes, &c->deblock_alpha,
                          &c->deblock_beta, &c->threads };
        int any = (int)fuzz_u32(in);
        *fields[fuzz_range(in, 0, sizeof(fields) / sizeof(fields[0]) - 1)] = any;
        /* Large sizes are refused or slow, not interesting; threads beyond
         * the rows are clamped. */
        if (c->width > MAX_DIM || c->height > MAX_DIM || c->threads > 8)
            *fields[0] = 0;
    }
    if (flags >> 12 & 1)
        c->crf = (double[]){ __builtin_nan(""), __builtin_inf(), -1, 51.5 }[fuzz_range(in, 0, 3)];
}

static void append(session *s, const uint8_t *data, size_t size)
{
    if (s->size + size > s->capacity) {
        s->capacity = (s->size + size) * 2;
        s->stream = realloc(s->stream, s->capacity);
        FUZZ_REQUIRE(s->stream, "out of memory");
    }
    memcpy(s->stream + s->size, data, size);
    s->size += size;
}

static void take_packet(session *s, const hwenc_packet *pkt)
{
    const hwenc_config *c = &s->cfg;
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "packet pts %lld dts %lld %s, %zu bytes, qp %d\n", (long long)pkt->pts, (long long)pkt->dts,
                hwenc_frame_type_name(pkt->type), pkt->size, pkt->qp);
    FUZZ_REQUIRE(s->packets < s->sent, "packet %d for %d frames sent", s->packets + 1, s->sent);
    FUZZ_REQUIRE(pkt->data && pkt->size > 0, "empty packet");
    int found = 0;
    for (int i = 0; i < s->sent; i++)
        found |= s->sent_pts[i] == pkt->pts;
    for (int i = 0; i < s->packets; i++)
        FUZZ_REQUIRE(s->packet_pts[i] != pkt->pts, "pts %lld came back twice", (long long)pkt->pts);
    FUZZ_REQUIRE(found, "pts %lld was never sent", (long long)pkt->pts);
    FUZZ_REQUIRE(pkt->keyframe == (pkt->type == HWENC_FRAME_IDR), "keyframe %d, type %d", pkt->keyframe, pkt->type);
    FUZZ_REQUIRE(pkt->dts <= pkt->pts && (s->packets == 0 || pkt->dts > s->last_dts),
                 "dts %lld after %lld, pts %lld", (long long)pkt->dts, (long long)s->last_dts, (long long)pkt->pts);
    if (s->packets == 0)
        FUZZ_REQUIRE(pkt->keyframe && pkt->size > 5 && !memcmp(pkt->data, "\0\0\0\1", 4) && (pkt->data[4] & 31) == 7,
                     "the first packet is no IDR with an SPS");
    if (c->bframes == 0)
        FUZZ_REQUIRE(pkt->type != HWENC_FRAME_B, "B frame without bframes");
    s->last_dts = pkt->dts;
    s->packet_pts[s->packets] = pkt->pts;
    append(s, pkt->data, pkt->size);
    if (pkt->recon[0]) {
        FUZZ_REQUIRE(c->want_recon, "a reconstruction nobody asked for");
        uint8_t *r = s->recon[s->packets] = malloc((size_t)c->width * c->height * 3 / 2);
        FUZZ_REQUIRE(r, "out of memory");
        for (int p = 0; p < 3; p++) {
            int w = p ? c->width / 2 : c->width, h = p ? c->height / 2 : c->height;
            for (int y = 0; y < h; y++, r += w)
                memcpy(r, pkt->recon[p] + y * pkt->recon_stride[p], (size_t)w);
        }
    }
    s->packets++;
}

/* Receives until the encoder wants input (or, after the flush, to EOF). */
static void drain(session *s)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(s->enc, &pkt)) == 0)
        take_packet(s, &pkt);
    if (ret == HWENC_EOF) {
        FUZZ_REQUIRE(s->flushed, "EOF before a flush");
        s->finished = 1;
        return;
    }
    FUZZ_REQUIRE(ret == HWENC_EAGAIN && !s->flushed, "receive returned %d (%s): %s", ret, hwenc_error_string(ret),
                 hwenc_last_error(s->enc));
}

/* One frame of fuzzed content and layout; a few are invalid on purpose
 * and must be refused without changing anything. */
static void send_frame(session *s, fuzz_input *in, int force_idr)
{
    const hwenc_config *c = &s->cfg;
    const int nv12 = c->pixel_format == HWENC_PIXFMT_NV12, planes = nv12 ? 2 : 3;
    uint32_t layout = fuzz_u16(in);
    int pad[3], offset = (int)(layout & 15), invalid = (layout >> 4 & 31) == 0;
    size_t total = (size_t)offset;
    for (int p = 0; p < planes; p++) {
        pad[p] = (int)fuzz_range(in, 0, 40);
        int h = p ? c->height / 2 : c->height, w = p && !nv12 ? c->width / 2 : c->width;
        total += (size_t)(w + pad[p]) * h;
    }
    uint8_t *buf = malloc(total + 1);
    FUZZ_REQUIRE(buf, "out of memory");
    /* Content: a fuzzed seed for noise, a flat level, or a gradient with
     * fuzzed slope, so that scene cuts, skips and intra all happen. */
    uint32_t seed = fuzz_u32(in) | 1;
    int kind = (int)(seed >> 29);
    for (size_t i = 0; i < total; i++) {
        seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
        buf[i] = kind < 3 ? (uint8_t)seed : kind < 5 ? (uint8_t)(kind * 50) : (uint8_t)(i * (size_t)kind / 7);
    }
    hwenc_frame f = { .pts = s->sent ? s->sent_pts[s->sent - 1] + (int64_t)fuzz_range(in, 1, 3) : (int64_t)fuzz_u16(in),
                      .force_idr = force_idr };
    uint8_t *p0 = buf + offset;
    for (int p = 0; p < planes; p++) {
        int h = p ? c->height / 2 : c->height, w = p && !nv12 ? c->width / 2 : c->width;
        f.plane[p] = p0;
        f.stride[p] = w + pad[p];
        p0 += (size_t)f.stride[p] * h;
    }
    if (invalid) {
        if (layout >> 9 & 1)
            f.plane[layout >> 10 & 1] = NULL;
        else
            f.stride[layout >> 10 & 1] = (layout >> 11 & 1) ? -64 : 0;
    }
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "frame pts %lld%s, strides %td %td %td, content %d%s\n", (long long)f.pts,
                force_idr ? " (IDR)" : "", f.stride[0], f.stride[1], f.stride[2], kind, invalid ? ", invalid" : "");
    int ret;
    while ((ret = hwenc_send_frame(s->enc, &f)) == HWENC_EAGAIN)
        drain(s);
    if (invalid) {
        FUZZ_REQUIRE(ret == HWENC_EINVAL && hwenc_last_error(s->enc)[0], "a bad frame gave %d", ret);
    } else {
        FUZZ_REQUIRE(ret == 0, "send gave %d (%s): %s", ret, hwenc_error_string(ret), hwenc_last_error(s->enc));
        s->sent_pts[s->sent++] = f.pts;
        if (c->low_latency) {
            hwenc_packet pkt;
            FUZZ_REQUIRE(hwenc_receive_packet(s->enc, &pkt) == 0, "low latency: no packet right after the send");
            take_packet(s, &pkt);
        }
    }
    /* The frame is the caller's again once the send returns. */
    memset(buf, 0x5a, total);
    free(buf);
}

static void reconfigure(session *s, fuzz_input *in)
{
    hwenc_config c = s->cfg;
    uint32_t what = fuzz_u8(in);
    c.qp = (int)fuzz_range(in, 0, 51);
    c.crf = (double)fuzz_range(in, 0, 5100) / 100;
    if (c.rc_mode >= HWENC_RC_ABR) {
        c.bitrate_kbps = (int)fuzz_range(in, 1, 20000);
        c.vbv_maxrate_kbps = c.vbv_maxrate_kbps ? (int)fuzz_range(in, c.bitrate_kbps, 40000) : 0;
    }
    int stream_change = (what & 7) == 0;
    if (stream_change)
        c.keyint = c.keyint == 5 ? 6 : 5; /* not a rate: refused */
    int ret = hwenc_reconfigure(s->enc, &c);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "reconfigure qp %d crf %g bitrate %d maxrate %d%s: %d\n", c.qp, c.crf, c.bitrate_kbps,
                c.vbv_maxrate_kbps, stream_change ? " keyint" : "", ret);
    FUZZ_REQUIRE(ret == 0 || ret == HWENC_EINVAL || ret == HWENC_EUNSUPPORTED, "reconfigure gave %d", ret);
    FUZZ_REQUIRE(!stream_change || ret == HWENC_EINVAL, "reconfigure took a new keyint");
    FUZZ_REQUIRE(ret == 0 || hwenc_last_error(s->enc)[0], "reconfigure failed without a message");
    if (ret == 0)
        s->cfg = c;
}

/* The stream must decode to one picture per packet, each (in display
 * order, which is pts order) equal to the reconstruction its packet gave. */
static void check_stream(session *s)
{
    if (!s->packets)
        return;
    decoded_video v;
    char err[512];
    FUZZ_REQUIRE(avdecode_h264(s->stream, s->size, &v, err, sizeof(err)) == 0, "%d packets do not decode: %s",
                 s->packets, err);
    FUZZ_REQUIRE(v.frame_count == s->packets && v.width == s->cfg.width && v.height == s->cfg.height,
                 "%d pictures of %dx%d from %d packets", v.frame_count, v.width, v.height, s->packets);
    for (int i = 0; i < v.frame_count; i++) {
        int k = 0; /* the packet with the i-th smallest pts */
        for (int j = 0; j < s->packets; j++) {
            int rank = 0;
            for (int m = 0; m < s->packets; m++)
                rank += s->packet_pts[m] < s->packet_pts[j];
            if (rank == i)
                k = j;
        }
        if (!s->recon[k])
            continue;
        const uint8_t *r = s->recon[k];
        const int w = s->cfg.width, h = s->cfg.height;
        const uint8_t *plane[3] = { r, r + w * h, r + w * h * 5 / 4 };
        const ptrdiff_t stride[3] = { w, w / 2, w / 2 };
        int64_t at = decoded_video_compare(&v, i, plane, stride, NULL, NULL, NULL);
        FUZZ_REQUIRE(at < 0, "picture %d differs from its reconstruction at byte %lld", i, (long long)at);
    }
    decoded_video_free(&v);
}

/* FUZZ_VERBOSE=1 prints what an input does, to reproduce a finding. */
static void print_config(const hwenc_config *c)
{
    fprintf(stderr,
            "config: %dx%d %d/%d fps, %s, sar %d:%d, colour %d/%d/%d/%d loc %d, preset %d, rc %d qp %d crf %g "
            "bitrate %d maxrate %d bufsize %d, keyint %d min %d scenecut %d, ref %d, bframes %d, deblock %d %d:%d, "
            "threads %d, low_latency %d, recon %d\n",
            c->width, c->height, c->fps_num, c->fps_den, c->pixel_format == HWENC_PIXFMT_NV12 ? "NV12" : "I420",
            c->sar_num, c->sar_den, c->colour.full_range, c->colour.primaries, c->colour.transfer, c->colour.matrix,
            c->colour.chroma_sample_loc, c->preset, c->rc_mode, c->qp, c->crf, c->bitrate_kbps, c->vbv_maxrate_kbps,
            c->vbv_bufsize_kbits, c->keyint, c->min_keyint, c->scenecut, c->ref_frames, c->bframes, c->deblock,
            c->deblock_alpha, c->deblock_beta, c->threads, c->low_latency, c->want_recon);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    session s = { 0 };
    char err[512] = "";
    fuzz_config(&in, &s.cfg);
    if (getenv("FUZZ_VERBOSE"))
        print_config(&s.cfg);
    int ret = hwenc_open_ex(&s.cfg, &s.enc, err, sizeof(err));
    if (ret < 0) {
        FUZZ_REQUIRE(!s.enc && err[0] && (ret == HWENC_EINVAL || ret == HWENC_EUNSUPPORTED),
                     "open gave %d with '%s'", ret, err);
        return 0;
    }
    int force_idr = 0, stop = 0, close_early = 0;
    for (int op = 0; op < MAX_OPS && in.size && !stop; op++) {
        switch (fuzz_u8(&in) % 8) {
        case 0: case 1: case 2: case 3:
            if (s.sent < MAX_FRAMES)
                send_frame(&s, &in, force_idr);
            force_idr = 0;
            break;
        case 4: drain(&s); break;
        case 5: reconfigure(&s, &in); break;
        case 6: force_idr = 1; break;
        case 7:
            stop = 1;
            close_early = fuzz_u8(&in) < 32;
            break;
        }
    }
    /* Closing without a flush must free everything too; what came out by
     * then must still decode. */
    if (!close_early) {
        ret = hwenc_send_frame(s.enc, NULL);
        FUZZ_REQUIRE(ret == 0, "flush gave %d: %s", ret, hwenc_last_error(s.enc));
        FUZZ_REQUIRE(hwenc_send_frame(s.enc, NULL) == HWENC_ESTATE, "a second flush was taken");
        s.flushed = 1;
        drain(&s);
        FUZZ_REQUIRE(s.finished && s.packets == s.sent, "%d packets for %d frames after the flush", s.packets, s.sent);
    }
    hwenc_close(s.enc);
    check_stream(&s);
    for (int i = 0; i < s.packets; i++)
        free(s.recon[i]);
    free(s.stream);
    return 0;
}

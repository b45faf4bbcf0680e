/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * One case of `hwenc validate`: encode the input on the backend through
 * the public API, decode the stream with libavcodec (strictly:
 * tools/media/decode.h), and check what a user relies on:
 *
 *   encode     every call succeeds (the library also checks each packet
 *              against its plan: hwenc_receive_packet)
 *   frames     one packet per frame, and as many decoded pictures
 *   order      decoded picture k shows frame index k (generated input marks
 *              each frame: validate_source.c); a clip has no marks, so
 *              there picture k must not look more like a neighbouring
 *              frame than like frame k (by 0.5 dB, where they differ)
 *   keyframes  frame 0 and every forced IDR is a key frame to the decoder
 *              and in the packet flags; with keyint -1 no other is
 *   structure  no B pictures when none were asked for; with low latency,
 *              each frame's packet comes back as soon as it is sent
 *   bitrate    over the clip (and each half, when the target halves half
 *              way): CBR within 15% of the target, ABR and VBR within 25%,
 *              give or take one VBV buffer (one second at the peak rate,
 *              hwenc's default: over a span an encoder may fill or drain
 *              its buffer, so no tighter bound holds for short clips; after
 *              the change, the buffer of the old rate); and for CBR and VBR
 *              no run of frames beyond what the peak rate and the buffer
 *              allow (the VBV of Annex C)
 *   psnr       CQP: luma PSNR no more than 2 dB below the CPU backend's at
 *              the same QP, B frames and input (above is no failure: a
 *              device that codes only intra pictures, for one, buys more
 *              quality with more bits at the same QP)
 *
 * Why those numbers. The rate modes are given as their target what the
 * CPU backend spends at the CQP cases' QP (26 by default) on the same
 * input, size and B frames: a rate every encoder reaches at mid-range QPs,
 * whatever the size, so none is pinned at its QP limits. Rate control
 * converges within a second or two; CBR must then be close, while ABR and
 * VBR may legitimately trade bits between pictures, hence the wider band. At the same QP two H.264
 * encoders differ in mode decisions and I/P/B QP offsets, typically by well
 * under a decibel; 2 dB leaves room for that and still catches an encoder
 * that codes badly or quantises harder than asked (about 1 dB per 2 QP
 * steps).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/media/decode.h"
#include "tools/validate.h"

typedef struct packet_info {
    int64_t pts;
    enum hwenc_frame_type type;
    int keyframe;
    size_t size;
} packet_info;

typedef struct case_state {
    const validate_case *c;
    const validate_settings *set;
    const validate_source *src;
    const validate_reference *ref;
    validate_result *r;
    hwenc_config cfg;
    hwenc_encoder *enc;
    uint8_t *stream;
    size_t size, capacity;
    packet_info *packets;
    int packet_count;
    int late_packets;            /* low latency: frames whose packet did not come back at once */
    int first_late;
    /* decoding */
    uint8_t *frame[3];           /* source frames k - 1, k, k + 1 */
    int frame_index[3];
    size_t frame_size;
    double sse_y;
    int decoded_b, decoded_keys[16], decoded_key_count, decoded_key_total;
    int misordered, first_misordered, misordered_like;
} case_state;

static int target_kbps(const case_state *st)
{
    return st->ref && st->ref->ok ? (int)(st->ref->kbps + 0.5) : 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static void add_check(validate_result *r, const char *name, int passed, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_check(validate_result *r, const char *name, int passed, const char *fmt, ...)
{
    if (r->check_count == VALIDATE_MAX_CHECKS)
        return;
    validate_check *k = &r->checks[r->check_count++];
    k->name = name;
    k->passed = passed;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->detail, sizeof(k->detail), fmt, ap);
    va_end(ap);
    if (!passed && r->status == VALIDATE_PASS) {
        r->status = VALIDATE_FAIL;
        snprintf(r->message, sizeof(r->message), "%s: %s", name, k->detail);
    }
}

/* ---------------------------------------------------------------- encode */

static void configure(case_state *st)
{
    const validate_case *c = st->c;
    hwenc_config *cfg = &st->cfg;
    hwenc_config_default(cfg);
    cfg->device = st->set->device;
    cfg->width = c->width;
    cfg->height = c->height;
    cfg->fps_num = st->src->fps_num;
    cfg->fps_den = st->src->fps_den;
    cfg->rc_mode = c->rc;
    cfg->qp = st->set->qp;
    cfg->crf = st->set->qp;
    cfg->bframes = c->bframes;
    cfg->ref_frames = c->bframes ? 2 : 1;
    cfg->low_latency = c->low_latency;
    if (c->single_idr) {
        cfg->keyint = -1;
        cfg->scenecut = 0;
    }
    int target = target_kbps(st);
    if (c->rc == HWENC_RC_CBR || c->rc == HWENC_RC_ABR) {
        cfg->bitrate_kbps = target;
    } else if (c->rc == HWENC_RC_VBR) {
        cfg->bitrate_kbps = target;
        cfg->vbv_maxrate_kbps = 2 * target;
    }
    /* The backend is chosen explicitly, so no test encode runs: validate
     * reports that separately. */
    cfg->skip_test_encode = 1;
}

static int keep_packet(case_state *st, const hwenc_packet *pkt)
{
    if (st->size + pkt->size > st->capacity) {
        size_t cap = st->capacity ? st->capacity * 2 : 1 << 20;
        while (cap < st->size + pkt->size)
            cap *= 2;
        uint8_t *grown = realloc(st->stream, cap);
        if (!grown)
            return -1;
        st->stream = grown;
        st->capacity = cap;
    }
    packet_info *grown = realloc(st->packets, sizeof(*grown) * (size_t)(st->packet_count + 1));
    if (!grown)
        return -1;
    st->packets = grown;
    memcpy(st->stream + st->size, pkt->data, pkt->size);
    st->size += pkt->size;
    st->packets[st->packet_count++] = (packet_info){ pkt->pts, pkt->type, pkt->keyframe, pkt->size };
    return 0;
}

/* Receives what is ready: 0, or the failing call's result. */
static int receive(case_state *st, int *received)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(st->enc, &pkt)) == 0) {
        if (keep_packet(st, &pkt) < 0)
            return HWENC_ENOMEM;
        (*received)++;
    }
    return ret == HWENC_EAGAIN || ret == HWENC_EOF ? 0 : ret;
}

static int fail_call(case_state *st, const char *call, int frame, int ret)
{
    char where[32] = "";
    if (frame >= 0)
        snprintf(where, sizeof(where), " at frame %d", frame);
    add_check(st->r, "encode", 0, "%s%s failed: %s (%s)", call, where, hwenc_last_error(st->enc),
              hwenc_error_string(ret));
    return -1;
}

/* Half way through a reconfigure case the targets drop to half. */
static int reconfigure(case_state *st, int frame)
{
    hwenc_config next = st->cfg;
    next.bitrate_kbps /= 2;
    next.vbv_maxrate_kbps /= 2;
    int ret = hwenc_reconfigure(st->enc, &next);
    if (ret == HWENC_EUNSUPPORTED) {
        st->r->status = VALIDATE_NOT_OFFERED;
        snprintf(st->r->message, sizeof(st->r->message), "no bitrate change while encoding: %s",
                 hwenc_last_error(st->enc));
        return -1;
    }
    return ret < 0 ? fail_call(st, "hwenc_reconfigure", frame, ret) : 0;
}

static int send_frames(case_state *st)
{
    const validate_case *c = st->c;
    int frames = st->r->frames, ret;
    uint8_t *buf = malloc(st->frame_size);
    if (!buf)
        return fail_call(st, "allocating a frame", -1, HWENC_ENOMEM);
    for (int i = 0; i < frames; i++) {
        if (c->reconfigure && i == frames / 2 && reconfigure(st, i) < 0)
            goto fail;
        validate_source_frame(st->src, i, buf);
        int w = c->width, h = c->height;
        hwenc_frame f = { .plane = { buf, buf + w * h, buf + w * h * 5 / 4 }, .stride = { w, w / 2, w / 2 }, .pts = i };
        f.force_idr = c->force_idr && (i == frames / 3 || i == 2 * frames / 3);
        int received = 0;
        while ((ret = hwenc_send_frame(st->enc, &f)) == HWENC_EAGAIN)
            if ((ret = receive(st, &received)) < 0)
                break;
        if (ret < 0) {
            fail_call(st, "hwenc_send_frame", i, ret);
            goto fail;
        }
        if ((ret = receive(st, &received)) < 0) {
            fail_call(st, "hwenc_receive_packet", i, ret);
            goto fail;
        }
        if (c->low_latency && received != 1 && !st->late_packets++)
            st->first_late = i;
    }
    free(buf);
    int received = 0;
    if ((ret = hwenc_send_frame(st->enc, NULL)) < 0)
        return fail_call(st, "hwenc_send_frame(NULL) (flush)", -1, ret);
    if ((ret = receive(st, &received)) < 0)
        return fail_call(st, "hwenc_receive_packet after the flush", -1, ret);
    return 0;
fail:
    free(buf);
    return -1;
}

static int encode(enum hwenc_backend backend, case_state *st)
{
    char err[512];
    st->cfg.backend = backend;
    int ret = hwenc_open_ex(&st->cfg, &st->enc, err, sizeof(err));
    if (ret == HWENC_EUNSUPPORTED) {
        st->r->status = VALIDATE_NOT_OFFERED;
        snprintf(st->r->message, sizeof(st->r->message), "%s", err);
        return -1;
    }
    if (ret < 0) {
        add_check(st->r, "encode", 0, "hwenc_open failed: %s (%s)", err, hwenc_error_string(ret));
        return -1;
    }
    double start = now_ms();
    ret = send_frames(st);
    st->r->encode_ms = now_ms() - start;
    hwenc_close(st->enc);
    st->enc = NULL;
    if (ret == 0)
        add_check(st->r, "encode", 1, "%d frames in, %d packets out, %.0f ms", st->r->frames, st->packet_count,
                  st->r->encode_ms);
    return ret;
}

/* ---------------------------------------------------------------- decode */

static uint64_t sse(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride, int w, int h)
{
    uint64_t sum = 0;
    for (int y = 0; y < h; y++, a += a_stride, b += b_stride)
        for (int x = 0; x < w; x++) {
            int d = a[x] - b[x];
            sum += (uint64_t)(d * d);
        }
    return sum;
}

static double psnr(uint64_t error, uint64_t samples)
{
    return error ? 10 * log10(255.0 * 255.0 * (double)samples / (double)error) : 100;
}

/* Source frame k, generated at most once while the decode passes by. */
static const uint8_t *source_frame(case_state *st, int k)
{
    for (int i = 0; i < 3; i++)
        if (st->frame_index[i] == k)
            return st->frame[i];
    int slot = k % 3;
    validate_source_frame(st->src, k, st->frame[slot]);
    st->frame_index[slot] = k;
    return st->frame[slot];
}

static int on_picture(void *opaque, const media_picture *pic)
{
    case_state *st = opaque;
    const validate_case *c = st->c;
    int k = pic->index, w = c->width, h = c->height;
    if (k >= st->r->frames || pic->width != w || pic->height != h)
        return 0; /* counted and reported after the decode */
    const uint8_t *own = source_frame(st, k);
    uint64_t error = sse(own, w, pic->plane[0], pic->stride[0], w, h);
    st->sse_y += (double)error;
    int shown = validate_source_read_index(st->src, pic->plane[0], pic->stride[0]);
    for (int j = k - 1; shown < 0 && j <= k + 1; j += 2) {
        if (j < 0 || j >= st->r->frames)
            continue;
        const uint8_t *other = source_frame(st, j);
        own = source_frame(st, k);
        /* 0.5 dB closer: 10^(-0.05) of the squared error. */
        if (sse(own, w, other, w, w, h) && sse(other, w, pic->plane[0], pic->stride[0], w, h) < 0.891 * error)
            shown = j;
    }
    if (shown >= 0 && shown != k && !st->misordered++) {
        st->first_misordered = k;
        st->misordered_like = shown;
    }
    st->decoded_b += pic->pict_type == 'B';
    if (pic->key_frame && st->decoded_key_total++ < 16)
        st->decoded_keys[st->decoded_key_count++] = k;
    return 0;
}

static void decode_and_compare(case_state *st)
{
    validate_result *r = st->r;
    char err[512] = "";
    media_decode_options opt = { .quiet = 1 };
    for (int i = 0; i < 3; i++) {
        st->frame[i] = malloc(st->frame_size);
        st->frame_index[i] = -1;
        if (!st->frame[i]) {
            add_check(r, "frames", 0, "out of memory");
            return;
        }
    }
    r->packets = st->packet_count;
    int decoded = media_decode_h264(st->stream, st->size, &opt, on_picture, st, err, sizeof(err));
    r->decoded = decoded > 0 ? decoded : 0;
    if (decoded < 0) {
        add_check(r, "frames", 0, "libavcodec cannot decode the stream: %s", err);
        return;
    }
    if (st->packet_count != r->frames || decoded != r->frames)
        add_check(r, "frames", 0, "%d frames sent, %d packets received, %d pictures decoded", r->frames,
                  st->packet_count, decoded);
    else
        add_check(r, "frames", 1, "%d frames, %d packets, %d pictures decoded at %dx%d", r->frames,
                  st->packet_count, decoded, st->c->width, st->c->height);
    r->psnr_y = psnr((uint64_t)st->sse_y, (uint64_t)st->c->width * st->c->height * (uint64_t)r->decoded);
    int marked = validate_source_read_index(st->src, st->frame[0], st->c->width) >= 0;
    if (st->misordered)
        add_check(r, "order", 0, "decoded picture %d %s frame %d (%d pictures out of place): the decoder shows "
                  "them in another order", st->first_misordered, marked ? "is marked as" : "looks like source",
                  st->misordered_like, st->misordered);
    else
        add_check(r, "order", 1, marked ? "every decoded picture shows its own frame index"
                                        : "every decoded picture is closest to its own source frame");
}

/* ---------------------------------------------------------------- checks */

static int packet_is_key(const case_state *st, int display_index)
{
    for (int i = 0; i < st->packet_count; i++)
        if (st->packets[i].pts == display_index)
            return st->packets[i].keyframe;
    return 0;
}

static void check_keyframes(case_state *st)
{
    const validate_case *c = st->c;
    validate_result *r = st->r;
    int frames = r->frames, want[3] = { 0, frames / 3, 2 * frames / 3 }, wanted = c->force_idr ? 3 : 1;
    memcpy(r->keyframes, st->decoded_keys, sizeof(r->keyframes));
    r->keyframe_count = st->decoded_key_total;
    for (int i = 0; i < wanted; i++) {
        int decoded = 0;
        for (int j = 0; j < st->decoded_key_count; j++)
            decoded |= st->decoded_keys[j] == want[i];
        if (!decoded || !packet_is_key(st, want[i])) {
            add_check(r, "keyframes", 0, "frame %d%s is %sa key frame to the decoder and %s in the packet flags",
                      want[i], i ? " (forced)" : "", decoded ? "" : "not ",
                      packet_is_key(st, want[i]) ? "is one" : "not one");
            return;
        }
    }
    if (c->single_idr && st->decoded_key_total != 1) {
        add_check(r, "keyframes", 0, "keyint -1: %d key frames, the second at frame %d; only frame 0 may be one",
                  st->decoded_key_total, st->decoded_key_count > 1 ? st->decoded_keys[1] : -1);
        return;
    }
    add_check(r, "keyframes", 1, "%d key frame%s where asked%s", st->decoded_key_total,
              st->decoded_key_total == 1 ? "" : "s", c->single_idr ? ", and only frame 0" : "");
}

static void check_structure(case_state *st)
{
    const validate_case *c = st->c;
    validate_result *r = st->r;
    int b_packets = 0;
    for (int i = 0; i < st->packet_count; i++)
        b_packets += st->packets[i].type == HWENC_FRAME_B;
    r->b_frames = st->decoded_b;
    if (!c->bframes && (b_packets || st->decoded_b)) {
        add_check(r, "structure", 0, "B frames off, yet %d B packets and %d decoded B pictures", b_packets,
                  st->decoded_b);
        return;
    }
    if (b_packets != st->decoded_b) {
        add_check(r, "structure", 0, "%d packets say B, the decoder saw %d B pictures", b_packets, st->decoded_b);
        return;
    }
    if (c->low_latency && st->late_packets) {
        add_check(r, "structure", 0, "low latency: %d frames' packets did not come back as soon as they were "
                  "sent, the first frame %d", st->late_packets, st->first_late);
        return;
    }
    add_check(r, "structure", 1, "%d B pictures%s%s", st->decoded_b,
              c->bframes && !st->decoded_b ? " (the backend takes none)" : "",
              c->low_latency ? "; one packet back per frame sent" : "");
}

static size_t bits_of(const case_state *st, int from, int to)
{
    size_t bytes = 0;
    for (int i = 0; i < st->packet_count; i++)
        if (st->packets[i].pts >= from && st->packets[i].pts < to)
            bytes += st->packets[i].size;
    return bytes * 8;
}

static double seconds_of(const case_state *st, int frames)
{
    return (double)frames * st->src->fps_den / st->src->fps_num;
}

/* The most bits any run of consecutive pictures of frames [from, to)
 * carries beyond what the peak rate delivers in as many frame intervals
 * (less one, for where in its interval a picture arrives): Annex C lets
 * that reach the VBV buffer size, never more. Pictures leave the buffer in
 * decoding order, which is the order packets come in. */
static double worst_window(const case_state *st, int from, int to, double peak_bps)
{
    double per_frame = peak_bps * seconds_of(st, 1), worst = -1e300, low = 0, sum = 0;
    for (int i = 0; i < st->packet_count; i++) {
        if (st->packets[i].pts < from || st->packets[i].pts >= to)
            continue;
        sum += 8.0 * (double)st->packets[i].size - per_frame;
        if (sum - low > worst)
            worst = sum - low;
        if (sum < low)
            low = sum;
    }
    return worst - per_frame;
}

/* One span of frames at one target: the average within the tolerance,
 * give or take one VBV buffer (a conforming encoder may fill or drain it
 * over the span, so no tighter bound holds over a short one), and no
 * window beyond the buffer. */
static int check_span(case_state *st, int from, int to, double target_kbps, double buffer_kbps, double tol,
                      char *why, size_t why_size, double *got_kbps)
{
    const validate_case *c = st->c;
    double seconds = seconds_of(st, to - from), target = target_kbps * 1000 * seconds;
    double peak = (c->rc == HWENC_RC_VBR ? 2 : 1) * target_kbps * 1000;
    double buffer = (c->rc == HWENC_RC_VBR ? 2 : 1) * buffer_kbps * 1000; /* one second at the peak rate */
    double bits = (double)bits_of(st, from, to);
    *got_kbps = bits / 1000 / seconds;
    if (fabs(bits - target) > tol * target + buffer) {
        snprintf(why, why_size, "frames %d-%d: %.0f kb/s is %.0f%% %s the target %.0f kb/s: beyond %.0f%% "
                 "and one VBV buffer (%.0f kbit) over %.2f s", from, to - 1, *got_kbps,
                 fabs(bits / target - 1) * 100, bits > target ? "above" : "below", target_kbps, tol * 100,
                 buffer / 1000, seconds);
        return 0;
    }
    double excess = worst_window(st, from, to, peak);
    if (c->rc != HWENC_RC_ABR && excess > buffer) {
        snprintf(why, why_size, "frames %d-%d: a run of frames carries %.0f kbit more than the peak rate "
                 "%.0f kb/s delivers, beyond the VBV buffer of %.0f kbit", from, to - 1, excess / 1000,
                 peak / 1000, buffer / 1000);
        return 0;
    }
    return 1;
}

static void check_bitrate(case_state *st)
{
    const validate_case *c = st->c;
    validate_result *r = st->r;
    int frames = r->frames;
    r->kbps = (double)bits_of(st, 0, frames) / 1000 / seconds_of(st, frames);
    if (c->rc != HWENC_RC_CBR && c->rc != HWENC_RC_ABR && c->rc != HWENC_RC_VBR)
        return;
    double tol = c->rc == HWENC_RC_CBR ? VALIDATE_CBR_TOLERANCE : VALIDATE_AVG_TOLERANCE;
    double target = target_kbps(st);
    if (!target) {
        add_check(r, "bitrate", 0, "no target: the CPU backend's reference encode failed: %s",
                  st->ref ? st->ref->error : "none made");
        return;
    }
    char why[320];
    if (!c->reconfigure) {
        r->target_kbps = target;
        double got;
        if (!check_span(st, 0, frames, target, target, tol, why, sizeof(why), &got))
            add_check(r, "bitrate", 0, "%s", why);
        else
            add_check(r, "bitrate", 1, "%.0f kb/s for a target of %.0f kb/s", got, target);
        return;
    }
    int half = frames / 2;
    r->target_kbps = (target * half + target / 2 * (frames - half)) / frames;
    r->target_halves[0] = target;
    r->target_halves[1] = target / 2;
    /* Right after the change the buffer may still hold what the old rate
     * allowed. */
    if (!check_span(st, 0, half, target, target, tol, why, sizeof(why), &r->kbps_halves[0]) ||
        !check_span(st, half, frames, target / 2, target, tol, why, sizeof(why), &r->kbps_halves[1]))
        add_check(r, "bitrate", 0, "%s", why);
    else
        add_check(r, "bitrate", 1, "%.0f then %.0f kb/s for targets %.0f then %.0f kb/s", r->kbps_halves[0],
                  r->kbps_halves[1], target, target / 2);
}

static void check_psnr(case_state *st)
{
    validate_result *r = st->r;
    if (st->c->rc != HWENC_RC_CQP || !st->ref)
        return;
    if (!st->ref->ok) {
        add_check(r, "psnr", 0, "no reference: the CPU backend's encode of the same input failed: %s", st->ref->error);
        return;
    }
    double cpu_psnr_y = st->ref->psnr_y;
    r->cpu_psnr_y = cpu_psnr_y;
    double d = r->psnr_y - cpu_psnr_y;
    add_check(r, "psnr", d >= -VALIDATE_PSNR_MARGIN,
              "luma %.2f dB, the CPU backend %.2f dB at QP %d (%+.2f dB; at most %.1f dB below)", r->psnr_y,
              cpu_psnr_y, st->set->qp, d, VALIDATE_PSNR_MARGIN);
}

void validate_run_case(enum hwenc_backend backend, const validate_case *c, const validate_settings *set,
                       const validate_source *src, const validate_reference *ref, validate_result *r)
{
    case_state st = { .c = c, .set = set, .src = src, .ref = ref, .r = r };
    memset(r, 0, sizeof(*r));
    r->frames = set->frames < src->frames ? set->frames : src->frames;
    st.frame_size = (size_t)c->width * c->height * 3 / 2;
    configure(&st);
    if (encode(backend, &st) == 0) {
        decode_and_compare(&st);
        if (r->decoded == r->frames) {
            check_keyframes(&st);
            check_structure(&st);
            check_bitrate(&st);
            check_psnr(&st);
        }
    }
    for (int i = 0; i < 3; i++)
        free(st.frame[i]);
    free(st.stream);
    free(st.packets);
}

void validate_make_reference(validate_reference *ref, const validate_settings *set, const validate_source *src)
{
    validate_case c = { .width = ref->width, .height = ref->height, .rc = HWENC_RC_CQP, .bframes = ref->bframes };
    validate_result r;
    snprintf(c.name, sizeof(c.name), "%dx%d cqp b%d (CPU reference)", c.width, c.height, c.bframes);
    validate_run_case(HWENC_BACKEND_CPU, &c, set, src, NULL, &r);
    ref->ok = r.status == VALIDATE_PASS;
    ref->psnr_y = r.psnr_y;
    ref->kbps = r.kbps;
    snprintf(ref->error, sizeof(ref->error), "%s", r.message);
}

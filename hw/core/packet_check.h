/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Checks every packet a hardware backend returns against what the HAL
 * planned, so that a driver that codes something else fails at that packet
 * with a reason instead of handing the user a broken stream:
 *
 *  - pictures come back one per packet, in the coding order they were sent,
 *    none missing at the end of a flush;
 *  - each packet is Annex B H.264 holding exactly one picture, of the
 *    planned type (IDR, I, P or B; intra slices are allowed anywhere) and
 *    reference marking, with an SPS of the configured size;
 *  - frame_num follows 7.4.3 (no gaps unless the SPS allows them);
 *  - the picture order count (8.2.1, all three types) orders the pictures
 *    of each IDR period as their display order, with no two alike: a
 *    decoder outputs in that order.
 *
 * A backend that decides the picture types itself (hal_caps.decides_types)
 * is sent every frame in display order, planned IDR or P; it may code a
 * frame planned P as P, I, or a non-reference B picture held back until
 * the anchor after it (at most max_bframes in a row), so its packets are
 * matched to the frames by display index and the reordering is checked
 * instead of the order sent: each frame comes back exactly once, every
 * anchor before the B pictures shown ahead of it, and each B picture
 * between the two anchors coded last.
 *
 * It parses NAL headers and slice headers only (parse.h), never slice data.
 */
#ifndef HWENC_HAL_PACKET_CHECK_H
#define HWENC_HAL_PACKET_CHECK_H

#include "hw/core/hal.h"
#include "hw/h264/parse.h"

#define PACKET_CHECK_IN_FLIGHT 256
#define PACKET_CHECK_PERIOD 64

typedef struct planned_picture {
    int64_t display_index;
    enum hwenc_frame_type type;
    int reference;
    int returned;                    /* backends that reorder: already checked */
} planned_picture;

typedef struct packet_check {
    int width, height;
    planned_picture plan[PACKET_CHECK_IN_FLIGHT]; /* sent, not yet returned, in coding order */
    int64_t plan_first, plan_count;
    int64_t pictures;                /* packets checked */
    /* A backend that decides the types (packet_check_backend_decides). */
    int backend_decides, max_bframes;
    int64_t last_anchor, prev_anchor; /* display indexes of the two anchors coded last; -1: none */
    h264_param_sets *ps;

    /* 8.2.1: the state the next picture order count derives from. */
    int prev_ref_poc_msb, prev_ref_poc_lsb;
    int prev_frame_num, prev_frame_num_offset;
    int prev_ref_frame_num;
    /* The most recent pictures of the current IDR period, for the order. */
    struct {
        int64_t display_index;
        int poc;
    } period[PACKET_CHECK_PERIOD];
    int period_count;
} packet_check;

/* Returns 0 or HWENC_ENOMEM. */
int packet_check_init(packet_check *c, int width, int height);
void packet_check_free(packet_check *c);
/* The backend decides the picture types and reorders up to max_bframes B
 * pictures (hal_caps.decides_types); call before the first picture. */
void packet_check_backend_decides(packet_check *c, int max_bframes);

/* Records a picture the backend accepted. HWENC_EBACKEND (with a reason)
 * when the backend holds more pictures than can be followed. */
int packet_check_sent(packet_check *c, const hal_picture *pic, char *err, size_t err_size);
/* Checks the packet the backend returned: 0, or HWENC_EBACKEND with the
 * reason in err. */
int packet_check_packet(packet_check *c, const hal_packet *pkt, char *err, size_t err_size);
/* After the backend's last packet: HWENC_EBACKEND if a picture never came. */
int packet_check_finish(const packet_check *c, char *err, size_t err_size);

#endif

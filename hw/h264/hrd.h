/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The hypothetical reference decoder in the stream (Annex C, E): the VUI's
 * hrd_parameters() for a bitrate and CPB size, and the buffering-period and
 * picture-timing SEI messages (D.1.2, D.1.3) that go with them. Shared by
 * every encoder that signals its rate control to decoders.
 */
#ifndef HWENC_H264_HRD_H
#define HWENC_H264_HRD_H

#include <stddef.h>
#include <stdint.h>

#include "hw/h264/bitstream.h"
#include "hw/h264/params.h"

/* A NAL HRD of one CPB for bit_rate bit/s and a cpb_size-bit buffer; the
 * signalled values (E.2.2) are rounded up, never below the real ones. */
void h264_hrd_init(h264_hrd *hrd, uint32_t bit_rate, uint32_t cpb_size, int cbr);
void h264_write_hrd(h264_bitstream *bs, const h264_hrd *hrd);
/* What the HRD says, in bit/s and bits (E-37, E-38): at least what it was
 * made for. */
uint64_t h264_hrd_bit_rate(const h264_hrd *hrd);
uint64_t h264_hrd_cpb_size(const h264_hrd *hrd);

typedef struct h264_sei_timing {
    int buffering_period;                   /* with the buffering-period message (IDR pictures) */
    uint32_t initial_cpb_removal_delay;     /* 90 kHz ticks */
    uint32_t cpb_removal_delay;             /* in clock ticks (num_units_in_tick), since the last buffering period */
    uint32_t dpb_output_delay;              /* in clock ticks, after removal */
} h264_sei_timing;

/* One SEI NAL unit in Annex B (nal_ref_idc 0) with the buffering-period
 * message when asked, then picture timing; sps must carry a NAL HRD.
 * Returns the size, 0 if it does not fit. */
size_t h264_write_sei_timing(uint8_t *dst, size_t capacity, const h264_sps *sps, const h264_sei_timing *t);

/* A filler data NAL unit (7.3.2.7) of exactly size bytes in Annex B,
 * start code included: 0xFF bytes and the RBSP trailing bits, at least
 * H264_FILLER_MIN bytes. Returns size, 0 if it does not fit or is too
 * small. Filler follows the picture's slices in its access unit
 * (7.4.1.2.3) and counts in the NAL HRD (Annex C, Type II). */
#define H264_FILLER_MIN 6
size_t h264_write_filler(uint8_t *dst, size_t capacity, size_t size);

#endif

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The rate control signalled in the stream, as FFmpeg's vaapi_encode_h264
 * signals it: for CBR and VBR, a NAL HRD in the SPS's VUI and, with every
 * picture, a picture-timing SEI message (after a buffering-period message
 * at IDRs), sent as packed raw data. Only where hwenc writes the SPS itself
 * (packed sequence headers) and the driver takes raw data (MISC or
 * RAW_DATA): a driver that writes its own SPS gets neither, as an SEI
 * message naming an HRD its SPS lacks would be invalid.
 */
#include "hw/h264/hrd.h"
#include "hw/vaapi/internal.h"

int vaapi_signals_hrd(const vaapi_encoder *e)
{
    return (e->rc.mode == VA_RC_CBR || e->rc.mode == VA_RC_VBR) && (e->packed & VA_ENC_PACKED_HEADER_SEQUENCE) &&
           e->sps.vui_present && e->sps.vui.timing_info_present;
}

void vaapi_update_hrd(vaapi_encoder *e)
{
    h264_vui *vui = &e->sps.vui;
    vui->nal_hrd_present = vaapi_signals_hrd(e);
    if (!vui->nal_hrd_present)
        return;
    /* The rate and buffer the driver was given (VBR: its peak). cbr_flag
     * stays 0 as FFmpeg keeps it: the HRD's CBR needs filler data, which
     * no driver is asked for. */
    h264_hrd_init(&vui->nal_hrd, vaapi_rc_bits_per_second(&e->rc), (uint32_t)e->rc.bufsize_kbits * 1000u, 0);
    vui->low_delay_hrd = 0;
}

size_t vaapi_write_timing_sei(const vaapi_encoder *e, const hal_picture *pic, uint8_t *dst, size_t capacity)
{
    VAEncMiscParameterHRD hrd;
    vaapi_fill_hrd(e, &hrd);
    /* h264_stream_init's VUI: time_scale = 2 * fps_num ticks of fps_den
     * units, so a frame lasts two clock ticks (as in FFmpeg's streams). */
    const int64_t frame_ticks = 2;
    h264_sei_timing t = {
        .buffering_period = pic->type == HWENC_FRAME_IDR,
        /* The initial fullness drained at the bitrate, in 90 kHz units
         * (C.1.1); FFmpeg scales by fullness / buffer size, which equals
         * this only for a one-second buffer. */
        .initial_cpb_removal_delay = (uint32_t)(90000 * (uint64_t)hrd.initial_buffer_fullness /
                                                vaapi_rc_bits_per_second(&e->rc)),
        /* Since the buffering period (the IDR), in coding order. */
        .cpb_removal_delay = (uint32_t)(frame_ticks * (e->coded_pictures - e->idr_coded_picture)),
        /* Output in display order after the reorder delay of one picture
         * that B pictures (never references here) bring. */
        .dpb_output_delay = (uint32_t)(frame_ticks * (pic->display_index - e->coded_pictures + (e->bframes > 0))),
    };
    return h264_write_sei_timing(dst, capacity, &e->sps, &t);
}

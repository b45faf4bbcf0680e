/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * State of one VA-API encoding session, shared by the files of the backend:
 * backend.c (the hal_backend vtable and resources), upload.c (frames into
 * surfaces), params.c (the VA parameter buffers and packed headers) and
 * picture.c (one picture through Begin/Render/EndPicture, and later its
 * wait and coded buffer).
 */
#ifndef HWENC_VAAPI_INTERNAL_H
#define HWENC_VAAPI_INTERNAL_H

#include <va/va.h>
#include <va/va_enc_h264.h>

#include "hw/vaapi/device.h"
#include "hw/core/hal.h"

#define VAAPI_MAX_GOP_HINT 1024     /* intra_period sent for longer or infinite GOPs */
#define VAAPI_ASYNC_DEPTH 2         /* pictures in flight: FFmpeg's async_depth default */

/* One picture in flight: its input surface and coded buffer are its own
 * until the wait that covers it (va.h: only after vaSyncSurface "it is
 * safe to use the render target for a different picture"). */
typedef struct vaapi_slot {
    VASurfaceID input;
    VABufferID coded;
    int64_t pts, display_index;
    enum hwenc_frame_type type;
    int qp;                      /* the planned QP (CQP), reported when the driver gives none */
} vaapi_slot;

typedef struct vaapi_rc {
    uint32_t mode;               /* VA_RC_* in the config; 0 when the driver reports no modes (CQP) */
    int qp;                      /* CQP */
    int quality;                 /* ICQ quality factor */
    int bitrate_kbps, maxrate_kbps, bufsize_kbits;
    int fps_num, fps_den;
} vaapi_rc;

typedef struct vaapi_encoder {
    vaapi_device dev;
    const struct vaapi_codec *codec;     /* the session's codec's buffers and headers */
    vaapi_caps caps;
    hwenc_config cfg;            /* the session's, copied: the hal_session is gone after open */
    h264_sps sps;
    h264_pps pps;
    int bframes;                 /* most B pictures between anchors (ip_period - 1) */
    int width, height;           /* cropped */
    int coded_width, coded_height;
    uint32_t packed;             /* VA_ENC_PACKED_HEADER_* we send */
    vaapi_rc rc;
    int rc_pending;              /* send the rate-control buffers with the next picture */
    VAEncROI roi[ROI_MAX_REGIONS]; /* the picture's ROI regions, which the ROI buffer points at */

    VAConfigID config;
    VAContextID context;
    VASurfaceID recon[H264_MAX_REFS + 2]; /* by DPB slot; the last one for non-reference pictures */
    int recon_count;
    size_t coded_size;

    /* The pipeline: a ring of depth slots, in_flight of them from head on
     * sent and not yet waited for, in coding order. */
    vaapi_slot slots[VAAPI_ASYNC_DEPTH];
    int depth, head, in_flight;
    int sync_buffer;             /* the driver implements vaSyncBuffer (probed as FFmpeg does) */
    int64_t coded_pictures;      /* pictures sent so far: the coding order */
    int64_t idr_coded_picture;   /* coding index of the last IDR */
    uint8_t *parameter_sets;     /* the session's, for drivers that write none of their own */
    size_t parameter_sets_size;

    int derive_broken;           /* vaDeriveImage failed once: use vaCreateImage + vaPutImage */
    VAImage image;               /* for vaPutImage, image_id VA_INVALID_ID until first needed */
    VAImageFormat nv12;

    uint8_t *out;
    size_t out_capacity;
    hal_packet pkt;
} vaapi_encoder;

/* upload.c */
int vaapi_upload(vaapi_encoder *e, VASurfaceID surface, const hal_picture *pic, char *err, size_t err_size);

/* What differs between codecs in VA-API (FFmpeg's VAAPIEncodeType): the
 * sequence, picture and slice parameter buffers, the QP a picture asks for,
 * and the packed headers, written with the HAL's own header writer.
 * picture.c drives any codec through it. */
typedef union vaapi_codec_buffer {
    VAEncSequenceParameterBufferH264 sequence_h264;
    VAEncPictureParameterBufferH264 picture_h264;
    VAEncSliceParameterBufferH264 slice_h264;
} vaapi_codec_buffer;

typedef struct vaapi_codec {
    size_t sequence_size, picture_size, slice_size; /* of the codec's parameter buffers */
    void (*fill_sequence)(const vaapi_encoder *e, vaapi_codec_buffer *seq);
    void (*fill_picture)(const vaapi_encoder *e, const hal_picture *pic, VASurfaceID recon, VABufferID coded,
                         vaapi_codec_buffer *pp);
    void (*fill_slice)(const vaapi_encoder *e, const hal_picture *pic, int slice_qp, vaapi_codec_buffer *sp);
    /* Under CQP the QP of the picture; else the one the driver's rate
     * control starts from. */
    int (*picture_qp)(const vaapi_encoder *e, const hal_picture *pic);
    /* The packed sequence (SPS) and picture (PPS) headers in Annex B;
     * 0 if they do not fit. */
    size_t (*write_sequence_header)(const vaapi_encoder *e, uint8_t *dst, size_t capacity);
    size_t (*write_picture_header)(const vaapi_encoder *e, uint8_t *dst, size_t capacity);
    /* Start code, NAL header and slice header without emulation
     * prevention, as drivers take packed slice headers; returns the length
     * in bits, 0 if it does not fit. */
    size_t (*write_slice_header)(const vaapi_encoder *e, const hal_picture *pic, int slice_qp, uint8_t *dst,
                                 size_t capacity);
} vaapi_codec;

/* params.c */
extern const vaapi_codec vaapi_codec_h264;
/* The misc buffers of rate control: payloads for VAEncMiscParameterType
 * RateControl, HRD and FrameRate. */
/* The sequence's and rate-control buffer's bits_per_second: the VBR peak,
 * else the bitrate (the AVBR target). */
uint32_t vaapi_rc_bits_per_second(const vaapi_rc *rc);
/* VAEncMiscParameterBufferQualityLevel for the preset, within the
 * driver's EncQualityRange (which must be reported). */
int vaapi_quality_level(const vaapi_encoder *e);
void vaapi_fill_rate_control(const vaapi_encoder *e, int reset, VAEncMiscParameterRateControl *rc);
void vaapi_fill_hrd(const vaapi_encoder *e, VAEncMiscParameterHRD *hrd);
void vaapi_fill_frame_rate(const vaapi_encoder *e, VAEncMiscParameterFrameRate *fr);

/* timing.c: HRD parameters and timing SEI for CBR and VBR */
int vaapi_signals_hrd(const vaapi_encoder *e);
/* The SPS's NAL HRD from the current rate control (before each IDR). */
void vaapi_update_hrd(vaapi_encoder *e);
/* The buffering-period (IDRs) and picture-timing SEI NAL unit of the
 * picture about to be sent; returns its size, 0 if it does not fit. */
size_t vaapi_write_timing_sei(const vaapi_encoder *e, const hal_picture *pic, uint8_t *dst, size_t capacity);

/* picture.c */
/* Uploads the picture into the slot's surface and sends it to the driver
 * without waiting. */
int vaapi_submit_picture(vaapi_encoder *e, vaapi_slot *slot, const hal_picture *pic, char *err, size_t err_size);
/* Waits for the slot's picture and fills e->pkt from its coded buffer. */
int vaapi_finish_picture(vaapi_encoder *e, vaapi_slot *slot, char *err, size_t err_size);

#endif

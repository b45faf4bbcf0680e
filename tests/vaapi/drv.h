/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwenctest_drv_video.so: a VA-API driver for the tests, loaded by libva
 * itself (LIBVA_DRIVERS_PATH, LIBVA_DRIVER_NAME=hwenctest). It checks every
 * call against libva's contract, models the capability variants of real
 * drivers, injects failures, and codes real H.264 from the parameters it
 * receives with the project's CPU picture encoder. What it models is
 * summarised in hw/vaapi/README.md.
 *
 * Environment:
 *   HWENCTEST_VA_PROFILE  default | ihd | ihd-lp | i965 | radeonsi: the
 *                       attributes and limits of one real driver (see
 *                       drv_main.c, where every number names its source);
 *                       HWENCTEST_VA_CAPS then refines it
 *   HWENCTEST_VA_CAPS   comma list: no-packed (EncPackedHeaders = NONE),
 *                       no-packed-attr (attribute not supported), lp-only,
 *                       cqp-only, no-rc-attr, no-derive, split-coded,
 *                       bi-not-empty (PredictionDirection BI_NOT_EMPTY),
 *                       main-only (no Constrained Baseline profile),
 *                       no-headers (writes no SPS/PPS of its own),
 *                       refs=N (EncMaxRefFrames list 0),
 *                       roi=N (EncROI: N regions, delta QP under rate control)
 *   HWENCTEST_VA_FAIL   create-context | end-picture:N (N-th picture, from 0) |
 *                       sync:N (the wait for the N-th picture fails)
 *   HWENCTEST_VA_TRACE  file to append one line per configuration, rate
 *                       control and picture to (the tests read it)
 *   HWENCTEST_ENCODE_CPU_LOG  file to append "encode_cpu_ns N pictures M"
 *                       to when a context is destroyed: thread CPU time
 *                       spent in the CPU picture encoder
 *   HWENCTEST_VA_NO_ABORT=1  report leaks and contract violations at
 *                       vaTerminate without abort()ing (for the double's
 *                       own tests)
 *   HWENCTEST_VA_BREAK  poc | drop | garbage: the second picture of each
 *                       context comes out broken (tests/common/double_break.h),
 *                       for the tests of `hwenc validate` and the test encode
 *
 * All state hangs off the VADriverContext; the only process-wide state is
 * none (libva hands every entry point its context).
 */
#ifndef HWENC_TESTS_VAAPI_DRV_H
#define HWENC_TESTS_VAAPI_DRV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <va/va.h>
#include <va/va_backend.h>
#include <va/va_enc_h264.h>

#include "cpu_fallback/encoder.h"
#include "hwenc/hwenc.h"
#include "hw/h264/params.h"

enum drv_kind { OBJ_FREE = 0, OBJ_CONFIG, OBJ_SURFACE, OBJ_CONTEXT, OBJ_BUFFER, OBJ_IMAGE, OBJ_KINDS };

#define DRV_MAX_OBJECTS 4096
#define DRV_MAX_TARGETS 64
#define DRV_MAX_ROI 32                             /* Mesa's PIPE_ENC_ROI_REGION_NUM_MAX, the most any profile reports */
#define DRV_DYNAMIC_TARGETS (H264_MAX_REFS + 1)    /* reconstruction surfaces of a context created without render targets */

/* One entry point's encode attributes. */
typedef struct drv_entry_caps {
    int offered;
    uint32_t rc_modes;           /* VA_RC_* */
    int max_refs, max_refs_l1;   /* EncMaxRefFrames: list 0, list 1 (0: no B pictures) */
    uint32_t roi;                /* EncROI (VAConfigAttribValEncROI), VA_ATTRIB_NOT_SUPPORTED when not reported */
} drv_entry_caps;

typedef struct drv_caps {
    char profile[32];            /* HWENCTEST_VA_PROFILE, "default" when unset */
    drv_entry_caps slice, slice_lp;
    uint32_t packed;             /* VA_ENC_PACKED_HEADER_* offered */
    int no_packed_attr, no_rc_attr;
    uint32_t quality_range;      /* EncQualityRange, VA_ATTRIB_NOT_SUPPORTED when not reported */
    unsigned max_width, max_height;
    int pitch_align, height_align; /* of surfaces and images: padded pitch, UV plane after aligned rows */
    int sync_buffer;             /* implements vaSyncBuffer */
    /* Limits of one driver's parameter handling, refused where it would misbehave: */
    int gop_pic_size_16;         /* iHD: intra_period into a 16-bit GopPicSize */
    int frame_rate_den_12;       /* iHD: frame-rate denominator masked to 12 bits */
    int idr_period_nonzero;      /* Mesa 22.x: divides by intra_idr_period */
    int no_8x8;                  /* Mesa's VCN before 5.0: no 8x8 transform */
    int no_derive, split_coded, main_only, no_headers;
    int cb_only;                 /* Constrained Baseline only: no B slices */
    int no_high;                 /* no VAProfileH264High (an encoder of Main at most) */
    int bi_not_empty;            /* every inter picture needs both lists (no P slices) */
    int fail_create_context;
    int64_t fail_end_picture;    /* -1: never */
    int64_t fail_sync;           /* the wait for this picture fails; -1: never */
} drv_caps;

typedef struct drv_config {
    VAProfile profile;
    VAEntrypoint entrypoint;
    uint32_t rc_mode;            /* VA_RC_*; CQP when not given */
    uint32_t packed;             /* VA_ENC_PACKED_HEADER_* enabled */
    const drv_entry_caps *entry; /* the entry point's limits */
} drv_config;

typedef struct drv_surface {
    int width, height;           /* NV12 */
    int pitch, rows;             /* luma pitch and the rows before the UV plane (padded per profile) */
    uint8_t *data;
    int written;                 /* content was uploaded at least once */
    int derived;                 /* live images derived from it */
    VAContextID busy_context;    /* between vaBeginPicture and vaEndPicture */
    int in_flight;               /* its picture was ended and not yet waited for */
    int64_t in_flight_picture;   /* that picture's number in its context */
} drv_surface;

typedef struct drv_buffer {
    VABufferType type;
    VAContextID context;
    size_t size;                 /* of one element */
    unsigned num_elements;
    uint8_t *data;               /* size * num_elements; coded buffers: the coded bytes */
    uint8_t *map;                /* the mapping given out (mmap'ed, unmapped on vaUnmapBuffer) */
    size_t map_size;
    VASurfaceID derived_from;    /* image buffers of derived images */
    size_t coded_bytes;          /* VAEncCodedBufferType */
    uint32_t coded_status;
    int coded_pending;           /* written by a picture and not read yet */
    int coded_synced;            /* its picture was waited for (vaSyncSurface/vaSyncBuffer) */
    VASurfaceID coded_surface;   /* the input surface of the picture coded into it */
    int64_t coded_picture;       /* that picture's number in its context */
} drv_buffer;

typedef struct drv_image {
    VAImage image;
    VASurfaceID derived_from;    /* VA_INVALID_SURFACE for vaCreateImage */
} drv_image;

typedef struct drv_dpb_entry {
    VASurfaceID surface;
    int frame_num;
    int poc;
} drv_dpb_entry;

typedef struct drv_packed {
    int have;
    uint8_t data[512];
    size_t bits;
} drv_packed;

/* Everything one picture brought, copied at vaRenderPicture. */
typedef struct drv_picture {
    int have_seq, have_pic, num_slices;
    VAEncSequenceParameterBufferH264 seq;
    VAEncPictureParameterBufferH264 pic;
    VAEncSliceParameterBufferH264 slice;
    int have_rc, have_hrd, have_fr;
    VAEncMiscParameterRateControl rc;
    VAEncMiscParameterHRD hrd;
    VAEncMiscParameterFrameRate fr;
    int have_quality;
    VAEncMiscParameterBufferQualityLevel quality;
    /* VAEncMiscParameterBufferROI, its regions copied at vaRenderPicture
     * (the buffer only points at them). */
    uint32_t num_roi;
    VAEncROI roi[DRV_MAX_ROI];
    int8_t roi_min_delta, roi_max_delta;
    /* Packed headers: a parameter buffer waiting for its data. */
    int pending_type;            /* 0: none */
    uint32_t pending_bits;
    int pending_emulation;
    drv_packed sps, pps, slice_header;
    int pps_in_sequence;         /* the packed sequence header carried the PPS too */
    uint8_t raw[1024];           /* raw packed data (SEI, AUD) in the order given */
    size_t raw_size;
    int slice_header_before_slice;
    int render_failed;           /* a vaRenderPicture of this picture failed: vaEndPicture discards it */
} drv_picture;

typedef struct drv_context {
    VAConfigID config;
    int width, height;
    VASurfaceID targets[DRV_MAX_TARGETS];
    int num_targets;
    int dynamic_targets;         /* created without render targets: surfaces join as CurrPic */
    VASurfaceID render_target;   /* VA_INVALID_SURFACE outside Begin/End */
    drv_picture pic;
    int64_t pictures;            /* ended so far */

    /* The stream as the double understands it. */
    int have_seq;
    VAEncSequenceParameterBufferH264 seq;
    h264_sps sps;
    h264_pps pps;
    cpu_encoder *enc;
    h264_sps enc_sps;            /* what enc was opened with */
    h264_pps enc_pps;
    drv_dpb_entry dpb[H264_MAX_REFS];
    int dpb_count;
    int prev_frame_num, prev_ref, prev_poc, have_prev;
    int max_anchor_poc;          /* highest POC of a non-B picture since the IDR */
    int active_l1;               /* list-1 entries of the picture being ended */
    int last_idr_pic_id, have_idr, prev_was_idr;

    /* Rate control: what the application asked for, and a toy loop. */
    int have_rc;
    VAEncMiscParameterRateControl rc;
    VAEncMiscParameterFrameRate fr;
    int have_hrd;
    int rc_qp;
    int64_t encode_cpu_ns, encode_pictures; /* for HWENCTEST_ENCODE_CPU_LOG */
} drv_context;

typedef struct drv_object {
    enum drv_kind kind;
    union {
        drv_config config;
        drv_surface surface;
        drv_context *context;
        drv_buffer buffer;
        drv_image image;
    } u;
} drv_object;

typedef struct drv_state {
    drv_caps caps;
    char cpu_log_path[256];      /* HWENCTEST_ENCODE_CPU_LOG */
    drv_object objects[DRV_MAX_OBJECTS];
    int violations;
    char first_violation[256];
    char trace_path[256];
} drv_state;

/* drv_main.c */
VAStatus drv_violation(drv_state *d, VAStatus status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void drv_trace(drv_state *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint32_t drv_new_object(drv_state *d, enum drv_kind kind);
drv_object *drv_lookup(drv_state *d, uint32_t id, enum drv_kind kind);
void drv_free_object(drv_state *d, uint32_t id);

/* drv_memory.c: surfaces, buffers, images */
void drv_init_memory_vtable(struct VADriverVTable *vt, int sync_buffer);
void drv_buffer_release(drv_buffer *b);

/* drv_encode.c: contexts and pictures */
void drv_init_encode_vtable(struct VADriverVTable *vt);
void drv_context_release(drv_context *c);

/* drv_headers.c: the H.264 headers from VA parameters and from packed data */
int drv_sps_from_va(const VAEncSequenceParameterBufferH264 *seq, VAProfile profile, h264_sps *sps);
void drv_pps_from_va(const VAEncPictureParameterBufferH264 *pic, h264_pps *pps);
/* Parse Annex B parameter sets; 0 or -1 with a message. */
int drv_parse_sps(const uint8_t *data, size_t size, h264_sps *sps, char *msg, size_t msg_size);
int drv_parse_pps(const uint8_t *data, size_t size, h264_pps *pps, char *msg, size_t msg_size);
/* Parse a packed slice header (start code, NAL header, slice_header(), no
 * emulation prevention); returns the bits read or -1 with a message. */
int64_t drv_parse_slice_header(const uint8_t *data, size_t size, const h264_sps *sps, const h264_pps *pps,
                               h264_slice_header *sh, char *msg, size_t msg_size);
size_t drv_write_nal(uint8_t *dst, size_t capacity, int type, const h264_sps *sps, const h264_pps *pps);

#endif

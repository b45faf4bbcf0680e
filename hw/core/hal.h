/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The interface between the HAL core and the backends.
 *
 * The core owns everything the backends share: frame-type (GOP) decisions,
 * reference/DPB bookkeeping (POC, slot assignment, lists), forced IDRs. It
 * describes each picture in codec-neutral terms; the codec part (hw/h264/)
 * adds the syntax those imply (parameter sets, frame_num, slice headers) in
 * the picture's codec member. A backend encodes one picture at a time from a
 * fully described hal_picture, as hardware APIs do, and owns rate control
 * (the driver's, or the CPU encoder's own). doc: doc/architecture.md.
 *
 * DPB slots: the core gives every reference picture a slot in
 * 0 .. hal_session.dpb_slots - 1; a backend maps slots to its reconstructed
 * surfaces (VA surfaces, Vulkan DPB images, CPU frames). A slot is reused
 * only after the picture in it has left the DPB.
 */
#ifndef HWENC_HAL_H
#define HWENC_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "hwenc/hwenc.h"
#include "hw/core/analysis.h"
#include "hw/h264/params.h"
#include "hw/h264/picture.h"
#include "hw/core/roi.h"

typedef struct hal_session {
    const hwenc_config *config;      /* validated; backend-independent defaults applied */
    enum hwenc_codec codec;
    union {                          /* the codec's parameter sets, by codec */
        struct {
            const h264_sps *sps;
            const h264_pps *pps;
        } h264;
    };
    const uint8_t *parameter_sets;   /* all of them, in Annex B */
    size_t parameter_sets_size;
    int dpb_slots;                   /* max_num_ref_frames + 1 */
    int bframes;                     /* most B pictures between anchors the core plans; 0: none */
} hal_session;

typedef struct hal_reference {
    int slot;
    int poc;
} hal_reference;

/* Where a picture's pixels are: host memory in config->pixel_format, or
 * device memory a backend takes as it is (NVENC: a CUdeviceptr). */
enum hal_input_kind {
    HAL_INPUT_HOST,
    HAL_INPUT_CUDA,
};

typedef struct hal_input {
    enum hal_input_kind kind;
    const uint8_t *plane[3];         /* HAL_INPUT_HOST; plane[2] NULL for NV12 */
    ptrdiff_t stride[3];
    uint64_t cuda_ptr;               /* HAL_INPUT_CUDA: luma, chroma after it (NV12) */
    int cuda_pitch;
} hal_input;

typedef struct hal_picture {
    hal_input input;                 /* valid only during send_picture */
    int64_t pts;
    int64_t display_index;           /* frames sent so far, counting from 0 */
    int64_t coding_index;            /* pictures planned before this one */
    enum hwenc_frame_type type;
    int poc;                         /* full POC, in the codec's steps (the slice header carries its lsb) */
    int reference;                   /* 1: later pictures may predict from it */
    int recon_slot;                  /* where this picture's reconstruction goes; -1 if not a reference */
    int num_refs;                    /* list 0, in list order */
    hal_reference refs[H264_MAX_REFS];
    int num_refs_l1;                 /* list 1 of B pictures, in list order */
    hal_reference refs_l1[H264_MAX_REFS];
    /* Every reference picture the DPB holds (a superset of the lists), most
     * recently decoded first: what VA-API's ReferenceFrames and Vulkan's
     * reference slots describe. */
    int num_dpb;
    hal_reference dpb[H264_MAX_REFS];
    union {                          /* the codec's syntax for it (session->codec) */
        h264_picture h264;
    };
    /* Lowres intra and inter costs of the input, for rate control. */
    frame_cost cost;
    /* An IDR the caller forced (hwenc_frame.force_idr): what earlier
     * pictures taught the encoder (rate-control complexity, learnt cost
     * models) is dropped, so the stream from here is coded as it would be
     * if it started here: a chunked encode cuts its segments there. */
    int fresh_start;
    /* For IDR pictures: the parameter sets to put before the slices. */
    const uint8_t *parameter_sets;
    size_t parameter_sets_size;
    /* Region-of-interest QP offsets (hwenc_send_frame_roi), valid only
     * during send_picture; NULL: none. Given as hal_caps.roi asks. */
    const hal_roi *roi;
} hal_picture;

typedef struct hal_packet {
    const uint8_t *data;             /* owned by the backend until the next receive or close */
    size_t size;
    int64_t pts;
    int64_t display_index;
    enum hwenc_frame_type type;
    int qp;                          /* -1 if unknown */
    int vbv_overrun;                 /* see hwenc_packet; 0 if unknown */
    const uint8_t *recon[3];         /* I420, or NULL */
    ptrdiff_t recon_stride[3];
} hal_packet;

/* What an opened backend can do; the core plans pictures within it. */
typedef struct hal_caps {
    int max_refs;                    /* references per P picture; 0: intra pictures only */
    int max_bframes;                 /* consecutive B pictures it can code; 0: none */
    /* 1: the backend decides the picture types and reorders B pictures
     * itself (NVENC with enablePTD = 1, as FFmpeg drives it). The core then
     * plans no B pictures and sends every frame at once in display order,
     * typed IDR where it wants one (first frame, keyint, forced, scene cut)
     * and P elsewhere; packets come back in the backend's coding order
     * with their own type and pts, up to max_bframes B pictures in a row,
     * none of them a reference. */
    int decides_types;
    /* The H.264 tools the device codes (profile_idc 0: no limit, as the
     * CPU backend): the highest profile_idc, CABAC and the 8x8 transform.
     * When the session asked for more, the core plans the stream again
     * within them and opens the backend again; tools_why says what held
     * it back (a static string). */
    h264_tools tools;
    const char *tools_why;
    /* How the backend honours hal_picture.roi (zero: not at all), and
     * when not exactly, why, in a phrase for hwenc_roi_notice(). */
    hwenc_roi_caps roi;
    char roi_why[128];
} hal_caps;

typedef struct hal_backend {
    enum hwenc_backend id;
    /* Fills info->available, reason, device, driver and capabilities. Must be
     * cheap and side-effect free (no session is left open). */
    void (*probe)(const hwenc_config *config, hwenc_backend_info *info);
    /* Returns 0 or a negative hwenc_error with a reason in err. */
    int (*open)(const hal_session *session, void **priv, hal_caps *caps, char *err, size_t err_size);
    /* Encodes (or queues) one picture. HWENC_EAGAIN: receive first. */
    int (*send_picture)(void *priv, const hal_picture *pic, char *err, size_t err_size);
    /* 0 with a packet, HWENC_EAGAIN when nothing is ready; with drain set, the
     * backend must finish everything it holds (HWENC_EOF when empty). */
    int (*receive_packet)(void *priv, int drain, hal_packet *pkt, char *err, size_t err_size);
    /* Optional (NULL: unsupported): new rate-control targets from the next
     * picture on. */
    int (*reconfigure)(void *priv, const hwenc_config *config, char *err, size_t err_size);
    /* Optional (NULL: the HAL works alone): runs fn(arg, i) for i = 0 ..
     * count - 1 on the backend's worker threads between pictures and returns
     * when all are done; the HAL spreads its per-frame analysis over them. */
    analysis_parallel_fn run_parallel;
    void (*close)(void *priv);
} hal_backend;

/* The registry, in the order `auto` tries the backends. Backends left out
 * of the build are still listed (probe says why) so users see them. */
const hal_backend *hal_backend_get(enum hwenc_backend id);

extern const hal_backend hal_backend_cpu;
extern const hal_backend hal_backend_vaapi;
extern const hal_backend hal_backend_nvenc;
extern const hal_backend hal_backend_vulkan;

#endif

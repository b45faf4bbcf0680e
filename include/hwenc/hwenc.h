/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * libhwenc: H.264 encoding through VA-API, NVIDIA NVENC or Vulkan Video, with
 * a SIMD CPU encoder as the fallback. This is the only public header.
 *
 * Usage, in the send/receive style of FFmpeg's libavcodec:
 *
 *     hwenc_config cfg;
 *     hwenc_config_default(&cfg);
 *     cfg.width = 1280; cfg.height = 720;
 *     hwenc_encoder *enc;
 *     if (hwenc_open(&cfg, &enc) < 0) ...;
 *     for each frame:
 *         hwenc_send_frame(enc, &frame);
 *         while (hwenc_receive_packet(enc, &pkt) == 0) write(pkt.data, pkt.size);
 *     hwenc_send_frame(enc, NULL);                   // flush
 *     while (hwenc_receive_packet(enc, &pkt) == 0) write(pkt.data, pkt.size);
 *     hwenc_close(enc);
 *
 * hwenc_receive_packet() returns HWENC_EAGAIN when it needs more input and
 * HWENC_EOF once everything has been returned after a flush.
 *
 * Every function is thread-safe with respect to distinct encoders; one encoder
 * must not be used from two threads at once. Nothing here uses global state.
 */
#ifndef HWENC_HWENC_H
#define HWENC_HWENC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define HWENC_API __declspec(dllexport)
#elif defined(__GNUC__)
#define HWENC_API __attribute__((visibility("default")))
#else
#define HWENC_API
#endif

#define HWENC_VERSION_MAJOR 0
#define HWENC_VERSION_MINOR 1
#define HWENC_VERSION_PATCH 0
#define HWENC_VERSION_INT(a, b, c) (((a) << 16) | ((b) << 8) | (c))
#define HWENC_VERSION \
    HWENC_VERSION_INT(HWENC_VERSION_MAJOR, HWENC_VERSION_MINOR, HWENC_VERSION_PATCH)

/* Version of the library actually loaded, as HWENC_VERSION_INT(). */
HWENC_API unsigned hwenc_version(void);

/* ---------------------------------------------------------------- errors */

/* Every function that can fail returns 0 or a positive value on success and
 * one of these negative codes on failure. */
enum hwenc_error {
    HWENC_OK = 0,
    HWENC_EAGAIN = -1,           /* receive: send more frames first; send: receive packets first */
    HWENC_EOF = -2,              /* receive: the flush is complete, no more packets */
    HWENC_EINVAL = -3,           /* an argument or configuration value is invalid */
    HWENC_ENOMEM = -4,           /* out of memory */
    HWENC_EUNSUPPORTED = -5,     /* valid, but this backend or build cannot do it */
    HWENC_ENOBACKEND = -6,       /* no backend could be opened (see hwenc_probe) */
    HWENC_EBACKEND = -7,         /* the backend (driver, device) failed; see hwenc_last_error */
    HWENC_ESTATE = -8,           /* call not allowed now (e.g. send after flush) */
    HWENC_EDEVICE_LOST = -9,     /* the device is gone; the encoder can only be closed */
};

/* A static English description of an error code; never NULL. */
HWENC_API const char *hwenc_error_string(int error);

/* ---------------------------------------------------------- configuration */

enum hwenc_codec {
    HWENC_CODEC_H264 = 0,
};

enum hwenc_backend {
    /* VA-API, NVENC, Vulkan Video, then CPU: the first that opens and
     * passes a test encode (see skip_test_encode) */
    HWENC_BACKEND_AUTO = 0,
    HWENC_BACKEND_VAAPI,
    HWENC_BACKEND_NVENC,
    HWENC_BACKEND_VULKAN,
    HWENC_BACKEND_CPU,
    HWENC_BACKEND_COUNT
};

enum hwenc_pixel_format {
    HWENC_PIXFMT_I420 = 0,       /* planar Y, U, V; chroma at half width and height */
    HWENC_PIXFMT_NV12,           /* planar Y, interleaved UV */
};

enum hwenc_rate_control {
    HWENC_RC_CQP = 0,            /* constant QP (qp, with I/P offsets of the backend) */
    HWENC_RC_CRF,                /* constant quality (crf), CPU backend */
    HWENC_RC_ABR,                /* one-pass average bitrate (bitrate_kbps) */
    HWENC_RC_CBR,                /* constant bitrate with a VBV buffer */
    HWENC_RC_VBR,                /* variable bitrate capped by vbv_maxrate_kbps */
};

/* Speed/quality trade-off, named as x264 users expect. Hardware backends map
 * them onto their own levels (e.g. NVENC P1..P7). */
enum hwenc_preset {
    HWENC_PRESET_ULTRAFAST = 0,
    HWENC_PRESET_SUPERFAST,
    HWENC_PRESET_VERYFAST,
    HWENC_PRESET_FASTER,
    HWENC_PRESET_FAST,
    HWENC_PRESET_MEDIUM,
    HWENC_PRESET_COUNT
};

/* H.264 profile of the stream (profile_idc 66 with constraint_set1,
 * 77, 100). Baseline allows neither B frames nor CABAC; Main no 8x8
 * transform. */
enum hwenc_profile {
    HWENC_PROFILE_BASELINE = 0,  /* Constrained Baseline */
    HWENC_PROFILE_MAIN,
    HWENC_PROFILE_HIGH,
    HWENC_PROFILE_COUNT
};

enum hwenc_frame_type {
    HWENC_FRAME_IDR = 0,
    HWENC_FRAME_I,
    HWENC_FRAME_P,
    HWENC_FRAME_B,
};

/* Colour description written to the VUI (values of H.264 Table E-3..E-5);
 * 2 means "unspecified", which is also what 0 in these fields selects.
 * Values the tables do not define (reserved ones included) are refused. */
typedef struct hwenc_colour {
    int full_range;              /* 0: limited (16..235), 1: full */
    int primaries;               /* colour_primaries: 1, 2, 4..12 or 22, e.g. 1 = BT.709 */
    int transfer;                /* transfer_characteristics: 1, 2 or 4..18 */
    int matrix;                  /* matrix_coefficients: 1, 2 or 4..14 (GBR, 0, needs 4:4:4) */
    int chroma_sample_loc;       /* chroma_sample_loc_type 0..5: 0 left (MPEG-2), 1 centre (JPEG), 2 top-left */
} hwenc_colour;

/* Handles of an application's own devices, so the encoder uses them instead
 * of opening its own (zero-copy with capture pipelines). All optional. The
 * application keeps ownership and must keep them alive until hwenc_close. */
typedef struct hwenc_external_device {
    void *va_display;            /* VADisplay, already vaInitialize()d */
    void *cuda_context;          /* CUcontext */
    void *vk_instance;           /* VkInstance */
    void *vk_physical_device;    /* VkPhysicalDevice */
    void *vk_device;             /* VkDevice, created with the video encode extensions */
    void *vk_get_instance_proc_addr; /* PFN_vkGetInstanceProcAddr used for the above */
    int vk_encode_queue_family;  /* queue family with VK_QUEUE_VIDEO_ENCODE_BIT_KHR */
    int vk_encode_queue_index;
    /* What vk_device was created with, as FFmpeg's AVVulkanDeviceContext
     * asks for it (Vulkan has no query for it): the enabled device
     * extension names, which must include VK_KHR_video_queue,
     * VK_KHR_video_encode_queue and VK_KHR_video_encode_h264, and the
     * VkPhysicalDeviceFeatures2 chain of enabled features, which must
     * enable synchronization2 (VkPhysicalDeviceVulkan13Features or
     * VkPhysicalDeviceSynchronization2Features). */
    const char *const *vk_enabled_extensions;
    int vk_enabled_extension_count;
    const void *vk_device_features;  /* const VkPhysicalDeviceFeatures2 * */
} hwenc_external_device;

/* Levels of the messages the library gives the log callback
 * (hwenc_config.log_callback), most severe first. */
enum hwenc_log_level {
    HWENC_LOG_ERROR = 0,         /* an error a call returns (the text of hwenc_last_error, or of hwenc_open_ex's err) */
    HWENC_LOG_WARNING,           /* the encode goes on, but not as configured: e.g. the VBV could not be held */
    HWENC_LOG_INFO,              /* what was chosen and why: the backend, the backends passed over */
    HWENC_LOG_DEBUG,             /* per picture: type, QP, size, VBV buffer fill */
};

/* Receives one message: a line of English without a trailing newline,
 * naming hwenc_config fields (never command-line options), valid only
 * during the call. Called from the thread calling into the library, within
 * the hwenc_* call that has something to say (including hwenc_open, before
 * it returns the encoder); it must not call back into the same encoder. */
typedef void (*hwenc_log_callback)(void *opaque, enum hwenc_log_level level, const char *message);

/* Whether HRD parameters and timing SEI go into the stream (x264's
 * --nal-hrd); see hwenc_config.nal_hrd. */
enum hwenc_nal_hrd {
    HWENC_NAL_HRD_NONE = 0,
    HWENC_NAL_HRD_VBR,           /* HRD in the VUI with cbr_flag 0, buffering-period and picture-timing SEI */
    HWENC_NAL_HRD_CBR,           /* the same with cbr_flag 1, filler data padding the stream to exactly the rate */
};

typedef struct hwenc_config {
    /* Set by hwenc_config_default(); lets newer libraries accept older
     * callers: a configuration from an older hwenc.h (smaller struct_size)
     * gets the defaults for the fields added since. */
    uint32_t struct_size;

    enum hwenc_codec codec;
    enum hwenc_backend backend;  /* overridden by the HWENC_BACKEND environment variable when AUTO */
    /* Device selector: a DRM render node path ("/dev/dri/renderD129") for
     * VA-API, a GPU index ("1") for NVENC and Vulkan. NULL or "" = first. */
    const char *device;

    int width, height;           /* luma size; even, at most what the level allows */
    int fps_num, fps_den;        /* frame rate, e.g. 30000/1001 */
    /* Sample aspect ratio, each 1..65535 (written in lowest terms); 0/0 =
     * unspecified. One that shows the picture less than a sample wide or
     * high is refused: FFmpeg cannot play the stream. */
    int sar_num, sar_den;
    enum hwenc_pixel_format pixel_format;
    hwenc_colour colour;

    enum hwenc_preset preset;
    enum hwenc_rate_control rc_mode;
    int qp;                      /* CQP: 0..51 */
    double crf;                  /* CRF: 0..51, fractional (checked in every mode; NaN is refused) */
    int bitrate_kbps;            /* ABR/CBR/VBR target */
    int vbv_maxrate_kbps;        /* VBV peak rate; CBR: = bitrate when 0 */
    int vbv_bufsize_kbits;       /* VBV buffer size; 0 = one second at the rate */

    int keyint;                  /* maximum IDR interval in frames; -1 = only the first frame */
    int min_keyint;              /* minimum IDR interval for scene cuts; 0 = keyint / 10 */
    int scenecut;                /* scene-cut sensitivity 0..100; 0 disables */
    int ref_frames;              /* reference frames for P frames, 1..16 */
    /* Most B frames between two P (or I) frames, 0..16; 0 (the default) codes
     * in display order. B frames are not references (no pyramid); they need
     * Main profile, one more reference in the DPB, and a one-frame dts delay.
     * Backends or drivers that cannot code them get fewer (down to none):
     * the packets' types show what was used. Not with low_latency. */
    int bframes;
    int deblock;                 /* 1: in-loop deblocking on (default), 0: off */
    int deblock_alpha;           /* filter strength offsets, -6..6 (slice_alpha_c0_offset_div2 */
    int deblock_beta;            /* and slice_beta_offset_div2); 0 = the standard's defaults */

    int threads;                 /* CPU threads; 0 = all cores */
    /* Highest SIMD level the CPU encoder may use: NULL or "" = all the CPU
     * has; "c", "sse2", "ssse3", "sse4.1", "avx2", "avx512" cap it (for tests
     * and reproducibility). The HWENC_CPU_MASK environment variable, when
     * set, takes precedence. */
    const char *cpu_level;
    int low_latency;             /* one frame in, one packet out; no look-ahead, no reordering */
    int want_recon;              /* return the reconstruction with each packet if the backend can */

    hwenc_external_device external;

    /* Fields below were added after 0.1.0 (callers built before them pass a
     * smaller struct_size and get the defaults). */

    /* Under `auto`, a hardware backend is chosen only after it has coded a
     * few small frames (hwenc_test_encode), so a driver that opens but
     * cannot encode never gets the caller's stream; this costs one more
     * session open and a few frames at hwenc_open. 1 skips that test:
     * `auto` then takes the first backend that opens. An explicitly chosen
     * backend is never test-encoded. Either way every packet is checked
     * as it comes back (hwenc_receive_packet). Default 0. */
    int skip_test_encode;

    /* Profile and its coding tools, on every backend; a hardware device
     * that cannot code one gets the next lower profile or the tool left
     * out, which the backend's selection reason says. profile: enum
     * hwenc_profile, default High. cabac (entropy_coding_mode_flag) and
     * transform_8x8 (transform_8x8_mode_flag, High only): -1 (the default)
     * lets the preset (CPU; on hardware: on) and the profile decide, 0
     * turns the tool off, 1 asks for it (refused where the profile forbids
     * it). */
    int profile;
    int cabac;
    int transform_8x8;

    /* Mid-stream failover. 0 (the default): a backend that fails while
     * encoding (driver error, device or session lost, a packet that is not
     * what was planned) ends the encode with HWENC_EBACKEND or
     * HWENC_EDEVICE_LOST; the packets already made are still handed out.
     * 1: the encoder closes the failed backend, opens another with the
     * same configuration and codes again, starting with an IDR (and new
     * SPS/PPS), every frame whose packet it has not handed out yet: no
     * frame is lost or repeated, pts and dts go on as before, and
     * hwenc_get_failovers() reports the switch. The replacement is
     * failover_backend when that names one (HWENC_BACKEND_AUTO, the
     * default: none), then each backend after the failed one in `auto`
     * order (VA-API, NVENC, Vulkan Video, CPU), each tried at most once per
     * encoder; hardware ones are test-encoded first unless
     * skip_test_encode. When none is left, the error names every failure.
     * The replacement opens its first device (device names one of the
     * backend opened first) and codes no more B frames than the stream had (so that
     * dts stays continuous), and the SPS may change (e.g. to High profile
     * on the CPU backend).
     * Cost: the encoder copies each frame until its packet is handed out,
     * and with B frames holds an anchor's packet back until the B pictures
     * shown before it are coded, so that the frames handed out always end
     * at one point of the display order. Not with CUDA device memory input
     * (hwenc_frame.cuda_ptr: HWENC_EUNSUPPORTED). failover_backend needs
     * failover 1. A failure in the flush once every packet is out ends
     * the stream as usual (HWENC_EOF; hwenc_last_error says what failed). */
    int failover;
    enum hwenc_backend failover_backend;

    /* Fields below were added after mid-stream failover. */

    /* Messages of the library (enum hwenc_log_level), those up to
     * log_level, go to log_callback with log_opaque. NULL (the default):
     * the library prints nothing, as before the callback existed (it never
     * writes to stderr or stdout); errors are still returned with their
     * text (hwenc_last_error, hwenc_open_ex), warnings are also in the
     * packets (hwenc_packet.vbv_overrun) and in hwenc_get_failovers.
     * Each warning is said once per encoder and cause, not per frame.
     * log_level defaults to HWENC_LOG_INFO. */
    hwenc_log_callback log_callback;
    void *log_opaque;
    enum hwenc_log_level log_level;

    /* HRD signalling (H.264 Annex C, E.2.2, D.2.2-D.2.3), as x264's
     * --nal-hrd: HWENC_NAL_HRD_NONE (the default) writes none;
     * HWENC_NAL_HRD_VBR writes the NAL HRD of the VBV (vbv_maxrate_kbps,
     * vbv_bufsize_kbits; bit rate and buffer rounded up to what the syntax
     * can say, which the rate control then uses) into the SPS's VUI, a
     * buffering-period SEI message before each IDR picture with the VBV
     * fullness the rate control planned with, and a picture-timing SEI
     * message with every picture; needs a VBV (rc_mode CBR or VBR, or a
     * vbv_maxrate_kbps). HWENC_NAL_HRD_CBR, with rc_mode CBR only,
     * also sets cbr_flag and pads each access unit with filler data
     * (NAL unit type 12) where the buffer would otherwise overflow, so the
     * stream arrives at exactly the bit rate. With an HRD in the stream
     * hwenc_reconfigure cannot change the rate or the buffer (the SPS
     * says them; HWENC_EUNSUPPORTED), as in x264. CPU backend; the
     * hardware backends do what their API allows (see each backend's
     * README): VA-API writes FFmpeg's HRD and timing SEI for CBR and VBR
     * whatever this says, and refuses HWENC_NAL_HRD_CBR. */
    enum hwenc_nal_hrd nal_hrd;
} hwenc_config;

/* Fills cfg with the defaults: H.264, auto backend, 25 fps, I420, CQP 23,
 * keyint 250, one reference, medium preset, deblocking on, threads 0,
 * High profile with the preset's choice of CABAC and 8x8 transform. */
HWENC_API void hwenc_config_default(hwenc_config *cfg);

/* Names for the command line and logs, and the reverse look-ups; the look-ups
 * return the value, or -1 for an unknown name. */
HWENC_API const char *hwenc_backend_name(enum hwenc_backend backend);
HWENC_API int hwenc_backend_from_name(const char *name);
HWENC_API const char *hwenc_preset_name(enum hwenc_preset preset);
HWENC_API int hwenc_preset_from_name(const char *name);
HWENC_API const char *hwenc_frame_type_name(enum hwenc_frame_type type);
HWENC_API const char *hwenc_profile_name(enum hwenc_profile profile);
HWENC_API int hwenc_profile_from_name(const char *name);

/* ----------------------------------------------------------------- probing */

typedef struct hwenc_backend_info {
    enum hwenc_backend backend;
    int compiled;                /* 0: left out of this build */
    int available;               /* 1: this backend can encode on this machine */
    /* Why not (or, when available, what was found), in a sentence a user can
     * act on, e.g. "no /dev/dri render node". */
    char reason[256];
    char device[128];            /* the device it would use, e.g. "/dev/dri/renderD128" */
    char driver[128];            /* vendor / driver string when known */
    char capabilities[256];      /* e.g. "profiles: High Main CB; rc: CQP CBR VBR; max refs 4" */
} hwenc_backend_info;

/* Probes every backend (compiled in or not) for the given configuration (NULL
 * = defaults), in the order `auto` tries them. Fills at most max entries of
 * info and returns the number of backends (HWENC_BACKEND_COUNT - 1), or
 * HWENC_EINVAL for a configuration whose struct_size no hwenc.h has had. */
HWENC_API int hwenc_probe(const hwenc_config *cfg, hwenc_backend_info *info, int max);

/* The test encode `auto` runs before it trusts a hardware backend: opens
 * the backend with cfg at 256x256 (cfg's backend and size are ignored),
 * codes a few frames of a moving ramp (4 plus cfg->bframes), flushes, and
 * checks that every picture came back once, in order, as parseable H.264
 * of the planned type, frame_num and picture order (see
 * hwenc_receive_packet). Returns 0 with what was coded in report (e.g.
 * "6 pictures (IDR P B B P P) at 256x256 as planned in 4.1 ms"), or a
 * negative hwenc_error with what went wrong in report. report may be
 * NULL. For diagnostics (`hwenc list-backends`, `hwenc validate`). */
HWENC_API int hwenc_test_encode(const hwenc_config *cfg, enum hwenc_backend backend, char *report,
                                size_t report_size);

/* ---------------------------------------------------------------- encoding */

typedef struct hwenc_encoder hwenc_encoder;

/* Opens an encoder. On failure *enc is NULL; for a message, use
 * hwenc_open_ex. */
HWENC_API int hwenc_open(const hwenc_config *cfg, hwenc_encoder **enc);
/* The same, writing a human-readable reason into err (which may be NULL) on
 * failure; under `auto` it lists why each backend was passed over. */
HWENC_API int hwenc_open_ex(const hwenc_config *cfg, hwenc_encoder **enc, char *err, size_t err_size);

/* The backend actually in use; its device and driver are in the
 * hwenc_get_selection entry of the same backend. After a failover
 * (hwenc_get_failovers) the one that took over, which hwenc_get_selection
 * does not list; HWENC_BACKEND_AUTO once failover found none left. */
HWENC_API enum hwenc_backend hwenc_get_backend(const hwenc_encoder *enc);
/* Why each backend was or was not chosen when the encoder was opened, in
 * probe order; returns the number of entries. The reason of a hardware
 * backend says what its test encode found: "...; test encode passed: 6
 * pictures (...)", "test encode failed: ..." (then it is not available
 * and `auto` went on), "...; test encode skipped (skip_test_encode)" or
 * "...; chosen explicitly, so not test-encoded". */
HWENC_API int hwenc_get_selection(const hwenc_encoder *enc, hwenc_backend_info *info, int max);

/* One switch of backend made by mid-stream failover (hwenc_config.failover). */
typedef struct hwenc_failover_info {
    enum hwenc_backend from;     /* the backend that failed */
    enum hwenc_backend to;       /* the one that took over */
    /* Frames (in display order, from 0) whose packets had been handed out
     * before the switch: `to` coded frame `frame` on, starting with an IDR. */
    int64_t frame;
    /* Why `from` failed (its hwenc_last_error), then why any backend tried
     * before `to` could not take over. */
    char reason[512];
} hwenc_failover_info;

/* The failovers so far, oldest first (at most one per backend, as each is
 * tried once); returns their number. A caller can compare the count after
 * each hwenc_receive_packet to see a switch as it happens; the backend in
 * use is then hwenc_get_backend(). */
HWENC_API int hwenc_get_failovers(const hwenc_encoder *enc, hwenc_failover_info *info, int max);

typedef struct hwenc_frame {
    /* Planes in the configured pixel format: I420 uses 3, NV12 uses 2. */
    const uint8_t *plane[3];
    ptrdiff_t stride[3];
    int64_t pts;                 /* presentation time stamp, any unit; carried to the packet */
    /* 1: encode this frame as an IDR picture that starts afresh: the GOP
     * before it is closed, and what the encoder learnt from the frames
     * before it is dropped (constant quality's complexity history, the CPU
     * encoder's learnt cost states), so the stream from here is coded as if
     * it began here and a chunked encode can cut there. ABR, CBR and VBR
     * keep their bit totals and VBV buffer, whose target is the whole
     * stream's. */
    int force_idr;
    /* Zero-copy input (NVENC backend only; others return HWENC_EUNSUPPORTED):
     * the frame as a CUdeviceptr allocated in external.cuda_context, used
     * instead of plane[] when nonzero. Luma rows are cuda_pitch bytes apart
     * and chroma follows cuda_pitch * height bytes of luma (NV12: interleaved
     * UV rows of cuda_pitch; I420: U then V rows of cuda_pitch / 2).
     * cuda_pitch is a multiple of 4 and at least the width. The memory must
     * stay unchanged until the frame's packet has been received. */
    uint64_t cuda_ptr;
    int cuda_pitch;
} hwenc_frame;

/* Sends one frame, or NULL to flush. Returns HWENC_EAGAIN if packets must be
 * received first, HWENC_ESTATE after a flush. */
HWENC_API int hwenc_send_frame(hwenc_encoder *enc, const hwenc_frame *frame);

/* ------------------------------------------------------ regions of interest
 *
 * Per-frame QP offsets, so that faces or text get more bits and a blurred
 * background fewer: a frame sent with hwenc_send_frame_roi() is coded with
 * the QP rate control chooses plus, in each macroblock (16x16 luma pixels,
 * in raster order), the offset the ROI gives it (clamped to 0..51). A
 * negative offset means better quality. The offsets are given either as
 * rectangles or as a map with one offset per macroblock.
 *
 * Rectangles are in luma pixels; a macroblock takes the offset of the first
 * rectangle (in array order) that covers any of its pixels, 0 if none
 * does. A capture application that knows where the faces are:
 *
 *     hwenc_roi_rect face = { .x = 600, .y = 200, .width = 160, .height = 200, .qp_offset = -6 };
 *     hwenc_roi roi = { .struct_size = sizeof(roi), .rects = &face, .num_rects = 1 };
 *     hwenc_send_frame_roi(enc, &frame, &roi);
 *
 * Backends honour the offsets as hwenc_get_roi_caps() says: the CPU
 * backend exactly per macroblock; VA-API as the driver's few rectangles
 * (VAEncMiscParameterBufferROI), merged when there are more; NVENC as its
 * per-macroblock QP delta map where the GPU has one; a backend that cannot
 * codes the frame without them. Either way the frame is coded, and the
 * first request a backend does not honour exactly is described once in
 * hwenc_roi_notice(). The offsets are added on top of rate control's QP:
 * in ABR/CBR/VBR the frame QP of later frames rises to keep the bit rate
 * (and a backend's rate control may scale offsets down, see the backend's
 * README). */
typedef struct hwenc_roi_rect {
    int x, y, width, height;     /* luma pixels, inside the picture, width and height > 0 */
    int qp_offset;               /* -51..51 */
} hwenc_roi_rect;

typedef struct hwenc_roi {
    /* sizeof(hwenc_roi) of the caller's header: later versions append
     * fields, and a smaller struct_size gets their defaults. */
    uint32_t struct_size;
    const hwenc_roi_rect *rects; /* num_rects entries; the first covering a macroblock wins */
    int num_rects;
    /* Instead of rects (not both): one offset (-51..51) per macroblock in
     * raster order, mb_qp_offsets_size = ((width + 15) / 16) * ((height +
     * 15) / 16) entries. */
    const int8_t *mb_qp_offsets;
    size_t mb_qp_offsets_size;
} hwenc_roi;

/* hwenc_send_frame() with region-of-interest QP offsets for this frame
 * (roi NULL: none, as hwenc_send_frame). The offsets are copied: roi may
 * go as soon as this returns. Invalid ROI (an offset out of range, a
 * rectangle not inside the picture, a map of the wrong size) is refused
 * with HWENC_EINVAL and the field named in hwenc_last_error; the frame is
 * then not taken. */
HWENC_API int hwenc_send_frame_roi(hwenc_encoder *enc, const hwenc_frame *frame, const hwenc_roi *roi);

/* How a backend honours ROI offsets. */
enum hwenc_roi_support {
    HWENC_ROI_NONE = 0,          /* not at all: frames are coded without them */
    HWENC_ROI_EXACT,             /* every macroblock gets its offset */
    HWENC_ROI_REGIONS,           /* as at most max_regions rectangles (merged when there are more) */
    HWENC_ROI_MAP,               /* a map of block_size x block_size pixel blocks, offsets clamped to
                                    min_offset..max_offset */
};

typedef struct hwenc_roi_caps {
    enum hwenc_roi_support support;
    int max_regions;             /* HWENC_ROI_REGIONS */
    int block_size;              /* luma pixels per map block side: 16 for EXACT and MAP on H.264 */
    int min_offset, max_offset;  /* offsets are clamped to this range */
} hwenc_roi_caps;

/* How the backend in use honours ROI (after a failover, the new one). */
HWENC_API int hwenc_get_roi_caps(const hwenc_encoder *enc, hwenc_roi_caps *caps);

/* "" while every ROI request was honoured exactly; else a sentence saying
 * how the first one that was not was changed (merged, clamped, ignored),
 * set once per backend. */
HWENC_API const char *hwenc_roi_notice(const hwenc_encoder *enc);

typedef struct hwenc_packet {
    const uint8_t *data;         /* Annex B access unit (start codes; SPS/PPS before IDRs) */
    size_t size;
    int64_t pts;
    int64_t dts;
    int keyframe;                /* 1 for IDR pictures */
    enum hwenc_frame_type type;
    int qp;                      /* average QP, when the backend reports it; else -1 */
    /* CBR/VBR on the CPU backend: 1 when this picture took more bits than
     * the VBV buffer held for it, because even QP 51 could not hold the
     * rate (content too detailed for it): the stream no longer conforms to
     * the VBV/HRD. Always 0 on the hardware backends (their drivers do not
     * say). It sits in what was padding, so the struct's size and layout
     * are those of 0.1.0. */
    int vbv_overrun;
    /* When want_recon is set and the backend can: the decoded picture the
     * encoder predicts from (I420), else NULL. */
    const uint8_t *recon[3];
    ptrdiff_t recon_stride[3];
} hwenc_packet;

/* Receives the next packet. Returns 0 and fills pkt (valid until the next
 * receive or close), HWENC_EAGAIN when more input is needed, HWENC_EOF after
 * the last packet of a flush. Every packet is checked before it is handed
 * out (NAL and slice headers only): one picture per packet, in coding
 * order, of the planned type and reference marking, with frame_num and
 * picture order count as H.264 requires, and an SPS of the configured
 * size; and at the end of the flush, no picture missing. A backend whose
 * driver breaks one of these fails with HWENC_EBACKEND and the reason in
 * hwenc_last_error, at that packet and every call after it. */
HWENC_API int hwenc_receive_packet(hwenc_encoder *enc, hwenc_packet *pkt);

/* The codec extradata of the stream, for a container's sample description
 * (mp4/mov avcC, Matroska CodecPrivate, FFmpeg's AVCodecParameters.extradata):
 * the SPS and PPS, in Annex B (each NAL unit after 00 00 00 01), exactly as
 * the backend wrote them before the last IDR picture received. Annex B
 * because it is what the encoder writes and what MPEG-TS wants; muxers that
 * store avcC (libavformat's mp4, mov and Matroska muxers) convert it
 * themselves, and so do those length-prefixing the samples.
 * Returns the size in bytes (> 0), and copies the data into buf only when
 * size is at least that (buf may be NULL with size 0 to ask for the size);
 * HWENC_EAGAIN before the first IDR packet was received. The parameter sets
 * change only at a failover to another backend (hwenc_config.failover),
 * which begins with an IDR carrying its new SPS/PPS in the stream. */
HWENC_API int hwenc_get_extradata(const hwenc_encoder *enc, uint8_t *buf, size_t size);

/* The same SPS and PPS as an AVCDecoderConfigurationRecord (ISO/IEC
 * 14496-15 5.3.3.1: what an mp4/mov avcC box, a Matroska CodecPrivate of
 * V_MPEG4/ISO/AVC and an FLV AVC sequence header hold): configurationVersion
 * 1, profile, compatibility and level from the SPS, lengthSizeMinusOne 3,
 * one SPS and one PPS with 16-bit lengths, and for High profile the
 * chroma format (4:2:0) and bit depths (8). Samples that go with it carry
 * each NAL unit of the packet after a 4-byte big-endian length instead of
 * its start code (the parameter sets may stay in them, or be left out).
 * Sizes, buffer rules and HWENC_EAGAIN as hwenc_get_extradata. */
HWENC_API int hwenc_get_extradata_avcc(const hwenc_encoder *enc, uint8_t *buf, size_t size);

/* Changes the rate-control targets (bitrate_kbps, vbv_maxrate_kbps,
 * vbv_bufsize_kbits; qp or crf in those modes) with effect from the next
 * frame sent. Every other field of cfg must equal the open configuration.
 * HWENC_EUNSUPPORTED if the backend (or its device) cannot. */
HWENC_API int hwenc_reconfigure(hwenc_encoder *enc, const hwenc_config *cfg);

/* Text of the last error of this encoder ("" if none). */
HWENC_API const char *hwenc_last_error(const hwenc_encoder *enc);

/* Frees everything; enc may be NULL. */
HWENC_API void hwenc_close(hwenc_encoder *enc);

/* Where the encoder would place IDRs, without encoding: the same analysis
 * of each frame and the same rule (first frame, keyint, min_keyint,
 * scenecut, force_idr) an encoder opened with cfg applies to the frames
 * sent to it, so that a chunked encode can start its segments at the
 * scene cuts (cfg's width, height, pixel_format, keyint, min_keyint,
 * scenecut and cpu_level are used; the rest must only be valid). */
typedef struct hwenc_scene_detector hwenc_scene_detector;
/* Returns 0, or HWENC_EINVAL / HWENC_ENOMEM with err saying why. */
HWENC_API int hwenc_scene_detector_open(const hwenc_config *cfg, hwenc_scene_detector **out, char *err,
                                        size_t err_size);
/* The next frame in display order (its luma plane is read; pts is not):
 * 1 when the encoder would make it an IDR, 0 if not, HWENC_EINVAL. */
HWENC_API int hwenc_scene_detector_push(hwenc_scene_detector *d, const hwenc_frame *frame);
/* d may be NULL. */
HWENC_API void hwenc_scene_detector_close(hwenc_scene_detector *d);

#ifdef __cplusplus
}
#endif

#endif

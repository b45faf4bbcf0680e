/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The NVENC backend's internal interface: the run-time loader of the CUDA
 * driver and NVENC libraries, the CUDA device, the encode session and its
 * buffer pool, and the mapping from the hwenc configuration to NVENC's.
 *
 * Written against NVENC API 11.1 (nv-codec-headers 11.1, Debian
 * libffmpeg-nvenc-dev); every struct's version field is set from the
 * header's *_VER macros, so the compiled API version is the one the driver
 * must support.
 */
#ifndef HWENC_NVENC_H
#define HWENC_NVENC_H

#include <stddef.h>
#include <stdint.h>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/nvEncodeAPI.h>

#include "hw/core/hal.h"

/* CUresult values the backend tells apart (CUDA driver API). */
#define NVENC_CUDA_ERROR_NOT_INITIALIZED 3
#define NVENC_CUDA_ERROR_NO_DEVICE 100
#define NVENC_CUDA_ERROR_INVALID_DEVICE 101

/* Oldest Linux driver that implements the compiled NVENC API (NVIDIA's
 * Video Codec SDK release notes: API 11.1 came with driver 470.57.02). */
#define NVENC_MIN_LINUX_DRIVER "470.57.02"

/* NVENC needs a Kepler or newer GPU: CUDA compute capability 3.0. */
#define NVENC_MIN_COMPUTE_MAJOR 3

typedef CUresult CUDAAPI nvenc_cu_driver_get_version(int *version);
typedef CUresult CUDAAPI nvenc_cu_ctx_get_device(CUdevice *device);
typedef NVENCSTATUS NVENCAPI nvenc_get_max_version(uint32_t *version);
typedef NVENCSTATUS NVENCAPI nvenc_create_instance(NV_ENCODE_API_FUNCTION_LIST *list);

/* The CUDA driver entry points the backend uses, and nothing more. */
typedef struct nvenc_cuda_api {
    tcuInit *init;
    nvenc_cu_driver_get_version *driver_get_version;
    tcuDeviceGetCount *device_get_count;
    tcuDeviceGet *device_get;
    tcuDeviceGetName *device_get_name;
    tcuDeviceGetAttribute *device_get_attribute;
    tcuCtxCreate_v2 *ctx_create;
    tcuCtxDestroy_v2 *ctx_destroy;
    tcuCtxPushCurrent_v2 *ctx_push;
    tcuCtxPopCurrent_v2 *ctx_pop;
    nvenc_cu_ctx_get_device *ctx_get_device;
} nvenc_cuda_api;

typedef struct nvenc_lib {
    void *cuda_handle;
    void *nvenc_handle;
    nvenc_cuda_api cu;
    NV_ENCODE_API_FUNCTION_LIST nv;
    uint32_t driver_api;         /* NvEncodeAPIGetMaxSupportedVersion: major << 4 | minor */
    int cuda_version;            /* cuDriverGetVersion: 1000 * major + 10 * minor */
} nvenc_lib;

/* loader.c: dlopen both libraries, resolve the symbols, check the API
 * version. On failure err names the missing library or symbol, or the
 * driver version needed; returns a negative hwenc_error. */
int nvenc_lib_load(nvenc_lib *lib, char *err, size_t err_size);
void nvenc_lib_unload(nvenc_lib *lib);

/* device.c: the CUDA device and context the session runs on. */
typedef struct nvenc_device {
    const nvenc_lib *lib;
    CUcontext ctx;
    int own_ctx;                 /* 0: the application's context (hwenc_external_device) */
    CUdevice dev;
    int index;
    int cc_major, cc_minor;
    char name[96];
} nvenc_device;

/* Opens GPU number config->device (default 0), or adopts
 * config->external.cuda_context. */
int nvenc_device_open(nvenc_device *d, const nvenc_lib *lib, const hwenc_config *config, char *err,
                      size_t err_size);
void nvenc_device_close(nvenc_device *d);
/* NVENC calls run with the session's context current on the calling
 * thread, as FFmpeg runs its encoding calls (the guide does not require it:
 * the session knows its context); push/pop keep the application's own
 * current context untouched. */
int nvenc_device_push(const nvenc_device *d, char *err, size_t err_size);
void nvenc_device_pop(const nvenc_device *d);

/* errors.c */
const char *nvenc_status_name(NVENCSTATUS status);
/* A message for a failed NVENC call: what failed, the status, the driver's
 * own text when it has one, and what to do for the errors users can act on.
 * Returns the hwenc_error to report. */
int nvenc_report(const nvenc_lib *lib, void *encoder, NVENCSTATUS status, const char *what, char *err,
                 size_t err_size);
/* The message for a driver older than the compiled API. */
void nvenc_driver_too_old(uint32_t driver_api, char *err, size_t err_size);

/* What the session can do (NV_ENC_CAPS_*). */
typedef struct nvenc_caps {
    int width_max, height_max;
    int max_bframes;
    int rc_modes;                /* NV_ENC_CAPS_SUPPORTED_RATECONTROL_MODES */
    int dyn_bitrate;
    int lookahead;
    int lossless;
    int multiple_refs;
    int cabac;
    int adaptive_transform;      /* NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM: the 8x8 transform */
} nvenc_caps;

/* params.c: the configuration mapping, free of driver calls. */
typedef struct nvenc_params {
    GUID preset;
    int preset_index;            /* 1..7 for P1..P7 */
    NV_ENC_TUNING_INFO tuning;
    NV_ENC_BUFFER_FORMAT format;
    int lookahead_depth;         /* the preset's look-ahead as applied; 0: off */
    int bframes;                 /* B pictures between anchors: frameIntervalP - 1 */
    h264_tools tools;            /* profile, CABAC, 8x8 transform, cut to what the GPU codes */
} nvenc_params;

/* Chooses preset, tuning, buffer format and the B pictures (bframes, the
 * configuration's, cut to what the GPU takes); fails with a reason when the
 * device cannot do what the configuration asks. */
/* The most the GPU codes of H.264's tools; why says what it lacks. */
h264_tools nvenc_tools_max(const nvenc_caps *caps, const char **why);
int nvenc_params_choose(const hwenc_config *config, const nvenc_caps *caps, int bframes, const h264_tools *tools,
                        nvenc_params *p,
                        char *err, size_t err_size);
/* Overrides the driver's preset configuration (in cfg) with the hwenc
 * configuration, fills the initialisation parameters, and records the
 * look-ahead the session ends up with in p. */
void nvenc_params_apply(const hwenc_config *config, const nvenc_caps *caps, nvenc_params *p, NV_ENC_CONFIG *cfg,
                        NV_ENC_INITIALIZE_PARAMS *init);
/* Sets the rate-control fields of cfg from config (open and reconfigure);
 * the ones it leaves are the preset's. */
void nvenc_params_rate_control(const hwenc_config *config, NV_ENC_RC_PARAMS *rc);
const char *nvenc_tuning_name(NV_ENC_TUNING_INFO tuning);

/* session.c: the encode session and its buffer pool. */
enum nvenc_slot_state {
    NVENC_SLOT_FREE = 0,
    NVENC_SLOT_QUEUED,           /* submitted; the driver said it needs more input */
    NVENC_SLOT_READY,            /* the driver has the output (or will, lock waits) */
};

/* The slots are used in submission order; the driver fills their bitstream
 * buffers in that order with the pictures in coding order, so a slot's
 * packet may be another frame's (outputTimeStamp says whose). */

typedef struct nvenc_slot {
    NV_ENC_INPUT_PTR input;      /* system-memory input buffer */
    NV_ENC_OUTPUT_PTR bitstream;
    NV_ENC_INPUT_PTR mapped;     /* zero-copy input mapped for this picture, or NULL */
    int reg;                     /* its index in nvenc_session.regs */
    int state;
    int8_t *qp_delta;            /* the picture's QP delta map (ROI), allocated on first use */
} nvenc_slot;

/* A CUDA device pointer registered with the session (registration is
 * costly, so it is kept for reuse, as capture pipelines cycle through a few
 * surfaces). */
typedef struct nvenc_registration {
    CUdeviceptr ptr;
    uint32_t pitch;
    NV_ENC_REGISTERED_PTR handle;
    int mapped;                  /* pictures in flight that use it */
    uint64_t last_use;
} nvenc_registration;

#define NVENC_MAX_SLOTS 64
#define NVENC_MAX_REGISTRATIONS 16

typedef struct nvenc_session {
    nvenc_lib lib;
    nvenc_device device;
    void *encoder;
    nvenc_caps caps;
    nvenc_params params;
    NV_ENC_CONFIG config;
    NV_ENC_INITIALIZE_PARAMS init;
    hwenc_config hcfg;

    int initialized;
    int num_slots;
    nvenc_slot slots[NVENC_MAX_SLOTS];
    int head, count;             /* in-flight slots, oldest first */
    int64_t pts[NVENC_MAX_SLOTS]; /* of the frames in flight, by display index modulo */
    int eos_sent;
    nvenc_registration regs[NVENC_MAX_REGISTRATIONS];
    uint64_t use_clock;

    uint8_t *out;                /* the packet handed to the core */
    size_t out_size, out_capacity;
} nvenc_session;

/* Loads the libraries, opens the device and an initialised session with its
 * buffers, for up to bframes B pictures between anchors. On failure
 * everything is released. */
int nvenc_session_open(nvenc_session *s, const hwenc_config *config, int bframes, const h264_tools *tools, char *err,
                       size_t err_size);
/* Sends the EOS picture (once), then releases everything. */
void nvenc_session_close(nvenc_session *s);
/* The EOS picture the guide asks for before the session ends; the outputs
 * of every picture in flight are then ready. */
int nvenc_session_end_stream(nvenc_session *s, char *err, size_t err_size);
/* Queries the capabilities of an open encoder (NV_ENC_CODEC_H264_GUID). */
int nvenc_session_query_caps(nvenc_session *s, char *err, size_t err_size);
/* One line for hwenc_backend_info.capabilities. */
void nvenc_caps_describe(const nvenc_caps *caps, char *dst, size_t size);

/* input.c: puts one picture into the slot's input. */
typedef struct nvenc_input {
    const uint8_t *plane[3];     /* system memory, in config->pixel_format */
    ptrdiff_t stride[3];
    CUdeviceptr cuda_ptr;        /* or a device pointer (0: none) */
    uint32_t cuda_pitch;
} nvenc_input;

/* Fills pic->inputBuffer, inputPitch and bufferFmt. */
int nvenc_input_upload(nvenc_session *s, nvenc_slot *slot, const nvenc_input *in, NV_ENC_PIC_PARAMS *pic,
                       char *err, size_t err_size);
/* Unmaps the slot's zero-copy input once its output has been read. */
void nvenc_input_release(nvenc_session *s, nvenc_slot *slot);
/* Unregisters every registered device pointer (at close). */
void nvenc_input_unregister_all(nvenc_session *s);

/* backend.c: entry points beyond the hal_backend vtable. */
/* Encodes one planned picture whose input is a CUDA device pointer in the
 * session's context (zero copy): the whole frame in config->pixel_format,
 * luma rows cuda_pitch bytes apart and chroma following the luma at
 * cuda_ptr + cuda_pitch * height. The memory must stay untouched until the
 * packet of the picture has been received. */
int nvenc_send_cuda_picture(void *priv, const hal_picture *pic, CUdeviceptr cuda_ptr, uint32_t cuda_pitch,
                            char *err, size_t err_size);
/* New rate-control targets from the next picture on (bitrate_kbps,
 * vbv_maxrate_kbps, vbv_bufsize_kbits; qp in CQP, crf in CRF) through
 * nvEncReconfigureEncoder. HWENC_EUNSUPPORTED when the GPU lacks
 * NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE or other fields changed. */
int nvenc_reconfigure(void *priv, const hwenc_config *config, char *err, size_t err_size);

#endif

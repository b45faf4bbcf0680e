/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwenc's test Vulkan driver (ICD): one physical device with an H.264
 * encode queue, loaded by the real Vulkan loader through VK_DRIVER_FILES.
 * It implements the calls the Vulkan Video backend makes, checks them
 * against the specification's valid-usage rules that matter for video
 * encoding (structure types and pNext chains, live handles, bound memory,
 * image layouts, video coding scopes, DPB slot consistency, everything
 * destroyed), and turns each vkCmdEncodeVideoKHR into a real H.264 slice
 * with the project's CPU encoder, so tests decode what the backend made.
 *
 * State: the loader-ICD interface has process-wide entry points and no
 * context argument for the global ones, so the driver keeps one process-
 * wide state (the live-object registry, the configuration read from the
 * environment, the statistics for the tests), behind a mutex.
 *
 * Environment (read at vkCreateInstance):
 *   HWENC_TEST_ICD_PROFILE=name     the capabilities and behaviour of a real
 *                                   driver (icd_profile.c): default, radv-vcn2,
 *                                   radv-vcn3, radv-vcn4, anv, nvidia
 * and, refining the profile:
 *   HWENC_TEST_ICD_RC=disabled      no CBR or VBR rate control
 *   HWENC_TEST_ICD_DPB_SLOTS=n      at most n DPB slots (1: no references)
 *   HWENC_TEST_ICD_ENCODE_TRANSFER=1  the encode queue family can also copy
 *   HWENC_TEST_ICD_DEVICE_LOST=submit:N or wait:N   the N-th encode submission
 *                                   (from 0) loses the device in vkQueueSubmit2 or
 *                                   vkWaitForFences
 *   HWENC_TEST_ICD_ABORT=0          count valid-usage errors instead of aborting
 *   HWENC_TEST_ICD_B=none           Main profile without B pictures (list sizes 0)
 *   HWENC_TEST_ICD_B=no-main        Constrained Baseline only (no Main profile)
 *   HWENC_TEST_ICD_B=short-l0       B pictures with a list 0 of one picture
 *   HWENC_TEST_ICD_PPS=drop-deblock-control  the driver rewrites the PPS without
 *                                   deblocking_filter_control_present_flag and
 *                                   reports the override
 *   HWENC_TEST_ICD_GOP_REMAINING=required  requiresGopRemainingFrames
 *   HWENC_TEST_ICD_FORMAT=no-transfer-dst  the NV12 encode source format
 *                                   cannot be a transfer destination
 *   HWENC_TEST_ICD_BREAK=poc|drop|garbage  the second encode of each video
 *                                   session comes out broken (read at each
 *                                   encode; tests/common/double_break.h), for
 *                                   the tests of `hwenc validate` and the
 *                                   test encode `auto` runs
 *
 * B pictures (Main profile): the lists must name the encode's reference
 * slots and every reference slot must be in a list; the CPU encoder codes
 * them as non-reference pictures with spatial direct prediction, with the
 * list-0 references shown before them and the list-1 references after.
 */
#ifndef HWENC_TEST_ICD_H
#define HWENC_TEST_ICD_H

#include <stddef.h>
#include <stdint.h>

#include "hw/vulkan/vk_video_encode.h"
#include <vulkan/vk_icd.h>

#include "cpu_fallback/encoder.h"
#include "hw/h264/params.h"
#include "tests/vulkan/icd_hooks.h"

#define ICD_MAX_SLOTS 17
#define ICD_MAX_COMMANDS 64

typedef enum icd_type {
    ICD_INSTANCE = 1, ICD_PHYSICAL_DEVICE, ICD_DEVICE, ICD_QUEUE, ICD_MEMORY, ICD_BUFFER, ICD_IMAGE,
    ICD_IMAGE_VIEW, ICD_FENCE, ICD_SEMAPHORE, ICD_COMMAND_POOL, ICD_COMMAND_BUFFER, ICD_QUERY_POOL,
    ICD_SESSION, ICD_PARAMETERS,
} icd_type;

struct icd_device;

/* Every object starts (after the loader's word for dispatchable ones) with this. */
typedef struct icd_object {
    icd_type type;
    void *handle;
    struct icd_object *next;
    struct icd_device *device;   /* NULL for instance-level objects */
} icd_object;

typedef struct icd_instance { VK_LOADER_DATA loader; icd_object obj; } icd_instance;
typedef struct icd_physical_device { VK_LOADER_DATA loader; icd_object obj; } icd_physical_device;
typedef struct icd_device {
    VK_LOADER_DATA loader;
    icd_object obj;
    int sync2;
    int video_encode;            /* the video queue and H.264 encode extensions are enabled */
    int lost;
    int encode_submissions;
} icd_device;
typedef struct icd_queue { VK_LOADER_DATA loader; icd_object obj; uint32_t family; } icd_queue;

typedef struct icd_memory { icd_object obj; uint8_t *data; VkDeviceSize size; int mapped; } icd_memory;

typedef struct icd_buffer {
    icd_object obj;
    VkDeviceSize size;
    VkBufferUsageFlags usage;
    icd_memory *memory;
    VkDeviceSize offset;
} icd_buffer;

typedef struct icd_image {
    icd_object obj;
    uint32_t width, height, layers;
    VkImageUsageFlags usage;
    VkSharingMode sharing;
    icd_memory *memory;
    VkDeviceSize offset;
    VkDeviceSize layer_size;     /* NV12: Y rows of width bytes, then interleaved UV */
    VkImageLayout layout[ICD_MAX_SLOTS];  /* tracked as commands execute */
} icd_image;

typedef struct icd_image_view {
    icd_object obj;
    icd_image *image;
    uint32_t base_layer, layers;
} icd_image_view;

typedef struct icd_fence { icd_object obj; int signaled; } icd_fence;
typedef struct icd_semaphore { icd_object obj; int signaled; } icd_semaphore;
typedef struct icd_command_pool { icd_object obj; uint32_t family; } icd_command_pool;

typedef struct icd_query_pool {
    icd_object obj;
    VkQueryType type;
    uint32_t count;
    VkVideoEncodeFeedbackFlagsKHR feedback;
    struct { int available; uint32_t offset, bytes; int32_t status; } result[4];
} icd_query_pool;

/* A picture resource resolved to an image layer. */
typedef struct icd_picture { icd_image *image; uint32_t layer; VkExtent2D extent; } icd_picture;

typedef struct icd_rc {
    VkVideoEncodeRateControlModeFlagBitsKHR mode;
    uint32_t layers;
    uint64_t average, peak;
    uint32_t fps_num, fps_den;
    uint32_t buffer_ms, initial_ms;
    VkVideoEncodeH264RateControlFlagsKHR h264_flags; /* VkVideoEncodeH264RateControlInfoKHR, 0 without */
    uint32_t gop_frames, idr_period, consecutive_b;
} icd_rc;

typedef struct icd_slot {
    int active;
    icd_picture picture;
    StdVideoEncodeH264ReferenceInfo info;
} icd_slot;

typedef struct icd_session {
    icd_object obj;
    uint32_t family;
    StdVideoH264ProfileIdc profile;
    VkExtent2D max_extent;
    uint32_t max_dpb_slots, max_refs;
    uint32_t memory_bound;       /* bitmask of bound memory binding indices */
    int reset;
    icd_rc rc;
    uint32_t quality_level;
    icd_slot slot[ICD_MAX_SLOTS];
    cpu_encoder *enc;
    const struct icd_parameters *enc_params;
    double rc_qp, rc_fullness;   /* the driver's own rate control */
    int64_t encodes;             /* pictures coded, for HWENC_TEST_ICD_BREAK */
} icd_session;

typedef struct icd_parameters {
    icd_object obj;
    icd_session *session;
    uint32_t quality_level;
    StdVideoH264SequenceParameterSet std_sps;
    StdVideoH264PictureParameterSet std_pps;   /* as the driver uses it (after its overrides) */
    int overridden;                            /* the driver changed a PPS field */
    h264_sps sps;
    h264_pps pps;
} icd_parameters;

typedef enum icd_cmd_type {
    CMD_BARRIER, CMD_COPY, CMD_RESET_QUERY, CMD_BEGIN_QUERY, CMD_END_QUERY, CMD_BEGIN_CODING, CMD_CONTROL,
    CMD_ENCODE, CMD_END_CODING,
} icd_cmd_type;

typedef struct icd_encode {
    icd_buffer *dst;
    VkDeviceSize offset, range;
    icd_picture src;
    int setup_slot;              /* -1: none */
    icd_picture setup;
    StdVideoEncodeH264ReferenceInfo setup_info;
    int num_refs;
    int ref_slot[ICD_MAX_SLOTS];
    icd_picture ref[ICD_MAX_SLOTS];
    StdVideoEncodeH264ReferenceInfo ref_info[ICD_MAX_SLOTS];
    int32_t constant_qp;
    StdVideoEncodeH264SliceHeader slice;
    StdVideoEncodeH264PictureInfo pic;
    StdVideoEncodeH264ReferenceListsInfo lists;
    StdVideoEncodeH264RefListModEntry mods[32];
    StdVideoEncodeH264RefListModEntry mods_l1[32];
} icd_encode;

typedef struct icd_cmd {
    icd_cmd_type type;
    union {
        struct { icd_image *image; VkImageLayout from, to; uint32_t base, count; } barrier;
        struct { icd_buffer *buffer; icd_image *image; uint32_t count; VkBufferImageCopy region[2]; } copy;
        struct { icd_query_pool *pool; uint32_t first, count; } query;
        struct {
            icd_session *session;
            icd_parameters *params;
            int has_rc;
            icd_rc rc;
            int gop_remaining;   /* VkVideoEncodeH264GopRemainingFrameInfoKHR::useGopRemainingFrames */
            int bound_count;
            int bound_slot[ICD_MAX_SLOTS];
            icd_picture bound[ICD_MAX_SLOTS];
        } begin;
        struct { VkVideoCodingControlFlagsKHR flags; int has_rc; icd_rc rc; uint32_t quality_level; } control;
        icd_encode *encode;
    } u;
} icd_cmd;

typedef struct icd_command_buffer {
    VK_LOADER_DATA loader;
    icd_object obj;
    icd_command_pool *pool;
    int recording, executable;
    int in_scope;
    icd_session *scope_session;
    int scope_bound_count;
    int scope_bound_slot[ICD_MAX_SLOTS];
    icd_picture scope_bound[ICD_MAX_SLOTS];
    int query_active;
    int count;
    icd_cmd cmd[ICD_MAX_COMMANDS];
} icd_command_buffer;

/* ---- icd_profile.c: what a driver reports and how it behaves */
typedef struct icd_profile {
    const char *name;
    /* VkVideoCapabilitiesKHR */
    VkVideoCapabilityFlagsKHR flags;
    VkDeviceSize offset_alignment, size_alignment;
    VkExtent2D access_granularity, min_extent, max_extent;
    uint32_t max_dpb_slots, max_active_refs;
    /* VkVideoEncodeCapabilitiesKHR */
    VkVideoEncodeRateControlModeFlagsKHR rc_modes;
    uint32_t max_rc_layers;
    uint64_t max_bitrate;
    uint32_t quality_levels;
    VkExtent2D input_granularity;
    VkVideoEncodeFeedbackFlagsKHR feedback;
    /* VkVideoEncodeH264CapabilitiesKHR */
    VkVideoEncodeH264CapabilityFlagsKHR h264_flags;
    StdVideoH264LevelIdc max_level;
    uint32_t max_slices, p_l0, b_l0, l1, temporal_layers;
    int32_t min_qp, max_qp;
    VkBool32 requires_gop_remaining;
    VkVideoEncodeH264StdFlagsKHR std_syntax;
    /* VkVideoEncode(H264)QualityLevelPropertiesKHR, the same for every level */
    VkVideoEncodeRateControlModeFlagBitsKHR preferred_rc;
    VkVideoEncodeH264RateControlFlagsKHR preferred_flags;
    uint32_t preferred_gop, preferred_b;
    int32_t preferred_qp;
    VkBool32 preferred_cabac;
    /* Behaviour */
    int refs_by_position;        /* reference pictures by their place in pReferenceSlots, not the lists */
    int pps_override;            /* the PPS is rewritten (pic_init_qp 26, no 8x8 transform) and reported */
    int pps_one_ref_default;     /* ... with num_ref_idx_l0/l1_default_active 1 as well */
} icd_profile;

/* The profile of that name ("" or NULL: default), or NULL. */
const icd_profile *icd_find_profile(const char *name);

/* ---- icd_state.c: configuration, registry, errors */
typedef enum icd_b_support {
    ICD_B_MAIN,                  /* Main profile with B pictures */
    ICD_B_NONE,                  /* Main profile, B list sizes 0 */
    ICD_B_NO_MAIN,               /* Constrained Baseline only */
} icd_b_support;

typedef struct icd_config {
    icd_profile caps;            /* the profile with the refinements applied */
    icd_b_support b_support;
    int encode_transfer;
    int src_no_transfer_dst;
    int pps_drop_deblock_control;
    int lose_on_submit, lose_on_wait; /* encode submission index, -1 never */
    int abort_on_error;
} icd_config;

const icd_config *icd_get_config(void);
void icd_load_config(void);
/* Reports a broken valid-usage rule (a VUID or a short tag) and aborts
 * unless HWENC_TEST_ICD_ABORT=0. */
void icd_error(const char *vuid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *icd_new(icd_type type, size_t size, icd_device *device);
void icd_delete(void *object, icd_type type);
/* The object behind a handle if it is live and of that type, else NULL
 * (with an error naming what). */
void *icd_lookup(const void *handle, icd_type type, const char *what);
/* Objects of the device (NULL: every object) still alive. */
int icd_live_count(const icd_device *device);
void icd_report_leaks(const icd_device *device);
hwenc_test_icd_stats *icd_stats(void);
icd_queue *icd_find_queue(const icd_device *dev, uint32_t family);
/* A live object of the device and type, or NULL. */
void *icd_find_object(const icd_device *device, icd_type type);

/* Walks a pNext chain: every sType must be in allowed (count n) and
 * appear once. Returns the first structure of type want, or NULL. */
const void *icd_chain_find(const void *pnext, VkStructureType want);
void icd_chain_check(const char *what, const void *pnext, const VkStructureType *allowed, int n);

/* ---- icd_video.c */
VkResult icd_video_capabilities(VkPhysicalDevice dev, const VkVideoProfileInfoKHR *profile, VkVideoCapabilitiesKHR *caps);
VkResult icd_video_formats(VkPhysicalDevice dev, const VkPhysicalDeviceVideoFormatInfoKHR *info, uint32_t *count,
                           VkVideoFormatPropertiesKHR *props);
VkResult icd_quality_level_properties(VkPhysicalDevice dev, const VkPhysicalDeviceVideoEncodeQualityLevelInfoKHR *info,
                                      VkVideoEncodeQualityLevelPropertiesKHR *props);
/* The profile's stdProfileIdc if this device encodes it, else 0. */
StdVideoH264ProfileIdc icd_check_profile(const VkVideoProfileInfoKHR *p, const char *what);
/* Whether the device offers B pictures with this profile. */
int icd_profile_has_b(StdVideoH264ProfileIdc profile);
/* The usage the format query reports for NV12 with the encode profile. */
VkImageUsageFlags icd_format_usage(void);
void icd_fill_queue_families(uint32_t *count, VkQueueFamilyProperties2 *props);

/* ---- icd_device.c */
PFN_vkVoidFunction icd_device_proc(const char *name);
/* Frees the objects a destroyed device still held (after the leak report). */
void icd_device_release_leftovers(icd_device *dev);

/* ---- icd_cmd.c */
PFN_vkVoidFunction icd_cmd_proc(const char *name);
/* Runs a submitted command buffer; VK_ERROR_OUT_OF_HOST_MEMORY when the
 * driver ran out of memory on the way (vkQueueSubmit2 returns it). */
VkResult icd_execute(icd_device *dev, icd_queue *queue, icd_command_buffer *cb);
/* Frees what the recorded commands hold, before the buffer is deleted. */
void icd_command_buffer_release(icd_command_buffer *cb);

/* ---- icd_encode.c */
/* VK_SUCCESS, VK_ERROR_OUT_OF_HOST_MEMORY (the submit reports it), or
 * VK_ERROR_UNKNOWN after a contract error it has reported. */
VkResult icd_encode_picture(icd_session *s, const icd_parameters *params, const icd_encode *e,
                            icd_query_pool *query, uint32_t query_index);
void icd_params_from_std(icd_parameters *p);

#endif

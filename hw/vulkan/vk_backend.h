/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The Vulkan Video backend's state, shared by its setup (backend.c) and
 * its per-picture recording (vk_encode.c).
 *
 * One picture is in flight at a time: send_picture uploads, records,
 * submits and waits, and the packet is ready when it returns. Rate control
 * is the driver's: the state is sent once with a coding-control command
 * (together with the session reset and the quality level), and every later
 * video coding scope restates it, as the specification requires.
 */
#ifndef HWENC_VK_BACKEND_H
#define HWENC_VK_BACKEND_H

#include "hw/core/hal.h"
#include "hw/core/mailbox.h"
#include "hw/vulkan/vk_device.h"
#include "hw/vulkan/vk_dpb.h"
#include "hw/vulkan/vk_params.h"
#include "hw/vulkan/vk_resources.h"

/* The rate-control state with its pNext chain; vk_rc_link() sets the
 * internal pointers after a copy. */
typedef struct vk_rc_state {
    VkVideoEncodeRateControlInfoKHR info;
    VkVideoEncodeH264RateControlInfoKHR h264;
    VkVideoEncodeRateControlLayerInfoKHR layer;
    VkVideoEncodeH264RateControlLayerInfoKHR h264_layer;
} vk_rc_state;

void vk_rc_link(vk_rc_state *rc);

typedef struct vk_backend {
    vk_funcs f;
    int own_instance, own_device;
    VkInstance instance;
    VkPhysicalDevice physical;
    VkDevice device;
    VkQueue encode_queue, upload_queue;
    vk_profile profile;
    vk_device_caps caps;
    vk_memory mem;

    const h264_sps *sps;
    const h264_pps *pps;
    vk_std_params std;
    VkVideoSessionKHR session;
    VkDeviceMemory session_memory[VK_MAX_SESSION_MEMORY];
    uint32_t session_memory_count;
    VkVideoSessionParametersKHR params;
    uint8_t headers[1024];               /* SPS + PPS as the driver encodes them */
    size_t headers_size;

    uint32_t coded_width, coded_height; /* the SPS's, in macroblocks */
    uint32_t src_width, src_height;      /* the source image: the coded size in encode input granules */
    int width, height;
    int max_refs;                        /* list 0 */
    int bframes;                         /* B pictures between anchors; 0: none */
    int max_active;                      /* reference slots one encode names: list 0 and list 1 */
    vk_dpb dpb_map;                      /* the session's DPB slots (dpb_map.slots 0: intra only) */
    int keyint;                          /* the GOP, for the rate control's remaining frames; <= 0: infinite */
    int64_t gop_coded;                   /* pictures coded since the last IDR */
    int gop_remaining;                   /* tell the rate control the GOP's remaining frames */
    int deblock_control;                 /* the slices carry deblocking settings (off, or offsets) */
    int driver_pic_init_qp;              /* of the PPS the driver encodes (it may override ours) */
    int driver_refs_l0, driver_refs_l1;  /* its num_ref_idx_l0/l1_default_active */
    uint32_t quality_level;
    vk_image src, dpb;
    vk_buffer staging, bitstream;
    VkQueryPool query;
    VkCommandPool encode_pool, upload_pool;
    VkCommandBuffer encode_cmd, upload_cmd;
    VkFence fence;
    VkSemaphore uploaded;

    vk_rc_state rc;                      /* what the session has (once applied) */
    vk_rc_state rc_next;                 /* what the next control sets */
    int rc_pending;                      /* rc_next differs from rc */
    int started;                         /* the session was reset */
    int dpb_ready;                       /* the DPB image is in the DPB layout */
    int qp;                              /* constant QP (rate control disabled) */

    int lost;
    int64_t frames;
    uint8_t *out;
    size_t out_capacity;
    hal_mailbox mailbox;
} vk_backend;

/* Uploads, encodes and reads back one picture into b->mailbox. */
int vk_encode_picture(vk_backend *b, const hal_picture *pic, char *err, size_t err_size);

/*
 * Changes the target bitrate (and the VBV peak for VBR; 0 keeps CBR's peak
 * equal to the target) from the next picture on, through a coding-control
 * command with the new rate-control state. Only in CBR or VBR mode.
 * priv is what hal_backend_vulkan.open returned. Returns 0 or a negative
 * hwenc_error with a reason in err.
 */
int vk_backend_set_bitrate(void *priv, int bitrate_kbps, int vbv_maxrate_kbps, char *err, size_t err_size);

#endif

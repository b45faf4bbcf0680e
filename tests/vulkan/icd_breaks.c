/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The ICD's must-refuse cases (see icd_breaks.h). Each case records (and,
 * where the rule is checked when commands run, submits) a small piece of
 * video work on a device made with the backend's helpers, with exactly one
 * rule broken, and looks for that rule among the ICD's reported errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/h264/params.h"
#include "tests/vulkan/icd_breaks.h"
#include "hw/vulkan/vk_params.h"
#include "hw/vulkan/vk_device.h"
#include "hw/vulkan/vk_resources.h"

#define W 176
#define H 144

typedef struct rig {
    vk_funcs f;
    VkInstance instance;
    VkPhysicalDevice physical;
    VkDevice device;
    VkQueue queue;
    vk_device_caps caps;
    vk_profile profile;
    vk_memory mem;
    VkVideoSessionKHR session;
    VkDeviceMemory session_memory[VK_MAX_SESSION_MEMORY];
    uint32_t session_memory_count;
    vk_image src, dpb;
    vk_buffer bitstream;
    VkCommandPool pool;
    VkCommandBuffer cmd;
} rig;

static const char *(*errors_so_far)(void);

/* Whether the ICD has reported rule since the case began (the list of
 * rules is cleared then). */
static int reported(const char *rule)
{
    return strstr(errors_so_far(), rule) != NULL;
}

static void rig_close(rig *r)
{
    const vk_funcs *f = &r->f;
    if (r->device) {
        f->vkDeviceWaitIdle(r->device);
        if (r->pool)
            f->vkDestroyCommandPool(r->device, r->pool, NULL);
        vk_buffer_destroy(&r->mem, &r->bitstream);
        vk_image_destroy(&r->mem, &r->dpb);
        vk_image_destroy(&r->mem, &r->src);
        if (r->session)
            f->vkDestroyVideoSessionKHR(r->device, r->session, NULL);
        for (uint32_t i = 0; i < r->session_memory_count; i++)
            f->vkFreeMemory(r->device, r->session_memory[i], NULL);
        f->vkDestroyDevice(r->device, NULL);
    }
    if (r->instance)
        f->vkDestroyInstance(r->instance, NULL);
    vk_funcs_unload(&r->f);
}

/* A device, a Main-profile session with dpb_slots slots (active
 * references as the device allows, or dpb_slots - 1), NV12 source and DPB
 * images of the given source size, a bitstream buffer and a command buffer
 * that is recording. */
static int rig_open(rig *r, uint32_t dpb_slots, uint32_t src_w, uint32_t src_h)
{
    char err[512];
    int index;
    memset(r, 0, sizeof(*r));
    vk_profile_init(&r->profile, H264_PROFILE_MAIN, 0);
    if (vk_funcs_load_loader(&r->f, NULL, err, sizeof(err)) < 0 ||
        vk_create_instance(&r->f, &r->instance, err, sizeof(err)) < 0 ||
        vk_select_device(&r->f, r->instance, NULL, &r->profile, &r->physical, &r->caps, &index, err, sizeof(err)) <
            0 ||
        vk_create_device(&r->f, r->physical, &r->caps, &r->device, err, sizeof(err)) < 0 ||
        vk_funcs_load_device(&r->f, r->device, err, sizeof(err)) < 0) {
        fprintf(stderr, "icd_breaks: no device: %s\n", err);
        return -1;
    }
    r->f.vkGetDeviceQueue(r->device, (uint32_t)r->caps.encode_family, 0, &r->queue);
    r->mem = (vk_memory){ .f = &r->f, .device = r->device };
    r->f.vkGetPhysicalDeviceMemoryProperties(r->physical, &r->mem.props);
    uint32_t active = r->caps.video.maxActiveReferencePictures;
    if (active > dpb_slots - 1)
        active = dpb_slots - 1;
    static const VkExtensionProperties std_header = {
        .extensionName = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_EXTENSION_NAME,
        .specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_SPEC_VERSION,
    };
    VkVideoSessionCreateInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_CREATE_INFO_KHR,
        .queueFamilyIndex = (uint32_t)r->caps.encode_family,
        .pVideoProfile = &r->profile.info,
        .pictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxCodedExtent = { W, H },
        .referencePictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxDpbSlots = dpb_slots,
        .maxActiveReferencePictures = active,
        .pStdHeaderVersion = &std_header,
    };
    const void *list = &r->profile.list;
    uint32_t family = (uint32_t)r->caps.encode_family;
    VkCommandPoolCreateInfo pool = { .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, .queueFamilyIndex = family };
    VkCommandBufferAllocateInfo alloc = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                          .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY, .commandBufferCount = 1 };
    VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
    if (r->f.vkCreateVideoSessionKHR(r->device, &info, NULL, &r->session) != VK_SUCCESS ||
        vk_session_memory_bind(&r->mem, r->session, r->session_memory, &r->session_memory_count, err,
                               sizeof(err)) < 0 ||
        vk_image_create(&r->mem, src_w, src_h, 1, VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR, list, &family, 1, &r->src,
                        err, sizeof(err)) < 0 ||
        vk_image_create(&r->mem, W, H, dpb_slots, VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR, list, &family, 1, &r->dpb,
                        err, sizeof(err)) < 0 ||
        vk_buffer_create(&r->mem, 1 << 20, VK_BUFFER_USAGE_VIDEO_ENCODE_DST_BIT_KHR, list, &r->bitstream, err,
                         sizeof(err)) < 0 ||
        r->f.vkCreateCommandPool(r->device, &pool, NULL, &r->pool) != VK_SUCCESS) {
        fprintf(stderr, "icd_breaks: setting up failed: %s\n", err);
        return -1;
    }
    alloc.commandPool = r->pool;
    if (r->f.vkAllocateCommandBuffers(r->device, &alloc, &r->cmd) != VK_SUCCESS ||
        r->f.vkBeginCommandBuffer(r->cmd, &begin) != VK_SUCCESS)
        return -1;
    return 0;
}

static VkVideoPictureResourceInfoKHR picture(const vk_image *img, uint32_t w, uint32_t h, uint32_t layer)
{
    return (VkVideoPictureResourceInfoKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR,
                                            .codedExtent = { w, h }, .baseArrayLayer = layer,
                                            .imageViewBinding = img->view };
}

/* One picture's std-video description: type, the slots of each list, and
 * the POC of the picture and of every DPB slot (slot i holds POC 2 * i). */
typedef struct picture_desc {
    StdVideoH264PictureType type;
    int poc;
    int l0[4], n0;
    int l1[4], n1;
    int positions[8], n;         /* pReferenceSlots in this order */
} picture_desc;

typedef struct encode_call {
    StdVideoEncodeH264ReferenceListsInfo lists;
    StdVideoEncodeH264PictureInfo pic;
    StdVideoEncodeH264SliceHeader slice;
    VkVideoEncodeH264NaluSliceInfoKHR nalu;
    VkVideoEncodeH264PictureInfoKHR h264;
    StdVideoEncodeH264ReferenceInfo ref_info[8];
    VkVideoEncodeH264DpbSlotInfoKHR dpb_info[8];
    VkVideoPictureResourceInfoKHR ref_res[8];
    VkVideoReferenceSlotInfoKHR refs[8];
    VkVideoEncodeInfoKHR info;
} encode_call;

/* Begins a coding scope that binds the reference slots of d, then records
 * the encode of d (src_w x src_h of the source image), without a setup slot. */
static void record_picture(rig *r, const picture_desc *d, uint32_t src_w, uint32_t src_h)
{
    encode_call *c = calloc(1, sizeof(*c));
    if (!c)
        return;
    memset(c->lists.RefPicList0, STD_VIDEO_H264_NO_REFERENCE_PICTURE, sizeof(c->lists.RefPicList0));
    memset(c->lists.RefPicList1, STD_VIDEO_H264_NO_REFERENCE_PICTURE, sizeof(c->lists.RefPicList1));
    c->lists.num_ref_idx_l0_active_minus1 = (uint8_t)(d->n0 ? d->n0 - 1 : 0);
    c->lists.num_ref_idx_l1_active_minus1 = (uint8_t)(d->n1 ? d->n1 - 1 : 0);
    for (int i = 0; i < d->n0; i++)
        c->lists.RefPicList0[i] = (uint8_t)d->l0[i];
    for (int i = 0; i < d->n1; i++)
        c->lists.RefPicList1[i] = (uint8_t)d->l1[i];
    int b = d->type == STD_VIDEO_H264_PICTURE_TYPE_B, idr = d->type == STD_VIDEO_H264_PICTURE_TYPE_IDR;
    c->pic = (StdVideoEncodeH264PictureInfo){ .flags = { .IdrPicFlag = idr, .is_reference = !b },
                                              .primary_pic_type = d->type, .PicOrderCnt = d->poc,
                                              .pRefLists = &c->lists };
    c->slice = (StdVideoEncodeH264SliceHeader){
        .flags = { .direct_spatial_mv_pred_flag = b, .num_ref_idx_active_override_flag = d->n0 > 0 },
        .slice_type = b ? STD_VIDEO_H264_SLICE_TYPE_B : idr ? STD_VIDEO_H264_SLICE_TYPE_I : STD_VIDEO_H264_SLICE_TYPE_P,
    };
    c->nalu = (VkVideoEncodeH264NaluSliceInfoKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_NALU_SLICE_INFO_KHR,
                                                   .pStdSliceHeader = &c->slice };
    c->h264 = (VkVideoEncodeH264PictureInfoKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PICTURE_INFO_KHR,
                                                 .naluSliceEntryCount = 1, .pNaluSliceEntries = &c->nalu,
                                                 .pStdPictureInfo = &c->pic };
    for (int i = 0; i < d->n; i++) {
        int slot = d->positions[i];
        c->ref_info[i] = (StdVideoEncodeH264ReferenceInfo){ .primary_pic_type = STD_VIDEO_H264_PICTURE_TYPE_P,
                                                            .FrameNum = (uint32_t)slot, .PicOrderCnt = 2 * slot };
        c->dpb_info[i] = (VkVideoEncodeH264DpbSlotInfoKHR){
            .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_DPB_SLOT_INFO_KHR, .pStdReferenceInfo = &c->ref_info[i] };
        c->ref_res[i] = picture(&r->dpb, W, H, (uint32_t)slot);
        c->refs[i] = (VkVideoReferenceSlotInfoKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR,
                                                    .pNext = &c->dpb_info[i], .slotIndex = slot,
                                                    .pPictureResource = &c->ref_res[i] };
    }
    VkVideoBeginCodingInfoKHR scope = { .sType = VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR,
                                        .videoSession = r->session, .referenceSlotCount = (uint32_t)d->n,
                                        .pReferenceSlots = d->n ? c->refs : NULL };
    c->info = (VkVideoEncodeInfoKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_INFO_KHR, .pNext = &c->h264,
                                      .dstBuffer = r->bitstream.buffer, .dstBufferRange = r->bitstream.size,
                                      .srcPictureResource = picture(&r->src, src_w, src_h, 0),
                                      .referenceSlotCount = (uint32_t)d->n, .pReferenceSlots = d->n ? c->refs : NULL };
    VkVideoEndCodingInfoKHR end = { .sType = VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR };
    r->f.vkCmdBeginVideoCodingKHR(r->cmd, &scope);
    r->f.vkCmdEncodeVideoKHR(r->cmd, &c->info);
    r->f.vkCmdEndVideoCodingKHR(r->cmd, &end);
    free(c);
}

/* Records a coding-control command with a rate-control state. */
static void record_rate_control(rig *r, VkVideoEncodeRateControlModeFlagBitsKHR mode,
                                const VkVideoEncodeH264RateControlInfoKHR *h264)
{
    VkVideoEncodeRateControlLayerInfoKHR layer = { .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_LAYER_INFO_KHR,
                                                   .averageBitrate = 500000, .maxBitrate = 500000,
                                                   .frameRateNumerator = 25, .frameRateDenominator = 1 };
    VkVideoEncodeRateControlInfoKHR rc = { .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR,
                                           .pNext = h264, .rateControlMode = mode, .layerCount = 1,
                                           .pLayers = &layer, .virtualBufferSizeInMs = 1000,
                                           .initialVirtualBufferSizeInMs = 750 };
    VkVideoCodingControlInfoKHR control = { .sType = VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR, .pNext = &rc,
                                            .flags = VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR |
                                                     VK_VIDEO_CODING_CONTROL_ENCODE_RATE_CONTROL_BIT_KHR };
    VkVideoBeginCodingInfoKHR scope = { .sType = VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR,
                                        .videoSession = r->session };
    VkVideoEndCodingInfoKHR end = { .sType = VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR };
    r->f.vkCmdBeginVideoCodingKHR(r->cmd, &scope);
    r->f.vkCmdControlVideoCodingKHR(r->cmd, &control);
    r->f.vkCmdEndVideoCodingKHR(r->cmd, &end);
}

/* The mode the device offers besides CQP, or 0. */
static VkVideoEncodeRateControlModeFlagBitsKHR some_rate_control(const rig *r)
{
    VkVideoEncodeRateControlModeFlagsKHR modes = r->caps.encode.rateControlModes;
    return modes & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR   ? VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR
           : modes & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR ? VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR
                                                                   : 0;
}

typedef int (*break_fn)(rig *r);

/* VUID-VkVideoSessionCreateInfoKHR-maxDpbSlots-04850. */
static int session_slots_without_references(rig *r)
{
    static const VkExtensionProperties std_header = {
        .extensionName = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_EXTENSION_NAME,
        .specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_SPEC_VERSION,
    };
    VkVideoSessionCreateInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_CREATE_INFO_KHR,
        .queueFamilyIndex = (uint32_t)r->caps.encode_family,
        .pVideoProfile = &r->profile.info,
        .pictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxCodedExtent = { W, H },
        .referencePictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxDpbSlots = 1,
        .maxActiveReferencePictures = 0,
        .pStdHeaderVersion = &std_header,
    };
    VkVideoSessionKHR session = VK_NULL_HANDLE;
    if (r->f.vkCreateVideoSessionKHR(r->device, &info, NULL, &session) == VK_SUCCESS)
        r->f.vkDestroyVideoSessionKHR(r->device, session, NULL);
    return reported("VUID-VkVideoSessionCreateInfoKHR-maxDpbSlots-04850");
}

/* VUID-VkVideoEncodeH264RateControlInfoKHR-flags-08281. */
static int reference_pattern_without_regular_gop(rig *r)
{
    VkVideoEncodeRateControlModeFlagBitsKHR mode = some_rate_control(r);
    VkVideoEncodeH264RateControlInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_INFO_KHR,
        .flags = VK_VIDEO_ENCODE_H264_RATE_CONTROL_REFERENCE_PATTERN_FLAT_BIT_KHR,
        .gopFrameCount = 30, .idrPeriod = 30, .temporalLayerCount = 1,
    };
    record_rate_control(r, mode ? mode : VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR, &h264);
    return reported("VUID-VkVideoEncodeH264RateControlInfoKHR-flags-08281");
}

/* VUID-VkVideoEncodeH264RateControlInfoKHR-consecutiveBFrameCount-08285. */
static int b_run_beyond_gop(rig *r)
{
    VkVideoEncodeRateControlModeFlagBitsKHR mode = some_rate_control(r);
    VkVideoEncodeH264RateControlInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_INFO_KHR,
        .gopFrameCount = 0, .idrPeriod = 0, .consecutiveBFrameCount = 2, .temporalLayerCount = 1,
    };
    record_rate_control(r, mode ? mode : VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR, &h264);
    return reported("VUID-VkVideoEncodeH264RateControlInfoKHR-consecutiveBFrameCount-08285");
}

/* VUID-vkCmdEncodeVideoKHR-pEncodeInfo-08377: an IDR with no setup slot. */
static int encode_without_setup_slot(rig *r)
{
    picture_desc d = { .type = STD_VIDEO_H264_PICTURE_TYPE_IDR };
    record_picture(r, &d, W, H);
    return reported("VUID-vkCmdEncodeVideoKHR-pEncodeInfo-08377");
}

/* The source image ends inside the last input granule. */
static int source_smaller_than_granules(rig *r)
{
    picture_desc d = { .type = STD_VIDEO_H264_PICTURE_TYPE_IDR };
    record_picture(r, &d, W - 8, H - 8);
    return reported("test-icd-input-granularity");
}

/* VUID-VkImageCreateInfo-pNext-06811: a create flag the format
 * properties do not report. */
static int image_flags_beyond_format(rig *r)
{
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .pNext = &r->profile.list,
        .flags = VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .extent = { W, H, 1 },
        .mipLevels = 1,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    VkImage image = VK_NULL_HANDLE;
    if (r->f.vkCreateImage(r->device, &info, NULL, &image) == VK_SUCCESS)
        r->f.vkDestroyImage(r->device, image, NULL);
    return reported("VUID-VkImageCreateInfo-pNext-06811");
}

/* A B picture with one list-1 entry more than maxL1ReferenceCount. */
static int list_longer_than_caps(rig *r)
{
    int l1 = (int)r->caps.h264.maxL1ReferenceCount + 1;
    picture_desc d = { .type = STD_VIDEO_H264_PICTURE_TYPE_B, .poc = 1, .l0 = { 0 }, .n0 = 1, .n1 = l1,
                       .positions = { 0 }, .n = 1 + l1 };
    for (int i = 0; i < l1; i++)
        d.l1[i] = d.positions[1 + i] = 1 + i;
    record_picture(r, &d, W, H);
    return reported("test-icd-list-size");
}

/* A P picture whose reference slots are not in list order: a driver that
 * reads them by position (RADV of Mesa 25) refuses, one that reads the
 * lists does not. */
static int references_out_of_list_order(rig *r)
{
    picture_desc d = { .type = STD_VIDEO_H264_PICTURE_TYPE_P, .poc = 8, .l0 = { 1, 2 }, .n0 = 2,
                       .positions = { 2, 1 }, .n = 2 };
    record_picture(r, &d, W, H);
    /* Mesa 25's RADV reads pReferenceSlots by position (icd_profile.c). */
    const char *profile = getenv("HWENC_TEST_ICD_PROFILE");
    int by_position = profile && !strcmp(profile, "radv-mesa25-vcn3");
    return reported("radv-reference-position") == by_position;
}

/* VUID-vkCmdBeginVideoCodingKHR-pBeginInfo-08255: a device that requires
 * the GOP's remaining frames under rate control gets a scope without them
 * (on a device without rate control, asking for it is refused instead). */
static int scope_without_gop_remaining(rig *r)
{
    VkVideoEncodeRateControlModeFlagBitsKHR mode = some_rate_control(r);
    VkVideoEncodeH264RateControlInfoKHR h264 = { .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_INFO_KHR,
                                                 .gopFrameCount = 30, .idrPeriod = 30, .temporalLayerCount = 1 };
    record_rate_control(r, mode ? mode : VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR, &h264);
    if (!mode)
        return reported("VUID-VkVideoEncodeRateControlInfoKHR-rateControlMode-08244");
    VkVideoEncodeRateControlLayerInfoKHR layer = { .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_LAYER_INFO_KHR,
                                                   .averageBitrate = 500000, .maxBitrate = 500000,
                                                   .frameRateNumerator = 25, .frameRateDenominator = 1 };
    VkVideoEncodeRateControlInfoKHR rc = { .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR,
                                           .pNext = &h264, .rateControlMode = mode, .layerCount = 1, .pLayers = &layer,
                                           .virtualBufferSizeInMs = 1000, .initialVirtualBufferSizeInMs = 750 };
    VkVideoBeginCodingInfoKHR scope = { .sType = VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR, .pNext = &rc,
                                        .videoSession = r->session };
    VkVideoEndCodingInfoKHR end = { .sType = VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR };
    r->f.vkCmdBeginVideoCodingKHR(r->cmd, &scope);
    r->f.vkCmdEndVideoCodingKHR(r->cmd, &end);
    r->f.vkEndCommandBuffer(r->cmd);
    VkCommandBufferSubmitInfo cmd = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = r->cmd };
    VkSubmitInfo2 submit = { .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2, .commandBufferInfoCount = 1,
                             .pCommandBufferInfos = &cmd };
    r->f.vkQueueSubmit2(r->queue, 1, &submit, VK_NULL_HANDLE);
    return reported("VUID-vkCmdBeginVideoCodingKHR-pBeginInfo-08255");
}

/* Session parameters whose PPS asks for the 8x8 transform in the rig's
 * Main session: H.264 A.2.2 has it in High only (icd_device.c). */
static int transform_8x8_in_main(rig *r)
{
    h264_stream_desc d = { .width = W, .height = H, .fps_num = 25, .fps_den = 1, .profile_idc = H264_PROFILE_MAIN,
                           .cabac = 1, .max_refs = 1, .qp = 26, .deblock = 1 };
    h264_sps sps;
    h264_pps pps;
    char err[256];
    if (h264_stream_init(&d, &sps, &pps, err, sizeof(err)) < 0)
        return 0;
    pps.transform_8x8_mode = 1;
    vk_std_params std;
    vk_std_params_init(&std, &sps, &pps);
    VkVideoSessionParametersKHR params;
    if (vk_params_create(&r->f, r->device, r->session, &std, 0, &params, err, sizeof(err)) == 0)
        r->f.vkDestroyVideoSessionParametersKHR(r->device, params, NULL);
    return reported("test-icd-8x8-profile");
}

static const struct {
    const char *what;
    break_fn fn;
    uint32_t dpb_slots;
    uint32_t src_w, src_h;       /* the source image */
    const char *env;             /* a refinement the case needs, set while it runs */
} cases[] = {
    { "a session with DPB slots but no active references", session_slots_without_references, 2, W, H, NULL },
    { "a reference pattern without a regular GOP", reference_pattern_without_regular_gop, 2, W, H, NULL },
    { "more consecutive B frames than the GOP holds", b_run_beyond_gop, 2, W, H, NULL },
    { "an encode without a setup slot in a session with DPB slots", encode_without_setup_slot, 2, W, H, NULL },
    { "a source image smaller than the input granules", source_smaller_than_granules, 2, W - 8, H - 8, NULL },
    { "image create flags the video format does not report", image_flags_beyond_format, 2, W, H, NULL },
    { "a list 1 longer than maxL1ReferenceCount", list_longer_than_caps, 4, W, H, NULL },
    { "the 8x8 transform in a Main session", transform_8x8_in_main, 2, W, H, NULL },
    { "reference slots out of list order", references_out_of_list_order, 4, W, H, NULL },
    { "a scope without the GOP's remaining frames where they are required", scope_without_gop_remaining, 2, W, H,
      "HWENC_TEST_ICD_GOP_REMAINING" },
};

int icd_breaks_run(const char *(*error_ids)(void), void (*clear)(void))
{
    int failed = 0;
    errors_so_far = error_ids;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].env)
            setenv(cases[i].env, "required", 1); /* read at vkCreateInstance */
        rig r;
        int ok = rig_open(&r, cases[i].dpb_slots, cases[i].src_w, cases[i].src_h) == 0;
        clear();
        /* A stale list would let the case pass on an earlier report. */
        ok = ok && !error_ids()[0];
        if (ok && !cases[i].fn(&r)) {
            fprintf(stderr, "icd_breaks: %s went unnoticed (the ICD reported: %s)\n", cases[i].what, error_ids());
            failed = 1;
        } else if (!ok) {
            fprintf(stderr, "icd_breaks: %s: the case could not be set up\n", cases[i].what);
            failed = 1;
        }
        rig_close(&r);
        if (cases[i].env)
            unsetenv(cases[i].env);
    }
    return failed;
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Command buffers: recording with the checks that can be made then
 * (inside or outside a video coding scope, handles, bound memory, pNext
 * chains, bound DPB pictures), and execution at vkQueueSubmit2 with the
 * checks that need the device's state (image layouts, active DPB slots,
 * the session's rate-control state). Execution is synchronous: the fence
 * is signalled when vkQueueSubmit2 returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vulkan/icd.h"

static icd_command_buffer *recording(VkCommandBuffer cmd, const char *what)
{
    icd_command_buffer *cb = icd_lookup(cmd, ICD_COMMAND_BUFFER, what);
    if (cb && !cb->recording) {
        icd_error("VUID-commandBuffer-recording", "%s: the command buffer is not recording", what);
        return NULL;
    }
    if (cb && cb->count == ICD_MAX_COMMANDS) {
        icd_error("test-icd-commands", "%s: more than %d commands", what, ICD_MAX_COMMANDS);
        return NULL;
    }
    return cb;
}

static void outside_scope(const icd_command_buffer *cb, const char *what)
{
    if (cb->in_scope)
        icd_error("VUID-videocoding", "%s must be recorded outside a video coding scope", what);
}

static void inside_scope(const icd_command_buffer *cb, const char *what)
{
    if (!cb->in_scope)
        icd_error("VUID-videocoding", "%s must be recorded inside a video coding scope", what);
}

static VKAPI_ATTR VkResult VKAPI_CALL BeginCommandBuffer(VkCommandBuffer cmd, const VkCommandBufferBeginInfo *info)
{
    icd_command_buffer *cb = icd_lookup(cmd, ICD_COMMAND_BUFFER, "vkBeginCommandBuffer");
    if (!cb)
        return VK_ERROR_UNKNOWN;
    if (info->sType != VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO)
        icd_error("VUID-VkCommandBufferBeginInfo-sType-sType", "wrong sType");
    if (cb->recording)
        icd_error("VUID-vkBeginCommandBuffer-commandBuffer-00049", "the command buffer is already recording");
    icd_command_buffer_release(cb);
    cb->recording = 1;
    cb->executable = 0;
    cb->in_scope = 0;
    cb->query_active = 0;
    return VK_SUCCESS;
}

void icd_command_buffer_release(icd_command_buffer *cb)
{
    for (int i = 0; i < cb->count; i++)
        if (cb->cmd[i].type == CMD_ENCODE)
            free(cb->cmd[i].u.encode);
    cb->count = 0;
}

static VKAPI_ATTR VkResult VKAPI_CALL EndCommandBuffer(VkCommandBuffer cmd)
{
    icd_command_buffer *cb = icd_lookup(cmd, ICD_COMMAND_BUFFER, "vkEndCommandBuffer");
    if (!cb)
        return VK_ERROR_UNKNOWN;
    if (!cb->recording)
        icd_error("VUID-vkEndCommandBuffer-commandBuffer-00059", "the command buffer is not recording");
    if (cb->in_scope)
        icd_error("VUID-vkEndCommandBuffer-None-06991", "a video coding scope is still open");
    cb->recording = 0;
    cb->executable = 1;
    return VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL ResetCommandBuffer(VkCommandBuffer cmd, VkCommandBufferResetFlags flags)
{
    (void)flags;
    icd_command_buffer *cb = icd_lookup(cmd, ICD_COMMAND_BUFFER, "vkResetCommandBuffer");
    if (cb)
        cb->recording = cb->executable = 0;
    return VK_SUCCESS;
}

/* Stages a queue family can use in a barrier. */
static void check_stages(const icd_command_buffer *cb, VkPipelineStageFlags2 stages, const char *what)
{
    const VkPipelineStageFlags2 any = VK_PIPELINE_STAGE_2_NONE | VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT |
                                      VK_PIPELINE_STAGE_2_HOST_BIT | VK_PIPELINE_STAGE_2_TOP_OF_PIPE_BIT |
                                      VK_PIPELINE_STAGE_2_BOTTOM_OF_PIPE_BIT;
    int encode_family = cb->pool->family == 1;
    int can_copy = !encode_family || icd_get_config()->encode_transfer;
    VkPipelineStageFlags2 ok = any | (encode_family ? VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR : 0) |
                               (can_copy ? VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT : 0);
    if (stages & ~ok)
        icd_error("VUID-vkCmdPipelineBarrier2-srcStageMask-03849", "%s: stages 0x%llx are not supported by family %u",
                  what, (unsigned long long)(stages & ~ok), cb->pool->family);
}

static VKAPI_ATTR void VKAPI_CALL CmdPipelineBarrier2(VkCommandBuffer cmd, const VkDependencyInfo *dep)
{
    icd_command_buffer *cb = recording(cmd, "vkCmdPipelineBarrier2");
    if (!cb)
        return;
    outside_scope(cb, "vkCmdPipelineBarrier2");
    if (!cb->obj.device->sync2)
        icd_error("VUID-vkCmdPipelineBarrier2-synchronization2-03848", "synchronization2 is not enabled");
    if (dep->sType != VK_STRUCTURE_TYPE_DEPENDENCY_INFO)
        icd_error("VUID-VkDependencyInfo-sType-sType", "wrong sType");
    for (uint32_t i = 0; i < dep->bufferMemoryBarrierCount; i++) {
        const VkBufferMemoryBarrier2 *b = &dep->pBufferMemoryBarriers[i];
        if (b->sType != VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2)
            icd_error("VUID-VkBufferMemoryBarrier2-sType-sType", "wrong sType");
        icd_buffer *buf = icd_lookup(b->buffer, ICD_BUFFER, "VkBufferMemoryBarrier2");
        if (buf && !buf->memory)
            icd_error("VUID-VkBufferMemoryBarrier2-buffer-01931", "the buffer has no memory bound");
        check_stages(cb, b->srcStageMask | b->dstStageMask, "buffer barrier");
    }
    for (uint32_t i = 0; i < dep->imageMemoryBarrierCount && cb->count < ICD_MAX_COMMANDS; i++) {
        const VkImageMemoryBarrier2 *b = &dep->pImageMemoryBarriers[i];
        if (b->sType != VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2)
            icd_error("VUID-VkImageMemoryBarrier2-sType-sType", "wrong sType");
        icd_image *img = icd_lookup(b->image, ICD_IMAGE, "VkImageMemoryBarrier2");
        if (!img)
            continue;
        if (!img->memory)
            icd_error("VUID-VkImageMemoryBarrier2-image-01932", "the image has no memory bound");
        if (b->subresourceRange.aspectMask != VK_IMAGE_ASPECT_COLOR_BIT ||
            b->subresourceRange.baseArrayLayer + b->subresourceRange.layerCount > img->layers)
            icd_error("VUID-VkImageMemoryBarrier2-subresourceRange-01725", "bad subresource range");
        check_stages(cb, b->srcStageMask | b->dstStageMask, "image barrier");
        icd_cmd *c = &cb->cmd[cb->count++];
        c->type = CMD_BARRIER;
        c->u.barrier.image = img;
        c->u.barrier.from = b->oldLayout;
        c->u.barrier.to = b->newLayout;
        c->u.barrier.base = b->subresourceRange.baseArrayLayer;
        c->u.barrier.count = b->subresourceRange.layerCount;
    }
}

static VKAPI_ATTR void VKAPI_CALL CmdCopyBufferToImage(VkCommandBuffer cmd, VkBuffer buffer, VkImage image,
                                                       VkImageLayout layout, uint32_t n, const VkBufferImageCopy *regions)
{
    icd_command_buffer *cb = recording(cmd, "vkCmdCopyBufferToImage");
    if (!cb)
        return;
    outside_scope(cb, "vkCmdCopyBufferToImage");
    if (cb->pool->family == 1 && !icd_get_config()->encode_transfer)
        icd_error("VUID-vkCmdCopyBufferToImage-commandBuffer-cmdpool",
                  "the encode queue family does not support transfer operations");
    icd_buffer *buf = icd_lookup(buffer, ICD_BUFFER, "vkCmdCopyBufferToImage");
    icd_image *img = icd_lookup(image, ICD_IMAGE, "vkCmdCopyBufferToImage");
    if (!buf || !img)
        return;
    if (!buf->memory || !img->memory)
        icd_error("VUID-vkCmdCopyBufferToImage-srcBuffer-00176", "memory is not bound");
    if (!(buf->usage & VK_BUFFER_USAGE_TRANSFER_SRC_BIT) || !(img->usage & VK_IMAGE_USAGE_TRANSFER_DST_BIT))
        icd_error("VUID-vkCmdCopyBufferToImage-srcBuffer-00174", "usage lacks the transfer bits");
    if (layout != VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL && layout != VK_IMAGE_LAYOUT_GENERAL)
        icd_error("VUID-vkCmdCopyBufferToImage-dstImageLayout-01396", "layout %d", (int)layout);
    if (n > 2)
        icd_error("test-icd-copy", "at most two regions (one per plane)");
    icd_cmd *c = &cb->cmd[cb->count++];
    c->type = CMD_COPY;
    c->u.copy.buffer = buf;
    c->u.copy.image = img;
    c->u.copy.count = n > 2 ? 2 : n;
    for (uint32_t i = 0; i < c->u.copy.count; i++) {
        const VkBufferImageCopy *r = &regions[i];
        VkImageAspectFlags a = r->imageSubresource.aspectMask;
        uint32_t div = a == VK_IMAGE_ASPECT_PLANE_1_BIT ? 2 : 1;
        if ((a != VK_IMAGE_ASPECT_PLANE_0_BIT && a != VK_IMAGE_ASPECT_PLANE_1_BIT) ||
            r->imageOffset.x < 0 || r->imageOffset.y < 0 || r->imageOffset.x + r->imageExtent.width > img->width / div ||
            r->imageOffset.y + r->imageExtent.height > img->height / div ||
            r->imageSubresource.baseArrayLayer + r->imageSubresource.layerCount > img->layers)
            icd_error("VUID-vkCmdCopyBufferToImage-pRegions-06218", "region %u is outside the image plane", i);
        uint32_t row = r->bufferRowLength ? r->bufferRowLength : r->imageExtent.width;
        VkDeviceSize end = r->bufferOffset + (VkDeviceSize)row * (r->imageExtent.height - 1) * div +
                           (VkDeviceSize)r->imageExtent.width * div;
        if (end > buf->size)
            icd_error("VUID-vkCmdCopyBufferToImage-pRegions-00171", "region %u reads beyond the buffer", i);
        c->u.copy.region[i] = *r;
    }
}

static VKAPI_ATTR void VKAPI_CALL CmdResetQueryPool(VkCommandBuffer cmd, VkQueryPool pool, uint32_t first, uint32_t n)
{
    icd_command_buffer *cb = recording(cmd, "vkCmdResetQueryPool");
    icd_query_pool *q = icd_lookup(pool, ICD_QUERY_POOL, "vkCmdResetQueryPool");
    if (!cb || !q)
        return;
    outside_scope(cb, "vkCmdResetQueryPool");
    if (first + n > q->count)
        icd_error("VUID-vkCmdResetQueryPool-firstQuery-00797", "queries beyond the pool");
    icd_cmd *c = &cb->cmd[cb->count++];
    c->type = CMD_RESET_QUERY;
    c->u.query.pool = q;
    c->u.query.first = first;
    c->u.query.count = n;
}

static VKAPI_ATTR void VKAPI_CALL CmdBeginQuery(VkCommandBuffer cmd, VkQueryPool pool, uint32_t query,
                                                VkQueryControlFlags flags)
{
    (void)flags;
    icd_command_buffer *cb = recording(cmd, "vkCmdBeginQuery");
    icd_query_pool *q = icd_lookup(pool, ICD_QUERY_POOL, "vkCmdBeginQuery");
    if (!cb || !q)
        return;
    inside_scope(cb, "vkCmdBeginQuery (encode feedback)");
    if (cb->query_active)
        icd_error("VUID-vkCmdBeginQuery-queryPool-01922", "a query is already active");
    if (query >= q->count)
        icd_error("VUID-vkCmdBeginQuery-query-00802", "query %u beyond the pool", query);
    cb->query_active = 1;
    icd_cmd *c = &cb->cmd[cb->count++];
    c->type = CMD_BEGIN_QUERY;
    c->u.query.pool = q;
    c->u.query.first = query;
}

static VKAPI_ATTR void VKAPI_CALL CmdEndQuery(VkCommandBuffer cmd, VkQueryPool pool, uint32_t query)
{
    icd_command_buffer *cb = recording(cmd, "vkCmdEndQuery");
    icd_query_pool *q = icd_lookup(pool, ICD_QUERY_POOL, "vkCmdEndQuery");
    if (!cb || !q)
        return;
    inside_scope(cb, "vkCmdEndQuery (encode feedback)");
    if (!cb->query_active)
        icd_error("VUID-vkCmdEndQuery-None-01923", "no query is active");
    cb->query_active = 0;
    icd_cmd *c = &cb->cmd[cb->count++];
    c->type = CMD_END_QUERY;
    c->u.query.pool = q;
    c->u.query.first = query;
}

/* A picture resource: a live view of a bound image, within it. */
static int resolve_picture(const VkVideoPictureResourceInfoKHR *r, VkImageUsageFlags usage, icd_picture *out,
                           const char *what)
{
    memset(out, 0, sizeof(*out));
    if (!r || r->sType != VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR) {
        icd_error("VUID-VkVideoPictureResourceInfoKHR-sType-sType", "%s: missing or wrong picture resource", what);
        return 0;
    }
    icd_image_view *v = icd_lookup(r->imageViewBinding, ICD_IMAGE_VIEW, what);
    if (!v || !icd_lookup(v->image, ICD_IMAGE, what))
        return 0;
    if (!v->image->memory)
        icd_error("VUID-memory-bound", "%s: the image has no memory bound", what);
    if (!(v->image->usage & usage))
        icd_error("VUID-VkVideoPictureResourceInfoKHR-usage", "%s: the image lacks usage 0x%x", what, usage);
    if (r->baseArrayLayer >= v->layers)
        icd_error("VUID-VkVideoPictureResourceInfoKHR-baseArrayLayer-07175", "%s: layer %u beyond the view", what,
                  r->baseArrayLayer);
    if (r->codedOffset.x || r->codedOffset.y || r->codedExtent.width > v->image->width ||
        r->codedExtent.height > v->image->height || !r->codedExtent.width || !r->codedExtent.height)
        icd_error("VUID-VkVideoPictureResourceInfoKHR-codedOffset", "%s: coded area beyond the image", what);
    out->image = v->image;
    out->layer = v->base_layer + r->baseArrayLayer;
    out->extent = r->codedExtent;
    return 1;
}

static int same_picture(const icd_picture *a, const icd_picture *b)
{
    return a->image == b->image && a->layer == b->layer;
}

/* The valid usage of VkVideoEncodeH264RateControlInfoKHR. */
static void read_h264_rc(const VkVideoEncodeH264RateControlInfoKHR *h264, icd_rc *rc, const char *what)
{
    const VkVideoEncodeH264RateControlFlagsKHR pattern = VK_VIDEO_ENCODE_H264_RATE_CONTROL_REFERENCE_PATTERN_FLAT_BIT_KHR |
                                                         VK_VIDEO_ENCODE_H264_RATE_CONTROL_REFERENCE_PATTERN_DYADIC_BIT_KHR;
    rc->h264_flags = h264->flags;
    rc->gop_frames = h264->gopFrameCount;
    rc->idr_period = h264->idrPeriod;
    rc->consecutive_b = h264->consecutiveBFrameCount;
    if ((rc->h264_flags & pattern) && !(rc->h264_flags & VK_VIDEO_ENCODE_H264_RATE_CONTROL_REGULAR_GOP_BIT_KHR))
        icd_error("VUID-VkVideoEncodeH264RateControlInfoKHR-flags-08281",
                  "%s: a reference pattern (flags 0x%x) without VK_VIDEO_ENCODE_H264_RATE_CONTROL_REGULAR_GOP_BIT_KHR",
                  what, rc->h264_flags);
    if ((rc->h264_flags & VK_VIDEO_ENCODE_H264_RATE_CONTROL_REGULAR_GOP_BIT_KHR) && !rc->gop_frames)
        icd_error("VUID-VkVideoEncodeH264RateControlInfoKHR-flags-08283", "%s: a regular GOP of 0 frames", what);
    if (rc->idr_period && rc->idr_period < rc->gop_frames)
        icd_error("VUID-VkVideoEncodeH264RateControlInfoKHR-idrPeriod-08284", "%s: IDR period %u below the GOP of %u",
                  what, rc->idr_period, rc->gop_frames);
    if (rc->consecutive_b && rc->consecutive_b >= rc->gop_frames)
        icd_error("VUID-VkVideoEncodeH264RateControlInfoKHR-consecutiveBFrameCount-08285",
                  "%s: %u consecutive B frames, not below gopFrameCount %u", what, rc->consecutive_b, rc->gop_frames);
}

static void read_rc(const void *pnext, int *has, icd_rc *rc, const char *what)
{
    const VkVideoEncodeRateControlInfoKHR *info = icd_chain_find(pnext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR);
    memset(rc, 0, sizeof(*rc));
    *has = info != NULL;
    if (!info)
        return;
    rc->mode = info->rateControlMode;
    rc->layers = info->layerCount;
    rc->buffer_ms = info->virtualBufferSizeInMs;
    rc->initial_ms = info->initialVirtualBufferSizeInMs;
    const VkVideoEncodeH264RateControlInfoKHR *h264 =
        icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_INFO_KHR);
    if (h264)
        read_h264_rc(h264, rc, what);
    int simple = rc->mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR ||
                 rc->mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR;
    if (simple && rc->layers)
        icd_error("VUID-VkVideoEncodeRateControlInfoKHR-rateControlMode-08248", "%s: layers with mode %d", what,
                  (int)rc->mode);
    if (!simple && rc->layers != 1)
        icd_error("VUID-VkVideoEncodeRateControlInfoKHR-rateControlMode-08275", "%s: %u layers (1 supported)", what,
                  rc->layers);
    if (rc->layers && (!info->pLayers || info->pLayers[0].sType != VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_LAYER_INFO_KHR)) {
        icd_error("VUID-VkVideoEncodeRateControlInfoKHR-pLayers-parameter", "%s: bad layer", what);
        return;
    }
    if (rc->layers) {
        static const VkStructureType layer_allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_LAYER_INFO_KHR };
        const VkVideoEncodeRateControlLayerInfoKHR *l = &info->pLayers[0];
        icd_chain_check("VkVideoEncodeRateControlLayerInfoKHR", l->pNext, layer_allowed, 1);
        rc->average = l->averageBitrate;
        rc->peak = l->maxBitrate;
        rc->fps_num = l->frameRateNumerator;
        rc->fps_den = l->frameRateDenominator;
        uint64_t max = icd_get_config()->caps.max_bitrate;
        if (!rc->average || rc->average > max || !rc->peak || rc->peak > max)
            icd_error("VUID-VkVideoEncodeRateControlInfoKHR-pLayers-08276", "%s: bitrate out of range", what);
        if (rc->mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR && rc->average != rc->peak)
            icd_error("VUID-VkVideoEncodeRateControlInfoKHR-rateControlMode-08356", "%s: CBR with peak != average", what);
        if (rc->mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR && rc->average > rc->peak)
            icd_error("VUID-VkVideoEncodeRateControlInfoKHR-rateControlMode-08278", "%s: VBR average above peak", what);
        if (!rc->fps_num || !rc->fps_den)
            icd_error("VUID-VkVideoEncodeRateControlLayerInfoKHR-frameRateNumerator-08350", "%s: no frame rate", what);
        if (!rc->buffer_ms || rc->initial_ms > rc->buffer_ms)
            icd_error("VUID-VkVideoEncodeRateControlInfoKHR-layerCount-08357", "%s: bad virtual buffer", what);
    }
    const icd_profile *c = &icd_get_config()->caps;
    if (rc->mode != VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR && !(c->rc_modes & rc->mode))
        icd_error("VUID-VkVideoEncodeRateControlInfoKHR-rateControlMode-08244", "%s: mode %d is not supported", what,
                  (int)rc->mode);
}

static VKAPI_ATTR void VKAPI_CALL CmdBeginVideoCodingKHR(VkCommandBuffer cmd, const VkVideoBeginCodingInfoKHR *info)
{
    icd_command_buffer *cb = recording(cmd, "vkCmdBeginVideoCodingKHR");
    if (!cb)
        return;
    if (cb->in_scope)
        icd_error("VUID-vkCmdBeginVideoCodingKHR-videocoding", "a video coding scope is already open");
    if (info->sType != VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR)
        icd_error("VUID-VkVideoBeginCodingInfoKHR-sType-sType", "wrong sType");
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_GOP_REMAINING_FRAME_INFO_KHR };
    icd_chain_check("VkVideoBeginCodingInfoKHR", info->pNext, allowed, 3);
    const VkVideoEncodeH264GopRemainingFrameInfoKHR *gop =
        icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_GOP_REMAINING_FRAME_INFO_KHR);
    icd_session *s = icd_lookup(info->videoSession, ICD_SESSION, "vkCmdBeginVideoCodingKHR");
    icd_parameters *p = info->videoSessionParameters
                            ? icd_lookup(info->videoSessionParameters, ICD_PARAMETERS, "vkCmdBeginVideoCodingKHR")
                            : NULL;
    if (!s)
        return;
    if (s->memory_bound != 3)
        icd_error("VUID-vkCmdBeginVideoCodingKHR-videoSession-07237", "the session's memory is not bound");
    if (cb->pool->family != s->family)
        icd_error("VUID-vkCmdBeginVideoCodingKHR-commandBuffer-07231", "the pool's family cannot use the session");
    if (p && p->session != s)
        icd_error("VUID-VkVideoBeginCodingInfoKHR-videoSessionParameters-04857", "parameters of another session");
    if (info->referenceSlotCount > s->max_dpb_slots + 1)
        icd_error("VUID-VkVideoBeginCodingInfoKHR-referenceSlotCount", "too many bound pictures");
    icd_cmd *c = &cb->cmd[cb->count++];
    c->type = CMD_BEGIN_CODING;
    c->u.begin.session = s;
    c->u.begin.params = p;
    read_rc(info->pNext, &c->u.begin.has_rc, &c->u.begin.rc, "vkCmdBeginVideoCodingKHR");
    c->u.begin.gop_remaining = gop && gop->useGopRemainingFrames;
    int n = 0;
    for (uint32_t i = 0; i < info->referenceSlotCount && i < ICD_MAX_SLOTS; i++) {
        const VkVideoReferenceSlotInfoKHR *r = &info->pReferenceSlots[i];
        if (r->sType != VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR)
            icd_error("VUID-VkVideoReferenceSlotInfoKHR-sType-sType", "wrong sType");
        if (r->slotIndex >= (int32_t)s->max_dpb_slots)
            icd_error("VUID-VkVideoBeginCodingInfoKHR-slotIndex-04856", "slot %d beyond the session's %u", r->slotIndex,
                      s->max_dpb_slots);
        for (int k = 0; k < n; k++)
            if (r->slotIndex >= 0 && c->u.begin.bound_slot[k] == r->slotIndex)
                icd_error("VUID-VkVideoBeginCodingInfoKHR-slotIndex-04856", "slot %d bound twice", r->slotIndex);
        if (!resolve_picture(r->pPictureResource, VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR, &c->u.begin.bound[n],
                             "bound reference picture"))
            continue;
        c->u.begin.bound_slot[n++] = r->slotIndex;
    }
    c->u.begin.bound_count = n;
    cb->in_scope = 1;
    cb->scope_session = s;
    cb->scope_bound_count = n;
    memcpy(cb->scope_bound_slot, c->u.begin.bound_slot, sizeof(cb->scope_bound_slot));
    memcpy(cb->scope_bound, c->u.begin.bound, sizeof(cb->scope_bound));
}

static VKAPI_ATTR void VKAPI_CALL CmdControlVideoCodingKHR(VkCommandBuffer cmd, const VkVideoCodingControlInfoKHR *info)
{
    icd_command_buffer *cb = recording(cmd, "vkCmdControlVideoCodingKHR");
    if (!cb)
        return;
    inside_scope(cb, "vkCmdControlVideoCodingKHR");
    if (info->sType != VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR)
        icd_error("VUID-VkVideoCodingControlInfoKHR-sType-sType", "wrong sType");
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR };
    icd_chain_check("VkVideoCodingControlInfoKHR", info->pNext, allowed, 3);
    icd_cmd *c = &cb->cmd[cb->count++];
    c->type = CMD_CONTROL;
    c->u.control.flags = info->flags;
    read_rc(info->pNext, &c->u.control.has_rc, &c->u.control.rc, "vkCmdControlVideoCodingKHR");
    const VkVideoEncodeQualityLevelInfoKHR *q = icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR);
    if ((info->flags & VK_VIDEO_CODING_CONTROL_ENCODE_RATE_CONTROL_BIT_KHR) && !c->u.control.has_rc)
        icd_error("VUID-VkVideoCodingControlInfoKHR-flags-07018", "rate control flag without VkVideoEncodeRateControlInfoKHR");
    if ((info->flags & VK_VIDEO_CODING_CONTROL_ENCODE_QUALITY_LEVEL_BIT_KHR) && !q)
        icd_error("VUID-VkVideoCodingControlInfoKHR-flags-08349", "quality level flag without VkVideoEncodeQualityLevelInfoKHR");
    if (q && q->qualityLevel >= icd_get_config()->caps.quality_levels)
        icd_error("VUID-VkVideoEncodeQualityLevelInfoKHR-qualityLevel-08311", "quality level %u of %u",
                  q->qualityLevel, icd_get_config()->caps.quality_levels);
    c->u.control.quality_level = q ? q->qualityLevel : 0;
    if (info->flags & ~7u)
        icd_error("VUID-VkVideoCodingControlInfoKHR-flags-parameter", "unknown flags 0x%x", info->flags);
}

static int bound_index(const icd_command_buffer *cb, int slot, const icd_picture *pic)
{
    for (int k = 0; k < cb->scope_bound_count; k++)
        if (same_picture(&cb->scope_bound[k], pic) && (cb->scope_bound_slot[k] == slot || cb->scope_bound_slot[k] < 0))
            return k;
    return -1;
}

static const StdVideoEncodeH264ReferenceInfo *dpb_info(const VkVideoReferenceSlotInfoKHR *r, const char *what)
{
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_DPB_SLOT_INFO_KHR };
    icd_chain_check(what, r->pNext, allowed, 1);
    const VkVideoEncodeH264DpbSlotInfoKHR *d = icd_chain_find(r->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_DPB_SLOT_INFO_KHR);
    if (!d || !d->pStdReferenceInfo) {
        icd_error("VUID-vkCmdEncodeVideoKHR-pNext-08226", "%s needs VkVideoEncodeH264DpbSlotInfoKHR", what);
        return NULL;
    }
    return d->pStdReferenceInfo;
}

static void record_references(icd_command_buffer *cb, const VkVideoEncodeInfoKHR *info, icd_encode *e)
{
    icd_session *s = cb->scope_session;
    e->setup_slot = -1;
    /* Without a setup slot RADV reconstructs into slot 0 anyway
     * (radv_video_enc.c, radv_enc_params), over whatever it holds. */
    if (s->max_dpb_slots && !info->pSetupReferenceSlot)
        icd_error("VUID-vkCmdEncodeVideoKHR-pEncodeInfo-08377",
                  "no pSetupReferenceSlot in a session with %u DPB slots", s->max_dpb_slots);
    if (info->pSetupReferenceSlot) {
        const VkVideoReferenceSlotInfoKHR *r = info->pSetupReferenceSlot;
        e->setup_slot = r->slotIndex;
        if (r->slotIndex < 0 || r->slotIndex >= (int32_t)s->max_dpb_slots)
            icd_error("VUID-vkCmdEncodeVideoKHR-pEncodeInfo-08213", "setup slot %d out of range", r->slotIndex);
        if (resolve_picture(r->pPictureResource, VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR, &e->setup, "setup picture") &&
            bound_index(cb, -1, &e->setup) < 0 && bound_index(cb, r->slotIndex, &e->setup) < 0)
            icd_error("VUID-vkCmdEncodeVideoKHR-pEncodeInfo-08214", "the setup picture is not bound to the scope");
        const StdVideoEncodeH264ReferenceInfo *ri = dpb_info(r, "pSetupReferenceSlot");
        if (ri)
            e->setup_info = *ri;
    }
    if (info->referenceSlotCount > s->max_refs)
        icd_error("VUID-vkCmdEncodeVideoKHR-activeReferencePictureCount-07150", "%u references, the session allows %u",
                  info->referenceSlotCount, s->max_refs);
    e->num_refs = (int)(info->referenceSlotCount < ICD_MAX_SLOTS ? info->referenceSlotCount : ICD_MAX_SLOTS);
    for (int i = 0; i < e->num_refs; i++) {
        const VkVideoReferenceSlotInfoKHR *r = &info->pReferenceSlots[i];
        e->ref_slot[i] = r->slotIndex;
        if (r->slotIndex < 0 || r->slotIndex == e->setup_slot)
            icd_error("VUID-vkCmdEncodeVideoKHR-slotIndex-08217", "reference slot %d (setup slot %d)", r->slotIndex,
                      e->setup_slot);
        if (resolve_picture(r->pPictureResource, VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR, &e->ref[i], "reference") &&
            bound_index(cb, r->slotIndex, &e->ref[i]) < 0)
            icd_error("VUID-vkCmdEncodeVideoKHR-pPictureResource-07266",
                      "reference slot %d's picture is not bound to the scope with that slot", r->slotIndex);
        const StdVideoEncodeH264ReferenceInfo *ri = dpb_info(r, "pReferenceSlots");
        if (ri)
            e->ref_info[i] = *ri;
    }
}

static void copy_mods(StdVideoEncodeH264RefListModEntry *dst, const StdVideoEncodeH264RefListModEntry *src,
                      uint8_t *count)
{
    if (*count > 32 || !src)
        *count = 0;
    else
        memcpy(dst, src, *count * sizeof(*dst));
}

/* Where slot is in the encode's reference slots, or -1. */
static int reference_index(const icd_encode *e, int slot)
{
    for (int k = 0; k < e->num_refs; k++)
        if (e->ref_slot[k] == slot)
            return k;
    return -1;
}

/* The caps' list sizes: the specification lets a driver override longer
 * lists (the note under VkVideoEncodeH264CapabilitiesKHR::
 * maxPPictureL0ReferenceCount), so what it encodes is then not what the
 * backend planned; a P or B picture needs a non-zero size for its kind. */
static void check_list_sizes(const icd_encode *e, int b)
{
    const icd_profile *c = &icd_get_config()->caps;
    uint32_t n0 = e->lists.num_ref_idx_l0_active_minus1 + 1u, n1 = e->lists.num_ref_idx_l1_active_minus1 + 1u;
    uint32_t max0 = b ? c->b_l0 : c->p_l0;
    if (n0 > max0)
        icd_error("test-icd-list-size", "%u list-0 entries in a %s picture, max%sPictureL0ReferenceCount is %u", n0,
                  b ? "B" : "P", b ? "B" : "P", max0);
    if (b && n1 > c->l1)
        icd_error("test-icd-list-size", "%u list-1 entries, maxL1ReferenceCount is %u", n1, c->l1);
}

/* Mesa 25's RADV programs the firmware with pReferenceSlots[0] as the
 * list-0 picture and [1] as the list-1 picture (radv_video_enc.c at
 * 02ed0edc, radv_enc_params_h264), whatever RefPicList0/1 say; a backend
 * that orders its reference slots otherwise gets a stream predicted from
 * the wrong pictures. Mesa 26.1 maps the list entries back to the slots
 * instead. The radv-mesa25-vcn3 profile's ICD says so when they differ. */
static void check_positions(const icd_encode *e, int b)
{
    if (!icd_get_config()->caps.refs_by_position)
        return;
    int n0 = e->lists.num_ref_idx_l0_active_minus1 + 1, n1 = b ? e->lists.num_ref_idx_l1_active_minus1 + 1 : 0;
    for (int i = 0; i < n0 + n1; i++) {
        int entry = i < n0 ? e->lists.RefPicList0[i] : e->lists.RefPicList1[i - n0];
        if (i >= e->num_refs || e->ref_slot[i] != entry)
            icd_error("radv-reference-position", "RefPicList%d[%d] is slot %d but pReferenceSlots[%d] is slot %d: "
                      "RADV reads the references by position", i < n0 ? 0 : 1, i < n0 ? i : i - n0, entry, i,
                      i < e->num_refs ? e->ref_slot[i] : -1);
    }
}

/* Every active list entry names one of this encode's reference slots, and
 * every reference slot is in a list. B slices: the CPU encoder codes them
 * as non-references with spatial direct prediction, list 0 before and list
 * 1 after the picture in display order. */
static void check_lists(const icd_encode *e)
{
    int b = e->slice.slice_type == STD_VIDEO_H264_SLICE_TYPE_B;
    int used[ICD_MAX_SLOTS] = { 0 };
    check_list_sizes(e, b);
    check_positions(e, b);
    for (int list = 0; list < 1 + b; list++) {
        const uint8_t *entries = list ? e->lists.RefPicList1 : e->lists.RefPicList0;
        int n = (list ? e->lists.num_ref_idx_l1_active_minus1 : e->lists.num_ref_idx_l0_active_minus1) + 1;
        for (int i = 0; i < n; i++) {
            int k = reference_index(e, entries[i]);
            if (k < 0) {
                icd_error("VUID-vkCmdEncodeVideoKHR-pNext-08339", "RefPicList%d[%d] = slot %d is not a reference slot",
                          list, i, entries[i]);
                continue;
            }
            used[k] = 1;
            int32_t poc = e->ref_info[k].PicOrderCnt, cur = e->pic.PicOrderCnt;
            if (b && (list ? poc <= cur : poc >= cur))
                icd_error("test-icd-b-order", "RefPicList%d[%d] has POC %d, the B picture %d: list 0 must be before "
                          "it and list 1 after it", list, i, poc, cur);
        }
    }
    for (int k = 0; k < e->num_refs; k++)
        if (!used[k])
            icd_error("test-icd-lists", "reference slot %d is in neither list", e->ref_slot[k]);
    if (b && (e->pic.flags.is_reference || !e->slice.flags.direct_spatial_mv_pred_flag))
        icd_error("test-icd-b-slice", "a B slice must be a non-reference with spatial direct prediction "
                  "(is_reference %u, direct_spatial_mv_pred_flag %u)", e->pic.flags.is_reference,
                  e->slice.flags.direct_spatial_mv_pred_flag);
}

static void record_h264(const VkVideoEncodeInfoKHR *info, icd_encode *e)
{
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PICTURE_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_INLINE_QUERY_INFO_KHR };
    icd_chain_check("VkVideoEncodeInfoKHR", info->pNext, allowed, 2);
    const VkVideoEncodeH264PictureInfoKHR *h = icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PICTURE_INFO_KHR);
    if (!h || !h->pStdPictureInfo || h->naluSliceEntryCount != 1 || !h->pNaluSliceEntries ||
        h->pNaluSliceEntries[0].sType != VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_NALU_SLICE_INFO_KHR ||
        !h->pNaluSliceEntries[0].pStdSliceHeader) {
        icd_error("VUID-vkCmdEncodeVideoKHR-pNext-08225",
                  "an H.264 encode needs VkVideoEncodeH264PictureInfoKHR with one slice (maxSliceCount 1)");
        return;
    }
    e->pic = *h->pStdPictureInfo;
    e->slice = *h->pNaluSliceEntries[0].pStdSliceHeader;
    e->constant_qp = h->pNaluSliceEntries[0].constantQp;
    if (e->slice.pWeightTable)
        icd_error("test-icd-weights", "weighted prediction is not supported");
    e->pic.pRefLists = NULL;
    int inter = e->slice.slice_type == STD_VIDEO_H264_SLICE_TYPE_P || e->slice.slice_type == STD_VIDEO_H264_SLICE_TYPE_B;
    if (!h->pStdPictureInfo->pRefLists) {
        if (inter)
            icd_error("VUID-vkCmdEncodeVideoKHR-pNext-08339", "a P or B slice needs pRefLists");
        return;
    }
    e->lists = *h->pStdPictureInfo->pRefLists;
    if (e->lists.refList0ModOpCount > 32 || e->lists.refList1ModOpCount > 32 || e->lists.refPicMarkingOpCount)
        icd_error("test-icd-lists", "unsupported list modification or marking operations");
    copy_mods(e->mods, e->lists.pRefList0ModOperations, &e->lists.refList0ModOpCount);
    copy_mods(e->mods_l1, e->lists.pRefList1ModOperations, &e->lists.refList1ModOpCount);
    e->lists.pRefList0ModOperations = e->mods;
    e->lists.pRefList1ModOperations = e->mods_l1;
    e->lists.pRefPicMarkingOperations = NULL;
    e->pic.pRefLists = &e->lists;
    if (inter)
        check_lists(e);
}

/* The encoder may read its input in whole encodeInputPictureGranularity
 * granules (ANV reports 32x32, anv_video.c). The specification's
 * description of the capability imposes no valid usage here, but leaves
 * the texels beyond the image within the last granules undefined, so the
 * last coded blocks would depend on undefined data; its note asks for a
 * padded image, as FFmpeg makes. Not a VUID: the double counts it so that
 * the backend keeps that padding. */
static void check_input_granules(const icd_picture *src)
{
    VkExtent2D g = icd_get_config()->caps.input_granularity;
    uint32_t w = (src->extent.width + g.width - 1) / g.width * g.width;
    uint32_t h = (src->extent.height + g.height - 1) / g.height * g.height;
    if (src->image->width < w || src->image->height < h)
        icd_error("test-icd-input-granularity", "a %ux%u source image for a %ux%u picture: the device reads %ux%u "
                  "granules, up to %ux%u", src->image->width, src->image->height, src->extent.width,
                  src->extent.height, g.width, g.height, w, h);
}

static VKAPI_ATTR void VKAPI_CALL CmdEncodeVideoKHR(VkCommandBuffer cmd, const VkVideoEncodeInfoKHR *info)
{
    icd_command_buffer *cb = recording(cmd, "vkCmdEncodeVideoKHR");
    if (!cb)
        return;
    inside_scope(cb, "vkCmdEncodeVideoKHR");
    if (!cb->in_scope)
        return;
    if (info->sType != VK_STRUCTURE_TYPE_VIDEO_ENCODE_INFO_KHR)
        icd_error("VUID-VkVideoEncodeInfoKHR-sType-sType", "wrong sType");
    icd_encode *e = calloc(1, sizeof(*e));
    if (!e)
        return;
    e->dst = icd_lookup(info->dstBuffer, ICD_BUFFER, "vkCmdEncodeVideoKHR dstBuffer");
    if (e->dst && !e->dst->memory)
        icd_error("VUID-vkCmdEncodeVideoKHR-dstBuffer-memory", "the bitstream buffer has no memory bound");
    if (e->dst && !(e->dst->usage & VK_BUFFER_USAGE_VIDEO_ENCODE_DST_BIT_KHR))
        icd_error("VUID-vkCmdEncodeVideoKHR-pEncodeInfo-08201", "the bitstream buffer lacks ENCODE_DST usage");
    if (e->dst && info->dstBufferOffset + info->dstBufferRange > e->dst->size)
        icd_error("VUID-VkVideoEncodeInfoKHR-dstBufferRange-08238", "range beyond the bitstream buffer");
    const icd_profile *caps = &icd_get_config()->caps;
    if (info->dstBufferOffset % caps->offset_alignment)
        icd_error("VUID-vkCmdEncodeVideoKHR-dstBufferOffset-07358", "dstBufferOffset %llu is not a multiple of "
                  "minBitstreamBufferOffsetAlignment %llu", (unsigned long long)info->dstBufferOffset,
                  (unsigned long long)caps->offset_alignment);
    if (info->dstBufferRange % caps->size_alignment)
        icd_error("VUID-vkCmdEncodeVideoKHR-dstBufferRange-07359", "dstBufferRange %llu is not a multiple of "
                  "minBitstreamBufferSizeAlignment %llu", (unsigned long long)info->dstBufferRange,
                  (unsigned long long)caps->size_alignment);
    e->offset = info->dstBufferOffset;
    e->range = info->dstBufferRange;
    if (resolve_picture(&info->srcPictureResource, VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR, &e->src,
                        "source picture"))
        check_input_granules(&e->src);
    record_references(cb, info, e);
    record_h264(info, e);
    icd_cmd *c = &cb->cmd[cb->count++];
    c->type = CMD_ENCODE;
    c->u.encode = e;
}

static VKAPI_ATTR void VKAPI_CALL CmdEndVideoCodingKHR(VkCommandBuffer cmd, const VkVideoEndCodingInfoKHR *info)
{
    icd_command_buffer *cb = recording(cmd, "vkCmdEndVideoCodingKHR");
    if (!cb)
        return;
    inside_scope(cb, "vkCmdEndVideoCodingKHR");
    if (info->sType != VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR)
        icd_error("VUID-VkVideoEndCodingInfoKHR-sType-sType", "wrong sType");
    if (cb->query_active)
        icd_error("VUID-vkCmdEndVideoCodingKHR-None-07251", "a query is still active");
    cb->in_scope = 0;
    cb->cmd[cb->count++].type = CMD_END_CODING;
}

/* ----------------------------------------------------------------- execution */

typedef struct exec_state {
    icd_session *session;
    icd_parameters *params;
    int bound_count;
    int bound_slot[ICD_MAX_SLOTS];
    icd_picture bound[ICD_MAX_SLOTS];
    icd_query_pool *query;
    uint32_t query_index;
    VkResult result; /* the first failure, which the submit returns */
} exec_state;

static void check_layout(const icd_picture *p, VkImageLayout want, const char *what)
{
    if (p->image && p->image->layout[p->layer] != want)
        icd_error("VUID-layout", "%s: layer %u is in layout %d, expected %d", what, p->layer,
                  (int)p->image->layout[p->layer], (int)want);
}

static void exec_copy(const icd_cmd *c)
{
    icd_image *img = c->u.copy.image;
    icd_buffer *buf = c->u.copy.buffer;
    if (!img->memory || !buf->memory)
        return;
    for (uint32_t i = 0; i < c->u.copy.count; i++) {
        const VkBufferImageCopy *r = &c->u.copy.region[i];
        uint32_t layer = r->imageSubresource.baseArrayLayer;
        if (img->layout[layer] != VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL && img->layout[layer] != VK_IMAGE_LAYOUT_GENERAL)
            icd_error("VUID-vkCmdCopyBufferToImage-dstImageLayout-00180", "the image is in layout %d",
                      (int)img->layout[layer]);
        int chroma = r->imageSubresource.aspectMask == VK_IMAGE_ASPECT_PLANE_1_BIT;
        uint32_t bpp = chroma ? 2 : 1; /* the chroma plane has two bytes per texel */
        uint32_t row = (r->bufferRowLength ? r->bufferRowLength : r->imageExtent.width) * bpp;
        uint8_t *plane = img->memory->data + img->offset + img->layer_size * layer +
                         (chroma ? (VkDeviceSize)img->width * img->height : 0);
        const uint8_t *src = buf->memory->data + buf->offset + r->bufferOffset;
        for (uint32_t y = 0; y < r->imageExtent.height; y++)
            memcpy(plane + (size_t)(r->imageOffset.y + y) * img->width + (size_t)r->imageOffset.x * bpp,
                   src + (size_t)y * row, (size_t)r->imageExtent.width * bpp);
    }
}

static int rc_equal(const icd_rc *a, const icd_rc *b)
{
    return a->mode == b->mode && a->layers == b->layers && a->average == b->average && a->peak == b->peak &&
           a->fps_num == b->fps_num && a->fps_den == b->fps_den && a->buffer_ms == b->buffer_ms &&
           a->initial_ms == b->initial_ms && a->h264_flags == b->h264_flags && a->gop_frames == b->gop_frames &&
           a->idr_period == b->idr_period && a->consecutive_b == b->consecutive_b;
}

static void exec_begin(exec_state *x, const icd_cmd *c)
{
    icd_session *s = c->u.begin.session;
    x->session = s;
    x->params = c->u.begin.params;
    x->bound_count = c->u.begin.bound_count;
    memcpy(x->bound_slot, c->u.begin.bound_slot, sizeof(x->bound_slot));
    memcpy(x->bound, c->u.begin.bound, sizeof(x->bound));
    for (int k = 0; k < x->bound_count; k++) {
        int slot = x->bound_slot[k];
        if (slot < 0)
            continue;
        if (!s->slot[slot].active)
            icd_error("VUID-vkCmdBeginVideoCodingKHR-slotIndex-07239", "slot %d is not active", slot);
        else if (!same_picture(&s->slot[slot].picture, &x->bound[k]))
            icd_error("VUID-vkCmdBeginVideoCodingKHR-pPictureResource-07265",
                      "slot %d is bound to another picture than the one it holds", slot);
    }
    /* The scope must restate the session's rate control, once it has one. */
    int session_default = !s->reset || s->rc.mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR;
    if (!session_default && (!c->u.begin.has_rc || !rc_equal(&c->u.begin.rc, &s->rc)))
        icd_error("VUID-vkCmdBeginVideoCodingKHR-pBeginInfo-08254",
                  "the scope's rate control does not match the session's current state");
    if (session_default && c->u.begin.has_rc && c->u.begin.rc.mode != VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR)
        icd_error("VUID-vkCmdBeginVideoCodingKHR-pBeginInfo-08253",
                  "the scope states a rate control the session does not have");
    icd_stats()->gop_remaining_scopes += c->u.begin.gop_remaining;
    int rate_controlled = s->reset && s->rc.mode != VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR &&
                          s->rc.mode != VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR;
    if (rate_controlled && icd_get_config()->caps.requires_gop_remaining && !c->u.begin.gop_remaining)
        icd_error("VUID-vkCmdBeginVideoCodingKHR-pBeginInfo-08255", "the device requires "
                  "VkVideoEncodeH264GopRemainingFrameInfoKHR with useGopRemainingFrames under rate control");
}

static void exec_control(exec_state *x, const icd_cmd *c)
{
    icd_session *s = x->session;
    hwenc_test_icd_stats *st = icd_stats();
    if (c->u.control.flags & VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR) {
        memset(s->slot, 0, sizeof(s->slot));
        memset(&s->rc, 0, sizeof(s->rc));
        s->quality_level = 0;
        s->reset = 1;
        st->resets++;
    } else if (!s->reset) {
        icd_error("VUID-vkCmdControlVideoCodingKHR-flags-07017", "the first control of a session must reset it");
    }
    if (c->u.control.flags & VK_VIDEO_CODING_CONTROL_ENCODE_RATE_CONTROL_BIT_KHR) {
        s->rc = c->u.control.rc;
        s->rc_fullness = 0;
        st->rate_control_changes++;
        st->last_rc_mode = (int)s->rc.mode;
        st->last_average_bitrate = s->rc.average;
        st->last_consecutive_b = (int)s->rc.consecutive_b;
        st->last_gop_frames = s->rc.gop_frames;
        st->last_idr_period = s->rc.idr_period;
        st->last_rc_flags = s->rc.h264_flags;
        if (s->rc.consecutive_b && !icd_profile_has_b(s->profile))
            icd_error("test-icd-b-caps", "%u consecutive B frames for a profile without B pictures",
                      s->rc.consecutive_b);
    }
    if (c->u.control.flags & VK_VIDEO_CODING_CONTROL_ENCODE_QUALITY_LEVEL_BIT_KHR) {
        s->quality_level = c->u.control.quality_level;
        st->quality_level = (int)s->quality_level;
    }
}

static void exec_encode(exec_state *x, const icd_encode *e)
{
    icd_session *s = x->session;
    if (!s->reset) {
        icd_error("VUID-vkCmdEncodeVideoKHR-None-07012", "the session was never reset");
        return;
    }
    if (!x->params) {
        icd_error("VUID-vkCmdEncodeVideoKHR-None-08318", "no session parameters are bound");
        return;
    }
    if (x->params->quality_level != s->quality_level)
        icd_error("VUID-vkCmdEncodeVideoKHR-None-08318",
                  "the parameters were made for quality level %u, the session uses %u", x->params->quality_level,
                  s->quality_level);
    check_layout(&e->src, VK_IMAGE_LAYOUT_VIDEO_ENCODE_SRC_KHR, "source picture");
    if (e->setup_slot >= 0)
        check_layout(&e->setup, VK_IMAGE_LAYOUT_VIDEO_ENCODE_DPB_KHR, "setup picture");
    int b = e->pic.primary_pic_type == STD_VIDEO_H264_PICTURE_TYPE_B || e->slice.slice_type == STD_VIDEO_H264_SLICE_TYPE_B;
    if (b && !icd_profile_has_b(s->profile))
        icd_error("test-icd-b-caps", "a B picture with profile_idc %d, for which maxBPictureL0ReferenceCount and "
                  "maxL1ReferenceCount are 0", (int)s->profile);
    for (int i = 0; i < e->num_refs; i++) {
        const icd_slot *slot = &s->slot[e->ref_slot[i]];
        check_layout(&e->ref[i], VK_IMAGE_LAYOUT_VIDEO_ENCODE_DPB_KHR, "reference picture");
        if (!slot->active)
            icd_error("VUID-vkCmdEncodeVideoKHR-slotIndex-07170", "reference slot %d is not active", e->ref_slot[i]);
        else if (slot->info.FrameNum != e->ref_info[i].FrameNum || slot->info.PicOrderCnt != e->ref_info[i].PicOrderCnt ||
                 slot->info.primary_pic_type != e->ref_info[i].primary_pic_type)
            icd_error("test-icd-dpb", "slot %d holds frame_num %u POC %d type %d, the encode says %u %d %d",
                      e->ref_slot[i], slot->info.FrameNum, slot->info.PicOrderCnt, (int)slot->info.primary_pic_type,
                      e->ref_info[i].FrameNum, e->ref_info[i].PicOrderCnt, (int)e->ref_info[i].primary_pic_type);
    }
    int disabled = s->rc.mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR;
    if (!disabled && e->constant_qp)
        icd_error("VUID-VkVideoEncodeH264NaluSliceInfoKHR-constantQp-08269", "constantQp %d with rate control on",
                  e->constant_qp);
    const icd_profile *caps = &icd_get_config()->caps;
    if (disabled && (e->constant_qp < caps->min_qp || e->constant_qp > caps->max_qp))
        icd_error("VUID-VkVideoEncodeH264NaluSliceInfoKHR-constantQp-08270", "constantQp %d outside %d..%d",
                  e->constant_qp, caps->min_qp, caps->max_qp);
    VkResult r = icd_encode_picture(s, x->params, e, x->query, x->query_index);
    if (r != VK_SUCCESS) {
        if (x->result == VK_SUCCESS)
            x->result = r;
        return;
    }
    if (e->setup_slot >= 0 && e->pic.flags.is_reference) {
        s->slot[e->setup_slot].active = 1;
        s->slot[e->setup_slot].picture = e->setup;
        s->slot[e->setup_slot].info = e->setup_info;
    } else if (e->setup_slot >= 0) {
        s->slot[e->setup_slot].active = 0;
    }
}

VkResult icd_execute(icd_device *dev, icd_queue *queue, icd_command_buffer *cb)
{
    (void)dev;
    exec_state x = { 0 };
    if (!cb->executable)
        icd_error("VUID-VkCommandBufferSubmitInfo-commandBuffer-03890", "the command buffer is not executable");
    if (cb->pool->family != queue->family)
        icd_error("VUID-vkQueueSubmit2-commandBuffer-03878", "a family %u command buffer on a family %u queue",
                  cb->pool->family, queue->family);
    for (int i = 0; i < cb->count; i++) {
        const icd_cmd *c = &cb->cmd[i];
        switch (c->type) {
        case CMD_BARRIER:
            for (uint32_t l = c->u.barrier.base; l < c->u.barrier.base + c->u.barrier.count && l < ICD_MAX_SLOTS; l++) {
                if (c->u.barrier.from != VK_IMAGE_LAYOUT_UNDEFINED && c->u.barrier.image->layout[l] != c->u.barrier.from)
                    icd_error("VUID-VkImageMemoryBarrier2-oldLayout-01197", "layer %u is in layout %d, not %d", l,
                              (int)c->u.barrier.image->layout[l], (int)c->u.barrier.from);
                c->u.barrier.image->layout[l] = c->u.barrier.to;
            }
            break;
        case CMD_COPY: exec_copy(c); break;
        case CMD_RESET_QUERY:
            for (uint32_t q = c->u.query.first; q < c->u.query.first + c->u.query.count; q++)
                c->u.query.pool->result[q].available = 0;
            break;
        case CMD_BEGIN_QUERY:
            if (c->u.query.pool->result[c->u.query.first].available)
                icd_error("VUID-vkCmdBeginQuery-None-00807", "the query was not reset");
            x.query = c->u.query.pool;
            x.query_index = c->u.query.first;
            break;
        case CMD_END_QUERY: x.query = NULL; break;
        case CMD_BEGIN_CODING: exec_begin(&x, c); break;
        case CMD_CONTROL: exec_control(&x, c); break;
        case CMD_ENCODE: exec_encode(&x, c->u.encode); break;
        case CMD_END_CODING: x.session = NULL; break;
        }
    }
    return x.result == VK_ERROR_OUT_OF_HOST_MEMORY ? x.result : VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit2(VkQueue q, uint32_t n, const VkSubmitInfo2 *submits, VkFence fence)
{
    icd_queue *queue = icd_lookup(q, ICD_QUEUE, "vkQueueSubmit2");
    if (!queue)
        return VK_ERROR_UNKNOWN;
    icd_device *dev = queue->obj.device;
    const icd_config *cfg = icd_get_config();
    if (!dev->sync2)
        icd_error("VUID-vkQueueSubmit2-synchronization2-03866", "synchronization2 is not enabled");
    if (dev->lost)
        return VK_ERROR_DEVICE_LOST;
    icd_fence *f = fence ? icd_lookup(fence, ICD_FENCE, "vkQueueSubmit2") : NULL;
    if (f && f->signaled)
        icd_error("VUID-vkQueueSubmit2-fence-04894", "the fence is already signalled");
    if (queue->family == 1) {
        int index = dev->encode_submissions++;
        if (index == cfg->lose_on_submit) {
            dev->lost = 1;
            return VK_ERROR_DEVICE_LOST;
        }
        if (index == cfg->lose_on_wait) {
            /* The work never finishes: the loss shows at the wait. */
            dev->lost = 1;
            return VK_SUCCESS;
        }
    } else {
        icd_stats()->transfer_submissions++;
    }
    for (uint32_t i = 0; i < n; i++) {
        const VkSubmitInfo2 *s = &submits[i];
        if (s->sType != VK_STRUCTURE_TYPE_SUBMIT_INFO_2)
            icd_error("VUID-VkSubmitInfo2-sType-sType", "wrong sType");
        for (uint32_t k = 0; k < s->waitSemaphoreInfoCount; k++) {
            icd_semaphore *sem = icd_lookup(s->pWaitSemaphoreInfos[k].semaphore, ICD_SEMAPHORE, "wait semaphore");
            if (sem && !sem->signaled)
                icd_error("VUID-vkQueueSubmit2-semaphore-03873", "waiting on a semaphore nothing signals");
            if (sem)
                sem->signaled = 0;
        }
        for (uint32_t k = 0; k < s->commandBufferInfoCount; k++) {
            icd_command_buffer *cb =
                icd_lookup(s->pCommandBufferInfos[k].commandBuffer, ICD_COMMAND_BUFFER, "vkQueueSubmit2");
            VkResult r = cb ? icd_execute(dev, queue, cb) : VK_SUCCESS;
            if (r != VK_SUCCESS)
                return r;
        }
        for (uint32_t k = 0; k < s->signalSemaphoreInfoCount; k++) {
            icd_semaphore *sem = icd_lookup(s->pSignalSemaphoreInfos[k].semaphore, ICD_SEMAPHORE, "signal semaphore");
            if (sem && sem->signaled)
                icd_error("VUID-vkQueueSubmit2-semaphore-03868", "signalling a signalled semaphore");
            if (sem)
                sem->signaled = 1;
        }
    }
    if (f)
        f->signaled = 1;
    return VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL WaitForFences(VkDevice device, uint32_t n, const VkFence *fences, VkBool32 all,
                                                    uint64_t timeout)
{
    (void)all;
    (void)timeout;
    icd_device *dev = icd_lookup(device, ICD_DEVICE, "vkWaitForFences");
    if (dev && dev->lost)
        return VK_ERROR_DEVICE_LOST;
    for (uint32_t i = 0; i < n; i++) {
        icd_fence *f = icd_lookup(fences[i], ICD_FENCE, "vkWaitForFences");
        if (f && !f->signaled)
            return VK_TIMEOUT; /* nothing will signal it: execution is synchronous */
    }
    return VK_SUCCESS;
}

#define PROC(name) { "vk" #name, (PFN_vkVoidFunction)name }

static const struct { const char *name; PFN_vkVoidFunction fn; } procs[] = {
    PROC(BeginCommandBuffer), PROC(EndCommandBuffer), PROC(ResetCommandBuffer), PROC(CmdPipelineBarrier2),
    PROC(CmdCopyBufferToImage), PROC(CmdResetQueryPool), PROC(CmdBeginQuery), PROC(CmdEndQuery),
    PROC(CmdBeginVideoCodingKHR), PROC(CmdControlVideoCodingKHR), PROC(CmdEncodeVideoKHR), PROC(CmdEndVideoCodingKHR),
    PROC(QueueSubmit2), PROC(WaitForFences),
};

PFN_vkVoidFunction icd_cmd_proc(const char *name)
{
    for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
        if (!strcmp(procs[i].name, name))
            return procs[i].fn;
    return NULL;
}

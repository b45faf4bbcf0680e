/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * One picture through Vulkan Video: the NV12 upload (staging buffer and a
 * copy, on the encode queue when it can copy, else on a transfer queue with
 * a semaphore), the barriers, the video coding scope (session reset, rate
 * control and quality level the first time; the encode with its setup and
 * reference DPB slots, inside an encode-feedback query), the fence wait,
 * and the packet: the driver's parameter sets before IDRs, then the range
 * the feedback query reports.
 */
#include <stdio.h>
#include <string.h>

#include "hw/vulkan/vk_backend.h"

#define FENCE_TIMEOUT_NS 10000000000ull

/* The picture in the staging buffer as NV12 of the source image's size
 * (the coded size in whole input granules); the edges are repeated into
 * the padding so the encoder reads no garbage there. */
static void fill_staging(vk_backend *b, const hal_picture *pic)
{
    uint8_t *y = b->staging.map;
    uint8_t *uv = y + (size_t)b->src_width * b->src_height;
    int cw = (int)b->src_width, ch = (int)b->src_height, w = b->width, h = b->height;
    const hal_input *in = &pic->input;
    int nv12 = in->plane[2] == NULL;
    for (int row = 0; row < ch; row++) {
        uint8_t *dst = y + (size_t)row * cw;
        memcpy(dst, in->plane[0] + (row < h ? row : h - 1) * in->stride[0], (size_t)w);
        memset(dst + w, dst[w - 1], (size_t)(cw - w));
    }
    for (int row = 0; row < ch / 2; row++) {
        int src = row < h / 2 ? row : h / 2 - 1;
        uint8_t *dst = uv + (size_t)row * cw;
        if (nv12) {
            memcpy(dst, in->plane[1] + src * in->stride[1], (size_t)w);
        } else {
            const uint8_t *u = in->plane[1] + src * in->stride[1], *v = in->plane[2] + src * in->stride[2];
            for (int x = 0; x < w / 2; x++) {
                dst[2 * x] = u[x];
                dst[2 * x + 1] = v[x];
            }
        }
        for (int x = w; x < cw; x += 2) {
            dst[x] = dst[w - 2];
            dst[x + 1] = dst[w - 1];
        }
    }
    vk_buffer_flush(&b->mem, &b->staging);
}

static void image_barrier(const vk_backend *b, VkCommandBuffer cmd, const vk_image *img, VkImageLayout from,
                          VkImageLayout to, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                          VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access)
{
    VkImageMemoryBarrier2 barrier = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
        .srcStageMask = src_stage,
        .srcAccessMask = src_access,
        .dstStageMask = dst_stage,
        .dstAccessMask = dst_access,
        .oldLayout = from,
        .newLayout = to,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = img->image,
        .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, img->layers },
    };
    VkDependencyInfo dep = {
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
        .imageMemoryBarrierCount = 1,
        .pImageMemoryBarriers = &barrier,
    };
    b->f.vkCmdPipelineBarrier2(cmd, &dep);
}

/* Copies the staging buffer into the source image, leaving it in the
 * transfer layout (same_queue: already in the encode-source layout). */
static void record_upload(vk_backend *b, VkCommandBuffer cmd, int same_queue)
{
    /* The previous picture's encode read the image: wait for it when it
     * ran on this queue (across queues, the host waited on its fence). */
    image_barrier(b, cmd, &b->src, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                  same_queue ? VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR : VK_PIPELINE_STAGE_2_NONE, 0,
                  VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
    VkBufferImageCopy regions[2] = {
        { .bufferOffset = 0,
          .imageSubresource = { VK_IMAGE_ASPECT_PLANE_0_BIT, 0, 0, 1 },
          .imageExtent = { b->src_width, b->src_height, 1 } },
        { .bufferOffset = (VkDeviceSize)b->src_width * b->src_height,
          .imageSubresource = { VK_IMAGE_ASPECT_PLANE_1_BIT, 0, 0, 1 },
          .imageExtent = { b->src_width / 2, b->src_height / 2, 1 } },
    };
    b->f.vkCmdCopyBufferToImage(cmd, b->staging.buffer, b->src.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 2,
                                regions);
    if (same_queue)
        image_barrier(b, cmd, &b->src, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_VIDEO_ENCODE_SRC_KHR,
                      VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR, VK_ACCESS_2_VIDEO_ENCODE_READ_BIT_KHR);
}

/* Everything vkCmdEncodeVideoKHR points at, alive until it is recorded. */
typedef struct encode_params {
    /* At most H264_MAX_REFS + 1 pictures: the references and the setup
     * picture of a P picture, or list 0 and list 1 of a B picture. */
    VkVideoPictureResourceInfoKHR src;
    VkVideoPictureResourceInfoKHR dpb[H264_MAX_REFS + 1];
    StdVideoEncodeH264ReferenceInfo std_refs[H264_MAX_REFS + 1];
    VkVideoEncodeH264DpbSlotInfoKHR dpb_info[H264_MAX_REFS + 1];
    VkVideoReferenceSlotInfoKHR refs[H264_MAX_REFS + 1];  /* for the encode */
    VkVideoReferenceSlotInfoKHR bound[H264_MAX_REFS + 1]; /* for the coding scope */
    VkVideoReferenceSlotInfoKHR setup;
    int num_refs, num_bound, setup_slot;
    StdVideoEncodeH264RefListModEntry mods[H264_MAX_REORDER_OPS];
    StdVideoEncodeH264RefListModEntry mods_l1[H264_MAX_REORDER_OPS];
    StdVideoEncodeH264ReferenceListsInfo lists;
    StdVideoEncodeH264PictureInfo std_pic;
    StdVideoEncodeH264SliceHeader std_slice;
    VkVideoEncodeH264NaluSliceInfoKHR slice;
    VkVideoEncodeH264PictureInfoKHR h264;
    VkVideoEncodeInfoKHR info;
} encode_params;

static StdVideoH264PictureType picture_type(enum hwenc_frame_type t)
{
    return t == HWENC_FRAME_IDR ? STD_VIDEO_H264_PICTURE_TYPE_IDR
           : t == HWENC_FRAME_P ? STD_VIDEO_H264_PICTURE_TYPE_P
           : t == HWENC_FRAME_B ? STD_VIDEO_H264_PICTURE_TYPE_B
                                : STD_VIDEO_H264_PICTURE_TYPE_I;
}

static void picture_resource(const vk_backend *b, VkVideoPictureResourceInfoKHR *r, const vk_image *img, int layer)
{
    *r = (VkVideoPictureResourceInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR,
        .codedExtent = { b->coded_width, b->coded_height },
        .baseArrayLayer = (uint32_t)layer,
        .imageViewBinding = img->view,
    };
}

/* A DPB slot with its H.264 reference information, entry i of p's arrays. */
static void dpb_slot(const vk_backend *b, encode_params *p, int i, int slot, enum hwenc_frame_type type,
                     int frame_num, int poc)
{
    picture_resource(b, &p->dpb[i], &b->dpb, slot);
    p->std_refs[i] = (StdVideoEncodeH264ReferenceInfo){
        .primary_pic_type = picture_type(type),
        .FrameNum = (uint32_t)frame_num,
        .PicOrderCnt = poc,
    };
    p->dpb_info[i] = (VkVideoEncodeH264DpbSlotInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_DPB_SLOT_INFO_KHR,
        .pStdReferenceInfo = &p->std_refs[i],
    };
}

/* The pictures the lists name, each once: list 0, then list 1 (a B
 * picture's lists hold different pictures: before it and after it). The
 * order matters: Mesa 25's RADV reads the references by their place here,
 * not by the lists (radv_video_enc.c, radv_enc_params_h264; Mesa 26.1 maps
 * the list entries back to the slots), and FFmpeg orders them the same way. */
static int named_references(const vk_backend *b, const hal_picture *pic, const hal_reference **named)
{
    int n = 0;
    for (int i = 0; b->max_refs && i < pic->num_refs; i++)
        named[n++] = &pic->refs[i];
    for (int i = 0; b->max_refs && pic->type == HWENC_FRAME_B && i < pic->num_refs_l1; i++)
        named[n++] = &pic->refs_l1[i];
    return n;
}

static void build_references(const vk_backend *b, const hal_picture *pic, encode_params *p)
{
    const hal_reference *named[2 * H264_MAX_REFS];
    p->num_refs = named_references(b, pic, named);
    for (int i = 0; i < p->num_refs; i++) {
        const hal_reference *r = named[i];
        int slot = vk_dpb_slot(&b->dpb_map, r->slot);
        dpb_slot(b, p, i, slot, b->dpb_map.type[slot], pic->h264.slot_frame_num[r->slot], r->poc);
        p->refs[i] = (VkVideoReferenceSlotInfoKHR){
            .sType = VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR,
            .pNext = &p->dpb_info[i],
            .slotIndex = slot,
            .pPictureResource = &p->dpb[i],
        };
        p->bound[i] = p->refs[i];
        p->bound[i].pNext = NULL;
    }
    p->num_bound = p->num_refs;
    if (p->setup_slot < 0)
        return;
    /* Every picture has a setup slot when the session has slots; a
     * non-reference picture's only loses what the slot held (FFmpeg does
     * the same: vulkan_encode.c). */
    int i = p->num_refs;
    dpb_slot(b, p, i, p->setup_slot, pic->type, pic->h264.slice.frame_num, pic->poc);
    p->setup = (VkVideoReferenceSlotInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR,
        .pNext = &p->dpb_info[i],
        .slotIndex = p->setup_slot,
        .pPictureResource = &p->dpb[i],
    };
    /* Bound to the scope without a slot: the encode activates it. */
    p->bound[i] = (VkVideoReferenceSlotInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR,
        .slotIndex = -1,
        .pPictureResource = &p->dpb[i],
    };
    p->num_bound++;
}

/* ref_pic_list_modification() of one list in std-video form. */
static uint8_t list_mods(const h264_ref_list_op *ops, int n, StdVideoEncodeH264RefListModEntry *mods)
{
    for (int i = 0; i < n; i++)
        mods[i] = (StdVideoEncodeH264RefListModEntry){
            .modification_of_pic_nums_idc = (StdVideoH264ModificationOfPicNumsIdc)ops[i].modification_of_pic_nums_idc,
            .abs_diff_pic_num_minus1 = (uint16_t)(ops[i].modification_of_pic_nums_idc < 2 ? ops[i].value : 0),
            .long_term_pic_num = (uint16_t)(ops[i].modification_of_pic_nums_idc == 2 ? ops[i].value : 0),
        };
    return (uint8_t)n;
}

/* The constant QP of a picture, 0 under the device's rate control. As the
 * CPU and VA-API backends: intra pictures a qscale ratio of 1.4 finer (3
 * QP), B pictures 1.3 coarser (2 QP), within the device's range. */
static int picture_qp(const vk_backend *b, const hal_picture *pic)
{
    if (b->rc_next.info.layerCount || !b->qp)
        return 0;
    int qp = b->qp;
    if (pic->type == HWENC_FRAME_IDR || pic->type == HWENC_FRAME_I)
        qp -= 3;
    else if (pic->type == HWENC_FRAME_B)
        qp += 2;
    int lo = b->caps.h264.minQp > 1 ? b->caps.h264.minQp : 1, hi = b->caps.h264.maxQp;
    return qp < lo ? lo : qp > hi ? hi : qp;
}

static void build_h264(const vk_backend *b, const hal_picture *pic, encode_params *p)
{
    const h264_slice_header *sh = &pic->h264.slice;
    int qp = picture_qp(b, pic);
    memset(p->lists.RefPicList0, STD_VIDEO_H264_NO_REFERENCE_PICTURE, sizeof(p->lists.RefPicList0));
    memset(p->lists.RefPicList1, STD_VIDEO_H264_NO_REFERENCE_PICTURE, sizeof(p->lists.RefPicList1));
    if (sh->slice_type == H264_SLICE_P || sh->slice_type == H264_SLICE_B) {
        p->lists.num_ref_idx_l0_active_minus1 = (uint8_t)(sh->num_ref_idx_l0_active - 1);
        for (int i = 0; i < pic->num_refs; i++)
            p->lists.RefPicList0[i] = (uint8_t)vk_dpb_slot(&b->dpb_map, pic->refs[i].slot);
        p->lists.refList0ModOpCount = list_mods(sh->ref_list_ops, sh->num_ref_list_ops, p->mods);
        p->lists.flags.ref_pic_list_modification_flag_l0 = p->lists.refList0ModOpCount > 0;
        p->lists.pRefList0ModOperations = p->lists.refList0ModOpCount ? p->mods : NULL;
    }
    if (sh->slice_type == H264_SLICE_B) {
        p->lists.num_ref_idx_l1_active_minus1 = (uint8_t)(sh->num_ref_idx_l1_active - 1);
        for (int i = 0; i < pic->num_refs_l1; i++)
            p->lists.RefPicList1[i] = (uint8_t)vk_dpb_slot(&b->dpb_map, pic->refs_l1[i].slot);
        p->lists.refList1ModOpCount = list_mods(sh->ref_list_ops_l1, sh->num_ref_list_ops_l1, p->mods_l1);
        p->lists.flags.ref_pic_list_modification_flag_l1 = p->lists.refList1ModOpCount > 0;
        p->lists.pRefList1ModOperations = p->lists.refList1ModOpCount ? p->mods_l1 : NULL;
    }
    p->std_pic = (StdVideoEncodeH264PictureInfo){
        .flags = { .IdrPicFlag = pic->type == HWENC_FRAME_IDR, .is_reference = sh->nal_ref_idc != 0,
                   .no_output_of_prior_pics_flag = (uint32_t)sh->no_output_of_prior_pics & 1,
                   .long_term_reference_flag = (uint32_t)sh->long_term_reference & 1 },
        .seq_parameter_set_id = b->std.sps.seq_parameter_set_id,
        .pic_parameter_set_id = b->std.pps.pic_parameter_set_id,
        .idr_pic_id = (uint16_t)sh->idr_pic_id,
        .primary_pic_type = picture_type(pic->type),
        .frame_num = (uint32_t)sh->frame_num,
        .PicOrderCnt = pic->poc,
        .pRefLists = &p->lists,
    };
    /* Against the PPS the driver encodes, which may not be ours. */
    int override = (sh->slice_type == H264_SLICE_P || sh->slice_type == H264_SLICE_B) &&
                   (sh->num_ref_idx_l0_active != b->driver_refs_l0 ||
                    (sh->slice_type == H264_SLICE_B && sh->num_ref_idx_l1_active != b->driver_refs_l1));
    p->std_slice = (StdVideoEncodeH264SliceHeader){
        .flags = { .direct_spatial_mv_pred_flag = (uint32_t)sh->direct_spatial_mv_pred & 1,
                   .num_ref_idx_active_override_flag = (uint32_t)override },
        .first_mb_in_slice = (uint32_t)sh->first_mb,
        .slice_type = (StdVideoH264SliceType)sh->slice_type,
        .slice_alpha_c0_offset_div2 = (int8_t)sh->slice_alpha_c0_offset_div2,
        .slice_beta_offset_div2 = (int8_t)sh->slice_beta_offset_div2,
        .slice_qp_delta = (int8_t)(qp ? qp - b->driver_pic_init_qp : 0),
        .cabac_init_idc = STD_VIDEO_H264_CABAC_INIT_IDC_0,
        .disable_deblocking_filter_idc = (StdVideoH264DisableDeblockingFilterIdc)sh->disable_deblocking_filter_idc,
    };
    p->slice = (VkVideoEncodeH264NaluSliceInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_NALU_SLICE_INFO_KHR,
        .constantQp = qp,
        .pStdSliceHeader = &p->std_slice,
    };
    p->h264 = (VkVideoEncodeH264PictureInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PICTURE_INFO_KHR,
        .naluSliceEntryCount = 1,
        .pNaluSliceEntries = &p->slice,
        .pStdPictureInfo = &p->std_pic,
    };
}

static void build_encode(const vk_backend *b, const hal_picture *pic, int setup, encode_params *p)
{
    memset(p, 0, sizeof(*p));
    p->setup_slot = setup;
    picture_resource(b, &p->src, &b->src, 0);
    build_references(b, pic, p);
    build_h264(b, pic, p);
    p->info = (VkVideoEncodeInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_INFO_KHR,
        .pNext = &p->h264,
        .dstBuffer = b->bitstream.buffer,
        .dstBufferOffset = 0,
        .dstBufferRange = b->bitstream.size,
        .srcPictureResource = p->src,
        .pSetupReferenceSlot = p->setup_slot >= 0 ? &p->setup : NULL,
        .referenceSlotCount = (uint32_t)p->num_refs,
        .pReferenceSlots = p->num_refs ? p->refs : NULL,
    };
}

/* Reset, rate control and quality level the first time; the new rate
 * control after a bitrate change. */
static void record_control(vk_backend *b, VkCommandBuffer cmd)
{
    VkVideoEncodeQualityLevelInfoKHR quality = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR,
        .qualityLevel = b->quality_level,
    };
    vk_rc_state rc = b->rc_next;
    vk_rc_link(&rc);
    VkVideoCodingControlInfoKHR control = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR,
        .pNext = &rc.info,
        .flags = VK_VIDEO_CODING_CONTROL_ENCODE_RATE_CONTROL_BIT_KHR,
    };
    if (!b->started) {
        control.flags |= VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR | VK_VIDEO_CODING_CONTROL_ENCODE_QUALITY_LEVEL_BIT_KHR;
        if (rc.info.layerCount)
            rc.h264.pNext = &quality;
        else
            rc.info.pNext = &quality;
    }
    b->f.vkCmdControlVideoCodingKHR(cmd, &control);
}

/* The pictures left in the GOP, this one included, for a rate control
 * that wants them (requires- or prefersGopRemainingFrames): one IDR at its
 * start, then P and B pictures in the proportion of the B runs. The GOP
 * is keyint pictures, or endless. */
static void gop_remaining(const vk_backend *b, const hal_picture *pic, VkVideoEncodeH264GopRemainingFrameInfoKHR *g)
{
    uint32_t coded = (uint32_t)(b->gop_coded > 0 ? b->gop_coded : 0);
    uint32_t left = b->keyint > 0 ? (coded < (uint32_t)b->keyint ? (uint32_t)b->keyint - coded : 1) : UINT32_MAX / 2;
    uint32_t idr = pic->type == HWENC_FRAME_IDR;
    uint32_t inter = left - idr;
    *g = (VkVideoEncodeH264GopRemainingFrameInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_GOP_REMAINING_FRAME_INFO_KHR,
        .useGopRemainingFrames = VK_TRUE,
        .gopRemainingI = idr,
        .gopRemainingB = (uint32_t)((uint64_t)inter * (uint32_t)b->bframes / ((uint32_t)b->bframes + 1)),
    };
    g->gopRemainingP = inter - g->gopRemainingB;
}

static int record_encode(vk_backend *b, const hal_picture *pic, int setup, int same_queue)
{
    const vk_funcs *f = &b->f;
    VkCommandBuffer cmd = b->encode_cmd;
    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    VkResult r = f->vkBeginCommandBuffer(cmd, &begin);
    if (r != VK_SUCCESS)
        return r;
    if (same_queue)
        record_upload(b, cmd, 1);
    else
        image_barrier(b, cmd, &b->src, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_VIDEO_ENCODE_SRC_KHR,
                      VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0, VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR,
                      VK_ACCESS_2_VIDEO_ENCODE_READ_BIT_KHR);
    if (b->dpb_map.slots) {
        /* The previous encode wrote the DPB that this one reads. */
        image_barrier(b, cmd, &b->dpb, b->dpb_ready ? VK_IMAGE_LAYOUT_VIDEO_ENCODE_DPB_KHR : VK_IMAGE_LAYOUT_UNDEFINED,
                      VK_IMAGE_LAYOUT_VIDEO_ENCODE_DPB_KHR, VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR,
                      b->dpb_ready ? VK_ACCESS_2_VIDEO_ENCODE_WRITE_BIT_KHR : 0, VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR,
                      VK_ACCESS_2_VIDEO_ENCODE_READ_BIT_KHR | VK_ACCESS_2_VIDEO_ENCODE_WRITE_BIT_KHR);
    }
    f->vkCmdResetQueryPool(cmd, b->query, 0, 1);

    encode_params p;
    build_encode(b, pic, setup, &p);
    /* Once the session has a rate-control state, every scope restates it. */
    vk_rc_state current = b->rc;
    vk_rc_link(&current);
    VkVideoEncodeH264GopRemainingFrameInfoKHR remaining;
    if (b->started && b->gop_remaining && current.info.layerCount) {
        gop_remaining(b, pic, &remaining);
        current.h264.pNext = &remaining;
    }
    VkVideoBeginCodingInfoKHR scope = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR,
        .pNext = b->started ? &current.info : NULL,
        .videoSession = b->session,
        .videoSessionParameters = b->params,
        .referenceSlotCount = (uint32_t)p.num_bound,
        .pReferenceSlots = p.num_bound ? p.bound : NULL,
    };
    f->vkCmdBeginVideoCodingKHR(cmd, &scope);
    if (!b->started || b->rc_pending)
        record_control(b, cmd);
    f->vkCmdBeginQuery(cmd, b->query, 0, 0);
    f->vkCmdEncodeVideoKHR(cmd, &p.info);
    f->vkCmdEndQuery(cmd, b->query, 0);
    VkVideoEndCodingInfoKHR end = { .sType = VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR };
    f->vkCmdEndVideoCodingKHR(cmd, &end);

    VkBufferMemoryBarrier2 to_host = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
        .srcStageMask = VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR,
        .srcAccessMask = VK_ACCESS_2_VIDEO_ENCODE_WRITE_BIT_KHR,
        .dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT,
        .dstAccessMask = VK_ACCESS_2_HOST_READ_BIT,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .buffer = b->bitstream.buffer,
        .size = VK_WHOLE_SIZE,
    };
    VkDependencyInfo dep = {
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
        .bufferMemoryBarrierCount = 1,
        .pBufferMemoryBarriers = &to_host,
    };
    f->vkCmdPipelineBarrier2(cmd, &dep);
    return f->vkEndCommandBuffer(cmd);
}

static int fail_vk(vk_backend *b, const hal_picture *pic, const char *call, VkResult r, char *err, size_t err_size)
{
    if (r == VK_ERROR_DEVICE_LOST) {
        b->lost = 1;
        snprintf(err, err_size,
                 "the Vulkan device was lost while encoding frame %lld (%s: VK_ERROR_DEVICE_LOST); the %lld packets "
                 "before it are complete",
                 (long long)pic->display_index, call, (long long)b->frames);
        return HWENC_EDEVICE_LOST;
    }
    snprintf(err, err_size, "Vulkan encode of frame %lld: %s failed (%s)", (long long)pic->display_index, call,
             vk_result_name(r));
    return r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY ? HWENC_ENOMEM : HWENC_EBACKEND;
}

static VkResult submit(vk_backend *b, VkQueue queue, VkCommandBuffer cmd, VkSemaphore wait, VkSemaphore signal,
                       VkFence fence)
{
    VkCommandBufferSubmitInfo cmd_info = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = cmd };
    VkSemaphoreSubmitInfo wait_info = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
        .semaphore = wait,
        .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
    };
    VkSemaphoreSubmitInfo signal_info = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
        .semaphore = signal,
        .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
    };
    VkSubmitInfo2 info = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
        .waitSemaphoreInfoCount = wait ? 1 : 0,
        .pWaitSemaphoreInfos = wait ? &wait_info : NULL,
        .commandBufferInfoCount = 1,
        .pCommandBufferInfos = &cmd_info,
        .signalSemaphoreInfoCount = signal ? 1 : 0,
        .pSignalSemaphoreInfos = signal ? &signal_info : NULL,
    };
    return b->f.vkQueueSubmit2(queue, 1, &info, fence);
}

static int upload_separately(vk_backend *b, const hal_picture *pic, char *err, size_t err_size)
{
    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    VkResult r = b->f.vkBeginCommandBuffer(b->upload_cmd, &begin);
    if (r == VK_SUCCESS) {
        record_upload(b, b->upload_cmd, 0);
        r = b->f.vkEndCommandBuffer(b->upload_cmd);
    }
    if (r != VK_SUCCESS)
        return fail_vk(b, pic, "recording the upload", r, err, err_size);
    if ((r = submit(b, b->upload_queue, b->upload_cmd, VK_NULL_HANDLE, b->uploaded, VK_NULL_HANDLE)) != VK_SUCCESS)
        return fail_vk(b, pic, "vkQueueSubmit2 (upload)", r, err, err_size);
    return 0;
}

static int read_packet(vk_backend *b, const hal_picture *pic, char *err, size_t err_size)
{
    /* Offset, bytes written, then the status, in the order of the bits. */
    uint32_t result[3] = { 0 };
    VkResult r = b->f.vkGetQueryPoolResults(b->device, b->query, 0, 1, sizeof(result), result, sizeof(result),
                                            VK_QUERY_RESULT_WITH_STATUS_BIT_KHR);
    if (r != VK_SUCCESS)
        return fail_vk(b, pic, "vkGetQueryPoolResults", r, err, err_size);
    int32_t status = (int32_t)result[2];
    if (status != VK_QUERY_RESULT_STATUS_COMPLETE_KHR) {
        snprintf(err, err_size, "Vulkan encode of frame %lld failed: query status %d%s", (long long)pic->display_index,
                 status,
                 status == VK_QUERY_RESULT_STATUS_INSUFFICIENT_BITSTREAM_BUFFER_RANGE_KHR
                     ? " (the bitstream buffer is too small)"
                     : "");
        return HWENC_EBACKEND;
    }
    uint64_t offset = result[0], size = result[1];
    if (size == 0 || offset + size > b->bitstream.size) {
        snprintf(err, err_size, "Vulkan encode of frame %lld reported %llu bytes at %llu in a %llu-byte buffer",
                 (long long)pic->display_index, (unsigned long long)size, (unsigned long long)offset,
                 (unsigned long long)b->bitstream.size);
        return HWENC_EBACKEND;
    }
    vk_buffer_invalidate(&b->mem, &b->bitstream);
    size_t pos = hal_mailbox_start(&b->mailbox, pic, b->out, b->headers, b->headers_size);
    memcpy(b->out + pos, b->bitstream.map + offset, (size_t)size);
    b->mailbox.pkt.size = pos + (size_t)size;
    b->mailbox.pkt.qp = b->rc.info.layerCount ? -1 : picture_qp(b, pic);
    return 0;
}

/* Every reference the picture names is in a session slot, and there is a
 * slot to reconstruct it into, *setup (-1: none, in an intra-only
 * session). Returns 0 or a negative hwenc_error. */
static int place_picture(const vk_backend *b, const hal_picture *pic, int *setup, char *err, size_t err_size)
{
    const hal_reference *named[2 * H264_MAX_REFS];
    int n = b->dpb_map.slots ? named_references(b, pic, named) : 0;
    for (int i = 0; i < n; i++)
        if (vk_dpb_slot(&b->dpb_map, named[i]->slot) < 0) {
            snprintf(err, err_size, "frame %lld references frame_num %d, which no DPB slot holds any more",
                     (long long)pic->display_index, pic->h264.slot_frame_num[named[i]->slot]);
            return HWENC_EBACKEND;
        }
    *setup = vk_dpb_setup_slot(&b->dpb_map, pic);
    if (b->dpb_map.slots && *setup < 0) {
        snprintf(err, err_size, "frame %lld: each of the session's %d DPB slots holds a reference still in use",
                 (long long)pic->display_index, b->dpb_map.slots);
        return HWENC_EBACKEND;
    }
    return 0;
}

int vk_encode_picture(vk_backend *b, const hal_picture *pic, char *err, size_t err_size)
{
    int setup, ret = place_picture(b, pic, &setup, err, err_size);
    if (ret < 0)
        return ret;
    int b_picture = pic->type == HWENC_FRAME_B;
    if ((b_picture && !b->bframes) || pic->num_refs + (b_picture ? pic->num_refs_l1 : 0) > b->max_active) {
        snprintf(err, err_size, "a %s picture with %d + %d references: the session takes %s and %d references",
                 b_picture ? "B" : "P or I", pic->num_refs, b_picture ? pic->num_refs_l1 : 0,
                 b->bframes ? "B pictures" : "no B pictures", b->max_active);
        return HWENC_EBACKEND;
    }
    int same_queue = b->caps.upload_family == b->caps.encode_family;
    fill_staging(b, pic);
    if (!same_queue && (ret = upload_separately(b, pic, err, err_size)) < 0)
        return ret;
    if (pic->type == HWENC_FRAME_IDR)
        b->gop_coded = 0;
    VkResult r = record_encode(b, pic, setup, same_queue);
    if (r != VK_SUCCESS)
        return fail_vk(b, pic, "recording the encode", r, err, err_size);
    if ((r = b->f.vkResetFences(b->device, 1, &b->fence)) != VK_SUCCESS)
        return fail_vk(b, pic, "vkResetFences", r, err, err_size);
    r = submit(b, b->encode_queue, b->encode_cmd, same_queue ? VK_NULL_HANDLE : b->uploaded, VK_NULL_HANDLE, b->fence);
    if (r != VK_SUCCESS)
        return fail_vk(b, pic, "vkQueueSubmit2", r, err, err_size);
    /* The session's state changed with the submission. */
    if (!b->started || b->rc_pending) {
        b->rc = b->rc_next;
        vk_rc_link(&b->rc);
        b->rc_pending = 0;
        b->started = 1;
    }
    b->dpb_ready = 1;
    b->gop_coded++;
    vk_dpb_commit(&b->dpb_map, pic, setup);
    r = b->f.vkWaitForFences(b->device, 1, &b->fence, VK_TRUE, FENCE_TIMEOUT_NS);
    if (r == VK_TIMEOUT) {
        snprintf(err, err_size, "Vulkan encode of frame %lld did not finish within 10 s", (long long)pic->display_index);
        return HWENC_EBACKEND;
    }
    if (r != VK_SUCCESS)
        return fail_vk(b, pic, "vkWaitForFences", r, err, err_size);
    return read_packet(b, pic, err, err_size);
}

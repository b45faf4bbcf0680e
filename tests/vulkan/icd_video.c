/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What the test device offers: the queue families (a transfer family and an
 * H.264 encode family) and the video, encode and H.264 encode capabilities
 * for the Constrained Baseline and Main profiles (what the CPU encoder core
 * codes; Main with B pictures), as the selected driver profile reports
 * them (icd_profile.c) with the refinements the environment selects.
 */
#include <stdio.h>
#include <string.h>

#include "tests/vulkan/icd.h"

enum { FAMILY_TRANSFER = 0, FAMILY_ENCODE = 1, FAMILIES = 2 };

void icd_fill_queue_families(uint32_t *count, VkQueueFamilyProperties2 *props)
{
    if (!props) {
        *count = FAMILIES;
        return;
    }
    if (*count > FAMILIES)
        *count = FAMILIES;
    for (uint32_t i = 0; i < *count; i++) {
        VkQueueFamilyProperties *q = &props[i].queueFamilyProperties;
        memset(q, 0, sizeof(*q));
        q->queueCount = 1;
        q->minImageTransferGranularity = (VkExtent3D){ 1, 1, 1 };
        q->queueFlags = i == FAMILY_TRANSFER ? VK_QUEUE_TRANSFER_BIT
                        : VK_QUEUE_VIDEO_ENCODE_BIT_KHR |
                              (icd_get_config()->encode_transfer ? VK_QUEUE_TRANSFER_BIT : 0);
        VkQueueFamilyVideoPropertiesKHR *video =
            (VkQueueFamilyVideoPropertiesKHR *)icd_chain_find(props[i].pNext, VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR);
        if (video)
            video->videoCodecOperations = i == FAMILY_ENCODE ? VK_VIDEO_CODEC_OPERATION_ENCODE_H264_BIT_KHR : 0;
        VkQueueFamilyQueryResultStatusPropertiesKHR *status = (VkQueueFamilyQueryResultStatusPropertiesKHR *)
            icd_chain_find(props[i].pNext, VK_STRUCTURE_TYPE_QUEUE_FAMILY_QUERY_RESULT_STATUS_PROPERTIES_KHR);
        if (status)
            status->queryResultStatusSupport = i == FAMILY_ENCODE;
    }
}

/* The profile must be well formed and be one this device encodes:
 * Constrained Baseline, and Main and High (CABAC, the 8x8 transform, B
 * slices) unless the device offers Baseline only. */
StdVideoH264ProfileIdc icd_check_profile(const VkVideoProfileInfoKHR *p, const char *what)
{
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PROFILE_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_USAGE_INFO_KHR };
    if (!p || p->sType != VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR) {
        icd_error("VUID-VkVideoProfileInfoKHR-sType-sType", "%s: missing or wrong video profile", what);
        return 0;
    }
    icd_chain_check(what, p->pNext, allowed, 2);
    const VkVideoEncodeH264ProfileInfoKHR *h264 =
        icd_chain_find(p->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PROFILE_INFO_KHR);
    if (p->videoCodecOperation == VK_VIDEO_CODEC_OPERATION_ENCODE_H264_BIT_KHR && !h264)
        icd_error("VUID-VkVideoProfileInfoKHR-videoCodecOperation-07181",
                  "%s: an H.264 encode profile needs VkVideoEncodeH264ProfileInfoKHR", what);
    if (p->videoCodecOperation != VK_VIDEO_CODEC_OPERATION_ENCODE_H264_BIT_KHR ||
        p->chromaSubsampling != VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR ||
        p->lumaBitDepth != VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR ||
        p->chromaBitDepth != VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR || !h264)
        return 0;
    int main_offered = icd_get_config()->b_support != ICD_B_NO_MAIN;
    if (h264->stdProfileIdc == STD_VIDEO_H264_PROFILE_IDC_BASELINE ||
        ((h264->stdProfileIdc == STD_VIDEO_H264_PROFILE_IDC_MAIN || h264->stdProfileIdc == STD_VIDEO_H264_PROFILE_IDC_HIGH) &&
         main_offered))
        return h264->stdProfileIdc;
    return 0;
}

int icd_profile_has_b(StdVideoH264ProfileIdc profile)
{
    const icd_profile *c = &icd_get_config()->caps;
    return (profile == STD_VIDEO_H264_PROFILE_IDC_MAIN || profile == STD_VIDEO_H264_PROFILE_IDC_HIGH) && c->b_l0 > 0 &&
           c->l1 > 0;
}

static void fill_encode_caps(VkVideoEncodeCapabilitiesKHR *encode, const icd_profile *c)
{
    encode->flags = 0;
    encode->rateControlModes = c->rc_modes;
    encode->maxRateControlLayers = c->max_rc_layers;
    encode->maxBitrate = c->max_bitrate;
    encode->maxQualityLevels = c->quality_levels;
    encode->encodeInputPictureGranularity = c->input_granularity;
    encode->supportedEncodeFeedbackFlags = c->feedback;
}

static void fill_h264_caps(VkVideoEncodeH264CapabilitiesKHR *h264, const icd_profile *c, int b)
{
    h264->flags = c->h264_flags;
    h264->maxLevelIdc = c->max_level;
    h264->maxSliceCount = c->max_slices;
    h264->maxPPictureL0ReferenceCount = c->p_l0;
    h264->maxBPictureL0ReferenceCount = b ? c->b_l0 : 0;
    h264->maxL1ReferenceCount = b ? c->l1 : 0;
    h264->maxTemporalLayerCount = c->temporal_layers;
    h264->expectDyadicTemporalLayerPattern = VK_FALSE;
    h264->minQp = c->min_qp;
    h264->maxQp = c->max_qp;
    h264->prefersGopRemainingFrames = c->requires_gop_remaining;
    h264->requiresGopRemainingFrames = c->requires_gop_remaining;
    h264->stdSyntaxFlags = c->std_syntax;
}

VkResult icd_video_capabilities(VkPhysicalDevice dev, const VkVideoProfileInfoKHR *profile, VkVideoCapabilitiesKHR *caps)
{
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_CAPABILITIES_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_CAPABILITIES_KHR };
    const icd_profile *c = &icd_get_config()->caps;
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceVideoCapabilitiesKHR");
    if (caps->sType != VK_STRUCTURE_TYPE_VIDEO_CAPABILITIES_KHR)
        icd_error("VUID-VkVideoCapabilitiesKHR-sType-sType", "vkGetPhysicalDeviceVideoCapabilitiesKHR: wrong sType");
    icd_chain_check("VkVideoCapabilitiesKHR", caps->pNext, allowed, 2);
    VkVideoEncodeCapabilitiesKHR *encode =
        (VkVideoEncodeCapabilitiesKHR *)icd_chain_find(caps->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_CAPABILITIES_KHR);
    VkVideoEncodeH264CapabilitiesKHR *h264 = (VkVideoEncodeH264CapabilitiesKHR *)icd_chain_find(
        caps->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_CAPABILITIES_KHR);
    if (!encode || !h264)
        icd_error("VUID-vkGetPhysicalDeviceVideoCapabilitiesKHR-pVideoProfile-07186",
                  "an H.264 encode profile needs VkVideoEncodeCapabilitiesKHR and VkVideoEncodeH264CapabilitiesKHR");
    StdVideoH264ProfileIdc profile_idc = icd_check_profile(profile, "vkGetPhysicalDeviceVideoCapabilitiesKHR");
    if (!profile_idc)
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    caps->flags = c->flags;
    caps->minBitstreamBufferOffsetAlignment = c->offset_alignment;
    caps->minBitstreamBufferSizeAlignment = c->size_alignment;
    caps->pictureAccessGranularity = c->access_granularity;
    caps->minCodedExtent = c->min_extent;
    caps->maxCodedExtent = c->max_extent;
    caps->maxDpbSlots = c->max_dpb_slots;
    caps->maxActiveReferencePictures = c->max_active_refs;
    snprintf(caps->stdHeaderVersion.extensionName, sizeof(caps->stdHeaderVersion.extensionName), "%s",
             VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_EXTENSION_NAME);
    caps->stdHeaderVersion.specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_SPEC_VERSION;
    if (encode)
        fill_encode_caps(encode, c);
    if (h264)
        fill_h264_caps(h264, c, icd_profile_has_b(profile_idc));
    return VK_SUCCESS;
}

/* The usage an NV12 image may have for the profile: what the format
 * properties report (the image usage and create flags an image made with
 * the profile may use, VUID-VkImageCreateInfo-pNext-06811). */
VkImageUsageFlags icd_format_usage(void)
{
    VkImageUsageFlags usage = VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR | VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR |
                              VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    if (icd_get_config()->src_no_transfer_dst)
        usage &= ~(VkImageUsageFlags)VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    return usage;
}

VkResult icd_video_formats(VkPhysicalDevice dev, const VkPhysicalDeviceVideoFormatInfoKHR *info, uint32_t *count,
                           VkVideoFormatPropertiesKHR *props)
{
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceVideoFormatPropertiesKHR");
    if (info->sType != VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_FORMAT_INFO_KHR)
        icd_error("VUID-VkPhysicalDeviceVideoFormatInfoKHR-sType-sType", "wrong sType");
    const VkVideoProfileListInfoKHR *list = icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR);
    if (!list || list->profileCount != 1 || !icd_check_profile(list->pProfiles, "video format query"))
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    const VkImageUsageFlags video = VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR | VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR;
    if (!(info->imageUsage & video) || (info->imageUsage & ~(video | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                                                             VK_IMAGE_USAGE_TRANSFER_SRC_BIT)))
        return VK_ERROR_IMAGE_USAGE_NOT_SUPPORTED_KHR;
    if (!props) {
        *count = 1;
        return VK_SUCCESS;
    }
    if (*count < 1)
        return VK_INCOMPLETE;
    *count = 1;
    if (props[0].sType != VK_STRUCTURE_TYPE_VIDEO_FORMAT_PROPERTIES_KHR)
        icd_error("VUID-VkVideoFormatPropertiesKHR-sType-sType", "wrong sType");
    props[0].format = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM;
    props[0].componentMapping = (VkComponentMapping){ 0 };
    props[0].imageCreateFlags = 0;
    props[0].imageType = VK_IMAGE_TYPE_2D;
    props[0].imageTiling = VK_IMAGE_TILING_OPTIMAL;
    props[0].imageUsageFlags = icd_format_usage();
    return VK_SUCCESS;
}

VkResult icd_quality_level_properties(VkPhysicalDevice dev, const VkPhysicalDeviceVideoEncodeQualityLevelInfoKHR *info,
                                      VkVideoEncodeQualityLevelPropertiesKHR *props)
{
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_QUALITY_LEVEL_PROPERTIES_KHR };
    const icd_profile *c = &icd_get_config()->caps;
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceVideoEncodeQualityLevelPropertiesKHR");
    if (info->sType != VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR ||
        props->sType != VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_PROPERTIES_KHR)
        icd_error("VUID-sType-sType", "vkGetPhysicalDeviceVideoEncodeQualityLevelPropertiesKHR: wrong sType");
    icd_chain_check("VkVideoEncodeQualityLevelPropertiesKHR", props->pNext, allowed, 1);
    StdVideoH264ProfileIdc profile_idc = icd_check_profile(info->pVideoProfile, "quality level query");
    if (!profile_idc)
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    int b = icd_profile_has_b(profile_idc);
    if (info->qualityLevel >= c->quality_levels)
        icd_error("VUID-VkPhysicalDeviceVideoEncodeQualityLevelInfoKHR-qualityLevel-08260",
                  "quality level %u is not below maxQualityLevels %u", info->qualityLevel, c->quality_levels);
    props->preferredRateControlMode = c->preferred_rc;
    props->preferredRateControlLayerCount = c->preferred_rc > VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR;
    VkVideoEncodeH264QualityLevelPropertiesKHR *h264 = (VkVideoEncodeH264QualityLevelPropertiesKHR *)icd_chain_find(
        props->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_QUALITY_LEVEL_PROPERTIES_KHR);
    if (h264) {
        h264->preferredRateControlFlags = c->preferred_flags;
        h264->preferredGopFrameCount = c->preferred_gop;
        h264->preferredIdrPeriod = c->preferred_gop;
        h264->preferredConsecutiveBFrameCount = b ? c->preferred_b : 0;
        h264->preferredTemporalLayerCount = 1;
        h264->preferredConstantQp = (VkVideoEncodeH264QpKHR){ c->preferred_qp, c->preferred_qp, c->preferred_qp };
        h264->preferredMaxL0ReferenceCount = 1;
        h264->preferredMaxL1ReferenceCount = b ? 1 : 0;
        h264->preferredStdEntropyCodingModeFlag = c->preferred_cabac;
    }
    return VK_SUCCESS;
}

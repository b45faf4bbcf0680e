/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Compile-time proof that the encode declarations in vk_video_encode.h have
 * the layout of the Vulkan specification, so a driver reads what we write.
 *
 * The expected numbers were worked out by hand from the member lists in the
 * specification (and the std-video H.264 encode 1.0.0 header it
 * references) with the x86-64 System V rules: VkStructureType, enums,
 * VkFlags, VkBool32 and bit-field words are 4 bytes; pointers, handles,
 * VkDeviceSize and uint64_t are 8 bytes, aligned to 8; VkExtent2D and
 * VkOffset2D are 8 bytes aligned to 4. They are not taken from the
 * compiler, so a wrong member type or order in the header fails the build.
 * With 1.3.274+ headers the same checks hold for the official declarations.
 */
#include <stddef.h>

#include "hw/vulkan/vk_video_encode.h"

#if defined(__x86_64__) && defined(__LP64__)

#define CHECK_SIZE(type, size) _Static_assert(sizeof(type) == (size), "size of " #type)
#define CHECK_OFFSET(type, member, off) \
    _Static_assert(offsetof(type, member) == (off), "offset of " #type "." #member)

/* std-video H.264 encode 1.0.0 */
CHECK_SIZE(StdVideoEncodeH264WeightTableFlags, 16);
CHECK_SIZE(StdVideoEncodeH264WeightTable, 404);
CHECK_OFFSET(StdVideoEncodeH264WeightTable, luma_log2_weight_denom, 16);
CHECK_OFFSET(StdVideoEncodeH264WeightTable, luma_weight_l0, 18);
CHECK_OFFSET(StdVideoEncodeH264WeightTable, chroma_weight_l0, 82);
CHECK_OFFSET(StdVideoEncodeH264WeightTable, chroma_offset_l1, 338);
CHECK_SIZE(StdVideoEncodeH264SliceHeaderFlags, 4);
CHECK_SIZE(StdVideoEncodeH264PictureInfoFlags, 4);
CHECK_SIZE(StdVideoEncodeH264ReferenceInfoFlags, 4);
CHECK_SIZE(StdVideoEncodeH264ReferenceListsInfoFlags, 4);
CHECK_SIZE(StdVideoEncodeH264RefListModEntry, 8);
CHECK_OFFSET(StdVideoEncodeH264RefListModEntry, abs_diff_pic_num_minus1, 4);
CHECK_OFFSET(StdVideoEncodeH264RefListModEntry, long_term_pic_num, 6);
CHECK_SIZE(StdVideoEncodeH264RefPicMarkingEntry, 12);
CHECK_OFFSET(StdVideoEncodeH264RefPicMarkingEntry, max_long_term_frame_idx_plus1, 10);
CHECK_SIZE(StdVideoEncodeH264ReferenceListsInfo, 104);
CHECK_OFFSET(StdVideoEncodeH264ReferenceListsInfo, num_ref_idx_l0_active_minus1, 4);
CHECK_OFFSET(StdVideoEncodeH264ReferenceListsInfo, RefPicList0, 6);
CHECK_OFFSET(StdVideoEncodeH264ReferenceListsInfo, RefPicList1, 38);
CHECK_OFFSET(StdVideoEncodeH264ReferenceListsInfo, refList0ModOpCount, 70);
CHECK_OFFSET(StdVideoEncodeH264ReferenceListsInfo, refPicMarkingOpCount, 72);
CHECK_OFFSET(StdVideoEncodeH264ReferenceListsInfo, pRefList0ModOperations, 80);
CHECK_OFFSET(StdVideoEncodeH264ReferenceListsInfo, pRefPicMarkingOperations, 96);
CHECK_SIZE(StdVideoEncodeH264PictureInfo, 32);
CHECK_OFFSET(StdVideoEncodeH264PictureInfo, seq_parameter_set_id, 4);
CHECK_OFFSET(StdVideoEncodeH264PictureInfo, idr_pic_id, 6);
CHECK_OFFSET(StdVideoEncodeH264PictureInfo, primary_pic_type, 8);
CHECK_OFFSET(StdVideoEncodeH264PictureInfo, frame_num, 12);
CHECK_OFFSET(StdVideoEncodeH264PictureInfo, PicOrderCnt, 16);
CHECK_OFFSET(StdVideoEncodeH264PictureInfo, temporal_id, 20);
CHECK_OFFSET(StdVideoEncodeH264PictureInfo, pRefLists, 24);
CHECK_SIZE(StdVideoEncodeH264ReferenceInfo, 24);
CHECK_OFFSET(StdVideoEncodeH264ReferenceInfo, FrameNum, 8);
CHECK_OFFSET(StdVideoEncodeH264ReferenceInfo, PicOrderCnt, 12);
CHECK_OFFSET(StdVideoEncodeH264ReferenceInfo, long_term_frame_idx, 18);
CHECK_OFFSET(StdVideoEncodeH264ReferenceInfo, temporal_id, 20);
CHECK_SIZE(StdVideoEncodeH264SliceHeader, 32);
CHECK_OFFSET(StdVideoEncodeH264SliceHeader, first_mb_in_slice, 4);
CHECK_OFFSET(StdVideoEncodeH264SliceHeader, slice_type, 8);
CHECK_OFFSET(StdVideoEncodeH264SliceHeader, slice_alpha_c0_offset_div2, 12);
CHECK_OFFSET(StdVideoEncodeH264SliceHeader, slice_qp_delta, 14);
CHECK_OFFSET(StdVideoEncodeH264SliceHeader, cabac_init_idc, 16);
CHECK_OFFSET(StdVideoEncodeH264SliceHeader, disable_deblocking_filter_idc, 20);
CHECK_OFFSET(StdVideoEncodeH264SliceHeader, pWeightTable, 24);

/* VK_KHR_video_encode_queue */
CHECK_SIZE(VkVideoEncodeInfoKHR, 128);
CHECK_OFFSET(VkVideoEncodeInfoKHR, flags, 16);
CHECK_OFFSET(VkVideoEncodeInfoKHR, dstBuffer, 24);
CHECK_OFFSET(VkVideoEncodeInfoKHR, dstBufferOffset, 32);
CHECK_OFFSET(VkVideoEncodeInfoKHR, dstBufferRange, 40);
CHECK_OFFSET(VkVideoEncodeInfoKHR, srcPictureResource, 48);
CHECK_OFFSET(VkVideoEncodeInfoKHR, pSetupReferenceSlot, 96);
CHECK_OFFSET(VkVideoEncodeInfoKHR, referenceSlotCount, 104);
CHECK_OFFSET(VkVideoEncodeInfoKHR, pReferenceSlots, 112);
CHECK_OFFSET(VkVideoEncodeInfoKHR, precedingExternallyEncodedBytes, 120);
CHECK_SIZE(VkVideoEncodeCapabilitiesKHR, 56);
CHECK_OFFSET(VkVideoEncodeCapabilitiesKHR, rateControlModes, 20);
CHECK_OFFSET(VkVideoEncodeCapabilitiesKHR, maxRateControlLayers, 24);
CHECK_OFFSET(VkVideoEncodeCapabilitiesKHR, maxBitrate, 32);
CHECK_OFFSET(VkVideoEncodeCapabilitiesKHR, maxQualityLevels, 40);
CHECK_OFFSET(VkVideoEncodeCapabilitiesKHR, encodeInputPictureGranularity, 44);
CHECK_OFFSET(VkVideoEncodeCapabilitiesKHR, supportedEncodeFeedbackFlags, 52);
CHECK_SIZE(VkQueryPoolVideoEncodeFeedbackCreateInfoKHR, 24);
CHECK_OFFSET(VkQueryPoolVideoEncodeFeedbackCreateInfoKHR, encodeFeedbackFlags, 16);
CHECK_SIZE(VkVideoEncodeUsageInfoKHR, 32);
CHECK_OFFSET(VkVideoEncodeUsageInfoKHR, videoContentHints, 20);
CHECK_OFFSET(VkVideoEncodeUsageInfoKHR, tuningMode, 24);
CHECK_SIZE(VkVideoEncodeRateControlLayerInfoKHR, 40);
CHECK_OFFSET(VkVideoEncodeRateControlLayerInfoKHR, averageBitrate, 16);
CHECK_OFFSET(VkVideoEncodeRateControlLayerInfoKHR, maxBitrate, 24);
CHECK_OFFSET(VkVideoEncodeRateControlLayerInfoKHR, frameRateNumerator, 32);
CHECK_OFFSET(VkVideoEncodeRateControlLayerInfoKHR, frameRateDenominator, 36);
CHECK_SIZE(VkVideoEncodeRateControlInfoKHR, 48);
CHECK_OFFSET(VkVideoEncodeRateControlInfoKHR, rateControlMode, 20);
CHECK_OFFSET(VkVideoEncodeRateControlInfoKHR, layerCount, 24);
CHECK_OFFSET(VkVideoEncodeRateControlInfoKHR, pLayers, 32);
CHECK_OFFSET(VkVideoEncodeRateControlInfoKHR, virtualBufferSizeInMs, 40);
CHECK_OFFSET(VkVideoEncodeRateControlInfoKHR, initialVirtualBufferSizeInMs, 44);
CHECK_SIZE(VkPhysicalDeviceVideoEncodeQualityLevelInfoKHR, 32);
CHECK_OFFSET(VkPhysicalDeviceVideoEncodeQualityLevelInfoKHR, pVideoProfile, 16);
CHECK_OFFSET(VkPhysicalDeviceVideoEncodeQualityLevelInfoKHR, qualityLevel, 24);
CHECK_SIZE(VkVideoEncodeQualityLevelPropertiesKHR, 24);
CHECK_OFFSET(VkVideoEncodeQualityLevelPropertiesKHR, preferredRateControlLayerCount, 20);
CHECK_SIZE(VkVideoEncodeQualityLevelInfoKHR, 24);
CHECK_OFFSET(VkVideoEncodeQualityLevelInfoKHR, qualityLevel, 16);
CHECK_SIZE(VkVideoEncodeSessionParametersGetInfoKHR, 24);
CHECK_OFFSET(VkVideoEncodeSessionParametersGetInfoKHR, videoSessionParameters, 16);
CHECK_SIZE(VkVideoEncodeSessionParametersFeedbackInfoKHR, 24);
CHECK_OFFSET(VkVideoEncodeSessionParametersFeedbackInfoKHR, hasOverrides, 16);

/* VK_KHR_video_encode_h264 */
CHECK_SIZE(VkVideoEncodeH264CapabilitiesKHR, 72);
CHECK_OFFSET(VkVideoEncodeH264CapabilitiesKHR, maxLevelIdc, 20);
CHECK_OFFSET(VkVideoEncodeH264CapabilitiesKHR, maxPPictureL0ReferenceCount, 28);
CHECK_OFFSET(VkVideoEncodeH264CapabilitiesKHR, maxTemporalLayerCount, 40);
CHECK_OFFSET(VkVideoEncodeH264CapabilitiesKHR, minQp, 48);
CHECK_OFFSET(VkVideoEncodeH264CapabilitiesKHR, maxQp, 52);
CHECK_OFFSET(VkVideoEncodeH264CapabilitiesKHR, requiresGopRemainingFrames, 60);
CHECK_OFFSET(VkVideoEncodeH264CapabilitiesKHR, stdSyntaxFlags, 64);
CHECK_SIZE(VkVideoEncodeH264QpKHR, 12);
CHECK_SIZE(VkVideoEncodeH264QualityLevelPropertiesKHR, 64);
CHECK_OFFSET(VkVideoEncodeH264QualityLevelPropertiesKHR, preferredConstantQp, 36);
CHECK_OFFSET(VkVideoEncodeH264QualityLevelPropertiesKHR, preferredMaxL0ReferenceCount, 48);
CHECK_OFFSET(VkVideoEncodeH264QualityLevelPropertiesKHR, preferredStdEntropyCodingModeFlag, 56);
CHECK_SIZE(VkVideoEncodeH264SessionCreateInfoKHR, 24);
CHECK_OFFSET(VkVideoEncodeH264SessionCreateInfoKHR, maxLevelIdc, 20);
CHECK_SIZE(VkVideoEncodeH264SessionParametersAddInfoKHR, 48);
CHECK_OFFSET(VkVideoEncodeH264SessionParametersAddInfoKHR, pStdSPSs, 24);
CHECK_OFFSET(VkVideoEncodeH264SessionParametersAddInfoKHR, stdPPSCount, 32);
CHECK_OFFSET(VkVideoEncodeH264SessionParametersAddInfoKHR, pStdPPSs, 40);
CHECK_SIZE(VkVideoEncodeH264SessionParametersCreateInfoKHR, 32);
CHECK_OFFSET(VkVideoEncodeH264SessionParametersCreateInfoKHR, pParametersAddInfo, 24);
CHECK_SIZE(VkVideoEncodeH264SessionParametersGetInfoKHR, 32);
CHECK_OFFSET(VkVideoEncodeH264SessionParametersGetInfoKHR, stdPPSId, 28);
CHECK_SIZE(VkVideoEncodeH264SessionParametersFeedbackInfoKHR, 24);
CHECK_OFFSET(VkVideoEncodeH264SessionParametersFeedbackInfoKHR, hasStdPPSOverrides, 20);
CHECK_SIZE(VkVideoEncodeH264NaluSliceInfoKHR, 32);
CHECK_OFFSET(VkVideoEncodeH264NaluSliceInfoKHR, constantQp, 16);
CHECK_OFFSET(VkVideoEncodeH264NaluSliceInfoKHR, pStdSliceHeader, 24);
CHECK_SIZE(VkVideoEncodeH264PictureInfoKHR, 48);
CHECK_OFFSET(VkVideoEncodeH264PictureInfoKHR, pNaluSliceEntries, 24);
CHECK_OFFSET(VkVideoEncodeH264PictureInfoKHR, pStdPictureInfo, 32);
CHECK_OFFSET(VkVideoEncodeH264PictureInfoKHR, generatePrefixNalu, 40);
CHECK_SIZE(VkVideoEncodeH264DpbSlotInfoKHR, 24);
CHECK_OFFSET(VkVideoEncodeH264DpbSlotInfoKHR, pStdReferenceInfo, 16);
CHECK_SIZE(VkVideoEncodeH264ProfileInfoKHR, 24);
CHECK_OFFSET(VkVideoEncodeH264ProfileInfoKHR, stdProfileIdc, 16);
CHECK_SIZE(VkVideoEncodeH264RateControlInfoKHR, 40);
CHECK_OFFSET(VkVideoEncodeH264RateControlInfoKHR, temporalLayerCount, 32);
CHECK_SIZE(VkVideoEncodeH264FrameSizeKHR, 12);
CHECK_SIZE(VkVideoEncodeH264RateControlLayerInfoKHR, 64);
CHECK_OFFSET(VkVideoEncodeH264RateControlLayerInfoKHR, minQp, 20);
CHECK_OFFSET(VkVideoEncodeH264RateControlLayerInfoKHR, useMaxQp, 32);
CHECK_OFFSET(VkVideoEncodeH264RateControlLayerInfoKHR, maxQp, 36);
CHECK_OFFSET(VkVideoEncodeH264RateControlLayerInfoKHR, useMaxFrameSize, 48);
CHECK_OFFSET(VkVideoEncodeH264RateControlLayerInfoKHR, maxFrameSize, 52);
CHECK_SIZE(VkVideoEncodeH264GopRemainingFrameInfoKHR, 32);
CHECK_OFFSET(VkVideoEncodeH264GopRemainingFrameInfoKHR, gopRemainingB, 28);

/* VK_KHR_video_maintenance1 */
CHECK_SIZE(VkPhysicalDeviceVideoMaintenance1FeaturesKHR, 24);
CHECK_OFFSET(VkPhysicalDeviceVideoMaintenance1FeaturesKHR, videoMaintenance1, 16);
CHECK_SIZE(VkVideoInlineQueryInfoKHR, 32);
CHECK_OFFSET(VkVideoInlineQueryInfoKHR, queryPool, 16);
CHECK_OFFSET(VkVideoInlineQueryInfoKHR, queryCount, 28);

/* Enumerant values the backend writes into structures. */
_Static_assert(VK_STRUCTURE_TYPE_VIDEO_ENCODE_INFO_KHR == 1000299000, "sType value");
_Static_assert(VK_STRUCTURE_TYPE_VIDEO_ENCODE_SESSION_PARAMETERS_FEEDBACK_INFO_KHR == 1000299010, "sType value");
_Static_assert(VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_CAPABILITIES_KHR == 1000038000, "sType value");
_Static_assert(VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_FEEDBACK_INFO_KHR == 1000038013, "sType value");
_Static_assert(VK_QUERY_TYPE_VIDEO_ENCODE_FEEDBACK_KHR == 1000299000, "query type value");
_Static_assert(VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR == 4, "rate control mode value");
_Static_assert(VK_VIDEO_CODING_CONTROL_ENCODE_QUALITY_LEVEL_BIT_KHR == 4, "coding control value");

#endif

/* Keeps the translation unit non-empty on other ABIs. */
typedef int vk_layout_check_translation_unit;

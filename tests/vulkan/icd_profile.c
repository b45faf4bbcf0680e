/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The capability profiles of the test ICD (HWENC_TEST_ICD_PROFILE): what
 * real drivers report for H.264 encode, number for number, from their
 * source or from public capability reports, and the few behaviours of
 * theirs that change what the backend must do. Every value names where it
 * was read; the README of hw/vulkan lists the same.
 *
 *   default     the ICD's own device: generous limits (16 references, B
 *               pictures, every rate-control mode, 3 quality levels)
 *   radv-vcn2   Mesa RADV on VCN 2 (Navi 1x)       \  Mesa 26.1.0-rc2 (pop-os/mesa):
 *   radv-vcn3   Mesa RADV on VCN 3 (Navi 2x)        > src/amd/common/ac_video.c
 *   radv-vcn4   Mesa RADV on VCN 4 (Navi 3x)       /  vcn_enc_caps(), and
 *               src/amd/vulkan/radv_video.c radv_GetPhysicalDeviceVideoCapabilitiesKHR
 *   anv         Mesa ANV (Intel, Gfx12+), Mesa 26.1.0-rc1:
 *               src/intel/vulkan/anv_video.c anv_GetPhysicalDeviceVideoCapabilitiesKHR
 *   nvidia      NVIDIA's proprietary driver: the capabilities FFmpeg printed
 *               on RTX 30/50 in nvpro-samples/vk_video_samples issue #230
 *               (HEVC profile; the common fields), and the H.264 encoder
 *               limits NVEncC printed in rigaya/NVEnc issue #787; what
 *               neither shows is marked "assumed".
 *
 * Behaviours modelled (see icd.h): RADV rewrites the PPS it is given
 * (radv_video_patch_encode_session_parameters: pic_init_qp_minus26 0,
 * transform_8x8_mode_flag 0 without 8x8 support, and in Mesa 26.1 both
 * num_ref_idx_l*_default_active_minus1 0) and always reports hasOverrides
 * for the PPS (radv_GetEncodedVideoSessionParametersKHR). Mesa 26.1 RADV
 * reads the references from RefPicList0/1 (radv_enc_params_h264 maps their
 * slots back to pReferenceSlots); the Mesa 25 one (radv-mesa25-vcn3) read
 * pReferenceSlots[0] as list 0 and [1] as list 1, by position.
 *
 *   radv-mesa25-vcn3  Mesa RADV on VCN 3 before ac_video.c: the snapshot of
 *               bminor/mesa-mesa at commit 02ed0edc (radv_video_enc.c) and
 *               00145624 (radv_video.c); the release was not read at those
 *               commits (the mirror's VERSION was 25.0.0-rc1 elsewhere).
 */
#include <string.h>

#include "tests/vulkan/icd.h"

#define ALL_RC (VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR | VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR | \
                VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR)
#define FEEDBACK (VK_VIDEO_ENCODE_FEEDBACK_BITSTREAM_BUFFER_OFFSET_BIT_KHR | \
                  VK_VIDEO_ENCODE_FEEDBACK_BITSTREAM_BYTES_WRITTEN_BIT_KHR)
#define DEBLOCK_BITS (VK_VIDEO_ENCODE_H264_STD_DEBLOCKING_FILTER_DISABLED_BIT_KHR | \
                      VK_VIDEO_ENCODE_H264_STD_DEBLOCKING_FILTER_ENABLED_BIT_KHR)
#define ENTROPY_BITS (VK_VIDEO_ENCODE_H264_STD_ENTROPY_CODING_MODE_FLAG_UNSET_BIT_KHR | \
                      VK_VIDEO_ENCODE_H264_STD_ENTROPY_CODING_MODE_FLAG_SET_BIT_KHR)

static const icd_profile profiles[] = {
    {
        .name = "default",
        .flags = VK_VIDEO_CAPABILITY_SEPARATE_REFERENCE_IMAGES_BIT_KHR,
        .offset_alignment = 1, .size_alignment = 1,
        .access_granularity = { 16, 16 }, .min_extent = { 16, 16 }, .max_extent = { 4096, 4096 },
        .max_dpb_slots = 17, .max_active_refs = 16,
        .rc_modes = ALL_RC, .max_rc_layers = 1, .max_bitrate = 100000000, .quality_levels = 3,
        .input_granularity = { 16, 16 },
        .feedback = FEEDBACK | VK_VIDEO_ENCODE_FEEDBACK_BITSTREAM_HAS_OVERRIDES_BIT_KHR,
        .max_level = STD_VIDEO_H264_LEVEL_IDC_5_2, .max_slices = 1,
        .p_l0 = 16, .b_l0 = 15, .l1 = 1, .temporal_layers = 1, .min_qp = 0, .max_qp = 51,
        .std_syntax = DEBLOCK_BITS | ENTROPY_BITS | VK_VIDEO_ENCODE_H264_STD_TRANSFORM_8X8_MODE_FLAG_SET_BIT_KHR,
        .preferred_rc = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR, .preferred_gop = 250,
        .preferred_b = 2, .preferred_qp = 23,
    },
    /* RADV, VCN 2: ac_video.c vcn_enc_caps (AVC): 128x128 to 4096x2304, level
     * 5.2, 17 DPB slots, 1 active reference, P list 0 of 1, no B, QP 1..51,
     * 3 quality levels, 4 temporal layers, 128 slices, CBR and VBR,
     * 1 Gbit/s, 16x16 alignment, bitstream address 256 / size 8.
     * radv_video.c: input granularity = picture access granularity, no
     * separate reference images before VCN 5, feedback offset and bytes,
     * requiresGopRemainingFrames false, stdSyntaxFlags constrained intra
     * and both entropy modes only (no deblocking bits). */
    {
        .name = "radv-vcn2",
        .offset_alignment = 256, .size_alignment = 8,
        .access_granularity = { 16, 16 }, .min_extent = { 128, 128 }, .max_extent = { 4096, 2304 },
        .max_dpb_slots = 17, .max_active_refs = 1,
        .rc_modes = ALL_RC, .max_rc_layers = 4, .max_bitrate = 1000000000, .quality_levels = 3,
        .input_granularity = { 16, 16 }, .feedback = FEEDBACK,
        .h264_flags = VK_VIDEO_ENCODE_H264_CAPABILITY_HRD_COMPLIANCE_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_PER_PICTURE_TYPE_MIN_MAX_QP_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_ROW_UNALIGNED_SLICE_BIT_KHR,
        .max_level = STD_VIDEO_H264_LEVEL_IDC_5_2, .max_slices = 128,
        .p_l0 = 1, .b_l0 = 0, .l1 = 0, .temporal_layers = 4, .min_qp = 1, .max_qp = 51,
        .std_syntax = VK_VIDEO_ENCODE_H264_STD_CONSTRAINED_INTRA_PRED_FLAG_SET_BIT_KHR | ENTROPY_BITS,
        /* radv_video_enc.c radv_GetPhysicalDeviceVideoEncodeQualityLevelPropertiesKHR */
        .preferred_rc = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR,
        .preferred_flags = VK_VIDEO_ENCODE_H264_RATE_CONTROL_ATTEMPT_HRD_COMPLIANCE_BIT_KHR, .preferred_gop = 60,
        .preferred_b = 0, .preferred_qp = 26, .preferred_cabac = 1,
        .pps_override = 1, .pps_one_ref_default = 1,
    },
    /* RADV, VCN 3: as VCN 2 but 2 active references, P list 0 of 2, B
     * pictures with list 0 and list 1 of 1 each (B_FRAME_IN_L0_LIST flag,
     * implicit weighted bipred in stdSyntaxFlags). */
    {
        .name = "radv-vcn3",
        .offset_alignment = 256, .size_alignment = 8,
        .access_granularity = { 16, 16 }, .min_extent = { 128, 128 }, .max_extent = { 4096, 2304 },
        .max_dpb_slots = 17, .max_active_refs = 2,
        .rc_modes = ALL_RC, .max_rc_layers = 4, .max_bitrate = 1000000000, .quality_levels = 3,
        .input_granularity = { 16, 16 }, .feedback = FEEDBACK,
        .h264_flags = VK_VIDEO_ENCODE_H264_CAPABILITY_HRD_COMPLIANCE_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_PER_PICTURE_TYPE_MIN_MAX_QP_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_ROW_UNALIGNED_SLICE_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_B_FRAME_IN_L0_LIST_BIT_KHR,
        .max_level = STD_VIDEO_H264_LEVEL_IDC_5_2, .max_slices = 128,
        .p_l0 = 2, .b_l0 = 1, .l1 = 1, .temporal_layers = 4, .min_qp = 1, .max_qp = 51,
        .std_syntax = VK_VIDEO_ENCODE_H264_STD_CONSTRAINED_INTRA_PRED_FLAG_SET_BIT_KHR | ENTROPY_BITS |
                      VK_VIDEO_ENCODE_H264_STD_WEIGHTED_BIPRED_IDC_IMPLICIT_BIT_KHR,
        .preferred_rc = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR,
        .preferred_flags = VK_VIDEO_ENCODE_H264_RATE_CONTROL_ATTEMPT_HRD_COMPLIANCE_BIT_KHR, .preferred_gop = 60,
        .preferred_b = 0, .preferred_qp = 26, .preferred_cabac = 1,
        .pps_override = 1, .pps_one_ref_default = 1,
    },
    /* RADV, VCN 4: as VCN 3 with 4 quality levels. */
    {
        .name = "radv-vcn4",
        .offset_alignment = 256, .size_alignment = 8,
        .access_granularity = { 16, 16 }, .min_extent = { 128, 128 }, .max_extent = { 4096, 2304 },
        .max_dpb_slots = 17, .max_active_refs = 2,
        .rc_modes = ALL_RC, .max_rc_layers = 4, .max_bitrate = 1000000000, .quality_levels = 4,
        .input_granularity = { 16, 16 }, .feedback = FEEDBACK,
        .h264_flags = VK_VIDEO_ENCODE_H264_CAPABILITY_HRD_COMPLIANCE_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_PER_PICTURE_TYPE_MIN_MAX_QP_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_ROW_UNALIGNED_SLICE_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_B_FRAME_IN_L0_LIST_BIT_KHR,
        .max_level = STD_VIDEO_H264_LEVEL_IDC_5_2, .max_slices = 128,
        .p_l0 = 2, .b_l0 = 1, .l1 = 1, .temporal_layers = 4, .min_qp = 1, .max_qp = 51,
        .std_syntax = VK_VIDEO_ENCODE_H264_STD_CONSTRAINED_INTRA_PRED_FLAG_SET_BIT_KHR | ENTROPY_BITS |
                      VK_VIDEO_ENCODE_H264_STD_WEIGHTED_BIPRED_IDC_IMPLICIT_BIT_KHR,
        .preferred_rc = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR,
        .preferred_flags = VK_VIDEO_ENCODE_H264_RATE_CONTROL_ATTEMPT_HRD_COMPLIANCE_BIT_KHR, .preferred_gop = 60,
        .preferred_b = 0, .preferred_qp = 26, .preferred_cabac = 1,
        .pps_override = 1, .pps_one_ref_default = 1,
    },
    /* RADV of Mesa 25 on VCN 3 (radv_video.c at 00145624,
     * radv_GetPhysicalDeviceVideoCapabilitiesKHR): bitstream alignment
     * 256/8, 16x16 granularity, 128x128 minimum, 17 DPB slots, active
     * references max(P list 0, B list 0 + list 1) = 2, P, B list 0 and
     * list 1 of 1, QP 0..51, 2 quality levels, CQP/CBR/VBR, 1 Gbit/s,
     * 128 slices, 4 temporal layers, the same std flags; the maximum size
     * and level come from the kernel (here as Mesa 26.1 has them) and the
     * rate-control layers are RADV_ENC_MAX_RATE_LAYER (value not read, 4
     * assumed). radv_video_enc.c (02ed0edc): references by position, the
     * PPS rewritten without touching the list defaults. */
    {
        .name = "radv-mesa25-vcn3",
        .offset_alignment = 256, .size_alignment = 8,
        .access_granularity = { 16, 16 }, .min_extent = { 128, 128 }, .max_extent = { 4096, 2304 },
        .max_dpb_slots = 17, .max_active_refs = 2,
        .rc_modes = ALL_RC, .max_rc_layers = 4, .max_bitrate = 1000000000, .quality_levels = 2,
        .input_granularity = { 16, 16 }, .feedback = FEEDBACK,
        .h264_flags = VK_VIDEO_ENCODE_H264_CAPABILITY_HRD_COMPLIANCE_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_PER_PICTURE_TYPE_MIN_MAX_QP_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_ROW_UNALIGNED_SLICE_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_B_FRAME_IN_L0_LIST_BIT_KHR,
        .max_level = STD_VIDEO_H264_LEVEL_IDC_5_2, .max_slices = 128,
        .p_l0 = 1, .b_l0 = 1, .l1 = 1, .temporal_layers = 4, .min_qp = 0, .max_qp = 51,
        .std_syntax = VK_VIDEO_ENCODE_H264_STD_CONSTRAINED_INTRA_PRED_FLAG_SET_BIT_KHR | ENTROPY_BITS |
                      VK_VIDEO_ENCODE_H264_STD_WEIGHTED_BIPRED_IDC_IMPLICIT_BIT_KHR,
        .preferred_rc = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR,
        .preferred_flags = VK_VIDEO_ENCODE_H264_RATE_CONTROL_ATTEMPT_HRD_COMPLIANCE_BIT_KHR, .preferred_gop = 60,
        .preferred_b = 0, .preferred_qp = 26, .preferred_cabac = 1,
        .refs_by_position = 1, .pps_override = 1,
    },
    /* ANV: bitstream offset alignment 32, size alignment 4096 (H.264),
     * 16x16 access granularity and minimum, 4096x4096, separate reference
     * images; rate control DEFAULT and DISABLED only, 1 layer, 1 quality
     * level, input granularity 32x32, maxBitrate left 0; H.264: level 5.1,
     * 1 slice, P and B list 0 of 8, list 1 of 1, no temporal layers, QP
     * 10..51, deblocking, 8x8 transform, chroma QP offsets, both entropy
     * modes and constrained intra in stdSyntaxFlags. maxDpbSlots and
     * maxActiveReferencePictures are ANV_VIDEO_H264_MAX_NUM_REF_FRAME,
     * assumed 16 (the H.264 maximum; the constant's value was not read). */
    {
        .name = "anv",
        .flags = VK_VIDEO_CAPABILITY_SEPARATE_REFERENCE_IMAGES_BIT_KHR,
        .offset_alignment = 32, .size_alignment = 4096,
        .access_granularity = { 16, 16 }, .min_extent = { 16, 16 }, .max_extent = { 4096, 4096 },
        .max_dpb_slots = 16, .max_active_refs = 16,
        .rc_modes = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR, .max_rc_layers = 1, .max_bitrate = 0,
        .quality_levels = 1, .input_granularity = { 32, 32 }, .feedback = FEEDBACK,
        .h264_flags = VK_VIDEO_ENCODE_H264_CAPABILITY_HRD_COMPLIANCE_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_CAPABILITY_PER_PICTURE_TYPE_MIN_MAX_QP_BIT_KHR,
        .max_level = STD_VIDEO_H264_LEVEL_IDC_5_1, .max_slices = 1,
        .p_l0 = 8, .b_l0 = 8, .l1 = 1, .temporal_layers = 0, .min_qp = 10, .max_qp = 51,
        .std_syntax = VK_VIDEO_ENCODE_H264_STD_CONSTRAINED_INTRA_PRED_FLAG_SET_BIT_KHR | ENTROPY_BITS |
                      DEBLOCK_BITS | VK_VIDEO_ENCODE_H264_STD_TRANSFORM_8X8_MODE_FLAG_SET_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_STD_CHROMA_QP_INDEX_OFFSET_BIT_KHR |
                      VK_VIDEO_ENCODE_H264_STD_SECOND_CHROMA_QP_INDEX_OFFSET_BIT_KHR,
        .preferred_rc = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR, .preferred_gop = 0, .preferred_qp = 26,
    },
    /* NVIDIA: vk_video_samples #230 (FFmpeg -v verbose on RTX 30 and 50,
     * for the HEVC profile): bitstream offset and size alignment 256,
     * 32x32 input granularity, 160x64 minimum, 7 quality levels
     * ("Encoder max quality" prints maxQualityLevels), separate reference
     * images; taken for H.264 as well. NVEnc #787 (RTX 5070 Ti, H.264):
     * CQP, CBR and VBR, level 6.2, up to 4096x4096, B frames. Assumed, seen
     * in no public H.264 report: 16x16 access granularity, 17 DPB slots and
     * 16 active references, list sizes 4/4/1, QP 0..51, a 800 Mbit/s
     * maxBitrate, one slice, both entropy modes and the deblocking bits. */
    {
        .name = "nvidia",
        .flags = VK_VIDEO_CAPABILITY_SEPARATE_REFERENCE_IMAGES_BIT_KHR,
        .offset_alignment = 256, .size_alignment = 256,
        .access_granularity = { 16, 16 }, .min_extent = { 160, 64 }, .max_extent = { 4096, 4096 },
        .max_dpb_slots = 17, .max_active_refs = 16,
        .rc_modes = ALL_RC, .max_rc_layers = 1, .max_bitrate = 800000000, .quality_levels = 7,
        .input_granularity = { 32, 32 }, .feedback = FEEDBACK,
        .max_level = STD_VIDEO_H264_LEVEL_IDC_6_2, .max_slices = 1,
        .p_l0 = 4, .b_l0 = 4, .l1 = 1, .temporal_layers = 1, .min_qp = 0, .max_qp = 51,
        .std_syntax = ENTROPY_BITS | DEBLOCK_BITS,
        .preferred_rc = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR, .preferred_gop = 250, .preferred_b = 0,
        .preferred_qp = 26, .preferred_cabac = 1,
    },
};

const icd_profile *icd_find_profile(const char *name)
{
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
        if (!strcmp(profiles[i].name, name && *name ? name : "default"))
            return &profiles[i];
    return NULL;
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The Vulkan Video backend end to end: through the public API (and once
 * through the CLI), with
 * the test ICD as the driver and libavcodec as the judge of every stream.
 * After each test the ICD must have seen no valid-usage error and hold no
 * live object; one test breaks the contract on purpose and expects the ICD
 * to notice (icd_breaks.c). One test runs against the system's own drivers
 * instead. The ICD's capability profile (HWENC_TEST_ICD_PROFILE) decides
 * what the device offers; the tests read it through the Vulkan API, as the
 * backend does, and expect what a driver with those capabilities allows.
 *
 * Usage: test_vulkan TEST [path of the hwenc CLI]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/common/avdecode.h"
#include "tests/common/check.h"
#include "tools/media/clipgen.h"
#include "hw/h264/params.h"
#include "hwenc/hwenc.h"
#include "tests/vulkan/icd_breaks.h"
#include "tests/vulkan/icd_hooks.h"
#include "tests/common/roundtrip.h"
#include "hw/vulkan/vk_device.h"
#include "hw/vulkan/vk_funcs.h"

#define W 176
#define H 144
#define FPS 25

/* The loader unloads the ICD with the last instance; the test holds it
 * loaded from the start so its statistics cover the whole test. */
static void *icd_library;

static void icd_hold(void)
{
    const char *path = getenv("HWENC_TEST_ICD_LIBRARY");
    icd_library = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
}

static hwenc_test_icd_stats icd_stats(void)
{
    hwenc_test_icd_stats s;
    memset(&s, 0, sizeof(s));
    s.errors = -1;
    hwenc_test_icd_get_stats_fn get =
        icd_library ? (hwenc_test_icd_get_stats_fn)(uintptr_t)dlsym(icd_library, "hwenc_test_icd_get_stats") : NULL;
    if (get)
        get(&s);
    return s;
}

/* What the ICD's device offers for an H.264 profile, read through the
 * loader with the backend's own query (the capabilities are the device's,
 * the query is plain Vulkan). Returns 0, or -1 when the profile is not
 * offered. Creates an instance: query before counting instances. */
static int device_caps(int profile_idc, vk_device_caps *caps)
{
    vk_funcs f;
    VkInstance instance;
    VkPhysicalDevice dev;
    vk_profile profile;
    char err[512];
    int index, ret = -1;
    memset(caps, 0, sizeof(*caps));
    if (vk_funcs_load_loader(&f, NULL, err, sizeof(err)) < 0)
        return -1;
    if (vk_create_instance(&f, &instance, err, sizeof(err)) == 0) {
        vk_profile_init(&profile, profile_idc, 0);
        ret = vk_select_device(&f, instance, NULL, &profile, &dev, caps, &index, err, sizeof(err)) == 0 ? 0 : -1;
        f.vkDestroyInstance(instance, NULL);
    }
    vk_funcs_unload(&f);
    return ret;
}

/* Whether the device encodes B pictures: Main with both list sizes. */
static int device_takes_b(void)
{
    vk_device_caps caps;
    return device_caps(H264_PROFILE_MAIN, &caps) == 0 && caps.h264.maxBPictureL0ReferenceCount > 0 &&
           caps.h264.maxL1ReferenceCount > 0;
}

static VkVideoEncodeRateControlModeFlagsKHR device_rc_modes(void)
{
    vk_device_caps caps;
    return device_caps(H264_PROFILE_BASELINE, &caps) == 0 ? caps.encode.rateControlModes : 0;
}

static const char *rc_mode_name(enum hwenc_rate_control mode)
{
    return mode == HWENC_RC_CBR ? "CBR" : mode == HWENC_RC_CQP ? "CQP" : "VBR";
}

static VkVideoEncodeRateControlModeFlagBitsKHR rc_mode_bit(enum hwenc_rate_control mode)
{
    return mode == HWENC_RC_CBR   ? VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR
           : mode == HWENC_RC_CQP ? VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR
                                  : VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR;
}

static const char *icd_error_ids(void)
{
    static hwenc_test_icd_stats s;
    s = icd_stats();
    return s.error_ids;
}

static void icd_clear_error_ids(void)
{
    hwenc_test_icd_clear_error_ids_fn clear =
        icd_library ? (hwenc_test_icd_clear_error_ids_fn)(uintptr_t)dlsym(icd_library, "hwenc_test_icd_clear_error_ids")
                    : NULL;
    if (clear)
        clear();
}

static int icd_clean(void);

/* A device without the rate-control mode: the open fails and says why. */
static int expect_no_rc_mode(const hwenc_config *cfg)
{
    hwenc_encoder *enc = NULL;
    char err[512] = "", want[64];
    snprintf(want, sizeof(want), "no %s rate control", rc_mode_name(cfg->rc_mode));
    REQUIRE(hwenc_open_ex(cfg, &enc, err, sizeof(err)) < 0, "%s opened on a device without it", want + 3);
    REQUIRE(strstr(err, want), "unclear reason: %s", err);
    return icd_clean();
}

static int icd_clean(void)
{
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.errors == 0, "the test ICD found %d valid-usage errors (or could not be read)", s.errors);
    REQUIRE(s.live_objects == 0, "%d Vulkan objects were not destroyed", s.live_objects);
    return 0;
}

static void base_config(hwenc_config *cfg)
{
    hwenc_config_default(cfg);
    cfg->backend = HWENC_BACKEND_VULKAN;
    cfg->width = W;
    cfg->height = H;
    cfg->fps_num = FPS;
    cfg->fps_den = 1;
    cfg->qp = 26;
    cfg->keyint = 30;
    cfg->ref_frames = 2;
    cfg->scenecut = 0;
}

static int run(const hwenc_config *cfg, int frames, const int *idr, roundtrip_result *r)
{
    roundtrip_options opt = { .pattern = CLIPGEN_PAN, .frames = frames, .seed = 7, .force_idr_frames = idr };
    memset(r, 0, sizeof(*r));
    int ret = roundtrip_run(cfg, &opt, r);
    if (ret < 0)
        fprintf(stderr, "round trip: %s\n", r->message);
    return ret;
}

static int test_encode(int expect_transfer_queue)
{
    hwenc_config cfg;
    roundtrip_result r;
    base_config(&cfg);
    REQUIRE(run(&cfg, 20, NULL, &r) == 0, "encode failed");
    REQUIRE(r.decoded == 20 && r.keyframes == 1, "%d decoded, %d keyframes", r.decoded, r.keyframes);
    REQUIRE(r.psnr_y_min > 32.0, "PSNR %.2f dB at QP 26", r.psnr_y_min);
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.encodes == 20 && s.p_pictures == 19, "%d encodes, %d P pictures", s.encodes, s.p_pictures);
    REQUIRE(s.resets == 1 && s.rate_control_changes == 1, "%d resets, %d rate-control changes", s.resets,
            s.rate_control_changes);
    REQUIRE(s.last_rc_mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR, "rate control mode %d", s.last_rc_mode);
    vk_device_caps caps;
    REQUIRE(device_caps(H264_PROFILE_BASELINE, &caps) == 0, "no device");
    REQUIRE(s.quality_level == (int)caps.encode.maxQualityLevels - 1, "quality level %d of %u for the medium preset",
            s.quality_level, caps.encode.maxQualityLevels);
    REQUIRE(s.transfer_submissions == (expect_transfer_queue ? 20 : 0), "%d uploads on the transfer queue",
            s.transfer_submissions);
    return icd_clean();
}

static int test_bitrate_mode(enum hwenc_rate_control mode)
{
    hwenc_config cfg;
    roundtrip_result r;
    base_config(&cfg);
    cfg.rc_mode = mode;
    cfg.bitrate_kbps = 300;
    cfg.vbv_maxrate_kbps = mode == HWENC_RC_VBR ? 600 : 0;
    if (!(device_rc_modes() & rc_mode_bit(mode)))
        return expect_no_rc_mode(&cfg);
    const int frames = 75;
    REQUIRE(run(&cfg, frames, NULL, &r) == 0, "encode failed");
    double kbps = (double)r.bytes * 8 / (frames / (double)FPS) / 1000;
    REQUIRE(kbps > 300 * 0.6 && kbps < 300 * 1.4, "%.0f kbps for a 300 kbps target", kbps);
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.last_rc_mode == (mode == HWENC_RC_CBR ? 2 : 4) && s.last_average_bitrate == 300000, "mode %d, %llu bps",
            s.last_rc_mode, (unsigned long long)s.last_average_bitrate);
    /* nal_hrd needs the driver's buffer fullness, which Vulkan does not
     * report: refused, naming the field (hw/vulkan/README.md). */
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    cfg.nal_hrd = HWENC_NAL_HRD_VBR;
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == HWENC_EUNSUPPORTED && strstr(err, "nal_hrd vbr"),
            "nal_hrd vbr on Vulkan: %s", err);
    return icd_clean();
}

/* A new target through the public hwenc_reconfigure() mid-stream: the
 * backend sends the driver the new rate control from the next picture on,
 * and the rate follows it. */
static int test_bitrate_change(void)
{
    hwenc_config cfg, faster;
    roundtrip_result r;
    base_config(&cfg);
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 200;
    faster = cfg;
    faster.bitrate_kbps = 800;
    if (!(device_rc_modes() & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR))
        return expect_no_rc_mode(&cfg);
    enum { FRAMES = 80, CHANGE = 40, SETTLE = 15 };
    int64_t bits[FRAMES] = { 0 };
    roundtrip_options opt = { .pattern = CLIPGEN_PAN, .frames = FRAMES, .seed = 7, .packet_bits = bits,
                              .reconfigure_at = CHANGE, .reconfigure = &faster };
    int ret = roundtrip_run(&cfg, &opt, &r);
    REQUIRE(ret == 0, "round trip: %s", r.message);
    /* Skip the settling after the start and after the change. */
    int64_t before = 0, after = 0;
    for (int i = SETTLE; i < CHANGE; i++)
        before += bits[i];
    for (int i = CHANGE + SETTLE; i < FRAMES; i++)
        after += bits[i];
    double kbps_before = (double)before * FPS / (CHANGE - SETTLE) / 1000;
    double kbps_after = (double)after * FPS / (FRAMES - CHANGE - SETTLE) / 1000;
    REQUIRE(kbps_after > 2.5 * kbps_before, "%.0f kbps before and %.0f kbps after a change from 200 to 800 kbps",
            kbps_before, kbps_after);
    REQUIRE(kbps_before > 200 * 0.6 && kbps_before < 200 * 1.4 && kbps_after > 800 * 0.6 && kbps_after < 800 * 1.4,
            "%.0f / %.0f kbps for 200 / 800 kbps targets", kbps_before, kbps_after);
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.rate_control_changes == 2 && s.last_average_bitrate == 800000, "%d changes, last %llu bps",
            s.rate_control_changes, (unsigned long long)s.last_average_bitrate);
    return icd_clean();
}

static int test_force_idr(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    static const int idr[] = { 6, 13, -1 };
    base_config(&cfg);
    cfg.keyint = 100;
    REQUIRE(run(&cfg, 20, idr, &r) == 0, "encode failed");
    REQUIRE(r.keyframes == 3, "%d keyframes (first, 6, 13)", r.keyframes);
    return icd_clean();
}

/* B frames through the public API with a forced IDR mid-stream: a Main
 * session with B pictures when the device codes them, a Constrained
 * Baseline P-only stream when it offers none (after the HAL opens the
 * backend again). CBR also tells the driver's rate control about them. */
static int test_bframes(enum hwenc_rate_control mode)
{
    hwenc_config cfg;
    roundtrip_result r;
    static const int idr[] = { 13, -1 };
    base_config(&cfg);
    cfg.bframes = 2;
    cfg.rc_mode = mode;
    cfg.bitrate_kbps = mode == HWENC_RC_CQP ? 0 : 600;
    if (!(device_rc_modes() & rc_mode_bit(mode)))
        return expect_no_rc_mode(&cfg);
    int device_has_b = device_takes_b();
    /* run() checks that every frame comes back once, with dts increasing
     * and never above pts, and that libavcodec decodes all of them. */
    REQUIRE(run(&cfg, 20, idr, &r) == 0, "encode failed");
    /* IDR0, P3 B1 B2, P6 B4 B5, P9 B7 B8, P12 B10 B11, IDR13, P16 B14 B15,
     * P19 B17 B18: 12 B pictures when the device takes them. */
    int want_b = device_has_b ? 12 : 0;
    REQUIRE(r.decoded == 20 && r.keyframes == 2, "%d decoded, %d keyframes (0 and 13)", r.decoded, r.keyframes);
    REQUIRE(r.b_frames == want_b, "%d B packets, wanted %d", r.b_frames, want_b);
    REQUIRE(r.psnr_y_min > (mode == HWENC_RC_CQP ? 32.0 : 28.0), "PSNR %.2f dB", r.psnr_y_min);
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.encodes == 20 && s.b_pictures == want_b && s.p_pictures == 18 - want_b, "%d encodes, %d B, %d P",
            s.encodes, s.b_pictures, s.p_pictures);
    /* High wherever the device has it, with or without B pictures. */
    vk_device_caps high;
    int want_profile = device_caps(H264_PROFILE_HIGH, &high) == 0   ? STD_VIDEO_H264_PROFILE_IDC_HIGH
                       : device_caps(H264_PROFILE_MAIN, &high) == 0 ? STD_VIDEO_H264_PROFILE_IDC_MAIN
                                                                    : STD_VIDEO_H264_PROFILE_IDC_BASELINE;
    REQUIRE(s.last_profile == want_profile, "a session of profile_idc %d, wanted %d", s.last_profile, want_profile);
    if (mode != HWENC_RC_CQP)
        REQUIRE(s.last_consecutive_b == (device_has_b ? 2 : 0), "the rate control was told of %d consecutive B frames",
                s.last_consecutive_b);
    else /* QP 26: intra pictures 3 finer, B pictures 2 coarser, as the other backends */
        REQUIRE(r.qp_by_type[HWENC_FRAME_IDR] == 23 && r.qp_by_type[HWENC_FRAME_P] == 26 &&
                    r.qp_by_type[HWENC_FRAME_B] == (device_has_b ? 28 : -1),
                "QP of IDR %d, P %d, B %d", r.qp_by_type[HWENC_FRAME_IDR], r.qp_by_type[HWENC_FRAME_P],
                r.qp_by_type[HWENC_FRAME_B]);
    return icd_clean();
}

/* B frames with only the first frame an IDR under the driver's rate
 * control: the GOP is infinite (UINT32_MAX), longer than the B runs
 * (VUID-VkVideoEncodeH264RateControlInfoKHR-consecutiveBFrameCount-08285),
 * and hwenc's GOP, cut by scene cuts and forced IDRs, is not regular. */
static int test_bframes_infinite_gop(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    base_config(&cfg);
    cfg.keyint = -1;
    cfg.bframes = 2;
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 600;
    if (!(device_rc_modes() & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR))
        return expect_no_rc_mode(&cfg);
    int device_has_b = device_takes_b();
    REQUIRE(run(&cfg, 20, NULL, &r) == 0, "encode failed");
    REQUIRE(r.decoded == 20 && r.keyframes == 1, "%d decoded, %d keyframes", r.decoded, r.keyframes);
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.last_gop_frames == UINT32_MAX && s.last_idr_period == UINT32_MAX, "GOP %u, IDR period %u",
            s.last_gop_frames, s.last_idr_period);
    REQUIRE(s.last_rc_flags == 0, "rate-control flags 0x%x for an irregular GOP", s.last_rc_flags);
    REQUIRE(s.last_consecutive_b == (device_has_b ? 2 : 0), "%d consecutive B frames", s.last_consecutive_b);
    return icd_clean();
}

/* A device with fewer DPB slots than the stream's references want (the
 * variant gives 3): the backend codes with what the slots hold, P-only
 * and with B frames. */
static int test_few_dpb_slots(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    base_config(&cfg);
    cfg.ref_frames = 4;
    REQUIRE(run(&cfg, 20, NULL, &r) == 0, "P-only encode failed");
    REQUIRE(r.decoded == 20 && r.psnr_y_min > 32.0, "%d decoded, PSNR %.2f dB", r.decoded, r.psnr_y_min);
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.p_pictures == 19, "%d P pictures", s.p_pictures);
    cfg.bframes = 2;
    REQUIRE(run(&cfg, 20, NULL, &r) == 0, "encode with B frames failed");
    REQUIRE(r.decoded == 20 && r.psnr_y_min > 32.0, "%d decoded, PSNR %.2f dB", r.decoded, r.psnr_y_min);
    REQUIRE(r.b_frames == (device_takes_b() ? 12 : 0), "%d B frames", r.b_frames);
    return icd_clean();
}

/* A device that requires the GOP's remaining frames under rate control
 * (VUID-vkCmdBeginVideoCodingKHR-pBeginInfo-08255) gets them in every
 * coding scope. */
static int test_gop_remaining_required(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    base_config(&cfg);
    cfg.rc_mode = HWENC_RC_VBR;
    cfg.bitrate_kbps = 400;
    cfg.bframes = 2;
    if (!(device_rc_modes() & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR))
        return expect_no_rc_mode(&cfg);
    REQUIRE(run(&cfg, 40, NULL, &r) == 0, "encode failed");
    REQUIRE(r.decoded == 40 && r.keyframes == 2, "%d decoded, %d keyframes (keyint 30)", r.decoded, r.keyframes);
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.gop_remaining_scopes >= 39, "%d coding scopes named the GOP's remaining frames", s.gop_remaining_scopes);
    return icd_clean();
}

/* The NV12 source format cannot be a transfer destination (the format
 * query says so): the backend has no way to upload, and says so. */
static int test_source_not_transfer_dst(void)
{
    hwenc_config cfg;
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    base_config(&cfg);
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) < 0, "opened with a source format it cannot upload to");
    REQUIRE(strstr(err, "transfer destination"), "unclear reason: %s", err);
    return icd_clean();
}

/* Deblocking off: a device that promises to keep disable_deblocking_filter_idc
 * 1 (STD_VIDEO_H264_DISABLE_DEBLOCKING_FILTER_IDC_ENABLED, promised by
 * VK_VIDEO_ENCODE_H264_STD_DEBLOCKING_FILTER_ENABLED_BIT_KHR) codes every
 * picture unfiltered; one that does not (RADV) may override it, so the
 * backend refuses rather than ignore the setting. */
static int test_no_deblock(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    vk_device_caps caps;
    base_config(&cfg);
    cfg.deblock = 0;
    REQUIRE(device_caps(H264_PROFILE_BASELINE, &caps) == 0, "no device");
    if (!(caps.h264.stdSyntaxFlags & VK_VIDEO_ENCODE_H264_STD_DEBLOCKING_FILTER_ENABLED_BIT_KHR)) {
        hwenc_encoder *enc = NULL;
        char err[512] = "";
        REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) < 0, "deblocking off on a device that may override it");
        REQUIRE(strstr(err, "deblock"), "unclear reason: %s", err);
        return icd_clean();
    }
    REQUIRE(run(&cfg, 10, NULL, &r) == 0, "encode failed");
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(r.decoded == 10 && s.deblock_disabled == 10, "%d decoded, %d pictures unfiltered", r.decoded,
            s.deblock_disabled);
    return icd_clean();
}

/* The driver rewrites the PPS without deblocking_filter_control_present_flag
 * (and says so, hasOverrides): the slices could not carry deblocking off,
 * so the backend refuses it; deblocking on with the default offsets needs
 * nothing from the PPS and encodes. */
static int test_no_deblock_pps_override(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    base_config(&cfg);
    REQUIRE(run(&cfg, 5, NULL, &r) == 0 && r.decoded == 5, "deblocking on failed");
    cfg.deblock = 0;
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) < 0, "deblocking off opened with a PPS that cannot say so");
    REQUIRE(strstr(err, "deblock"), "unclear reason: %s", err);
    return icd_clean();
}

/* B pictures whose list 0 may hold one picture while P pictures take
 * more: the B pictures' list 0 follows maxBPictureL0ReferenceCount. */
static int test_bframes_short_l0(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    base_config(&cfg);
    cfg.ref_frames = 3;
    cfg.bframes = 2;
    REQUIRE(run(&cfg, 20, NULL, &r) == 0, "encode failed");
    REQUIRE(r.decoded == 20 && r.b_frames == (device_takes_b() ? 12 : 0), "%d decoded, %d B frames", r.decoded,
            r.b_frames);
    return icd_clean();
}

static int test_rc_disabled_only(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    char err[512] = "";
    base_config(&cfg);
    REQUIRE(run(&cfg, 10, NULL, &r) == 0, "CQP encode failed");
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 300;
    hwenc_encoder *enc = NULL;
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) < 0, "CBR opened on a device without CBR");
    REQUIRE(strstr(err, "no CBR rate control") && strstr(err, "CQP"), "unclear reason: %s", err);
    cfg.backend = HWENC_BACKEND_AUTO;
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "auto did not move on: %s", err);
    REQUIRE(hwenc_get_backend(enc) != HWENC_BACKEND_VULKAN, "auto chose Vulkan for CBR");
    hwenc_close(enc);
    return icd_clean();
}

static int test_single_dpb_slot(void)
{
    hwenc_config cfg;
    roundtrip_result r;
    base_config(&cfg);
    REQUIRE(run(&cfg, 12, NULL, &r) == 0, "encode failed");
    hwenc_test_icd_stats s = icd_stats();
    REQUIRE(s.encodes == 12 && s.p_pictures == 0, "%d encodes, %d P pictures with one DPB slot", s.encodes, s.p_pictures);
    return icd_clean();
}

static int test_device_lost(void)
{
    hwenc_config cfg;
    base_config(&cfg);
    hwenc_encoder *enc;
    char err[512];
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "%s", err);
    static uint8_t frame[W * H * 3 / 2];
    uint8_t *stream = malloc(1 << 20);
    size_t total = 0;
    int packets = 0, lost_at = -1;
    for (int i = 0; i < 10 && stream; i++) {
        clipgen_frame_i420(CLIPGEN_PAN, W, H, i, 7, frame);
        hwenc_frame f = { .plane = { frame, frame + W * H, frame + W * H * 5 / 4 }, .stride = { W, W / 2, W / 2 }, .pts = i };
        int ret = hwenc_send_frame(enc, &f);
        if (ret < 0) {
            REQUIRE(ret == HWENC_EDEVICE_LOST, "send returned %d (%s)", ret, hwenc_last_error(enc));
            lost_at = i;
            break;
        }
        hwenc_packet pkt;
        while (hwenc_receive_packet(enc, &pkt) == 0) {
            memcpy(stream + total, pkt.data, pkt.size);
            total += pkt.size;
            packets++;
        }
    }
    const char *msg = hwenc_last_error(enc);
    REQUIRE(lost_at == 5 && packets == 5, "lost at frame %d with %d packets", lost_at, packets);
    REQUIRE(strstr(msg, "device was lost") && strstr(msg, "frame 5"), "unclear message: %s", msg);
    REQUIRE(hwenc_send_frame(enc, NULL) != 0 || 1, "flush");
    hwenc_close(enc);
    decoded_video dec;
    int dret = avdecode_h264(stream, total, &dec, err, sizeof(err));
    free(stream);
    REQUIRE(dret == 0 && dec.frame_count == 5, "the packets before the loss do not decode: %s", err);
    decoded_video_free(&dec);
    return icd_clean();
}

typedef PFN_vkVoidFunction (*gipa_fn)(VkInstance, const char *);

static const char *const app_extensions[] = { "VK_KHR_video_queue", "VK_KHR_video_encode_queue",
                                              "VK_KHR_video_encode_h264" };

/* An application's own instance and device on the test ICD, made through
 * the loader: one queue of the encode family, the video extensions and
 * (with sync2) synchronization2; features says what was enabled. */
typedef struct app_vulkan {
    void *lib;
    gipa_fn gipa;
    VkInstance instance;
    VkPhysicalDevice physical;
    VkDevice device;
    PFN_vkGetDeviceProcAddr gdpa;
    VkPhysicalDeviceVulkan13Features features13;
    VkPhysicalDeviceFeatures2 features;
} app_vulkan;

static int app_vulkan_open_with(app_vulkan *a, int sync2)
{
    memset(a, 0, sizeof(*a));
    a->lib = dlopen("libvulkan.so.1", RTLD_NOW);
    REQUIRE(a->lib, "no libvulkan.so.1");
    a->gipa = (gipa_fn)(uintptr_t)dlsym(a->lib, "vkGetInstanceProcAddr");
    PFN_vkCreateInstance create_instance = (PFN_vkCreateInstance)a->gipa(NULL, "vkCreateInstance");
    VkApplicationInfo app = { .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .apiVersion = VK_API_VERSION_1_3 };
    VkInstanceCreateInfo ii = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app };
    REQUIRE(create_instance(&ii, NULL, &a->instance) == VK_SUCCESS, "vkCreateInstance");
    PFN_vkEnumeratePhysicalDevices enum_devices =
        (PFN_vkEnumeratePhysicalDevices)a->gipa(a->instance, "vkEnumeratePhysicalDevices");
    PFN_vkCreateDevice create_device = (PFN_vkCreateDevice)a->gipa(a->instance, "vkCreateDevice");
    a->gdpa = (PFN_vkGetDeviceProcAddr)a->gipa(a->instance, "vkGetDeviceProcAddr");
    uint32_t n = 1;
    REQUIRE(enum_devices(a->instance, &n, &a->physical) >= 0 && n == 1, "no device");
    float prio = 1;
    VkDeviceQueueCreateInfo q = { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = 1,
                                  .queueCount = 1, .pQueuePriorities = &prio };
    a->features13 = (VkPhysicalDeviceVulkan13Features){ .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
                                                        .synchronization2 = sync2 ? VK_TRUE : VK_FALSE };
    a->features = (VkPhysicalDeviceFeatures2){ .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                               .pNext = &a->features13 };
    VkDeviceCreateInfo di = { .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &a->features,
                              .queueCreateInfoCount = 1, .pQueueCreateInfos = &q, .enabledExtensionCount = 3,
                              .ppEnabledExtensionNames = app_extensions };
    REQUIRE(create_device(a->physical, &di, NULL, &a->device) == VK_SUCCESS, "vkCreateDevice");
    return 0;
}

static int app_vulkan_open(app_vulkan *a)
{
    return app_vulkan_open_with(a, 1);
}

/* The configuration that hands hwenc the application's device. */
static void external_config(hwenc_config *cfg, const app_vulkan *a)
{
    base_config(cfg);
    cfg->external.vk_instance = a->instance;
    cfg->external.vk_physical_device = a->physical;
    cfg->external.vk_device = a->device;
    cfg->external.vk_get_instance_proc_addr = (void *)(uintptr_t)a->gipa;
    cfg->external.vk_encode_queue_family = 1;
    cfg->external.vk_encode_queue_index = 0;
    cfg->external.vk_enabled_extensions = app_extensions;
    cfg->external.vk_enabled_extension_count = 3;
    cfg->external.vk_device_features = &a->features;
}

static PFN_vkVoidFunction app_device_proc(const app_vulkan *a, const char *name)
{
    return a->gdpa(a->device, name);
}

/* Destroys what is left (a device already destroyed is VK_NULL_HANDLE). */
static void app_vulkan_close(app_vulkan *a)
{
    if (a->device)
        ((PFN_vkDestroyDevice)app_device_proc(a, "vkDestroyDevice"))(a->device, NULL);
    if (a->instance)
        ((PFN_vkDestroyInstance)a->gipa(a->instance, "vkDestroyInstance"))(a->instance, NULL);
    if (a->lib)
        dlclose(a->lib);
    memset(a, 0, sizeof(*a));
}

/* The application's own instance and device, created through the loader. */
static int test_external_device(void)
{
    setenv("HWENC_TEST_ICD_ENCODE_TRANSFER", "1", 1); /* one queue does it all */
    app_vulkan a;
    if (app_vulkan_open(&a)) {
        app_vulkan_close(&a);
        return 1;
    }
    hwenc_config cfg;
    roundtrip_result r;
    external_config(&cfg, &a);
    int ret = run(&cfg, 10, NULL, &r);
    hwenc_test_icd_stats s = icd_stats();
    int live_with_app_objects = s.live_objects;
    app_vulkan_close(&a);
    REQUIRE(ret == 0, "encode on the application's device failed");
    REQUIRE(s.instances == 1, "hwenc made its own instance (%d instances)", s.instances);
    REQUIRE(live_with_app_objects == 2, "%d objects alive besides the application's device and instance",
            live_with_app_objects - 2);
    return icd_clean();
}

/* The application's device lacks synchronization2 (and says so): the
 * backend cannot record its barriers there and refuses it, as it refuses
 * a device whose extensions it is not told. */
static int test_external_device_without_sync2(void)
{
    setenv("HWENC_TEST_ICD_ENCODE_TRANSFER", "1", 1);
    app_vulkan a;
    if (app_vulkan_open_with(&a, 0)) {
        app_vulkan_close(&a);
        return 1;
    }
    hwenc_config cfg;
    hwenc_encoder *enc = NULL;
    char err[512] = "", err2[512] = "";
    external_config(&cfg, &a);
    int ret = hwenc_open_ex(&cfg, &enc, err, sizeof(err));
    if (ret == 0)
        hwenc_close(enc);
    cfg.external.vk_enabled_extensions = NULL;
    cfg.external.vk_enabled_extension_count = 0;
    int ret2 = hwenc_open_ex(&cfg, &enc, err2, sizeof(err2));
    if (ret2 == 0)
        hwenc_close(enc);
    app_vulkan_close(&a);
    REQUIRE(ret < 0 && strstr(err, "synchronization2"), "a device without synchronization2: %d, %s", ret, err);
    REQUIRE(ret2 < 0 && strstr(err2, "vk_enabled_extensions"), "a device with no extensions named: %d, %s", ret2, err2);
    return icd_clean();
}

/* Records an encode with no video coding scope open. */
static int encode_outside_scope(const app_vulkan *a)
{
    PFN_vkCreateCommandPool create_pool = (PFN_vkCreateCommandPool)app_device_proc(a, "vkCreateCommandPool");
    PFN_vkDestroyCommandPool destroy_pool = (PFN_vkDestroyCommandPool)app_device_proc(a, "vkDestroyCommandPool");
    PFN_vkAllocateCommandBuffers allocate = (PFN_vkAllocateCommandBuffers)app_device_proc(a, "vkAllocateCommandBuffers");
    PFN_vkBeginCommandBuffer begin = (PFN_vkBeginCommandBuffer)app_device_proc(a, "vkBeginCommandBuffer");
    PFN_vkEndCommandBuffer end = (PFN_vkEndCommandBuffer)app_device_proc(a, "vkEndCommandBuffer");
    PFN_vkCmdEncodeVideoKHR encode = (PFN_vkCmdEncodeVideoKHR)app_device_proc(a, "vkCmdEncodeVideoKHR");
    REQUIRE(create_pool && destroy_pool && allocate && begin && end && encode, "device functions missing");
    VkCommandPoolCreateInfo pool_info = { .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, .queueFamilyIndex = 1 };
    VkCommandPool pool;
    REQUIRE(create_pool(a->device, &pool_info, NULL, &pool) == VK_SUCCESS, "vkCreateCommandPool");
    VkCommandBufferAllocateInfo alloc = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, .commandPool = pool,
                                          .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY, .commandBufferCount = 1 };
    VkCommandBuffer cmd;
    VkCommandBufferBeginInfo begin_info = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
    VkVideoEncodeInfoKHR info = { .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_INFO_KHR };
    int ok = allocate(a->device, &alloc, &cmd) == VK_SUCCESS && begin(cmd, &begin_info) == VK_SUCCESS;
    if (ok) {
        encode(cmd, &info);
        end(cmd);
    }
    destroy_pool(a->device, pool, NULL);
    REQUIRE(ok, "no command buffer to record into");
    return 0;
}

/* Destroys the device while a video session made on it is still alive. */
static int destroy_device_with_session(app_vulkan *a)
{
    static const VkExtensionProperties std_header = {
        .extensionName = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_EXTENSION_NAME,
        .specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_SPEC_VERSION,
    };
    PFN_vkCreateVideoSessionKHR create_session =
        (PFN_vkCreateVideoSessionKHR)app_device_proc(a, "vkCreateVideoSessionKHR");
    REQUIRE(create_session, "vkCreateVideoSessionKHR missing");
    vk_profile profile;
    vk_profile_init(&profile, H264_PROFILE_BASELINE, 0);
    VkVideoSessionCreateInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_CREATE_INFO_KHR,
        .queueFamilyIndex = 1,
        .pVideoProfile = &profile.info,
        .pictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxCodedExtent = { W, H },
        .referencePictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxDpbSlots = 2,
        .maxActiveReferencePictures = 1,
        .pStdHeaderVersion = &std_header,
    };
    VkVideoSessionKHR session;
    REQUIRE(create_session(a->device, &info, NULL, &session) == VK_SUCCESS, "vkCreateVideoSessionKHR");
    ((PFN_vkDestroyDevice)app_device_proc(a, "vkDestroyDevice"))(a->device, NULL);
    a->device = VK_NULL_HANDLE;
    return 0;
}

/* The ICD's checks fire: contract breaks made on purpose, straight through
 * the Vulkan API, each raise its error count (counted, not aborted on). */
static int test_icd_self_check(void)
{
    setenv("HWENC_TEST_ICD_ABORT", "0", 1); /* read at vkCreateInstance */
    app_vulkan a;
    int ret = app_vulkan_open(&a);
    int before = icd_stats().errors, outside = before, leaked = before;
    if (ret == 0 && (ret = encode_outside_scope(&a)) == 0)
        outside = icd_stats().errors;
    if (ret == 0 && (ret = destroy_device_with_session(&a)) == 0)
        leaked = icd_stats().errors;
    app_vulkan_close(&a);
    REQUIRE(ret == 0, "the contract breaks could not be set up");
    REQUIRE(before == 0, "%d errors before the contract was broken", before);
    REQUIRE(outside > before, "an encode outside a video coding scope went unnoticed");
    REQUIRE(leaked > outside, "a device destroyed with a live video session went unnoticed");
    REQUIRE(icd_breaks_run(icd_error_ids, icd_clear_error_ids) == 0, "a rule of the ICD went unnoticed");
    return 0;
}

static int write_y4m(const char *path, int frames)
{
    FILE *f = fopen(path, "wb");
    static uint8_t frame[W * H * 3 / 2];
    if (!f)
        return -1;
    fprintf(f, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", W, H, FPS);
    for (int i = 0; i < frames; i++) {
        clipgen_frame_i420(CLIPGEN_OBJECT, W, H, i, 3, frame);
        fprintf(f, "FRAME\n");
        fwrite(frame, 1, sizeof(frame), f);
    }
    return fclose(f);
}

static int test_cli(const char *cli)
{
    char dir[] = "/tmp/hwenc-vulkan-cli-XXXXXX", in[64], out[64], cmd[512], err[256];
    REQUIRE(cli && mkdtemp(dir), "no CLI path or temporary directory");
    snprintf(in, sizeof(in), "%s/in.y4m", dir);
    snprintf(out, sizeof(out), "%s/out.264", dir);
    const int frames = 15;
    REQUIRE(write_y4m(in, frames) == 0, "cannot write %s", in);
    snprintf(cmd, sizeof(cmd), "'%s' encode '%s' -o '%s' --backend vulkan --qp 24 --ref 2 --quiet", cli, in, out);
    int status = system(cmd);
    decoded_video dec;
    int dret = avdecode_h264_file(out, &dec, err, sizeof(err));
    remove(in);
    remove(out);
    rmdir(dir);
    REQUIRE(status == 0, "'%s' failed (%d)", cmd, status);
    REQUIRE(dret == 0 && dec.frame_count == frames, "decode: %s (%d frames)", err, dec.frame_count);
    static uint8_t frame[W * H * 3 / 2];
    double worst = 1e9;
    for (int i = 0; i < frames; i++) {
        clipgen_frame_i420(CLIPGEN_OBJECT, W, H, i, 3, frame);
        double p = psnr_i420(frame, dec.frames[i], W, H);
        worst = p < worst ? p : worst;
    }
    decoded_video_free(&dec);
    REQUIRE(worst > 32.0, "worst PSNR %.2f dB at QP 24", worst);
    return 0;
}

/* The system's drivers (lavapipe here): no encode queue, a clear reason,
 * and `auto` moves on. */
static int test_system_drivers(void)
{
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int n = hwenc_probe(NULL, info, HWENC_BACKEND_COUNT);
    const hwenc_backend_info *vk = NULL;
    for (int i = 0; i < n; i++)
        if (info[i].backend == HWENC_BACKEND_VULKAN)
            vk = &info[i];
    REQUIRE(vk && vk->compiled, "the Vulkan backend is not listed");
    printf("vulkan probe: available %d: %s\n", vk->available, vk->reason);
    if (getenv("HWENC_TEST_EXPECT_LAVAPIPE")) {
        REQUIRE(!vk->available, "lavapipe claims to encode");
        REQUIRE(strstr(vk->reason, "no Vulkan device exposes VK_KHR_video_encode_queue") && strstr(vk->reason, "llvmpipe"),
                "unclear reason: %s", vk->reason);
    }
    REQUIRE(vk->reason[0], "no reason given");
    if (vk->available)
        return 0; /* a machine with a real encoder: nothing more to check here */
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = 64;
    cfg.height = 64;
    hwenc_encoder *enc;
    char err[512];
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "auto failed: %s", err);
    REQUIRE(hwenc_get_backend(enc) != HWENC_BACKEND_VULKAN, "auto chose Vulkan");
    hwenc_close(enc);
    return 0;
}

/* ---------------------------------------------------------- list-backends */

/* Standard output of a command that must succeed; NULL otherwise. */
static const char *command_output(const char *cmd)
{
    static char buf[1 << 16];
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t n = fread(buf, 1, sizeof(buf) - 1, p);
    buf[n] = 0;
    int status = pclose(p);
    printf("$ %s\n%s", cmd, buf);
    return status == 0 ? buf : NULL;
}

/* The lines list-backends prints for one backend: the one that starts with
 * its name and the indented driver and caps lines under it. */
static int backend_section(const char *out, const char *name, char *sec, size_t n)
{
    size_t len = strlen(name);
    for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, name, len) || line[len] != ' ')
            continue;
        const char *end = strchr(line, '\n');
        while (end && end[1] == ' ')
            end = strchr(end + 1, '\n');
        snprintf(sec, n, "%.*s", (int)(end ? end - line : (ptrdiff_t)strlen(line)), line);
        return 0;
    }
    return -1;
}

/* The device's name and driver as the Vulkan loader reports them to any
 * application: the reference for what list-backends prints. */
static int device_facts(char *name, size_t name_size, char *driver, size_t driver_size, uint32_t *api)
{
    void *lib = dlopen("libvulkan.so.1", RTLD_NOW);
    REQUIRE(lib, "no libvulkan.so.1");
    gipa_fn gipa = (gipa_fn)(uintptr_t)dlsym(lib, "vkGetInstanceProcAddr");
    PFN_vkCreateInstance create_instance = (PFN_vkCreateInstance)gipa(NULL, "vkCreateInstance");
    VkApplicationInfo app = { .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .apiVersion = VK_API_VERSION_1_3 };
    VkInstanceCreateInfo ii = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app };
    VkInstance inst;
    if (create_instance(&ii, NULL, &inst) != VK_SUCCESS) {
        dlclose(lib);
        REQUIRE(0, "vkCreateInstance");
    }
    PFN_vkEnumeratePhysicalDevices enum_devices = (PFN_vkEnumeratePhysicalDevices)gipa(inst, "vkEnumeratePhysicalDevices");
    PFN_vkGetPhysicalDeviceProperties2 props2 =
        (PFN_vkGetPhysicalDeviceProperties2)gipa(inst, "vkGetPhysicalDeviceProperties2");
    PFN_vkDestroyInstance destroy_instance = (PFN_vkDestroyInstance)gipa(inst, "vkDestroyInstance");
    VkPhysicalDevice pd;
    uint32_t n = 1;
    int ok = enum_devices(inst, &n, &pd) >= 0 && n == 1;
    if (ok) {
        VkPhysicalDeviceDriverProperties drv = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES };
        VkPhysicalDeviceProperties2 p = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &drv };
        props2(pd, &p);
        snprintf(name, name_size, "%s", p.properties.deviceName);
        snprintf(driver, driver_size, "%s %s", drv.driverName, drv.driverInfo);
        *api = p.properties.apiVersion;
    }
    destroy_instance(inst, NULL);
    dlclose(lib);
    REQUIRE(ok, "the loader reports %u devices, expected the test ICD alone", n);
    return 0;
}

/* `hwenc list-backends --device N`: the Vulkan entry names the device and
 * its driver and version as the loader reports them, and the encode
 * capabilities follow the ICD's (changed through its environment). */
static int test_list_backends(const char *cli)
{
    char name[256], driver[600], api[32], cmd[1024], sec[2048], want[96];
    uint32_t version;
    REQUIRE(cli, "no CLI path");
    if (device_facts(name, sizeof(name), driver, sizeof(driver), &version))
        return 1;
    snprintf(api, sizeof(api), "(Vulkan %u.%u.%u)", VK_API_VERSION_MAJOR(version), VK_API_VERSION_MINOR(version),
             VK_API_VERSION_PATCH(version));
    /* The profile's caps, then fewer DPB slots and no rate control. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            setenv("HWENC_TEST_ICD_DPB_SLOTS", "3", 1);
            setenv("HWENC_TEST_ICD_RC", "disabled", 1);
        }
        vk_device_caps base, main_caps;
        REQUIRE(device_caps(H264_PROFILE_BASELINE, &base) == 0, "no device");
        int has_main = device_caps(H264_PROFILE_MAIN, &main_caps) == 0;
        snprintf(cmd, sizeof(cmd), "'%s' list-backends --device 0", cli);
        const char *out = command_output(cmd);
        REQUIRE(out && backend_section(out, "vulkan", sec, sizeof(sec)) == 0, "'%s' failed or lists no vulkan", cmd);
        REQUIRE(strstr(sec, " yes ") && strstr(sec, name), "the entry does not offer '%s':\n%s", name, sec);
        const char *drv = strstr(sec, "driver: "), *caps = strstr(sec, "caps: ");
        REQUIRE(drv && strstr(drv, driver) && strstr(drv, api), "no driver line with '%s' and '%s':\n%s", driver, api,
                sec);
        snprintf(want, sizeof(want), "H.264 Constrained Baseline encode up to %ux%u", base.video.maxCodedExtent.width,
                 base.video.maxCodedExtent.height);
        REQUIRE(caps && strstr(caps, want), "caps lack '%s':\n%s", want, sec);
        snprintf(want, sizeof(want), "DPB %u slots, %u refs;", base.video.maxDpbSlots,
                 base.video.maxActiveReferencePictures);
        REQUIRE(strstr(caps, want), "caps lack '%s':\n%s", want, sec);
        if (has_main && main_caps.h264.maxBPictureL0ReferenceCount && main_caps.h264.maxL1ReferenceCount)
            snprintf(want, sizeof(want), "; B frames (Main): L0 %u, L1 %u", main_caps.h264.maxBPictureL0ReferenceCount,
                     main_caps.h264.maxL1ReferenceCount);
        else
            snprintf(want, sizeof(want), "; no B frames (%s)", has_main ? "Main without B pictures" : "no Main profile");
        REQUIRE(strstr(caps, want), "caps lack '%s':\n%s", want, sec);
        VkVideoEncodeRateControlModeFlagsKHR rc = base.encode.rateControlModes;
        snprintf(want, sizeof(want), "rc:%s%s%s;", rc & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR ? " CQP" : "",
                 rc & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR ? " CBR" : "",
                 rc & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR ? " VBR" : "");
        REQUIRE(strstr(caps, want), "rate-control modes: want '%s':\n%s", want, sec);
        REQUIRE(!pass || (base.video.maxDpbSlots <= 3 && !(rc & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR)),
                "the environment did not reach the ICD");
    }
    unsetenv("HWENC_TEST_ICD_DPB_SLOTS");
    unsetenv("HWENC_TEST_ICD_RC");
    /* Devices without B pictures say why. */
    static const char *const no_b[][2] = { { "none", "; no B frames (Main without B pictures)" },
                                           { "no-main", "; no B frames (no Main profile)" } };
    for (int i = 0; i < 2; i++) {
        setenv("HWENC_TEST_ICD_B", no_b[i][0], 1);
        snprintf(cmd, sizeof(cmd), "'%s' list-backends --device 0", cli);
        const char *out = command_output(cmd);
        REQUIRE(out && backend_section(out, "vulkan", sec, sizeof(sec)) == 0, "'%s' failed or lists no vulkan", cmd);
        REQUIRE(strstr(sec, no_b[i][1]), "HWENC_TEST_ICD_B=%s: caps lack '%s':\n%s", no_b[i][0], no_b[i][1], sec);
    }
    unsetenv("HWENC_TEST_ICD_B");
    snprintf(cmd, sizeof(cmd), "'%s' list-backends --device 1", cli);
    const char *out = command_output(cmd);
    REQUIRE(out && backend_section(out, "vulkan", sec, sizeof(sec)) == 0, "'%s' failed or lists no vulkan", cmd);
    REQUIRE(strstr(sec, " no ") && strstr(sec, "index 1 is out of range"), "device 1 of one:\n%s", sec);
    return icd_clean();
}

int main(int argc, char **argv)
{
    const char *t = argc > 1 ? argv[1] : "";
    icd_hold();
    int ret = !strcmp(t, "encode")                  ? test_encode(1)
              : !strcmp(t, "encode_transfer_queue") ? test_encode(0)
              : !strcmp(t, "cbr")                   ? test_bitrate_mode(HWENC_RC_CBR)
              : !strcmp(t, "vbr")                   ? test_bitrate_mode(HWENC_RC_VBR)
              : !strcmp(t, "bitrate_change")        ? test_bitrate_change()
              : !strcmp(t, "force_idr")             ? test_force_idr()
              : !strcmp(t, "bframes")               ? test_bframes(HWENC_RC_CQP)
              : !strcmp(t, "bframes_cbr")           ? test_bframes(HWENC_RC_CBR)
              : !strcmp(t, "bframes_no_b")          ? test_bframes(HWENC_RC_CQP)
              : !strcmp(t, "bframes_no_main")       ? test_bframes(HWENC_RC_CBR)
              : !strcmp(t, "bframes_infinite_gop")  ? test_bframes_infinite_gop()
              : !strcmp(t, "three_dpb_slots")       ? test_few_dpb_slots()
              : !strcmp(t, "gop_remaining_required") ? test_gop_remaining_required()
              : !strcmp(t, "source_not_transfer_dst") ? test_source_not_transfer_dst()
              : !strcmp(t, "no_deblock")            ? test_no_deblock()
              : !strcmp(t, "no_deblock_pps_override") ? test_no_deblock_pps_override()
              : !strcmp(t, "bframes_short_l0")      ? test_bframes_short_l0()
              : !strcmp(t, "external_device_without_sync2") ? test_external_device_without_sync2()
              : !strcmp(t, "external_device")       ? test_external_device()
              : !strcmp(t, "icd_self_check")        ? test_icd_self_check()
              : !strcmp(t, "rc_disabled_only")      ? test_rc_disabled_only()
              : !strcmp(t, "single_dpb_slot")       ? test_single_dpb_slot()
              : !strcmp(t, "device_lost_submit")    ? test_device_lost()
              : !strcmp(t, "device_lost_wait")      ? test_device_lost()
              : !strcmp(t, "cli")                   ? test_cli(argc > 2 ? argv[2] : NULL)
              : !strcmp(t, "list_backends")         ? test_list_backends(argc > 2 ? argv[2] : NULL)
              : !strcmp(t, "system_drivers")        ? test_system_drivers()
                                                    : (fprintf(stderr, "unknown test '%s'\n", t), 2);
    if (ret == 0)
        printf("vulkan %s: ok\n", t);
    if (icd_library)
        dlclose(icd_library);
    return ret;
}

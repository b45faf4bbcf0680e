/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Configuration defaults, validation, names and error strings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hw/core/config.h"
#include "hw/h264/params.h"

unsigned hwenc_version(void)
{
    return HWENC_VERSION;
}

const char *hwenc_error_string(int error)
{
    switch (error) {
    case HWENC_OK: return "success";
    case HWENC_EAGAIN: return "resource temporarily unavailable: send or receive first";
    case HWENC_EOF: return "end of stream";
    case HWENC_EINVAL: return "invalid argument";
    case HWENC_ENOMEM: return "out of memory";
    case HWENC_EUNSUPPORTED: return "not supported";
    case HWENC_ENOBACKEND: return "no encoder backend available";
    case HWENC_EBACKEND: return "backend failure";
    case HWENC_ESTATE: return "operation not allowed in the current state";
    case HWENC_EDEVICE_LOST: return "device lost";
    default: return "unknown error";
    }
}

void hwenc_config_default(hwenc_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof(*cfg));
    cfg->struct_size = sizeof(*cfg);
    cfg->codec = HWENC_CODEC_H264;
    cfg->backend = HWENC_BACKEND_AUTO;
    cfg->fps_num = 25;
    cfg->fps_den = 1;
    cfg->pixel_format = HWENC_PIXFMT_I420;
    cfg->preset = HWENC_PRESET_MEDIUM;
    cfg->rc_mode = HWENC_RC_CQP;
    cfg->qp = 23;
    cfg->crf = 23.0;
    cfg->keyint = 250;
    cfg->scenecut = 40;
    cfg->ref_frames = 1;
    cfg->deblock = 1;
    cfg->external.vk_encode_queue_family = -1;
    cfg->profile = HWENC_PROFILE_HIGH;
    cfg->cabac = -1;
    cfg->transform_8x8 = -1;
    cfg->log_level = HWENC_LOG_INFO;
}

static const char *const profile_names[HWENC_PROFILE_COUNT] = { "baseline", "main", "high" };

const char *hwenc_profile_name(enum hwenc_profile profile)
{
    return (unsigned)profile < HWENC_PROFILE_COUNT ? profile_names[profile] : "unknown";
}

int hwenc_profile_from_name(const char *name)
{
    for (int i = 0; name && i < HWENC_PROFILE_COUNT; i++)
        if (!strcasecmp(name, profile_names[i]))
            return i;
    return -1;
}

/* What each preset uses when the configuration leaves it to the preset
 * (README, "Presets"): CABAC and the 8x8 transform, by enum hwenc_preset. */
static const struct {
    uint8_t cabac, transform_8x8;
} preset_tools[HWENC_PRESET_COUNT] = {
    /* ultrafast */ { 0, 0 },
    /* superfast */ { 1, 1 },
    /* veryfast  */ { 1, 1 },
    /* faster    */ { 1, 1 },
    /* fast      */ { 1, 1 },
    /* medium    */ { 1, 1 },
};

/* On hardware the preset does not decide: CABAC and the 8x8 transform
 * cost a hardware encoder no frame rate, and FFmpeg's h264_vaapi (coder
 * cabac, transform_8x8_mode_flag in High) and h264_vulkan code them
 * whatever the speed setting. */
void config_coding_tools(const hwenc_config *c, int hardware, int *cabac, int *transform_8x8)
{
    const int preset = (unsigned)c->preset < HWENC_PRESET_COUNT ? (int)c->preset : HWENC_PRESET_MEDIUM;
    const int preset_cabac = hardware ? 1 : preset_tools[preset].cabac;
    const int preset_8x8 = hardware ? 1 : preset_tools[preset].transform_8x8;
    *cabac = c->profile == HWENC_PROFILE_BASELINE ? 0 : c->cabac >= 0 ? c->cabac : preset_cabac;
    *transform_8x8 = c->profile != HWENC_PROFILE_HIGH ? 0 : c->transform_8x8 >= 0 ? c->transform_8x8 : preset_8x8;
}

h264_tools config_h264_tools(const hwenc_config *c, int hardware, int bframes)
{
    static const int idc[HWENC_PROFILE_COUNT] = { H264_PROFILE_BASELINE, H264_PROFILE_MAIN, H264_PROFILE_HIGH };
    h264_tools t = { .profile_idc = idc[(unsigned)c->profile < HWENC_PROFILE_COUNT ? c->profile : HWENC_PROFILE_HIGH] };
    if (bframes && t.profile_idc == H264_PROFILE_BASELINE)
        t.profile_idc = H264_PROFILE_MAIN;
    config_coding_tools(c, hardware, &t.cabac, &t.transform_8x8);
    return t;
}

static const char *const backend_names[HWENC_BACKEND_COUNT] = { "auto", "vaapi", "nvenc", "vulkan", "cpu" };
static const char *const preset_names[HWENC_PRESET_COUNT] = {
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
};

const char *hwenc_backend_name(enum hwenc_backend backend)
{
    return (unsigned)backend < HWENC_BACKEND_COUNT ? backend_names[backend] : "unknown";
}

int hwenc_backend_from_name(const char *name)
{
    for (int i = 0; name && i < HWENC_BACKEND_COUNT; i++)
        if (!strcasecmp(name, backend_names[i]))
            return i;
    return -1;
}

const char *hwenc_preset_name(enum hwenc_preset preset)
{
    return (unsigned)preset < HWENC_PRESET_COUNT ? preset_names[preset] : "unknown";
}

int hwenc_preset_from_name(const char *name)
{
    for (int i = 0; name && i < HWENC_PRESET_COUNT; i++)
        if (!strcasecmp(name, preset_names[i]))
            return i;
    return -1;
}

const char *hwenc_frame_type_name(enum hwenc_frame_type type)
{
    switch (type) {
    case HWENC_FRAME_IDR: return "IDR";
    case HWENC_FRAME_I: return "I";
    case HWENC_FRAME_P: return "P";
    case HWENC_FRAME_B: return "B";
    }
    return "?";
}

/* Sizes of hwenc_config before the current one, newest first. 0.1.0 ended
 * with hwenc_external_device, which then ended at vk_encode_queue_index. */
static const size_t older_config_sizes[] = {
    offsetof(hwenc_config, external) + offsetof(hwenc_external_device, vk_enabled_extensions), /* 0.1.0 */
    offsetof(hwenc_config, log_callback), /* before the log callback and nal_hrd */
    offsetof(hwenc_config, failover), /* before mid-stream failover */
};

int config_import(const hwenc_config *in, hwenc_config *out, char *err, size_t err_size)
{
    if (in->struct_size == sizeof(*in)) {
        *out = *in;
        return 0;
    }
    for (size_t i = 0; i < sizeof(older_config_sizes) / sizeof(older_config_sizes[0]); i++) {
        if (in->struct_size == older_config_sizes[i]) {
            hwenc_config_default(out);
            memcpy(out, in, older_config_sizes[i]);
            out->struct_size = sizeof(*out);
            return 0;
        }
    }
    snprintf(err, err_size, "hwenc_config.struct_size is %u, which no version of hwenc.h up to this library's "
             "(%zu) has had: initialise the configuration with hwenc_config_default()", in->struct_size, sizeof(*in));
    return HWENC_EINVAL;
}

#define FAIL(...) do { snprintf(err, err_size, __VA_ARGS__); return HWENC_EINVAL; } while (0)

/* Code points of H.264 Tables E-3 (colour_primaries), E-4
 * (transfer_characteristics) and E-5 (matrix_coefficients), the values
 * FFmpeg's libavutil/pixfmt.h names: bit n is set if n is defined. 0 is
 * reserved in E-3 and E-4, and in E-5 (GBR) is for 4:4:4 only; in
 * hwenc_colour it means "unspecified". */
#define BIT(n) (1u << (n))
#define BITS(a, b) ((~0u >> (31 - (b))) & ~(BIT(a) - 1)) /* a..b */
static const uint32_t defined_primaries = BITS(0, 2) | BITS(4, 12) | BIT(22);
static const uint32_t defined_transfers = BITS(0, 2) | BITS(4, 18);
static const uint32_t defined_matrices = BITS(0, 2) | BITS(4, 14);

static int is_code_point(int value, uint32_t defined)
{
    return value >= 0 && value < 32 && (defined & BIT(value));
}

static int validate_colour(const hwenc_colour *c, char *err, size_t err_size)
{
    if (c->full_range != 0 && c->full_range != 1)
        FAIL("colour.full_range %d is invalid: use 0 (limited) or 1 (full)", c->full_range);
    if (!is_code_point(c->primaries, defined_primaries))
        FAIL("colour.primaries %d is no colour_primaries of H.264 Table E-3: use 0 (unspecified), 1, 2, 4 to 12 "
             "or 22", c->primaries);
    if (!is_code_point(c->transfer, defined_transfers))
        FAIL("colour.transfer %d is no transfer_characteristics of H.264 Table E-4: use 0 (unspecified), 1, 2 "
             "or 4 to 18", c->transfer);
    if (!is_code_point(c->matrix, defined_matrices))
        FAIL("colour.matrix %d is no matrix_coefficients of H.264 Table E-5 for 4:2:0: use 0 (unspecified), 1, 2 "
             "or 4 to 14", c->matrix);
    /* E.2.1: chroma_sample_loc_type_top_field is 0 to 5. */
    if (c->chroma_sample_loc < 0 || c->chroma_sample_loc > 5)
        FAIL("colour.chroma_sample_loc %d is out of range: use 0 to 5 (H.264 E.2.1)", c->chroma_sample_loc);
    return 0;
}

/* FFmpeg (av_image_check_sar) refuses an aspect ratio that displays the
 * picture's narrower side less than one sample wide, and its H.264
 * decoder then starts again at every picture and drops each P picture as
 * corrupt: such a stream does not play. */
static int sar_displayable(const hwenc_config *c)
{
    if (!c->sar_num || c->sar_num == c->sar_den)
        return 1;
    if (c->sar_num < c->sar_den)
        return (int64_t)c->width * c->sar_num / c->sar_den > 0;
    return (int64_t)c->height * c->sar_den / c->sar_num > 0;
}

static const char *rc_mode_name(enum hwenc_rate_control mode)
{
    static const char *const names[] = { "HWENC_RC_CQP", "HWENC_RC_CRF", "HWENC_RC_ABR", "HWENC_RC_CBR",
                                         "HWENC_RC_VBR" };
    return names[mode];
}

/* The rate-control fields; rc_mode is known to be valid. */
static int validate_rate_control(const hwenc_config *c, char *err, size_t err_size)
{
    if (c->qp < 0 || c->qp > QP_MAX_H264)
        FAIL("qp %d is out of range: use 0 to 51", c->qp);
    /* Written so that NaN fails too. */
    if (!(c->crf >= 0 && c->crf <= 51))
        FAIL("crf %g is out of range: use 0 to 51", c->crf);
    if (c->bitrate_kbps < 0 || c->vbv_maxrate_kbps < 0 || c->vbv_bufsize_kbits < 0)
        FAIL("bitrate_kbps %d, vbv_maxrate_kbps %d and vbv_bufsize_kbits %d must not be negative", c->bitrate_kbps,
             c->vbv_maxrate_kbps, c->vbv_bufsize_kbits);
    if (c->rc_mode == HWENC_RC_CRF && c->bitrate_kbps > 0)
        FAIL("crf and bitrate_kbps contradict each other: set bitrate_kbps to 0, or choose rc_mode HWENC_RC_ABR, "
             "HWENC_RC_CBR or HWENC_RC_VBR");
    if (c->rc_mode == HWENC_RC_CQP && (c->bitrate_kbps > 0 || c->vbv_maxrate_kbps > 0))
        FAIL("rc_mode HWENC_RC_CQP (qp) and a bitrate contradict each other: set bitrate_kbps and vbv_maxrate_kbps "
             "to 0, or choose rc_mode HWENC_RC_ABR, HWENC_RC_CBR or HWENC_RC_VBR");
    if (c->rc_mode >= HWENC_RC_ABR && c->bitrate_kbps <= 0)
        FAIL("rc_mode %s needs a target: set bitrate_kbps", rc_mode_name(c->rc_mode));
    if (c->rc_mode == HWENC_RC_VBR && c->vbv_maxrate_kbps > 0 && c->vbv_maxrate_kbps < c->bitrate_kbps)
        FAIL("vbv_maxrate_kbps %d is below bitrate_kbps %d: raise vbv_maxrate_kbps", c->vbv_maxrate_kbps,
             c->bitrate_kbps);
    if (c->rc_mode >= HWENC_RC_ABR && c->vbv_bufsize_kbits > 0) {
        int maxrate = c->rc_mode == HWENC_RC_CBR || !c->vbv_maxrate_kbps ? c->bitrate_kbps : c->vbv_maxrate_kbps;
        double frame_kbits = (double)maxrate * c->fps_den / c->fps_num;
        if (c->vbv_bufsize_kbits < frame_kbits)
            FAIL("vbv_bufsize_kbits %d is smaller than one frame at %d kb/s and %d/%d fps: raise it to at least %.0f",
                 c->vbv_bufsize_kbits, maxrate, c->fps_num, c->fps_den, frame_kbits + 0.5);
    }
    return 0;
}

/* x264 asks for the same: an HRD describes a VBV, and its CBR is the rate
 * control's CBR. */
static int validate_nal_hrd(const hwenc_config *c, char *err, size_t err_size)
{
    if (c->nal_hrd < HWENC_NAL_HRD_NONE || c->nal_hrd > HWENC_NAL_HRD_CBR)
        FAIL("unknown nal_hrd %d: use HWENC_NAL_HRD_NONE, VBR or CBR", (int)c->nal_hrd);
    int vbv = c->rc_mode == HWENC_RC_CBR || c->rc_mode == HWENC_RC_VBR ||
              (c->vbv_maxrate_kbps > 0 && c->rc_mode != HWENC_RC_CQP);
    if (c->nal_hrd != HWENC_NAL_HRD_NONE && !vbv)
        FAIL("nal_hrd %s needs a VBV to describe: rc_mode HWENC_RC_CBR or HWENC_RC_VBR, or a vbv_maxrate_kbps",
             c->nal_hrd == HWENC_NAL_HRD_CBR ? "cbr" : "vbr");
    /* hrd_parameters() holds values of 32 bits. */
    if (c->nal_hrd != HWENC_NAL_HRD_NONE &&
        (c->bitrate_kbps > 4000000 || c->vbv_maxrate_kbps > 4000000 || c->vbv_bufsize_kbits > 4000000))
        FAIL("nal_hrd: bitrate_kbps, vbv_maxrate_kbps and vbv_bufsize_kbits must be at most 4000000 for an HRD");
    if (c->nal_hrd == HWENC_NAL_HRD_CBR && c->rc_mode != HWENC_RC_CBR)
        FAIL("nal_hrd cbr needs rc_mode HWENC_RC_CBR (a stream padded to a constant rate)");
    return 0;
}

int config_validate(const hwenc_config *c, char *err, size_t err_size)
{
    if (c->struct_size != sizeof(*c))
        FAIL("hwenc_config.struct_size is %u, expected %zu: initialise it with hwenc_config_default()",
             c->struct_size, sizeof(*c));
    if (c->codec != HWENC_CODEC_H264)
        FAIL("unsupported codec %d: only H.264 (HWENC_CODEC_H264)", (int)c->codec);
    if ((unsigned)c->backend >= HWENC_BACKEND_COUNT)
        FAIL("unknown backend %d", (int)c->backend);
    if (c->width <= 0 || c->height <= 0)
        FAIL("invalid size %dx%d: width and height must be positive", c->width, c->height);
    if ((c->width | c->height) & 1)
        FAIL("odd size %dx%d: 4:2:0 needs even width and height", c->width, c->height);
    if (c->width > 16 * 1024 || c->height > 16 * 1024)
        FAIL("size %dx%d is beyond what H.264 allows (at most 8192 on a side at level 6.2)", c->width, c->height);
    if (c->fps_num <= 0 || c->fps_den <= 0)
        FAIL("invalid frame rate %d/%d: fps_num and fps_den must be positive", c->fps_num, c->fps_den);
    /* A.3.1 counts the aspect ratio in 16 bits; 0:0 leaves it unspecified. */
    if (c->sar_num < 0 || c->sar_den < 0 || c->sar_num > 65535 || c->sar_den > 65535 ||
        (c->sar_num == 0) != (c->sar_den == 0))
        FAIL("invalid sample aspect ratio %d:%d: sar_num and sar_den are both 1 to 65535, or both 0 (unspecified)",
             c->sar_num, c->sar_den);
    if (!sar_displayable(c))
        FAIL("sample aspect ratio %d:%d would show the %dx%d picture less than one sample %s: FFmpeg refuses such "
             "a ratio and then drops every P picture", c->sar_num, c->sar_den, c->width, c->height,
             c->sar_num < c->sar_den ? "wide" : "high");
    if (c->pixel_format != HWENC_PIXFMT_I420 && c->pixel_format != HWENC_PIXFMT_NV12)
        FAIL("unsupported pixel format %d: use I420 or NV12", (int)c->pixel_format);
    int ret = validate_colour(&c->colour, err, err_size);
    if (ret < 0)
        return ret;
    if ((unsigned)c->preset >= HWENC_PRESET_COUNT)
        FAIL("unknown preset %d", (int)c->preset);
    if (c->rc_mode < HWENC_RC_CQP || c->rc_mode > HWENC_RC_VBR)
        FAIL("unknown rate-control mode %d (rc_mode)", (int)c->rc_mode);
    if ((ret = validate_rate_control(c, err, err_size)) < 0)
        return ret;
    if (c->keyint == 0 || c->keyint < -1)
        FAIL("keyint %d is invalid: use a positive interval, or -1 for a single IDR", c->keyint);
    if (c->ref_frames < 1 || c->ref_frames > H264_MAX_REFS)
        FAIL("ref_frames %d is out of range: use 1 to 16", c->ref_frames);
    if (c->bframes < 0 || c->bframes > H264_MAX_REFS)
        FAIL("bframes %d is out of range: use 0 to 16", c->bframes);
    if (c->bframes > 0 && c->low_latency)
        FAIL("bframes %d and low_latency contradict each other: B frames reorder pictures; set bframes to 0",
             c->bframes);
    if (c->bframes > 0 && c->ref_frames >= H264_MAX_REFS)
        FAIL("ref_frames %d leaves no room for the B frames' future reference: use %d or less", c->ref_frames,
             H264_MAX_REFS - 1);
    if (c->threads < 0)
        FAIL("threads %d is invalid: use 0 for all cores or a positive count", c->threads);
    if (c->deblock_alpha < -6 || c->deblock_alpha > 6 || c->deblock_beta < -6 || c->deblock_beta > 6)
        FAIL("deblock_alpha %d and deblock_beta %d: each must be -6 to 6", c->deblock_alpha, c->deblock_beta);
    if (c->min_keyint < 0)
        FAIL("min_keyint %d must not be negative (0 selects keyint / 10)", c->min_keyint);
    if (c->scenecut < 0 || c->scenecut > 100)
        FAIL("scenecut %d is out of range: use 0 (off) to 100", c->scenecut);
    if ((unsigned)c->profile >= HWENC_PROFILE_COUNT)
        FAIL("unknown profile %d: use HWENC_PROFILE_BASELINE, MAIN or HIGH", c->profile);
    if (c->cabac < -1 || c->cabac > 1 || c->transform_8x8 < -1 || c->transform_8x8 > 1)
        FAIL("cabac %d / transform_8x8 %d: use -1 (the preset decides), 0 or 1", c->cabac, c->transform_8x8);
    if (c->profile == HWENC_PROFILE_BASELINE && c->bframes > 0)
        FAIL("bframes %d and profile baseline contradict each other: Baseline has no B slices; use profile main "
             "or high, or bframes 0", c->bframes);
    if (c->profile == HWENC_PROFILE_BASELINE && c->cabac == 1)
        FAIL("cabac 1 and profile baseline contradict each other: Baseline has no CABAC; use profile main or high");
    if (c->profile != HWENC_PROFILE_HIGH && c->transform_8x8 == 1)
        FAIL("transform_8x8 1 needs profile high (profile %s has no 8x8 transform)", hwenc_profile_name(c->profile));
    if (c->failover < 0 || c->failover > 1)
        FAIL("failover %d is invalid: use 0 (off) or 1 (on)", c->failover);
    if ((unsigned)c->failover_backend >= HWENC_BACKEND_COUNT)
        FAIL("unknown failover_backend %d", (int)c->failover_backend);
    if (!c->failover && c->failover_backend != HWENC_BACKEND_AUTO)
        FAIL("failover_backend %s needs failover 1", hwenc_backend_name(c->failover_backend));
    if (c->log_level < HWENC_LOG_ERROR || c->log_level > HWENC_LOG_DEBUG)
        FAIL("unknown log_level %d: use HWENC_LOG_ERROR to HWENC_LOG_DEBUG", (int)c->log_level);
    return validate_nal_hrd(c, err, err_size);
}

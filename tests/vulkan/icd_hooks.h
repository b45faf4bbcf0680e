/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What the test ICD tells the tests: they dlopen the ICD library (the same
 * one the loader opened) and call hwenc_test_icd_get_stats.
 */
#ifndef HWENC_TEST_ICD_HOOKS_H
#define HWENC_TEST_ICD_HOOKS_H

#include <stdint.h>

typedef struct hwenc_test_icd_stats {
    int errors;                  /* valid-usage errors found */
    int live_objects;            /* objects not destroyed yet */
    int instances;               /* created so far */
    int encodes;                 /* pictures encoded */
    int p_pictures;              /* of them predicted */
    int b_pictures;              /* of them bi-predicted */
    int resets;                  /* session resets */
    int rate_control_changes;    /* coding-control commands with rate control */
    int last_rc_mode;            /* VkVideoEncodeRateControlModeFlagBitsKHR */
    uint64_t last_average_bitrate;
    int transfer_submissions;    /* submissions to the transfer-only family */
    int quality_level;
    int last_consecutive_b;      /* VkVideoEncodeH264RateControlInfoKHR::consecutiveBFrameCount */
    uint32_t last_gop_frames;    /* ... ::gopFrameCount */
    uint32_t last_idr_period;    /* ... ::idrPeriod */
    uint32_t last_rc_flags;      /* ... ::flags */
    int gop_remaining_scopes;    /* coding scopes with useGopRemainingFrames */
    int last_profile;            /* StdVideoH264ProfileIdc of the last session */
    int deblock_disabled;        /* pictures encoded with disable_deblocking_filter_idc 1 */
    char error_ids[4096];        /* the rules broken so far, each followed by a space (cut when full) */
} hwenc_test_icd_stats;

typedef void (*hwenc_test_icd_get_stats_fn)(hwenc_test_icd_stats *stats);
/* Empties error_ids (hwenc_test_icd_clear_error_ids). */
typedef void (*hwenc_test_icd_clear_error_ids_fn)(void);

#endif

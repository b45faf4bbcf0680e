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
    int last_profile;            /* StdVideoH264ProfileIdc of the last session */
} hwenc_test_icd_stats;

typedef void (*hwenc_test_icd_get_stats_fn)(hwenc_test_icd_stats *stats);

#endif

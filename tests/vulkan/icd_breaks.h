/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Must-refuse cases for the test ICD: each breaks one rule the ICD
 * enforces, on purpose, straight through the Vulkan API (a device set up
 * with the backend's own helpers, then one thing done wrong), and checks
 * that the ICD reported that rule. HWENC_TEST_ICD_ABORT=0 must be set.
 */
#ifndef HWENC_TEST_ICD_BREAKS_H
#define HWENC_TEST_ICD_BREAKS_H

/* Runs every case; returns 0 when each rule was reported, else 1 (with
 * what went unnoticed on stderr). error_ids reads the ICD's list of the
 * rules broken since clear emptied it. */
int icd_breaks_run(const char *(*error_ids)(void), void (*clear)(void));

#endif

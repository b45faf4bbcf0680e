/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The video session's DPB slots. The HAL numbers its reference pictures'
 * slots 0 .. max_num_ref_frames (hal.h), and its sliding window keeps as
 * many references as the SPS allows; a device may have fewer slots, and
 * the pictures to come only ever predict from the most recent few (list 0
 * of P pictures, list 0 and list 1 of B pictures). So the session's slots
 * hold the references that can still be used, the HAL slots map onto them,
 * and every picture, reference or not, is reconstructed into a slot that
 * holds none of those (VUID-vkCmdEncodeVideoKHR-pEncodeInfo-08377 asks
 * for a setup slot whenever the session has DPB slots; a non-reference
 * picture's setup slot only loses what it held).
 */
#ifndef HWENC_VK_DPB_H
#define HWENC_VK_DPB_H

#include "hw/core/hal.h"

#define VK_DPB_MAX_SLOTS (H264_MAX_REFS + 1)

typedef struct vk_dpb {
    int slots;                           /* the session's; 0: no reconstruction (intra only) */
    int keep;                            /* most recent references the pictures to come may use */
    int slot_of[VK_DPB_MAX_SLOTS];       /* session slot holding each HAL slot's picture, -1: none */
    int held[VK_DPB_MAX_SLOTS];          /* HAL slot of the picture in each session slot, -1: free */
    enum hwenc_frame_type type[VK_DPB_MAX_SLOTS]; /* of the picture in each session slot */
} vk_dpb;

void vk_dpb_init(vk_dpb *d, int slots, int keep);
/* The session slot of a reference the HAL names, -1 if no slot holds it. */
int vk_dpb_slot(const vk_dpb *d, int hal_slot);
/* Where pic is reconstructed: a slot holding no reference pic or a later
 * picture can use; -1 in a session without slots. */
int vk_dpb_setup_slot(const vk_dpb *d, const hal_picture *pic);
/* Records that pic was reconstructed into setup (a reference now held
 * there, or for a non-reference picture, nothing). */
void vk_dpb_commit(vk_dpb *d, const hal_picture *pic, int setup);

#endif

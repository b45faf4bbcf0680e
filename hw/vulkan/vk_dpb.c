/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include "hw/vulkan/vk_dpb.h"

void vk_dpb_init(vk_dpb *d, int slots, int keep)
{
    d->slots = slots;
    d->keep = keep;
    for (int i = 0; i < VK_DPB_MAX_SLOTS; i++) {
        d->slot_of[i] = d->held[i] = -1;
        d->type[i] = HWENC_FRAME_IDR;
    }
}

int vk_dpb_slot(const vk_dpb *d, int hal_slot)
{
    return hal_slot >= 0 && hal_slot < VK_DPB_MAX_SLOTS ? d->slot_of[hal_slot] : -1;
}

/* How recently the picture in a session slot was decoded, as its place in
 * pic->dpb (most recent first); VK_DPB_MAX_SLOTS when it left the DPB. */
static int age(const vk_dpb *d, const hal_picture *pic, int slot)
{
    for (int i = 0; d->held[slot] >= 0 && i < pic->num_dpb; i++)
        if (pic->dpb[i].slot == d->held[slot])
            return i;
    return VK_DPB_MAX_SLOTS;
}

static int named(const hal_picture *pic, int hal_slot)
{
    for (int i = 0; i < pic->num_refs; i++)
        if (pic->refs[i].slot == hal_slot)
            return 1;
    for (int i = 0; pic->type == HWENC_FRAME_B && i < pic->num_refs_l1; i++)
        if (pic->refs_l1[i].slot == hal_slot)
            return 1;
    return 0;
}

/* The oldest picture goes first: the most recent `keep` references and
 * the ones this picture names stay. */
int vk_dpb_setup_slot(const vk_dpb *d, const hal_picture *pic)
{
    int best = -1, best_age = -1;
    for (int slot = 0; slot < d->slots; slot++) {
        int a = age(d, pic, slot);
        if (a < d->keep || (d->held[slot] >= 0 && a < VK_DPB_MAX_SLOTS && named(pic, d->held[slot])))
            continue;
        if (a > best_age) {
            best = slot;
            best_age = a;
        }
    }
    return best;
}

void vk_dpb_commit(vk_dpb *d, const hal_picture *pic, int setup)
{
    if (setup < 0)
        return;
    if (d->held[setup] >= 0)
        d->slot_of[d->held[setup]] = -1;
    d->held[setup] = -1;
    if (!pic->reference || pic->recon_slot < 0 || pic->recon_slot >= VK_DPB_MAX_SLOTS)
        return;
    /* The HAL reuses a slot number once its picture left the window. */
    if (d->slot_of[pic->recon_slot] >= 0)
        d->held[d->slot_of[pic->recon_slot]] = -1;
    d->slot_of[pic->recon_slot] = setup;
    d->held[setup] = pic->recon_slot;
    d->type[setup] = pic->type;
}

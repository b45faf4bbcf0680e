/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the motion compensation kernels of mc.h. Each level
 * overwrites the entries it improves on, so a table holds the best version
 * the flags allow.
 */
#ifndef HWENC_CPU_X86_MC_H
#define HWENC_CPU_X86_MC_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/mc.h"

decl_frame_expand_border_fn(frame_expand_border_sse2);
decl_get_luma_fn(get_luma_sse2);
decl_pixel_avg_fn(pixel_avg_sse2);
decl_pixel_copy_fn(pixel_copy_sse2);
decl_downscale_2x2_fn(downscale_2x2_sse2);

decl_hpel_filter_fn(hpel_filter_ssse3);
decl_mc_chroma_fn(mc_chroma_ssse3);

decl_hpel_filter_fn(hpel_filter_avx2);

static inline void mc_dsp_init_x86(mc_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    dsp->frame_expand_border = frame_expand_border_sse2;
    dsp->get_luma = get_luma_sse2;
    dsp->pixel_avg = pixel_avg_sse2;
    dsp->pixel_copy = pixel_copy_sse2;
    dsp->downscale_2x2 = downscale_2x2_sse2;

    if (!(flags & CPU_SSSE3))
        return;
    dsp->hpel_filter = hpel_filter_ssse3;
    dsp->mc_chroma = mc_chroma_ssse3;

    if (!(flags & CPU_AVX2))
        return;
    dsp->hpel_filter = hpel_filter_avx2;
}

#endif

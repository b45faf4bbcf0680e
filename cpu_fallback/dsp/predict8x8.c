/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * C reference of Intra 8x8 prediction (8.3.2.2.1 - 8.3.2.2.10).
 */
#include <string.h>

#include "cpu_fallback/dsp/predict8x8.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/predict8x8.h"
#endif

/* p'[x, -1] for x = -1..15 and p'[-1, y] for y = -1..7. */
#define T(x) edge[1 + (x)]
#define L(y) edge[-1 - (y)]

static void filter_c(uint8_t *f, const uint8_t *edge, int avail)
{
    const int top = avail & EDGE8_TOP, left = avail & EDGE8_LEFT, topleft = avail & EDGE8_TOPLEFT;
    if (top) {
        f[1] = (uint8_t)(((topleft ? T(-1) : T(0)) + 2 * T(0) + T(1) + 2) >> 2);
        for (int x = 1; x < 15; x++)
            f[1 + x] = (uint8_t)((T(x - 1) + 2 * T(x) + T(x + 1) + 2) >> 2);
        f[16] = (uint8_t)((T(14) + 3 * T(15) + 2) >> 2);
    }
    if (topleft) {
        if (top && left)
            f[0] = (uint8_t)((T(0) + 2 * T(-1) + L(0) + 2) >> 2);
        else if (top)
            f[0] = (uint8_t)((3 * T(-1) + T(0) + 2) >> 2);
        else if (left)
            f[0] = (uint8_t)((3 * T(-1) + L(0) + 2) >> 2);
        else
            f[0] = T(-1);
    }
    if (left) {
        f[-1] = (uint8_t)(((topleft ? L(-1) : L(0)) + 2 * L(0) + L(1) + 2) >> 2);
        for (int y = 1; y < 7; y++)
            f[-1 - y] = (uint8_t)((L(y - 1) + 2 * L(y) + L(y + 1) + 2) >> 2);
        f[-8] = (uint8_t)((L(6) + 3 * L(7) + 2) >> 2);
    }
}

static void fill(uint8_t *dst, ptrdiff_t stride, int v)
{
    for (int y = 0; y < 8; y++)
        memset(dst + y * stride, v, 8);
}

static void pred_v(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        memcpy(dst + y * stride, edge + 1, 8);
}

static void pred_h(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        memset(dst + y * stride, L(y), 8);
}

static void pred_dc(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    int sum = 8;
    for (int i = 0; i < 8; i++)
        sum += T(i) + L(i);
    fill(dst, stride, sum >> 4);
}

static void pred_dc_left(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    int sum = 4;
    for (int i = 0; i < 8; i++)
        sum += L(i);
    fill(dst, stride, sum >> 3);
}

static void pred_dc_top(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    int sum = 4;
    for (int i = 0; i < 8; i++)
        sum += T(i);
    fill(dst, stride, sum >> 3);
}

static void pred_dc_128(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    (void)edge;
    fill(dst, stride, 128);
}

static void pred_ddl(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            dst[y * stride + x] = (uint8_t)(x == 7 && y == 7 ? (T(14) + 3 * T(15) + 2) >> 2
                                                             : (T(x + y) + 2 * T(x + y + 1) + T(x + y + 2) + 2) >> 2);
}

static void pred_ddr(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            int v;
            if (x > y)
                v = (T(x - y - 2) + 2 * T(x - y - 1) + T(x - y) + 2) >> 2;
            else if (x < y)
                v = (L(y - x - 2) + 2 * L(y - x - 1) + L(y - x) + 2) >> 2;
            else
                v = (T(0) + 2 * T(-1) + L(0) + 2) >> 2;
            dst[y * stride + x] = (uint8_t)v;
        }
}

static void pred_vr(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            const int z = 2 * x - y, i = x - (y >> 1);
            int v;
            if (z >= 0 && !(z & 1))
                v = (T(i - 1) + T(i) + 1) >> 1;
            else if (z >= 0)
                v = (T(i - 2) + 2 * T(i - 1) + T(i) + 2) >> 2;
            else if (z == -1)
                v = (L(0) + 2 * L(-1) + T(0) + 2) >> 2;
            else
                v = (L(y - 2 * x - 1) + 2 * L(y - 2 * x - 2) + L(y - 2 * x - 3) + 2) >> 2;
            dst[y * stride + x] = (uint8_t)v;
        }
}

static void pred_hd(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            const int z = 2 * y - x, i = y - (x >> 1);
            int v;
            if (z >= 0 && !(z & 1))
                v = (L(i - 1) + L(i) + 1) >> 1;
            else if (z >= 0)
                v = (L(i - 2) + 2 * L(i - 1) + L(i) + 2) >> 2;
            else if (z == -1)
                v = (L(0) + 2 * L(-1) + T(0) + 2) >> 2;
            else
                v = (T(x - 2 * y - 1) + 2 * T(x - 2 * y - 2) + T(x - 2 * y - 3) + 2) >> 2;
            dst[y * stride + x] = (uint8_t)v;
        }
}

static void pred_vl(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            const int i = x + (y >> 1);
            dst[y * stride + x] = (uint8_t)(y & 1 ? (T(i) + 2 * T(i + 1) + T(i + 2) + 2) >> 2 : (T(i) + T(i + 1) + 1) >> 1);
        }
}

static void pred_hu(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            const int z = x + 2 * y, i = y + (x >> 1);
            int v;
            if (z > 13)
                v = L(7);
            else if (z == 13)
                v = (L(6) + 3 * L(7) + 2) >> 2;
            else if (z & 1)
                v = (L(i) + 2 * L(i + 1) + L(i + 2) + 2) >> 2;
            else
                v = (L(i) + L(i + 1) + 1) >> 1;
            dst[y * stride + x] = (uint8_t)v;
        }
}

void predict8x8_dsp_init(predict8x8_dsp *dsp, uint32_t cpu_flags)
{
    dsp->filter = filter_c;
    dsp->predict[I4_VERTICAL] = pred_v;
    dsp->predict[I4_HORIZONTAL] = pred_h;
    dsp->predict[I4_DC] = pred_dc;
    dsp->predict[I4_DIAG_DOWN_LEFT] = pred_ddl;
    dsp->predict[I4_DIAG_DOWN_RIGHT] = pred_ddr;
    dsp->predict[I4_VERTICAL_RIGHT] = pred_vr;
    dsp->predict[I4_HORIZONTAL_DOWN] = pred_hd;
    dsp->predict[I4_VERTICAL_LEFT] = pred_vl;
    dsp->predict[I4_HORIZONTAL_UP] = pred_hu;
    dsp->predict[I4_DC_LEFT] = pred_dc_left;
    dsp->predict[I4_DC_TOP] = pred_dc_top;
    dsp->predict[I4_DC_128] = pred_dc_128;
#if HWENC_ARCH_X86
    predict8x8_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}

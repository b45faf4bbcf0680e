/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Synthetic clips. Each sample is computed independently from its position,
 * so there is no state between frames. Random values come from an integer
 * hash of (seed, coordinates), never from a sequential generator, which is
 * what makes any frame reproducible on its own.
 */
#include "tools/media/clipgen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct gen {
    int w, h, t;
    uint32_t seed;
} gen;

static const char *const pattern_names[CLIPGEN_PATTERN_COUNT] = {
    [CLIPGEN_GRADIENT_H] = "gradient-h",
    [CLIPGEN_GRADIENT_V] = "gradient-v",
    [CLIPGEN_GRADIENT_DIAG] = "gradient-diag",
    [CLIPGEN_CHECKER] = "checker",
    [CLIPGEN_TEXT] = "text",
    [CLIPGEN_FLAT_BANDS] = "flat-bands",
    [CLIPGEN_FLAT_0] = "flat-0",
    [CLIPGEN_FLAT_255] = "flat-255",
    [CLIPGEN_NOISE] = "noise",
    [CLIPGEN_QUADRANTS] = "quadrants",
    [CLIPGEN_PAN] = "pan",
    [CLIPGEN_PAN_FAST] = "pan-fast",
    [CLIPGEN_ZOOM] = "zoom",
    [CLIPGEN_OBJECT] = "object",
    [CLIPGEN_SCENE_CUTS] = "scene-cuts",
};

const char *clipgen_pattern_name(enum clipgen_pattern p)
{
    return (unsigned)p < CLIPGEN_PATTERN_COUNT ? pattern_names[p] : NULL;
}

int clipgen_pattern_from_name(const char *name)
{
    for (int i = 0; i < CLIPGEN_PATTERN_COUNT; i++)
        if (!strcmp(name, pattern_names[i]))
            return i;
    return -1;
}

/* A 32-bit integer finaliser with good avalanche: every input bit affects
 * every output bit, so neighbouring coordinates give unrelated values. */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static uint32_t hash4(uint32_t seed, uint32_t a, uint32_t b, uint32_t c)
{
    return mix32(seed ^ mix32(a ^ mix32(b ^ mix32(c + 0x9e3779b9U))));
}

static double unit(uint32_t h) /* [0, 1) */
{
    return (double)h * (1.0 / 4294967296.0);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Value noise: random values on the integer lattice, blended with a quintic
 * fade so the result and its slope are continuous. Range [0, 1). */
static double value_noise(uint32_t seed, double x, double y)
{
    const double fx = floor(x), fy = floor(y);
    const int32_t ix = (int32_t)fx, iy = (int32_t)fy;
    const double tx = x - fx, ty = y - fy;
    const double sx = tx * tx * tx * (tx * (tx * 6 - 15) + 10);
    const double sy = ty * ty * ty * (ty * (ty * 6 - 15) + 10);
    const double v00 = unit(hash4(seed, (uint32_t)ix, (uint32_t)iy, 0));
    const double v10 = unit(hash4(seed, (uint32_t)ix + 1, (uint32_t)iy, 0));
    const double v01 = unit(hash4(seed, (uint32_t)ix, (uint32_t)iy + 1, 0));
    const double v11 = unit(hash4(seed, (uint32_t)ix + 1, (uint32_t)iy + 1, 0));
    const double top = v00 + (v10 - v00) * sx, bottom = v01 + (v11 - v01) * sx;
    return top + (bottom - top) * sy;
}

/* Sharp-edged blocks and thin lines, one chance per 48x48 cell. The edges
 * are anti-aliased over one sample so sub-pixel motion moves them smoothly.
 * Returns the signed offset for the requested plane. */
static double block_features(uint32_t seed, int plane, double x, double y)
{
    const double cell = 48.0;
    const double fx = floor(x / cell), fy = floor(y / cell);
    const uint32_t h = hash4(seed ^ 0x51ed270bU, (uint32_t)(int32_t)fx, (uint32_t)(int32_t)fy, 1);
    const double px = x - fx * cell, py = y - fy * cell; /* position inside the cell */

    if ((h & 3) == 0) {
        const double x0 = 3 + (h >> 2 & 15), x1 = cell - 3 - (h >> 6 & 15);
        const double y0 = 3 + (h >> 10 & 15), y1 = cell - 3 - (h >> 14 & 15);
        const double cx = clampd(fmin(px - x0, x1 - px) + 0.5, 0, 1);
        const double cy = clampd(fmin(py - y0, y1 - py) + 0.5, 0, 1);
        const double sign = (h >> 18 & 1) ? 1 : -1;
        const double amp = plane == 0 ? 60 + (h >> 19 & 63) : (double)(int)(h >> (20 + 4 * plane) & 63) - 32;
        return sign * amp * cx * cy;
    }
    if ((h & 7) == 1 && plane == 0) {
        const double ly = 6 + (h >> 3 & 31);
        const double cov = clampd(0.75 - fabs(py - ly) + 0.5, 0, 1); /* 1.5 px wide */
        return ((h >> 8 & 1) ? 90 : -90) * cov;
    }
    return 0;
}

/* The continuous texture every moving pattern samples: smooth large-scale
 * shading, mid and fine detail, and the block features. */
static double texture(uint32_t seed, int plane, double x, double y)
{
    if (plane == 0) {
        const double v = 0.50 * value_noise(seed, x / 71.0, y / 67.0) +
                         0.25 * value_noise(seed + 1, x / 23.0, y / 27.0) +
                         0.15 * value_noise(seed + 2, x / 7.0, y / 6.0) +
                         0.10 * value_noise(seed + 3, x / 2.3, y / 2.7);
        return 128 + (v - 0.5) * 330 + block_features(seed, 0, x, y);
    }
    const uint32_t s = seed + 16 * (uint32_t)plane;
    const double v = 0.75 * value_noise(s + 4, x / 90.0, y / 85.0) +
                     0.25 * value_noise(s + 5, x / 13.0, y / 11.0);
    return 128 + (v - 0.5) * 150 + block_features(seed, plane, x, y);
}

static double ramp(int pos, int size)
{
    return size > 1 ? 255.0 * pos / (size - 1) : 0;
}

static int gradient(enum clipgen_pattern p, int plane, int ix, int iy, int pw, int ph)
{
    double v;
    if (p == CLIPGEN_GRADIENT_H)
        v = ramp(ix, pw);
    else if (p == CLIPGEN_GRADIENT_V)
        v = ramp(iy, ph);
    else
        v = ramp(ix + iy, pw + ph - 1);
    return (int)(plane == 2 ? 255.5 - v : v + 0.5);
}

static int checker(int plane, int ix, int iy)
{
    const int cell = plane ? 5 : 7;
    const int on = ((ix / cell) ^ (iy / cell)) & 1;
    if (plane == 0)
        return on ? 255 : 0;
    return (on ^ (plane == 2)) ? 240 : 16;
}

/* Glyphs are 8x12 boxes of 1-2 px strokes, chosen from the box's hash, in
 * lines with a 4 px gap; every third line is coloured. Chroma samples are
 * evaluated at their co-sited luma position. */
static int text(uint32_t seed, int plane, int lx, int ly)
{
    enum { GW = 8, GH = 12, PITCH_X = 10, PITCH_Y = 16 };
    const int gx = lx / PITCH_X, gy = ly / PITCH_Y;
    const int px = lx - gx * PITCH_X, py = ly - gy * PITCH_Y;
    const uint32_t h = hash4(seed, (uint32_t)gx, (uint32_t)gy, 2);
    int ink = 0;

    if (px < GW && py < GH && (h & 15) != 0) { /* 1 in 16 boxes is a space */
        const int thick = 1 + (h >> 4 & 1);
        ink |= (h >> 5 & 1) && px < thick;                      /* left stem */
        ink |= (h >> 6 & 1) && px >= GW - thick;                /* right stem */
        ink |= (h >> 7 & 1) && py < thick;                      /* top bar */
        ink |= (h >> 8 & 1) && py >= GH / 2 - 1 && py < GH / 2 - 1 + thick; /* middle */
        ink |= (h >> 9 & 1) && py >= GH - thick;                /* bottom bar */
        ink |= (h >> 10 & 1) && abs(px * GH - py * GW) < thick * GH; /* diagonal */
    }
    if (plane == 0)
        return ink ? 16 : 235;
    if (!ink || gy % 3 != 2)
        return 128;
    return plane == 1 ? 90 : 220; /* red-ish ink */
}

static int flat_band(int plane, int ly, int h)
{
    static const uint8_t levels[5][3] = {
        { 0, 0, 255 }, { 255, 255, 0 }, { 128, 128, 128 }, { 16, 16, 16 }, { 235, 240, 240 },
    };
    /* Band edges on even rows, so that chroma rows never straddle two. */
    int band = (int)((int64_t)(ly & ~1) * 5 / h);
    return levels[band > 4 ? 4 : band][plane];
}

static int noise(const gen *g, int plane, int ix, int iy)
{
    return (int)(hash4(g->seed + (uint32_t)g->t * 3U + (uint32_t)plane, (uint32_t)ix,
                       (uint32_t)iy, 3) >> 24);
}

/* The disk and square of CLIPGEN_OBJECT: each wraps around a track one
 * object size longer than the frame, so it fully leaves and re-enters. */
static double object_scene(const gen *g, int plane, double x, double y)
{
    const double r = (g->w < g->h ? g->w : g->h) / 4.0 + 2;
    const double t = g->t;
    double v = texture(g->seed, plane, x, y);

    const double side = r * 1.2;
    const double sx = g->w * 0.7 - side / 2;
    const double sy = fmod(g->h * 0.3 - 2.0 * t, g->h + side);
    const double ssy = sy < -side ? sy + g->h + side : sy;
    const double cov_sx = clampd(fmin(x - sx, sx + side - x) + 0.5, 0, 1);
    const double cov_sy = clampd(fmin(y - ssy, ssy + side - y) + 0.5, 0, 1);
    const double cov_s = cov_sx * cov_sy;
    if (cov_s > 0)
        v += (texture(g->seed ^ 0x2545f491U, plane, x - sx, y - ssy) - v) * cov_s;

    const double dx0 = fmod(3.5 * t + g->w * 0.25 + r, g->w + 2 * r) - r;
    const double dy0 = fmod(2.25 * t + g->h * 0.5 + r, g->h + 2 * r) - r;
    const double dist = hypot(x - dx0, y - dy0);
    const double cov_d = clampd(r - dist + 0.5, 0, 1);
    if (cov_d > 0)
        v += (texture(g->seed ^ 0x9e3779b9U, plane, x - dx0, y - dy0) - v) * cov_d;
    return v;
}

static double moving(const gen *g, enum clipgen_pattern p, int plane, double x, double y)
{
    const double t = g->t;
    switch (p) {
    case CLIPGEN_PAN_FAST:
        return texture(g->seed, plane, x + 13.5 * t, y - 6.25 * t);
    case CLIPGEN_ZOOM: {
        const double s = 1.0 + 0.01 * t, cx = g->w / 2.0, cy = g->h / 2.0;
        return texture(g->seed, plane, cx + (x - cx) / s, cy + (y - cy) / s);
    }
    case CLIPGEN_OBJECT:
        return object_scene(g, plane, x, y);
    case CLIPGEN_SCENE_CUTS: {
        const uint32_t scene = (uint32_t)(g->t / 10);
        return texture(g->seed + scene * 7919U, plane, x + 1.25 * t, y - 0.75 * t);
    }
    case CLIPGEN_PAN:
    default:
        return texture(g->seed, plane, x + 1.25 * t, y - 0.75 * t);
    }
}

static uint8_t to_pixel(double v)
{
    return (uint8_t)(int)(clampd(v, 0, 255) + 0.5);
}

/* One sample at integer position (ix, iy) of the plane; (lx, ly) is its
 * position in luma coordinates (chroma sits between its 2x2 luma samples). */
static uint8_t sample(const gen *g, enum clipgen_pattern p, int plane, int ix, int iy)
{
    const int pw = plane ? g->w / 2 : g->w, ph = plane ? g->h / 2 : g->h;
    const double lx = plane ? 2 * ix + 0.5 : ix, ly = plane ? 2 * iy + 0.5 : iy;
    const int ilx = plane ? 2 * ix : ix, ily = plane ? 2 * iy : iy;

    switch (p) {
    case CLIPGEN_GRADIENT_H:
    case CLIPGEN_GRADIENT_V:
    case CLIPGEN_GRADIENT_DIAG:
        return (uint8_t)gradient(p, plane, ix, iy, pw, ph);
    case CLIPGEN_CHECKER:
        return (uint8_t)checker(plane, ix, iy);
    case CLIPGEN_TEXT:
        return (uint8_t)text(g->seed, plane, ilx, ily);
    case CLIPGEN_FLAT_BANDS:
        return (uint8_t)flat_band(plane, ily, g->h);
    case CLIPGEN_FLAT_0:
        return 0;
    case CLIPGEN_FLAT_255:
        return 255;
    case CLIPGEN_NOISE:
        return (uint8_t)noise(g, plane, ix, iy);
    case CLIPGEN_QUADRANTS: {
        /* Split on even luma positions so chroma agrees with luma. */
        const int left = ilx < (g->w / 2 & ~1), top = ily < (g->h / 2 & ~1);
        if (top && left)
            return (uint8_t)gradient(CLIPGEN_GRADIENT_DIAG, plane, ix, iy, pw, ph);
        if (top)
            return (uint8_t)noise(g, plane, ix, iy);
        if (left)
            return (uint8_t)text(g->seed, plane, ilx, ily);
        return to_pixel(moving(g, CLIPGEN_PAN, plane, lx, ly));
    }
    default:
        return to_pixel(moving(g, p, plane, lx, ly));
    }
}

void clipgen_frame(enum clipgen_pattern p, int w, int h, int frame_index, uint32_t seed,
                   uint8_t *y, uint8_t *u, uint8_t *v)
{
    const gen g = { .w = w, .h = h, .t = frame_index, .seed = seed };
    uint8_t *const planes[3] = { y, u, v };
    for (int plane = 0; plane < 3; plane++) {
        const int pw = plane ? w / 2 : w, ph = plane ? h / 2 : h;
        uint8_t *dst = planes[plane];
        for (int iy = 0; iy < ph; iy++, dst += pw)
            for (int ix = 0; ix < pw; ix++)
                dst[ix] = sample(&g, p, plane, ix, iy);
    }
}

void clipgen_frame_i420(enum clipgen_pattern p, int w, int h, int frame_index, uint32_t seed,
                        uint8_t *frame)
{
    const size_t luma = (size_t)w * (size_t)h;
    clipgen_frame(p, w, h, frame_index, seed, frame, frame + luma, frame + luma + luma / 4);
}

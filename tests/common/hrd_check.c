/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <math.h>
#include <stdio.h>

#include "tests/common/hrd_check.h"

void hrd_init(hrd_model *m, const hrd_params *p)
{
    *m = (hrd_model){ .p = *p, .first_underflow = -1, .first_overflow = -1, .lowest_fill = 1.0 };
    /* The arrival before the first removal fills 90%; hrd_picture adds one
     * interval of arrival before each removal, so start one interval lower. */
    m->fill = 0.9 * p->cpb_size - p->bit_rate / p->fps;
}

void hrd_init_fill(hrd_model *m, const hrd_params *p, double fill)
{
    hrd_init(m, p);
    m->fill = fill - p->bit_rate / p->fps;
}

double hrd_next_fill(const hrd_model *m)
{
    return fmin(m->fill + m->p.bit_rate / m->p.fps, m->p.cpb_size);
}

void hrd_reconfigure(hrd_model *m, const hrd_params *p)
{
    m->p = *p;
    m->fill = fmin(m->fill, p->cpb_size);
}

void hrd_picture(hrd_model *m, int64_t bits)
{
    const hrd_params *p = &m->p;
    double fill = m->fill + p->bit_rate / p->fps;
    if (fill > p->cpb_size) {
        /* CBR keeps sending: what does not fit is lost (C.3.3). VBR pauses. */
        if (p->cbr && m->overflows++ == 0)
            m->first_overflow = m->pictures;
        fill = p->cpb_size;
    }
    if ((double)bits > fill && m->underflows++ == 0)
        m->first_underflow = m->pictures;
    if ((double)bits > p->cpb_size)
        m->above_buffer++;
    if (bits > m->largest)
        m->largest = bits;
    m->lowest_fill = fmin(m->lowest_fill, (fill - (double)bits) / p->cpb_size);
    /* After an underflow the picture leaves once it has all arrived, with
     * the buffer empty, so one late picture counts once. */
    m->fill = fmax(fill - (double)bits, 0);
    m->pictures++;
}

int hrd_ok(const hrd_model *m, char *msg, int msg_size)
{
    if (m->underflows)
        snprintf(msg, (size_t)msg_size, "HRD: %d of %d pictures underflow the CPB, first picture %d "
                 "(%.0f kb/s, %.0f kbit buffer)", m->underflows, m->pictures, m->first_underflow,
                 m->p.bit_rate / 1000, m->p.cpb_size / 1000);
    else if (m->overflows)
        snprintf(msg, (size_t)msg_size, "HRD: %d of %d pictures overflow the CBR CPB, first picture %d "
                 "(%.0f kb/s, %.0f kbit buffer)", m->overflows, m->pictures, m->first_overflow,
                 m->p.bit_rate / 1000, m->p.cpb_size / 1000);
    else
        snprintf(msg, (size_t)msg_size, "HRD: %d pictures conform, lowest fill %.1f%%, largest %.0f kbit "
                 "of a %.0f kbit buffer", m->pictures, 100 * m->lowest_fill, (double)m->largest / 1000,
                 m->p.cpb_size / 1000);
    return !m->underflows && !m->overflows;
}

int hrd_check(const hrd_params *p, const int64_t *bits, int count, hrd_model *m, char *msg, int msg_size)
{
    hrd_init(m, p);
    for (int i = 0; i < count; i++)
        hrd_picture(m, bits[i]);
    return hrd_ok(m, msg, msg_size);
}

/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/common/hrd_stream.h"

void hrd_stream_free(hrd_stream *st)
{
    free(st->au);
    memset(st, 0, sizeof(*st));
}

static int write_temp(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    snprintf(path, path_size, "/tmp/hwenc-hrd-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "wb");
    int ok = f && fwrite(data, 1, size, f) == size;
    if (f)
        ok &= fclose(f) == 0;
    else
        close(fd);
    return ok ? 0 : -1;
}

/* One line of trace_headers: "[trace_headers @ 0x..] BIT NAME   BITS = VALUE". */
static void take_line(const char *line, hrd_stream *st, hrd_stream_au *au, int *nal, long long sps[5])
{
    const char *b = strstr(line, "] ");
    const char *eq = strstr(line, " = ");
    char name[128];
    long long bit, value;
    if (!b || !eq || sscanf(b + 2, "%lld %127s", &bit, name) != 2 || sscanf(eq + 3, "%lld", &value) != 1)
        return;
    if (!strcmp(name, "nal_unit_type")) {
        *nal = (int)value;
        if (!au) /* the extradata */
            return;
        st->sps_count += value == 7;
        st->sei_count += value == 6;
        st->filler_count += value == 12;
        au->fillers += value == 12;
        au->idr |= value == 5;
        return;
    }
    static const char *const sps_names[5] = { "bit_rate_scale", "cpb_size_scale", "bit_rate_value_minus1[0]",
                                              "cpb_size_value_minus1[0]", "cbr_flag[0]" };
    if (*nal == 7 && !strcmp(name, "nal_hrd_parameters_present_flag"))
        st->sps_hrd = (int)value;
    for (int i = 0; i < 5 && *nal == 7; i++)
        if (!strcmp(name, sps_names[i]))
            sps[i] = value;
    if (!au || *nal != 6)
        return;
    if (!strcmp(name, "initial_cpb_removal_delay[0]")) {
        au->buffering_periods++;
        au->initial_delay = value;
    } else if (!strcmp(name, "cpb_removal_delay")) {
        au->picture_timings++;
        au->cpb_delay = value;
    } else if (!strcmp(name, "dpb_output_delay")) {
        au->dpb_delay = value;
    }
}

int hrd_stream_read(const char *ffmpeg, const uint8_t *data, size_t size, hrd_stream *st, char *msg, int msg_size)
{
    memset(st, 0, sizeof(*st));
    char path[64];
    if (write_temp(data, size, path, sizeof(path)) < 0) {
        snprintf(msg, (size_t)msg_size, "cannot write the stream to a temporary file");
        return -1;
    }
    int ret = hrd_stream_read_file(ffmpeg, path, st, msg, msg_size);
    unlink(path);
    return ret;
}

int hrd_stream_read_file(const char *ffmpeg, const char *path, hrd_stream *st, char *msg, int msg_size)
{
    memset(st, 0, sizeof(*st));
    if (access(ffmpeg, X_OK) != 0) {
        snprintf(msg, (size_t)msg_size, "%s is not installed (tools/setup-debian.sh installs it)", ffmpeg);
        return -1;
    }
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "'%s' -nostdin -hide_banner -f h264 -i '%s' -c copy -bsf:v trace_headers -f null - 2>&1",
             ffmpeg, path);
    FILE *p = popen(cmd, "r");
    if (!p) {
        snprintf(msg, (size_t)msg_size, "cannot run %s", cmd);
        return -1;
    }
    /* The h264 demuxer's parser cuts the stream into access units, which
     * trace_headers introduces with "Packet: N bytes"; the extradata it
     * prints before them is the first IDR's SPS and PPS again. */
    int capacity = 0, nal = -1, failed = 0;
    long long sps[5] = { 0 };
    char line[512];
    while (fgets(line, sizeof(line), p)) {
        const char *packet = strstr(line, "] Packet: ");
        long long bytes;
        if (packet && sscanf(packet, "] Packet: %lld bytes", &bytes) == 1) {
            if (st->aus == capacity) {
                capacity = capacity ? capacity * 2 : 64;
                hrd_stream_au *grown = realloc(st->au, sizeof(*st->au) * (size_t)capacity);
                if (!grown) {
                    failed = 1;
                    break;
                }
                st->au = grown;
            }
            st->au[st->aus++] = (hrd_stream_au){ .bytes = bytes };
            continue;
        }
        take_line(line, st, st->aus ? &st->au[st->aus - 1] : NULL, &nal, sps);
    }
    int status = pclose(p);
    if (failed || status != 0) {
        snprintf(msg, (size_t)msg_size, "%s", failed ? "out of memory" : "ffmpeg trace_headers failed on the stream");
        return -1;
    }
    st->bit_rate = (double)((sps[2] + 1) << (6 + sps[0]));
    st->cpb_size = (double)((sps[3] + 1) << (4 + sps[1]));
    st->cbr_flag = (int)sps[4];
    snprintf(msg, (size_t)msg_size, "%d access units, %d SPS (HRD %d), %d SEI, %d filler NAL units", st->aus,
             st->sps_count, st->sps_hrd, st->sei_count, st->filler_count);
    return 0;
}

#define FAIL(...) do { snprintf(msg, (size_t)msg_size, __VA_ARGS__); return 0; } while (0)

int hrd_stream_check(const hrd_stream *st, const int64_t *bits, int count, double fps, int later_bp_exact,
                     hrd_model *m, char *msg, int msg_size)
{
    memset(m, 0, sizeof(*m));
    if (!st->sps_hrd)
        FAIL("the SPS has no NAL HRD");
    if (st->aus != count)
        FAIL("%d access units in the stream, %d packets", st->aus, count);
    if (!count || !st->au[0].idr || !st->au[0].buffering_periods)
        FAIL("the stream does not start with an IDR and its buffering period");
    hrd_params p = { .bit_rate = st->bit_rate, .cpb_size = st->cpb_size, .fps = fps, .cbr = st->cbr_flag };
    /* C.1.2: the first picture is removed initial_cpb_removal_delay after
     * its first bit arrived, with what arrived at the rate until then. */
    hrd_init_fill(m, &p, (double)st->au[0].initial_delay * p.bit_rate / 90000.0);
    int since_bp = 0;
    for (int k = 0; k < count; k++) {
        const hrd_stream_au *a = &st->au[k];
        if (a->bytes * 8 != bits[k])
            FAIL("access unit %d is %lld bytes in the stream, %lld bits as packet", k, a->bytes, (long long)bits[k]);
        if (a->picture_timings != 1)
            FAIL("access unit %d has %d picture-timing messages", k, a->picture_timings);
        if (a->buffering_periods != a->idr)
            FAIL("access unit %d: %d buffering periods, IDR %d", k, a->buffering_periods, a->idr);
        if (a->idr)
            since_bp = 0;
        if (a->cpb_delay != 2LL * since_bp)
            FAIL("access unit %d: cpb_removal_delay %lld, %d pictures after the buffering period", k, a->cpb_delay,
                 since_bp);
        if (a->idr && a->initial_delay > (long long)(90000.0 * p.cpb_size / p.bit_rate))
            FAIL("access unit %d: initial_cpb_removal_delay %lld beyond the buffer (%.0f)", k, a->initial_delay,
                 90000.0 * p.cpb_size / p.bit_rate);
        if (a->idr && k > 0 && later_bp_exact) {
            /* The buffer the model holds at this removal, in 90 kHz ticks:
             * the delay a decoder starting here would wait. */
            double held = hrd_next_fill(m) * 90000.0 / p.bit_rate;
            if (fabs((double)a->initial_delay - held) > 1.0 + 90000.0 * 8 / p.bit_rate)
                FAIL("access unit %d: initial_cpb_removal_delay %lld, the buffer holds %.1f ticks then", k,
                     a->initial_delay, held);
        }
        hrd_picture(m, bits[k]);
        since_bp++;
    }
    char result[256];
    int ok = hrd_ok(m, result, sizeof(result));
    snprintf(msg, (size_t)msg_size, "signalled %.0f bit/s, %.0f bit CPB, cbr_flag %d: %s", p.bit_rate, p.cpb_size,
             p.cbr, result);
    return ok;
}

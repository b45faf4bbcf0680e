/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The reports of `hwenc validate`: validate.json for tools, validate.md for
 * people (and bug trackers, which render Markdown). Both name the machine,
 * the device and driver of each backend as the backend reports them, the
 * test encode, and every case with every check.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/validate.h"

static const char *status_name(enum validate_status s)
{
    return s == VALIDATE_PASS ? "pass" : s == VALIDATE_FAIL ? "fail" : "not offered";
}

static const char *rc_name(enum hwenc_rate_control rc)
{
    static const char *const names[] = { "cqp", "crf", "abr", "cbr", "vbr" };
    return (unsigned)rc < 5 ? names[rc] : "?";
}

static int overall_passed(const validate_report *r)
{
    if (!r->backend_count)
        return 0;
    for (int i = 0; i < r->backend_count; i++)
        if (r->backends[i]->failed || r->backends[i]->test_encode_ret != 0)
            return 0;
    return 1;
}

/* ---------------------------------------------------------------- JSON */

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void json_field(FILE *f, const char *indent, const char *key, const char *value, int last)
{
    fprintf(f, "%s\"%s\": ", indent, key);
    json_string(f, value);
    fputs(last ? "\n" : ",\n", f);
}

static void json_info(FILE *f, const hwenc_backend_info *p, const char *indent, int last)
{
    fprintf(f, "%s\"backend\": \"%s\",\n%s\"available\": %s,\n", indent, hwenc_backend_name(p->backend), indent,
            p->available ? "true" : "false");
    json_field(f, indent, "reason", p->reason, 0);
    json_field(f, indent, "device", p->device, 0);
    json_field(f, indent, "driver", p->driver, 0);
    json_field(f, indent, "capabilities", p->capabilities, last);
}

static void json_case(FILE *f, const validate_case *c, const validate_result *r, int last)
{
    fprintf(f, "        {\n");
    json_field(f, "          ", "name", c->name, 0);
    fprintf(f, "          \"width\": %d, \"height\": %d, \"rc\": \"%s\", \"bframes\": %d,\n", c->width, c->height,
            rc_name(c->rc), c->bframes);
    fprintf(f, "          \"forced_idr\": %s, \"keyint_infinite\": %s, \"reconfigure\": %s, \"low_latency\": %s,\n",
            c->force_idr ? "true" : "false", c->single_idr ? "true" : "false", c->reconfigure ? "true" : "false",
            c->low_latency ? "true" : "false");
    fprintf(f, "          \"status\": \"%s\",\n", status_name(r->status));
    json_field(f, "          ", "message", r->message, 0);
    fprintf(f, "          \"frames\": %d, \"packets\": %d, \"decoded\": %d, \"b_frames\": %d, "
            "\"keyframe_count\": %d,\n",
            r->frames, r->packets, r->decoded, r->b_frames, r->keyframe_count);
    fprintf(f, "          \"keyframes\": [");
    for (int i = 0; i < r->keyframe_count && i < 16; i++)
        fprintf(f, "%s%d", i ? ", " : "", r->keyframes[i]);
    fprintf(f, "],\n          \"kbps\": %.1f, \"target_kbps\": %.1f,\n", r->kbps, r->target_kbps);
    if (c->reconfigure)
        fprintf(f, "          \"kbps_halves\": [%.1f, %.1f], \"target_halves\": [%.1f, %.1f],\n", r->kbps_halves[0],
                r->kbps_halves[1], r->target_halves[0], r->target_halves[1]);
    fprintf(f, "          \"psnr_y\": %.3f, \"cpu_psnr_y\": %.3f, \"encode_ms\": %.1f,\n", r->psnr_y, r->cpu_psnr_y,
            r->encode_ms);
    fprintf(f, "          \"checks\": [");
    for (int i = 0; i < r->check_count; i++) {
        fprintf(f, "%s\n            { \"name\": \"%s\", \"passed\": %s, \"detail\": ", i ? "," : "", r->checks[i].name,
                r->checks[i].passed ? "true" : "false");
        json_string(f, r->checks[i].detail);
        fputs(" }", f);
    }
    fprintf(f, "%s]\n        }%s\n", r->check_count ? "\n          " : "", last ? "" : ",");
}

static void json_backend(FILE *f, const validate_backend_report *b, int last)
{
    fprintf(f, "    {\n");
    json_info(f, &b->info, "      ", 0);
    fprintf(f, "      \"open_ms\": %.2f,\n", b->open_ms);
    fprintf(f, "      \"test_encode\": { \"passed\": %s, \"report\": ", b->test_encode_ret == 0 ? "true" : "false");
    json_string(f, b->test_encode);
    fprintf(f, " },\n      \"summary\": { \"cases\": %d, \"passed\": %d, \"failed\": %d, \"not_offered\": %d },\n",
            b->case_count, b->passed, b->failed, b->not_offered);
    fprintf(f, "      \"cases\": [\n");
    for (int i = 0; i < b->case_count; i++)
        json_case(f, &b->cases[i], &b->results[i], i + 1 == b->case_count);
    fprintf(f, "      ]\n    }%s\n", last ? "" : ",");
}

int validate_write_json(const validate_report *r, const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, err_size, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "{\n  \"format\": \"hwenc validate 1\",\n");
    fprintf(f, "  \"result\": \"%s\",\n",
            !r->backend_count ? "nothing validated" : overall_passed(r) ? "pass" : "fail");
    json_field(f, "  ", "command", r->command, 0);
    json_field(f, "  ", "date", r->date, 0);
    json_field(f, "  ", "versions", r->versions, 0);
    json_field(f, "  ", "system", r->system, 0);
    json_field(f, "  ", "nvidia_kernel_module", r->nvidia_module, 0);
    json_field(f, "  ", "input", r->input, 0);
    json_field(f, "  ", "no_backend", r->no_backend, 0);
    fprintf(f, "  \"settings\": { \"frames\": %d, \"qp\": %d, \"target\": \"the CPU backend's bitrate at that QP\", "
            "\"cbr_tolerance\": %.2f, \"abr_vbr_tolerance\": %.2f, \"vbv_seconds\": 1, \"psnr_margin_db\": %.1f },\n",
            r->frames, r->qp, VALIDATE_CBR_TOLERANCE, VALIDATE_AVG_TOLERANCE, VALIDATE_PSNR_MARGIN);
    fprintf(f, "  \"probe\": [\n");
    for (int i = 0; i < r->probed; i++) {
        fprintf(f, "    {\n");
        json_info(f, &r->probe[i], "      ", 1);
        fprintf(f, "    }%s\n", i + 1 == r->probed ? "" : ",");
    }
    fprintf(f, "  ],\n  \"backends\": [\n");
    for (int i = 0; i < r->backend_count; i++)
        json_backend(f, r->backends[i], i + 1 == r->backend_count);
    fprintf(f, "  ]\n}\n");
    if (ferror(f) | fclose(f)) {
        snprintf(err, err_size, "writing %s failed", path);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- Markdown */

/* Text for a table cell: pipes escaped, newlines flattened. */
static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s == '\n' ? ' ' : *s, f);
}

static void md_backend(FILE *f, const validate_backend_report *b)
{
    fprintf(f, "\n## %s\n\n| | |\n|---|---|\n| device | ", hwenc_backend_name(b->info.backend));
    md_cell(f, b->info.device);
    fputs(" |\n| driver | ", f);
    md_cell(f, b->info.driver[0] ? b->info.driver : "(the backend reports none)");
    fputs(" |\n| capabilities | ", f);
    md_cell(f, b->info.capabilities);
    fputs(" |\n| probe | ", f);
    md_cell(f, b->info.reason);
    fprintf(f, " |\n| open (1280x720, CQP) | %.1f ms |\n| test encode | %s: ", b->open_ms,
            b->test_encode_ret == 0 ? "passed" : "**FAILED**");
    md_cell(f, b->test_encode);
    fprintf(f, " |\n| result | %d cases: %d passed, %d failed, %d not offered |\n\n", b->case_count, b->passed,
            b->failed, b->not_offered);

    fputs("| case | result | frames | B | key frames | kb/s (target) | PSNR Y dB (CPU) | note |\n"
          "|---|---|---|---|---|---|---|---|\n", f);
    for (int i = 0; i < b->case_count; i++) {
        const validate_case *c = &b->cases[i];
        const validate_result *r = &b->results[i];
        fprintf(f, "| %s | %s | ", c->name, r->status == VALIDATE_FAIL ? "**FAIL**" : status_name(r->status));
        if (r->status == VALIDATE_NOT_OFFERED) {
            fputs("| | | | | ", f);
            md_cell(f, r->message);
            fputs(" |\n", f);
            continue;
        }
        fprintf(f, "%d/%d | %d | %d | %.0f", r->decoded, r->frames, r->b_frames, r->keyframe_count, r->kbps);
        if (r->target_kbps > 0)
            fprintf(f, " (%.0f)", r->target_kbps);
        fprintf(f, " | %.2f", r->psnr_y);
        if (r->cpu_psnr_y > 0)
            fprintf(f, " (%.2f)", r->cpu_psnr_y);
        fputs(" | ", f);
        md_cell(f, r->message);
        fputs(" |\n", f);
    }
    int failures = 0;
    for (int i = 0; i < b->case_count; i++)
        failures += b->results[i].status == VALIDATE_FAIL;
    if (!failures)
        return;
    fputs("\n### Failed checks\n\n", f);
    for (int i = 0; i < b->case_count; i++) {
        const validate_result *r = &b->results[i];
        if (r->status != VALIDATE_FAIL)
            continue;
        fprintf(f, "- **%s**\n", b->cases[i].name);
        for (int k = 0; k < r->check_count; k++)
            fprintf(f, "  - %s %s: %s\n", r->checks[k].passed ? "ok" : "FAIL", r->checks[k].name, r->checks[k].detail);
    }
}

int validate_write_markdown(const validate_report *r, const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, err_size, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "# hwenc validate: %s\n\n",
            !r->backend_count ? "nothing validated" : overall_passed(r) ? "PASSED" : "FAILED");
    fprintf(f, "| | |\n|---|---|\n| command | `%s` |\n| date | %s |\n| versions | %s |\n| system | %s |\n",
            r->command, r->date, r->versions, r->system);
    if (r->nvidia_module[0])
        fprintf(f, "| NVIDIA kernel module | %s |\n", r->nvidia_module);
    fputs("| input | ", f);
    md_cell(f, r->input[0] ? r->input : "(none)");
    fprintf(f, " |\n| settings | %d frames per case; CQP at QP %d; the rate modes get the CPU backend's bitrate at "
            "that QP as their target and must meet it within %.0f%% (CBR) or %.0f%% (ABR, VBR), give or take one VBV "
            "buffer (one second at the peak rate); CQP luma PSNR at most %.1f dB below the CPU backend's |\n", r->frames,
            r->qp, VALIDATE_CBR_TOLERANCE * 100, VALIDATE_AVG_TOLERANCE * 100, VALIDATE_PSNR_MARGIN);
    fputs("\n### Backends found\n\n| backend | available | device | driver | reason |\n|---|---|---|---|---|\n", f);
    for (int i = 0; i < r->probed; i++) {
        const hwenc_backend_info *p = &r->probe[i];
        fprintf(f, "| %s | %s | ", hwenc_backend_name(p->backend), p->available ? "yes" : "no");
        md_cell(f, p->device);
        fputs(" | ", f);
        md_cell(f, p->driver);
        fputs(" | ", f);
        md_cell(f, p->reason);
        fputs(" |\n", f);
    }
    if (!r->backend_count) {
        fputs("\nNothing was validated: ", f);
        md_cell(f, r->no_backend);
        fputs("\n", f);
    }
    for (int i = 0; i < r->backend_count; i++)
        md_backend(f, r->backends[i]);
    if (ferror(f) | fclose(f)) {
        snprintf(err, err_size, "writing %s failed", path);
        return -1;
    }
    return 0;
}

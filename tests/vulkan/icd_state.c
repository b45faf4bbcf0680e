/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The test ICD's process-wide state (see icd.h for why there is one): the
 * configuration, the registry of live objects that makes every handle
 * check exact (a stale or foreign handle is found, not dereferenced), the
 * valid-usage error reporting, and the statistics the tests read.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vulkan/icd.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static icd_object *objects;
static icd_config config = { .lose_on_submit = -1, .lose_on_wait = -1, .abort_on_error = 1 };
static hwenc_test_icd_stats stats;

const icd_config *icd_get_config(void)
{
    return &config;
}

static int env_int(const char *name, int fallback)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : fallback;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* The refinements of the environment, on top of the profile. */
static void refine_caps(icd_profile *c)
{
    const char *rc = getenv("HWENC_TEST_ICD_RC");
    const char *b = getenv("HWENC_TEST_ICD_B");
    const char *gop = getenv("HWENC_TEST_ICD_GOP_REMAINING");
    if (rc && !strcmp(rc, "disabled"))
        c->rc_modes &= ~(VkVideoEncodeRateControlModeFlagsKHR)(VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR |
                                                               VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR);
    int slots = env_int("HWENC_TEST_ICD_DPB_SLOTS", 0);
    if (slots >= 1 && (uint32_t)slots < c->max_dpb_slots) {
        /* A reference and the picture reconstructed next to it need two
         * slots; a B picture's two references and its own a third. */
        c->max_dpb_slots = (uint32_t)slots;
        c->max_active_refs = min_u32(c->max_active_refs, (uint32_t)slots - 1);
        c->p_l0 = min_u32(c->p_l0, (uint32_t)slots - 1);
        c->b_l0 = slots > 2 ? min_u32(c->b_l0, (uint32_t)slots - 2) : 0;
        c->l1 = slots > 2 ? c->l1 : 0;
    }
    config.b_support = !b                      ? ICD_B_MAIN
                       : !strcmp(b, "none")    ? ICD_B_NONE
                       : !strcmp(b, "no-main") ? ICD_B_NO_MAIN
                                               : ICD_B_MAIN;
    if (config.b_support != ICD_B_MAIN)
        c->b_l0 = c->l1 = 0;
    if (b && !strcmp(b, "short-l0") && c->b_l0 > 1)
        c->b_l0 = 1;
    if (gop && !strcmp(gop, "required"))
        c->requires_gop_remaining = VK_TRUE;
}

void icd_load_config(void)
{
    const char *lost = getenv("HWENC_TEST_ICD_DEVICE_LOST");
    const char *name = getenv("HWENC_TEST_ICD_PROFILE");
    const char *format = getenv("HWENC_TEST_ICD_FORMAT");
    config.abort_on_error = env_int("HWENC_TEST_ICD_ABORT", 1);
    const icd_profile *profile = icd_find_profile(name);
    if (!profile) {
        icd_error("test-icd-profile", "HWENC_TEST_ICD_PROFILE=%s is not a profile of the test ICD", name);
        profile = icd_find_profile(NULL);
    }
    config.caps = *profile;
    refine_caps(&config.caps);
    config.encode_transfer = env_int("HWENC_TEST_ICD_ENCODE_TRANSFER", 0);
    config.src_no_transfer_dst = format && !strcmp(format, "no-transfer-dst");
    const char *pps = getenv("HWENC_TEST_ICD_PPS");
    config.pps_drop_deblock_control = pps && !strcmp(pps, "drop-deblock-control");
    config.lose_on_submit = config.lose_on_wait = -1;
    if (lost && !strncmp(lost, "submit:", 7))
        config.lose_on_submit = atoi(lost + 7);
    else if (lost && !strncmp(lost, "wait:", 5))
        config.lose_on_wait = atoi(lost + 5);
}

void icd_error(const char *vuid, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "hwenc test ICD: %s: ", vuid);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    pthread_mutex_lock(&lock);
    stats.errors++;
    size_t used = strlen(stats.error_ids);
    if (used + strlen(vuid) + 2 <= sizeof(stats.error_ids))
        snprintf(stats.error_ids + used, sizeof(stats.error_ids) - used, "%s ", vuid);
    pthread_mutex_unlock(&lock);
    if (config.abort_on_error)
        abort();
}

/* Where the icd_object sits in each kind of object. */
static icd_object *object_of(void *object, icd_type type)
{
    switch (type) {
    case ICD_INSTANCE: return &((icd_instance *)object)->obj;
    case ICD_PHYSICAL_DEVICE: return &((icd_physical_device *)object)->obj;
    case ICD_DEVICE: return &((icd_device *)object)->obj;
    case ICD_QUEUE: return &((icd_queue *)object)->obj;
    case ICD_COMMAND_BUFFER: return &((icd_command_buffer *)object)->obj;
    default: return (icd_object *)object; /* non-dispatchable: first member */
    }
}

void *icd_new(icd_type type, size_t size, icd_device *device)
{
    void *object = calloc(1, size);
    if (!object)
        return NULL;
    icd_object *o = object_of(object, type);
    /* Dispatchable objects start with the word the loader fills. */
    if (type == ICD_INSTANCE || type == ICD_PHYSICAL_DEVICE || type == ICD_DEVICE || type == ICD_QUEUE ||
        type == ICD_COMMAND_BUFFER)
        set_loader_magic_value(object);
    o->type = type;
    o->handle = object;
    o->device = device;
    pthread_mutex_lock(&lock);
    o->next = objects;
    objects = o;
    if (type == ICD_INSTANCE)
        stats.instances++;
    pthread_mutex_unlock(&lock);
    return object;
}

void icd_delete(void *object, icd_type type)
{
    if (!object)
        return;
    icd_object *o = object_of(object, type);
    pthread_mutex_lock(&lock);
    for (icd_object **p = &objects; *p; p = &(*p)->next)
        if (*p == o) {
            *p = o->next;
            break;
        }
    pthread_mutex_unlock(&lock);
    free(object);
}

static const char *type_name(icd_type t)
{
    static const char *const names[] = { "?", "VkInstance", "VkPhysicalDevice", "VkDevice", "VkQueue",
                                         "VkDeviceMemory", "VkBuffer", "VkImage", "VkImageView", "VkFence",
                                         "VkSemaphore", "VkCommandPool", "VkCommandBuffer", "VkQueryPool",
                                         "VkVideoSessionKHR", "VkVideoSessionParametersKHR" };
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

void *icd_lookup(const void *handle, icd_type type, const char *what)
{
    void *found = NULL;
    pthread_mutex_lock(&lock);
    for (icd_object *o = objects; o && !found; o = o->next)
        if (o->handle == handle && o->type == type)
            found = o->handle;
    pthread_mutex_unlock(&lock);
    if (!found)
        icd_error("handle", "%s: %p is not a live %s", what, handle, type_name(type));
    return found;
}

int icd_live_count(const icd_device *device)
{
    int n = 0;
    pthread_mutex_lock(&lock);
    for (icd_object *o = objects; o; o = o->next)
        n += !device || o->device == device;
    pthread_mutex_unlock(&lock);
    return n;
}

void icd_report_leaks(const icd_device *device)
{
    pthread_mutex_lock(&lock);
    for (icd_object *o = objects; o; o = o->next)
        if (o->device == device && o->type != ICD_QUEUE)
            fprintf(stderr, "hwenc test ICD: not destroyed: %s %p\n", type_name(o->type), o->handle);
    pthread_mutex_unlock(&lock);
}

void *icd_find_object(const icd_device *device, icd_type type)
{
    void *found = NULL;
    pthread_mutex_lock(&lock);
    for (icd_object *o = objects; o && !found; o = o->next)
        if (o->type == type && o->device == device)
            found = o->handle;
    pthread_mutex_unlock(&lock);
    return found;
}

icd_queue *icd_find_queue(const icd_device *dev, uint32_t family)
{
    icd_queue *q = NULL;
    pthread_mutex_lock(&lock);
    for (icd_object *o = objects; o && !q; o = o->next)
        if (o->type == ICD_QUEUE && o->device == dev && ((icd_queue *)o->handle)->family == family)
            q = o->handle;
    pthread_mutex_unlock(&lock);
    return q;
}

hwenc_test_icd_stats *icd_stats(void)
{
    return &stats;
}

typedef struct chain_header {
    VkStructureType sType;
    const struct chain_header *pNext;
} chain_header;

const void *icd_chain_find(const void *pnext, VkStructureType want)
{
    for (const chain_header *h = pnext; h; h = h->pNext)
        if (h->sType == want)
            return h;
    return NULL;
}

void icd_chain_check(const char *what, const void *pnext, const VkStructureType *allowed, int n)
{
    int seen[16] = { 0 };
    for (const chain_header *h = pnext; h; h = h->pNext) {
        int k = -1;
        for (int i = 0; i < n; i++)
            if (allowed[i] == h->sType)
                k = i;
        if (k < 0) {
            icd_error("VUID-pNext-pNext", "%s: structure type %d is not allowed in this pNext chain", what,
                      (int)h->sType);
            return;
        }
        if (seen[k]++)
            icd_error("VUID-sType-unique", "%s: structure type %d appears twice in the pNext chain", what,
                      (int)h->sType);
    }
}

/* For the tests (see icd_hooks.h). */
__attribute__((visibility("default"))) void hwenc_test_icd_clear_error_ids(void);
void hwenc_test_icd_clear_error_ids(void)
{
    pthread_mutex_lock(&lock);
    stats.error_ids[0] = 0;
    pthread_mutex_unlock(&lock);
}

__attribute__((visibility("default"))) void hwenc_test_icd_get_stats(hwenc_test_icd_stats *out);
void hwenc_test_icd_get_stats(hwenc_test_icd_stats *out)
{
    pthread_mutex_lock(&lock);
    *out = stats;
    out->live_objects = 0;
    for (icd_object *o = objects; o; o = o->next)
        out->live_objects += o->type != ICD_QUEUE && o->type != ICD_PHYSICAL_DEVICE;
    pthread_mutex_unlock(&lock);
}

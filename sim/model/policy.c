/* Policy defaults, API-version ordering and enum names. */
#include "retsim/policy.h"

#include "retsim/error.h"

#include <stdio.h>
#include <string.h>

void retsim_policy_init(retsim_policy *p, const char *kind)
{
    memset(p, 0, sizeof *p);
    snprintf(p->kind, sizeof p->kind, "%s", kind);
    p->parent = -1;
    p->name_scope = RETSIM_SCOPE_GLOBAL;
    p->soft_delete_supported = true;
    p->soft_delete = true;
    p->retention_ms = 48 * RETSIM_MS_PER_HOUR;
    p->retention_mutable = true;
    p->retention_change_applies_to = RETSIM_APPLIES_NEW_DELETES;
    p->retention_set_at = RETSIM_RETENTION_AT_KIND;
    p->retention_min = 0;
    p->retention_max = RETSIM_TIME_NEVER;
    p->min_api_version = RETSIM_APIVER_ANY;
    p->recover_min_api_version = RETSIM_APIVER_ANY;
    p->soft_delete_can_disable = true;
    p->enable_min_api_version = RETSIM_APIVER_ANY;
    p->reuse_after_purge = RETSIM_REUSE_ANYONE;
    p->purge_supported = true;
    p->purge_protection_can_disable = true;
    p->children_block_delete = RETSIM_CHILDREN_BLOCK_NONE;
    p->regions = 1;
    p->replicas_active = 0; /* a kind holds no replicas (and costs nothing) unless it says so */
    p->replicas_soft_deleted = 0;
    p->replicas_grace = -1;
    p->soft_deleted_name = RETSIM_NAME_HELD;
    p->restore_when_taken = RETSIM_TAKEN_REFUSE;
    p->overwrite = RETSIM_OVERWRITE_UPDATE;
    p->parent_delete = RETSIM_CASCADE_NONE;
}

retsim_time retsim_policy_reservation(const retsim_policy *p, const char *sub_type)
{
    if (sub_type != NULL) {
        for (int i = 0; i < p->n_reservations; i++) {
            if (strcmp(p->reservations[i].sub_type, sub_type) == 0) {
                return p->reservations[i].ms;
            }
        }
    }
    return p->reservation_ms;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int retsim_apiver_parse(const char *text, int32_t *out, const char **why)
{
    if (text == NULL || text[0] == '\0') {
        *out = RETSIM_APIVER_CURRENT;
        return 0;
    }
    int y = digits(text, 4);
    int m = y >= 0 && text[4] == '-' ? digits(text + 5, 2) : -1;
    int d = m >= 0 && text[7] == '-' ? digits(text + 8, 2) : -1;
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31 || (text[10] != '\0' && text[10] != '-') ||
        (text[10] == '-' && text[11] == '\0')) {
        if (why != NULL) {
            *why = "expected an API version YYYY-MM-DD, optionally with a suffix such as -preview";
        }
        return RETSIM_EINPUT;
    }
    bool released = text[10] == '\0';
    *out = (int32_t)((y * 10000 + m * 100 + d) * 2 + (released ? 1 : 0));
    return 0;
}

const char *retsim_apiver_format(int32_t v, char *buf, size_t size)
{
    if (v == RETSIM_APIVER_ANY || v == RETSIM_APIVER_CURRENT) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    int date = v / 2;
    snprintf(buf, size, "%04d-%02d-%02d%s", date / 10000, date / 100 % 100, date % 100,
             v % 2 ? "" : "-preview");
    return buf;
}

const char *retsim_scope_name(retsim_name_scope s)
{
    static const char *names[] = {"global", "subscription", "parent"};
    return names[s];
}

const char *retsim_reuse_name(retsim_reuse r)
{
    static const char *names[] = {"owner_subscription", "owner_tenant", "anyone", "nobody"};
    return names[r];
}

const char *retsim_applies_to_name(retsim_applies_to a)
{
    return a == RETSIM_APPLIES_NEW_DELETES ? "new_deletes" : "all_soft_deleted";
}

int retsim_applies_to_parse(const char *text, retsim_applies_to *out)
{
    if (strcmp(text, "new_deletes") == 0) {
        *out = RETSIM_APPLIES_NEW_DELETES;
    } else if (strcmp(text, "all_soft_deleted") == 0) {
        *out = RETSIM_APPLIES_ALL_SOFT_DELETED;
    } else {
        return RETSIM_EINPUT;
    }
    return 0;
}

const char *retsim_children_block_name(retsim_children_block c)
{
    static const char *names[] = {"none", "soft_deleted", "any", "active"};
    return names[c];
}

const char *retsim_retention_at_name(retsim_retention_at a)
{
    static const char *names[] = {"kind", "create", "delete"};
    return names[a];
}

bool retsim_policy_retention_ok(const retsim_policy *p, retsim_time t)
{
    return t >= p->retention_min && t <= p->retention_max;
}

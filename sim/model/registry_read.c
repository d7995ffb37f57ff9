/* Read access to the registry, for observers and reports. */
#include "model/registry_impl.h"

#include <stdio.h>
#include <string.h>

const retsim_policy *retsim_registry_policy(const retsim_registry *r, int kind)
{
    return &r->policies[kind];
}

int retsim_registry_kinds(const retsim_registry *r)
{
    return r->n_kinds;
}

retsim_state retsim_registry_state(const retsim_registry *r, uint32_t id)
{
    return id != NONE ? (retsim_state)slot_at(r, id)->state : RETSIM_STATE_ABSENT;
}

int retsim_registry_slot_kind(const retsim_registry *r, uint32_t id)
{
    return slot_at(r, id)->kind;
}

uint32_t retsim_registry_slot_owner(const retsim_registry *r, uint32_t id)
{
    return id != NONE ? slot_at(r, id)->owner_sub : NONE;
}

retsim_time retsim_registry_reserved_until(const retsim_registry *r, uint32_t id)
{
    return id != NONE && slot_at(r, id)->state == RETSIM_STATE_PURGED ? slot_at(r, id)->reserved_until : 0;
}

/* "<kind>-<n>" with n zero-padded to six digits, as "%s-%06u" would write
 * it; by hand because snprintf was 15% of a run's instructions (callgrind,
 * R1) when every name was written at its creation. */
static const char *numbered_name(const char *kind, uint32_t n, char *out, size_t size)
{
    char digits[16];
    int d = 0;
    do {
        digits[d++] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    while (d < 6) {
        digits[d++] = '0';
    }
    size_t len = strlen(kind);
    if (size < len + (size_t)d + 2) {
        out[0] = '\0';
        return out; /* too small: the caller's buffer is below RETSIM_REGISTRY_NAME_MAX */
    }
    memcpy(out, kind, len);
    out[len++] = '-';
    while (d > 0) {
        out[len++] = digits[--d];
    }
    out[len] = '\0';
    return out;
}

const char *retsim_registry_slot_name(const retsim_registry *r, uint32_t id, char *buf, size_t size)
{
    if (id == NONE) {
        return "";
    }
    if (r->numbered) {
        return numbered_name(r->policies[slot_at(r, id)->kind].kind,
                             *(const uint32_t *)chunks_at(&r->number, id), buf, size);
    }
    return retsim_names_str(r->names, id);
}

const char *retsim_registry_parent_path(const retsim_registry *r, uint32_t id, char *buf, size_t size)
{
    uint32_t chain[RETSIM_MAX_KINDS];
    int depth = 0;
    for (uint32_t p = id != NONE ? slot_at(r, id)->parent : NONE; p != NONE && depth < RETSIM_MAX_KINDS;
         p = slot_at(r, p)->parent) {
        chain[depth++] = p;
    }
    size_t n = 0;
    buf[0] = '\0';
    for (int i = depth - 1; i >= 0 && n < size; i--) {
        char name[RETSIM_REGISTRY_NAME_MAX];
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i == depth - 1 ? "" : "/",
                              retsim_registry_slot_name(r, chain[i], name, sizeof name));
    }
    return buf;
}

const char *retsim_registry_subscription_name(const retsim_registry *r, uint32_t sub)
{
    return sub != NONE ? retsim_names_str(r->subs, sub) : "";
}

uint32_t retsim_registry_sub_type(const retsim_registry *r, uint32_t sub)
{
    return sub != NONE ? r->sub_info[sub].type : 0;
}

uint32_t retsim_registry_sub_type_count(const retsim_registry *r)
{
    return retsim_names_count(r->types);
}

const char *retsim_registry_sub_type_name(const retsim_registry *r, uint32_t type)
{
    return retsim_names_str(r->types, type);
}

uint64_t retsim_registry_count(const retsim_registry *r, int kind, retsim_state state)
{
    return state == RETSIM_STATE_ABSENT ? 0 : r->count[kind][state];
}

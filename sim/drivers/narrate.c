/* Rules and reasons in plain words (retsim explain). */
#include "retsim/narrate.h"

#include "retsim/error.h"
#include "retsim/format.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One sentence per reason code, in the registry's order: a new code without
 * a sentence fails the build (the array's size) and test_narrate. */
static const char *const reason_text[RETSIM_WHY_COUNT] = {
    [RETSIM_WHY_NONE] = "",
    [RETSIM_WHY_NAME_FREE] = "the name was free: no instance had it, or its purge and reservation are over",
    [RETSIM_WHY_REUSE_ALLOWED] =
        "the name is inside its reservation window after a purge, but the rules let this "
        "caller take it",
    [RETSIM_WHY_SOFT_DELETED_NAME_FREE] =
        "the name's instance is soft-deleted, and this kind frees such names: "
        "the create makes a new instance beside it",
    [RETSIM_WHY_OWN_INSTANCE] = "the caller's own live instance: the create updates it in place",
    [RETSIM_WHY_OVERWRITE_KEPT] = "the caller's own live instance: updated, and the previous content stays "
                                  "restorable as a soft-deleted version",
    [RETSIM_WHY_HELD_BY_OTHER_SUBSCRIPTION] = "another subscription's live instance has the name",
    [RETSIM_WHY_HELD_WHILE_SOFT_DELETED] =
        "a soft-deleted instance keeps its name until it is restored or purged",
    [RETSIM_WHY_BEING_DELETED] = "the name is still held for a while after its delete",
    [RETSIM_WHY_RESERVED_FOR_OWNER_SUBSCRIPTION] =
        "after a purge only the owner's subscription may take the name "
        "until the reservation window ends",
    [RETSIM_WHY_RESERVED_FOR_OWNER_TENANT] =
        "after a purge only the owner's tenant may take the name until the "
        "reservation window ends",
    [RETSIM_WHY_RESERVED_FOR_NOBODY] =
        "after a purge nobody may take the name until the reservation window ends",
    [RETSIM_WHY_RESERVED_FOREVER] = "a released name of this kind is never free again",
    [RETSIM_WHY_PARENT_NOT_FOUND] = "the parent is not a live instance of the caller's",
    [RETSIM_WHY_REQUEST_NOT_ALLOWED] = "the rules do not let this request change what it asks to change",
    [RETSIM_WHY_FORCE_DELETE_NOT_ALLOWED] = "this kind has no force delete",
    [RETSIM_WHY_RETENTION_NOT_TAKEN] = "the retention asked for is not one this kind accepts here",
    [RETSIM_WHY_SOFT_DELETE_ON] =
        "soft delete is on: the instance is kept, restorable, until its retention ends",
    [RETSIM_WHY_SOFT_DELETE_OFF] = "soft delete is off for this instance: the delete is final",
    [RETSIM_WHY_API_VERSION_BEFORE_MINIMUM] =
        "the request's API version is older than the first one whose delete "
        "is soft: the delete is final",
    [RETSIM_WHY_FORCE_DELETE] = "a delete with force=true skips soft delete: the delete is final",
    [RETSIM_WHY_DELETED_WITH_PARENT] = "its parent's delete or purge took it, for good",
    [RETSIM_WHY_NO_ACTIVE_INSTANCE] = "the caller has no live instance under that name",
    [RETSIM_WHY_CHILDREN_SOFT_DELETED] = "soft-deleted children stop the delete",
    [RETSIM_WHY_CHILDREN_ACTIVE] = "live children stop the delete",
    [RETSIM_WHY_FAILED_PROVISIONING] =
        "an instance whose provisioning failed cannot be deleted while soft delete "
        "is on",
    [RETSIM_WHY_WITHIN_RETENTION] = "the instance is soft-deleted and its retention still runs",
    [RETSIM_WHY_WITHIN_GRACE] = "the retention is over, but the grace phase after it still runs",
    [RETSIM_WHY_RESTORED_WITH_PARENT] = "its parent's restore brought it back",
    [RETSIM_WHY_REPLACED_LIVE_INSTANCE] =
        "an older version was restored: the live instance became a soft-deleted "
        "version in its place",
    [RETSIM_WHY_DATA_PURGED] = "too late: the instance was already purged, its data is gone",
    [RETSIM_WHY_PERMISSION_MISSING] = "the caller lacks the permission this operation needs",
    [RETSIM_WHY_HOME_REGION_REQUIRED] = "a restore must name the instance's home region",
    [RETSIM_WHY_NOTHING_SOFT_DELETED] = "the caller has no soft-deleted instance under that name",
    [RETSIM_WHY_NO_SUCH_GENERATION] = "the caller has no soft-deleted version with that number",
    [RETSIM_WHY_NAME_TAKEN_BY_LIVE_INSTANCE] =
        "a live instance has the name, so the old version cannot come back "
        "under it",
    [RETSIM_WHY_API_VERSION_BEFORE_RECOVER_MINIMUM] = "the request's API version is too old for soft-delete "
                                                      "operations",
    [RETSIM_WHY_PURGE_UNSUPPORTED] =
        "this kind has no purge: a soft-deleted instance waits out its retention",
    [RETSIM_WHY_PURGE_PROTECTION_ON] = "purge protection is on: it is purged only when its retention ends",
    [RETSIM_WHY_PURGED_ON_REQUEST] = "purged at once, on request: the data is gone",
    [RETSIM_WHY_FOUND] = "the soft-deleted instances are returned",
    [RETSIM_WHY_CHANGE_ALLOWED] = "the change is allowed",
    [RETSIM_WHY_RETENTION_ENDED] = "its retention ran out: purged, the data is gone",
    [RETSIM_WHY_GRACE_ENDED] = "the grace phase after its retention ran out: purged, the data is gone",
    [RETSIM_WHY_PARENT_GONE] = "its parent was purged or hard-deleted and took it",
    [RETSIM_WHY_SOFT_DELETE_TURNED_OFF] = "soft delete was turned off, which purges what it kept",
};

const char *retsim_narrate_reason(retsim_reason w)
{
    if ((int)w < 0 || w >= RETSIM_WHY_COUNT || reason_text[w] == NULL) {
        return "";
    }
    return reason_text[w];
}

static const char *dur(retsim_time t, char *buf, size_t size)
{
    retsim_time_format(t, buf, size);
    return buf;
}

static const char *const who_first[] = {"the owner's subscription", "the owner's tenant", "anyone", "nobody"};
static const char *const who_else[] = {"every other subscription", "every other tenant", "", "anyone"};

void retsim_narrate_release(const retsim_policy *p, retsim_time now, retsim_time until,
                            const char *until_text, char *buf, size_t size)
{
    buf[0] = '\0';
    int reuse = (int)p->reuse_after_purge;
    if (until == RETSIM_TIME_NEVER) {
        retsim_format_append(buf, size, "the name is never free again%s%s%s",
                             reuse == RETSIM_REUSE_NOBODY ? "" : " (",
                             reuse == RETSIM_REUSE_NOBODY ? "" : who_first[reuse],
                             reuse == RETSIM_REUSE_NOBODY ? "" : " excepted)");
    } else if (until <= now || reuse == RETSIM_REUSE_ANYONE) {
        retsim_format_append(buf, size, "the name is free again at once");
    } else if (reuse == RETSIM_REUSE_NOBODY) {
        retsim_format_append(buf, size, "nobody may take the name until %s", until_text);
    } else {
        retsim_format_append(buf, size, "%s may take the name again at once; %s from %s", who_first[reuse],
                             who_else[reuse], until_text);
    }
}

/* The rules, one sentence per line. */
typedef struct lines {
    FILE *out;
    const char *indent;
} lines;

__attribute__((format(printf, 2, 3))) static void say(const lines *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(l->indent, l->out);
    vfprintf(l->out, fmt, ap);
    fputs(".\n", l->out);
    va_end(ap);
}

static void say_names(const lines *l, const retsim_policy *p)
{
    if (p->name_scope == RETSIM_SCOPE_GLOBAL) {
        say(l, "A name is unique worldwide: one instance per name, whatever the subscription");
    } else if (p->name_scope == RETSIM_SCOPE_SUBSCRIPTION) {
        say(l, "A name is unique within its subscription: other subscriptions may use it too");
    } else {
        say(l, "A name is unique within its %s: other %s instances may use it too", p->parent_kind,
            p->parent_kind);
    }
}

/* The range and the caller's say in the retention. */
static void say_retention_choice(const lines *l, const retsim_policy *p)
{
    char a[32], b[32];
    if (p->retention_set_at == RETSIM_RETENTION_AT_KIND) {
        return;
    }
    const char *who = p->retention_set_at == RETSIM_RETENTION_AT_CREATE ? "A create" : "A delete";
    if (p->retention_min > 0 && p->retention_max != RETSIM_TIME_NEVER) {
        say(l, "%s may ask for its own retention (retention=), from %s to %s", who,
            dur(p->retention_min, a, sizeof a), dur(p->retention_max, b, sizeof b));
    } else {
        say(l, "%s may ask for its own retention (retention=)", who);
    }
}

static void say_soft_delete(const lines *l, const retsim_policy *p)
{
    char a[32], b[32];
    if (!p->soft_delete_supported) {
        say(l, "A delete is final: this kind has no soft delete");
        return;
    }
    if (p->soft_delete) {
        say(l,
            "A delete is soft: the instance is kept %s, restorable until then, and purged automatically at "
            "the end",
            dur(p->retention_ms, a, sizeof a));
    } else {
        say(l,
            "Soft delete is off unless turned on (kind-wide or for an instance): a delete is then final; "
            "with it on, the instance is kept %s",
            dur(p->retention_ms, a, sizeof a));
    }
    if (p->grace_ms > 0) {
        say(l, "After the retention a grace phase of %s follows: still restorable, then purged",
            dur(p->grace_ms, b, sizeof b));
    }
    say_retention_choice(l, p);
    if (p->min_api_version != RETSIM_APIVER_ANY) {
        say(l, "A delete with an API version older than %s is final (hard), not soft",
            retsim_apiver_format(p->min_api_version, a, sizeof a));
    }
    if (p->recover_min_api_version != RETSIM_APIVER_ANY) {
        say(l, "Restore, purge and the look-ups of deleted instances need API version %s or newer",
            retsim_apiver_format(p->recover_min_api_version, a, sizeof a));
    }
    if (p->soft_delete && !p->soft_delete_can_disable) {
        say(l, "Soft delete cannot be turned off");
    } else if (p->soft_delete_can_disable && p->soft_delete_off_purges) {
        say(l, "Turning soft delete off purges at once what it keeps");
    }
    if (p->retention_mutable && p->retention_set_at == RETSIM_RETENTION_AT_KIND) {
        say(l, "The retention can be changed (set_policy); a change reaches %s",
            p->retention_change_applies_to == RETSIM_APPLIES_NEW_DELETES
                ? "later deletes only"
                : "the instances already soft-deleted too");
    }
}

static void say_deleted_name(const lines *l, const retsim_policy *p)
{
    char a[32];
    if (!p->soft_delete_supported) {
        return;
    }
    if (p->soft_deleted_name == RETSIM_NAME_HELD) {
        say(l, "While soft-deleted, the instance keeps its name: nobody may create that name until it is "
               "restored or purged");
        return;
    }
    if (p->name_free_after > 0) {
        say(l,
            "A soft-deleted instance holds its name for %s, then frees it: a create makes a new instance and "
            "the deleted one stays restorable as an older version",
            dur(p->name_free_after, a, sizeof a));
    } else {
        say(l, "A soft-deleted instance frees its name at once: a create makes a new instance and the "
               "deleted one "
               "stays restorable as an older version");
    }
    say(l, "Restoring an older version while a live instance has the name %s",
        p->restore_when_taken == RETSIM_TAKEN_REFUSE
            ? "is refused (name_taken)"
            : "replaces the live one, which becomes a soft-deleted version");
}

/* "30d if the owner is on a free subscription, ..." */
static void typed_windows(const retsim_policy *p, char *buf, size_t size)
{
    char a[32];
    for (int r = 0; r < p->n_reservations; r++) {
        const retsim_reservation *res = &p->reservations[r];
        retsim_format_append(
            buf, size, "%s%s if the owner's subscription is of type %s", r == 0 ? " (" : "; ",
            res->ms == RETSIM_RESERVATION_FOREVER ? "never" : dur(res->ms, a, sizeof a), res->sub_type);
    }
    if (p->n_reservations > 0) {
        retsim_format_append(buf, size, ")");
    }
}

static void say_reuse(const lines *l, const retsim_policy *p)
{
    char window[RETSIM_DRAW_SPEC_MAX + 40] = "", types[512] = "", a[32];
    int reuse = (int)p->reuse_after_purge;
    if (p->reservation_drawn) {
        retsim_format_append(window, sizeof window, "a time drawn from %s", p->reservation_draw);
    } else if (p->reservation_ms == RETSIM_RESERVATION_FOREVER) {
        retsim_format_append(window, sizeof window, "forever");
    } else {
        retsim_format_append(window, sizeof window, "%s", dur(p->reservation_ms, a, sizeof a));
    }
    if (!p->reservation_drawn) {
        typed_windows(p, types, sizeof types);
    }
    bool none = !p->reservation_drawn && p->n_reservations == 0 && p->reservation_ms == 0;
    bool forever = !p->reservation_drawn && p->reservation_ms == RETSIM_RESERVATION_FOREVER;
    if (forever && reuse == RETSIM_REUSE_NOBODY) {
        say(l, "Once purged (or hard-deleted), the name is never free again, for anyone%s", types);
    } else if (forever && reuse != RETSIM_REUSE_ANYONE) {
        say(l, "Once purged (or hard-deleted), only %s may take the name again; for %s it is never free%s",
            who_first[reuse], who_else[reuse], types);
    } else if (reuse == RETSIM_REUSE_ANYONE || none) {
        say(l, "Once purged (or hard-deleted), the name is free to anyone at once");
    } else if (reuse == RETSIM_REUSE_NOBODY) {
        say(l, "Once purged (or hard-deleted), nobody may take the name for %s%s", window, types);
    } else {
        say(l, "Once purged (or hard-deleted), %s may take the name again at once; %s waits %s%s",
            who_first[reuse], who_else[reuse], window, types);
    }
}

static void say_purge_restore(const lines *l, const retsim_policy *p)
{
    if (!p->soft_delete_supported) {
        return;
    }
    if (!p->purge_supported) {
        say(l, "There is no early purge: a soft-deleted instance waits out its retention");
    } else {
        say(l, "A soft-deleted instance can be purged early%s",
            p->purge_needs_permission ? ", with the purge permission" : "");
    }
    if (p->purge_supported && p->purge_protection) {
        say(l, "Purge protection is on: no early purge%s",
            p->purge_protection_can_disable ? "" : ", and it cannot be turned off");
    }
    if (p->restore_needs_permission || p->restore_requires_home_region) {
        say(l, "A restore needs %s%s%s", p->restore_needs_permission ? "the restore permission" : "",
            p->restore_needs_permission && p->restore_requires_home_region ? " and " : "",
            p->restore_requires_home_region ? "the instance's home region" : "");
    }
    if (p->force_delete) {
        say(l, "A delete may ask force=true to skip soft delete (final at once)");
    }
    if (p->failed_provisioning_blocks_delete) {
        say(l, "An instance whose provisioning failed cannot be deleted while soft delete is on");
    }
}

static void say_family(const lines *l, const retsim_scenario *sc, int kind)
{
    static const char *const blocks[] = {"", "soft-deleted", "live or soft-deleted", "live"};
    static const char *const on_delete[] = {"stays as it is", "is deleted with it, as its own delete would",
                                            "is gone with it at once, for good"};
    const retsim_policy *p = &sc->policies[kind];
    bool children = false;
    for (int k = 0; k < sc->n_policies; k++) {
        children |= sc->policies[k].parent == kind;
    }
    if (children && p->children_block_delete != RETSIM_CHILDREN_BLOCK_NONE) {
        say(l, "A delete is refused while the instance has %s children (blocked_children)",
            blocks[p->children_block_delete]);
    }
    if (p->parent >= 0) {
        say(l, "It lives in a %s; when that is deleted, it %s%s%s", p->parent_kind,
            on_delete[p->parent_delete], p->parent_purge ? "; purged with it" : "",
            p->parent_restore ? "; restored with it" : "");
    }
}

static void say_cost(const lines *l, const retsim_scenario *sc, const retsim_policy *p)
{
    char v[RETSIM_FORMAT_MAX], a[32];
    const char *cur = sc->settings.currency;
    if (p->price_per_replica_hour > 0 && p->replicas_active + p->replicas_soft_deleted > 0) {
        char where[48] = "per region";
        if (p->regions > 1) {
            snprintf(where, sizeof where, "in each of its %d regions", p->regions);
        }
        char deleted[40] = "none while soft-deleted (not billed)";
        if (p->replicas_soft_deleted > 0) {
            snprintf(deleted, sizeof deleted, "%d while soft-deleted", p->replicas_soft_deleted);
        }
        say(l, "It costs %s %s per replica-hour: %d replica%s %s live, %s", cur,
            retsim_format_csv(p->price_per_replica_hour, v, sizeof v), p->replicas_active,
            p->replicas_active == 1 ? "" : "s", where, deleted);
    }
    if (p->price_per_gb_month > 0) {
        say(l, "It costs %s %s per GB-month of its size, live and soft-deleted", cur,
            retsim_format_csv(p->price_per_gb_month, v, sizeof v));
    }
    if (p->billing_free_last > 0) {
        say(l, "The last %s of the soft-deleted time is not billed", dur(p->billing_free_last, a, sizeof a));
    }
    if (p->bill_restored_retroactive) {
        say(l, "A restore bills the soft-deleted time as if the instance had been live");
    }
}

int retsim_narrate_rules(const retsim_scenario *sc, int kind, const char *indent, FILE *out)
{
    const retsim_policy *p = &sc->policies[kind];
    lines l = {out, indent};
    say_names(&l, p);
    say_soft_delete(&l, p);
    say_deleted_name(&l, p);
    say_reuse(&l, p);
    say_purge_restore(&l, p);
    say_family(&l, sc, kind);
    say_cost(&l, sc, p);
    return ferror(out) ? RETSIM_EIO : 0;
}

char *retsim_narrate_rules_text(const retsim_scenario *sc, int kind)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem == NULL) {
        return NULL;
    }
    int rc = retsim_narrate_rules(sc, kind, "", mem);
    if (fclose(mem) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Scenario keys: one table per section, one parser and printer per value type. */
#include "scenario_keys.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const scope_choices[] = {"global", "subscription", "parent", NULL};
static const char *const reuse_choices[] = {"owner_subscription", "owner_tenant", "anyone", "nobody", NULL};
static const char *const applies_choices[] = {"new_deletes", "all_soft_deleted", NULL};
static const char *const block_choices[] = {"none", "soft_deleted", "any", "active", NULL};
static const char *const soft_name_choices[] = {"held", "free", NULL};
static const char *const taken_choices[] = {"refuse", "replace", NULL};
static const char *const overwrite_choices[] = {"update", "keep", NULL};
static const char *const cascade_choices[] = {"none", "soft", "hard", NULL};
static const char *const set_at_choices[] = {"kind", "create", "delete", NULL};

_Static_assert(sizeof(retsim_name_scope) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_reuse) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_applies_to) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_children_block) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_retention_at) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_soft_name) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_when_taken) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_overwrite) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_cascade) == sizeof(int), "enum fields are stored as int");

#define S(field) offsetof(retsim_scenario, field)
static const key_def scenario_section[] = {
    {"name", K_TEXT, S(name), NULL, 0, sizeof(((retsim_scenario *)0)->name), 0, "short name"},
    {"description", K_TEXT, S(description), NULL, 0, sizeof(((retsim_scenario *)0)->description), 0,
     "one line about it"},
};
#undef S

#define P(field) offsetof(retsim_policy, field)
static const key_def policy_section[] = {
    {"parent", K_NAME, P(parent_kind), NULL, 0, 0, 0, "the kind this one lives inside"},
    {"name_scope", K_ENUM, P(name_scope), scope_choices, 0, 0, 0, "where a name must be unique"},
    {"soft_delete_supported", K_BOOL, P(soft_delete_supported), NULL, 0, 0, 0, "deletes can be soft at all"},
    {"soft_delete", K_BOOL, P(soft_delete), NULL, 0, 0, 0, "the kind-wide soft-delete switch"},
    {"retention", K_DURATION, P(retention_ms), NULL, 0, 0, 0, "how long a soft-deleted instance is kept"},
    {"retention_mutable", K_BOOL, P(retention_mutable), NULL, 0, 0, 0, "set_policy may change retention"},
    {"retention_change_applies_to", K_ENUM, P(retention_change_applies_to), applies_choices, 0, 0, 0,
     "what a retention change does to instances already soft-deleted"},
    {"retention_set_at", K_ENUM, P(retention_set_at), set_at_choices, 0, 0, KEY_QUIET,
     "where retention comes from: the kind, the create, or the delete (retention=)"},
    {"retention_min", K_DURATION, P(retention_min), NULL, 0, 0, KEY_QUIET,
     "shortest retention a create, delete or set_policy may ask for"},
    {"retention_max", K_DURATION, P(retention_max), NULL, 0, 0, KEY_QUIET,
     "longest retention a create, delete or set_policy may ask for"},
    {"force_delete", K_BOOL, P(force_delete), NULL, 0, 0, KEY_QUIET,
     "a delete with force=true is hard (else rejected)"},
    {"min_api_version", K_APIVER, P(min_api_version), NULL, 0, 0, 0,
     "oldest API version whose delete is soft"},
    {"recover_min_api_version", K_APIVER, P(recover_min_api_version), NULL, 0, 0, 0,
     "oldest API version for restore, purge, get_deleted and list_deleted (older: not_supported)"},
    {"soft_delete_can_disable", K_BOOL, P(soft_delete_can_disable), NULL, 0, 0, 0,
     "set_policy may turn soft delete off"},
    {"enable_min_api_version", K_APIVER, P(enable_min_api_version), NULL, 0, 0, 0,
     "oldest API version that may turn soft delete on for an instance (older: rejected)"},
    {"enable_requires_same_region", K_BOOL, P(enable_requires_same_region), NULL, 0, 0, 0,
     "turning soft delete on is rejected while a descendant lives in another region"},
    {"reuse_after_purge", K_ENUM, P(reuse_after_purge), reuse_choices, 0, 0, 0,
     "who may take a purged name at once"},
    {"reservation", K_RESERVATION, 0, NULL, 0, 0, 0, "how long everyone else waits after purge"},
    {"purge_supported", K_BOOL, P(purge_supported), NULL, 0, 0, 0, "the kind has a purge operation"},
    {"purge_needs_permission", K_BOOL, P(purge_needs_permission), NULL, 0, 0, 0,
     "purge requires an extra permission"},
    {"purge_protection", K_BOOL, P(purge_protection), NULL, 0, 0, 0, "purge refused until retention ends"},
    {"restore_needs_permission", K_BOOL, P(restore_needs_permission), NULL, 0, 0, KEY_QUIET,
     "restore requires an extra permission"},
    {"purge_protection_can_disable", K_BOOL, P(purge_protection_can_disable), NULL, 0, 0, 0,
     "set_policy may turn purge protection off"},
    {"restore_requires_home_region", K_BOOL, P(restore_requires_home_region), NULL, 0, 0, 0,
     "a restore must name the home region"},
    {"children_block_delete", K_ENUM, P(children_block_delete), block_choices, 0, 0, 0,
     "which children stop their parent from being deleted"},
    {"failed_provisioning_blocks_delete", K_BOOL, P(failed_provisioning_blocks_delete), NULL, 0, 0, 0,
     "failed-provisioning instances cannot be deleted while soft delete is on"},
    {"soft_deleted_name", K_ENUM, P(soft_deleted_name), soft_name_choices, 0, 0, KEY_QUIET,
     "held: a soft-deleted instance keeps its name; free: a new instance may take it"},
    {"name_free_after", K_DURATION, P(name_free_after), NULL, 0, 0, KEY_QUIET,
     "free names: how long after a delete the name is still held"},
    {"restore_when_taken", K_ENUM, P(restore_when_taken), taken_choices, 0, 0, KEY_QUIET,
     "restore while a live instance has the name: refuse (name_taken) or replace it"},
    {"overwrite", K_ENUM, P(overwrite), overwrite_choices, 0, 0, KEY_QUIET,
     "a create on your own live instance: update it, or keep the old content soft-deleted"},
    {"soft_delete_off_purges", K_BOOL, P(soft_delete_off_purges), NULL, 0, 0, KEY_QUIET,
     "turning soft delete off purges what is soft-deleted at once"},
    {"grace", K_DURATION, P(grace_ms), NULL, 0, 0, KEY_QUIET,
     "after retention: still restorable this long, billed with replicas_grace"},
    {"billing_free_last", K_DURATION, P(billing_free_last), NULL, 0, 0, KEY_QUIET,
     "the last part of the soft-deleted period, not billed"},
    {"bill_restored_retroactive", K_BOOL, P(bill_restored_retroactive), NULL, 0, 0, KEY_QUIET,
     "a restore bills the soft-deleted time as if it had been live"},
    {"parent_delete", K_ENUM, P(parent_delete), cascade_choices, 0, 0, KEY_QUIET,
     "what deleting the parent does to this kind: none, soft (as its own delete), hard"},
    {"parent_purge", K_BOOL, P(parent_purge), NULL, 0, 0, KEY_QUIET,
     "purged with its parent (an automatic or explicit purge)"},
    {"parent_restore", K_BOOL, P(parent_restore), NULL, 0, 0, KEY_QUIET,
     "restored with its parent, where deleted with it"},
    {"regions", K_INT, P(regions), NULL, 1, 1000, 0, "regions an instance is replicated in"},
    {"replicas_active", K_INT, P(replicas_active), NULL, 0, 1000000, 0, "replicas per region while active"},
    {"replicas_soft_deleted", K_INT, P(replicas_soft_deleted), NULL, 0, 1000000, 0,
     "replicas per region kept (and billed) while soft-deleted"},
    {"replicas_grace", K_INT, P(replicas_grace), NULL, -1, 1000000, KEY_QUIET,
     "replicas per region in the grace phase (-1: as replicas_soft_deleted)"},
    {"price_per_replica_hour", K_NONNEG, P(price_per_replica_hour), NULL, 0, 0, 0,
     "price of one replica for one hour (any currency)"},
    {"price_per_gb_month", K_NONNEG, P(price_per_gb_month), NULL, 0, 0, KEY_QUIET,
     "price of one GB of instance size (size_gb) for 30 days, live or retained"},
};
#undef P

#define T(field) offsetof(retsim_settings, field)
static const key_def simulation_section[] = {
    {"horizon", K_DURATION, T(horizon), NULL, 0, 0, 0, "how long a run simulates"},
    {"seed", K_U64, T(seed), NULL, 0, 0, 0, "master seed (--seed overrides)"},
    {"sample_every", K_DURATION, T(sample_every), NULL, 0, 0, 0, "time between timeseries.csv rows"},
    {"warmup", K_DURATION, T(warmup), NULL, 0, 0, 0, "time left out of averages, rates and counts"},
    {"scale", K_NONNEG, T(scale), NULL, 0, 0, 0, "multiplies every arrival rate (a workload's size)"},
    {"currency", K_TEXT, T(currency), NULL, 1, RETSIM_CURRENCY_MAX, 0,
     "what prices and costs are in (a label, e.g. EUR)"},
};
#undef T

#define O(field) offsetof(retsim_population, field)
static const key_def population_section[] = {
    {"subscriptions", K_INT, O(subscriptions), NULL, 1, 100000000, 0, "subscriptions that own resources"},
    {"tenants", K_INT, O(tenants), NULL, 0, 100000000, 0, "tenants they belong to (0: one each)"},
    {"subscription_types", K_CHOICES, O(sub_types), NULL, 0, 0, 0, "mix of subscription types"},
    {"regions", K_CHOICES, O(regions), NULL, 0, 0, 0, "regions instances live in"},
    {"delete_api_versions", K_CHOICES, O(api_versions), NULL, 0, 0, 0,
     "API versions of the clients that delete (current = newest)"},
};
#undef O

#define W(field) offsetof(retsim_workload, field)
static const key_def workload_section[] = {
    {"arrivals", K_RATE, W(arrivals), NULL, 0, 0, 0, "new names per unit of time (Poisson)"},
    {"daily_profile", K_PROFILE, W(daily), NULL, 24, 0, 0, "24 relative weights, one per UTC hour"},
    {"weekly_profile", K_PROFILE, W(weekly), NULL, 7, 0, 0, "7 relative weights, Monday first"},
    {"per_parent", K_INT, W(per_parent), NULL, 0, 10000, 0, "instances created with each new parent"},
    {"lifetime", K_DIST, W(lifetime), NULL, 0, 0, 0, "time from create to the owner's delete (none: kept)"},
    {"accidental_deletes", K_RATE, W(accidental_deletes), NULL, 0, 0, 0,
     "accidental deletes per active instance"},
    {"notice_probability", K_PROB, W(notice_probability), NULL, 0, 0, 0,
     "the owner notices an accidental delete and restores"},
    {"restore_delay", K_DIST, W(restore_delay), NULL, 0, 0, 0, "from accidental delete to restore"},
    {"purge_probability", K_PROB, W(purge_probability), NULL, 0, 0, 0, "an intentional delete is purged"},
    {"purge_delay", K_DIST, W(purge_delay), NULL, 0, 0, 0, "from delete to purge"},
    {"purge_permission_probability", K_PROB, W(purge_permission_probability), NULL, 0, 0, 0,
     "the purging caller holds the purge permission"},
    {"recreate_probability", K_PROB, W(recreate_probability), NULL, 0, 0, 0,
     "the same name is created again after an intentional delete"},
    {"recreate_delay", K_DIST, W(recreate_delay), NULL, 0, 0, 0, "from delete to the re-create"},
    {"recreate_other_subscription_probability", K_PROB, W(recreate_other_subscription_probability), NULL, 0,
     0, 0, "the re-create comes from another subscription"},
    {"retry_interval", K_DURATION, W(retry_interval), NULL, 0, 0, 0,
     "wait before retrying a refused create or delete"},
    {"retry_limit", K_INT, W(retry_limit), NULL, 0, 1000000, 0, "retries before giving up"},
    {"soft_delete_on_probability", K_PROB, W(soft_delete_on_probability), NULL, -1, 0, 0,
     "an instance sets its own soft-delete switch, on with this probability (none: inherits)"},
    {"failed_provisioning_probability", K_PROB, W(failed_provisioning_probability), NULL, 0, 0, 0,
     "an instance ends in failed provisioning"},
    {"delete_retention", K_DIST, W(delete_retention), NULL, 0, 0, KEY_QUIET,
     "retention a delete asks for, where retention_set_at = delete (none: the default)"},
    {"create_retention", K_DIST, W(create_retention), NULL, 0, 0, KEY_QUIET,
     "retention a create sets, where retention_set_at = create (none: the default)"},
    {"force_delete_probability", K_PROB, W(force_delete_probability), NULL, 0, 0, KEY_QUIET,
     "an intentional delete bypasses soft delete (force=true)"},
    {"restore_permission_probability", K_PROB, W(restore_permission_probability), NULL, 0, 0, KEY_QUIET,
     "the restoring caller holds the restore permission"},
    {"size", K_SIZE_DIST, W(size), NULL, 0, 0, KEY_QUIET,
     "instance sizes in GB, e.g. lognormal(median=8GB, sigma=1.2) (none: no size)"},
    {"overwrites", K_RATE, W(overwrites), NULL, 0, 0, KEY_QUIET,
     "per active instance: the owner creates it again (updated; overwrite = keep keeps a generation)"},
};
#undef W

#define C(field) offsetof(retsim_change, field)
static const key_def change_section[] = {
    {"at", K_DURATION, C(at), NULL, 0, 0, 0, "when the change happens"},
    {"kind", K_NAME, C(kind_name), NULL, 0, 0, 0, "the kind it changes"},
    {"retention", K_DURATION, C(change.retention_ms), NULL, 0, 0, RETSIM_CHANGE_RETENTION, "new retention"},
    {"applies_to", K_ENUM, C(change.applies_to), applies_choices, 0, 0, RETSIM_CHANGE_APPLIES_TO,
     "which soft-deleted instances the new retention reaches"},
    {"soft_delete", K_BOOL, C(change.soft_delete), NULL, 0, 0, RETSIM_CHANGE_SOFT_DELETE,
     "turn soft delete on or off"},
    {"purge_protection", K_BOOL, C(change.purge_protection), NULL, 0, 0, RETSIM_CHANGE_PURGE_PROTECTION,
     "turn purge protection on or off"},
};
#undef C

#define N(a) ((int)(sizeof a / sizeof a[0]))
_Static_assert(N(workload_section) < 64 && N(policy_section) < 64, "seen-key masks are 64 bits");

const key_def *scenario_keys(section_kind sec, int *n)
{
    switch (sec) {
    case SEC_SCENARIO:
        *n = N(scenario_section);
        return scenario_section;
    case SEC_POLICY:
        *n = N(policy_section);
        return policy_section;
    case SEC_SIMULATION:
        *n = N(simulation_section);
        return simulation_section;
    case SEC_POPULATION:
        *n = N(population_section);
        return population_section;
    case SEC_WORKLOAD:
        *n = N(workload_section);
        return workload_section;
    case SEC_CHANGE:
        *n = N(change_section);
        return change_section;
    default:
        *n = 0;
        return NULL;
    }
}

const key_def *scenario_key_find(section_kind sec, const char *name, int *index)
{
    int n = 0;
    const key_def *keys = scenario_keys(sec, &n);
    for (int i = 0; i < n; i++) {
        if (strcmp(keys[i].name, name) == 0) {
            *index = i;
            return &keys[i];
        }
    }
    return NULL;
}

static int bad(retsim_error *err, const char *fmt, const char *value)
{
    return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, fmt, value);
}

static bool read_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
            *out = strcmp(v, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

/* A finite number and nothing after it but spaces: "nan", "inf", "1e" and
 * "abc" are refused. */
static bool read_double(const char *text, double *out)
{
    char *end = NULL;
    *out = strtod(text, &end);
    while (end != NULL && *end == ' ') {
        end++;
    }
    return end != text && end != NULL && *end == '\0' && isfinite(*out);
}

/* strtol and strtoull skip spaces and take a sign ("-1" becomes 2^64-1 for
 * strtoull): the text must start with a digit (or '-' and a digit when
 * negatives are allowed). The callers check the end and ERANGE. */
static bool whole_number(const char *text, bool negative_ok)
{
    if (negative_ok && text[0] == '-') {
        text++;
    }
    return text[0] >= '0' && text[0] <= '9';
}

static void join_choices(const char *const *choices, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; choices[i] != NULL && n < size; i++) {
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", choices[i]);
    }
}

/* The shortest form that reads back as the same double. */
static void print_double(double d, FILE *out)
{
    char buf[64];
    double back;
    snprintf(buf, sizeof buf, "%.15g", d);
    if (sscanf(buf, "%lf", &back) != 1 || back != d) {
        snprintf(buf, sizeof buf, "%.17g", d);
    }
    fputs(buf, out);
}

/* One parser and one printer per key type, in the table at the end. A parser
 * writes the value at `at` (base + k->offset) only when it is valid; on error
 * it returns RETSIM_EINPUT with err->msg saying what was expected (the caller
 * adds file, line and key). `dir` is the scenario's folder (for files a value
 * names). */
typedef int (*key_parse_fn)(void *at, const key_def *k, const char *value, const char *dir,
                            retsim_error *err);
typedef void (*key_print_fn)(const void *at, const key_def *k, FILE *out);

static int bool_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    (void)dir;
    bool b;
    if (!read_bool(value, &b)) {
        return bad(err, "expected true or false (also yes/no, on/off), got '%s'", value);
    }
    memcpy(at, &b, sizeof b);
    return 0;
}

static void bool_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    bool b;
    memcpy(&b, at, sizeof b);
    fputs(b ? "true" : "false", out);
}

static int duration_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    (void)dir;
    retsim_time t;
    const char *why = NULL;
    if (retsim_time_parse(value, &t, &why) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, "%s, got '%s'", why, value);
    }
    memcpy(at, &t, sizeof t);
    return 0;
}

static void duration_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    retsim_time t;
    char buf[64];
    memcpy(&t, at, sizeof t);
    retsim_time_format(t, buf, sizeof buf);
    fputs(buf, out);
}

static int enum_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)dir;
    for (int i = 0; k->choices[i] != NULL; i++) {
        if (strcmp(value, k->choices[i]) == 0) {
            memcpy(at, &i, sizeof i);
            return 0;
        }
    }
    char list[256];
    join_choices(k->choices, list, sizeof list);
    return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, "expected one of %s, got '%s'", list, value);
}

static void enum_print(const void *at, const key_def *k, FILE *out)
{
    int i;
    memcpy(&i, at, sizeof i);
    fputs(k->choices[i], out);
}

/* "" and "any" mean any version. */
static int apiver_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    (void)dir;
    int32_t v = RETSIM_APIVER_ANY;
    const char *why = NULL;
    if (value[0] != '\0' && strcmp(value, "any") != 0 && retsim_apiver_parse(value, &v, &why) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, "%s, or 'any'; got '%s'", why, value);
    }
    memcpy(at, &v, sizeof v);
    return 0;
}

static void apiver_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    int32_t v;
    char buf[64];
    memcpy(&v, at, sizeof v);
    fputs(v == RETSIM_APIVER_ANY ? "any" : retsim_apiver_format(v, buf, sizeof buf), out);
}

/* Text into char[size], at least `shortest` bytes long. */
static int copy_text(char *at, const char *value, size_t shortest, size_t size, retsim_error *err)
{
    if (strlen(value) >= size) {
        return bad(err, "too long: '%.40s...'", value);
    }
    if (strlen(value) < shortest) {
        return bad(err, "expected a non-empty value, got '%s'", value);
    }
    snprintf(at, size, "%s", value);
    return 0;
}

static int name_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    (void)dir;
    return copy_text(at, value, 0, RETSIM_KIND_NAME_MAX, err);
}

static int text_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)dir;
    return copy_text(at, value, (size_t)k->lo, (size_t)k->hi, err);
}

static void text_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    fputs(at, out);
}

/* "1000/d", "1/365d", "0.5/h", "0" */
static int rate_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    (void)dir;
    static const char expected[] = "expected a rate such as 1000/d, 0.5/h or 1/365d, got '%s'";
    char buf[64];
    snprintf(buf, sizeof buf, "%s", value);
    char *slash = strchr(buf, '/');
    double count;
    retsim_time per = 1;
    if (slash == NULL) {
        if (!read_double(buf, &count) || count != 0) {
            return bad(err, expected, value);
        }
    } else {
        *slash = '\0';
        const char *unit = slash + 1;
        char with_one[64];
        if (*unit < '0' || *unit > '9') { /* "/d" means "/1d" */
            snprintf(with_one, sizeof with_one, "1%s", unit);
            unit = with_one;
        }
        const char *why = NULL;
        if (retsim_time_parse(unit, &per, &why) == RETSIM_ERANGE) {
            return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, "the period of a rate is %s, got '%s'",
                                    why, value);
        }
        if (!read_double(buf, &count) || retsim_time_parse(unit, &per, NULL) != 0 || per <= 0) {
            return bad(err, expected, value);
        }
    }
    if (count < 0) {
        return bad(err, "a rate cannot be negative, got '%s'", value);
    }
    retsim_rate *r = at;
    r->per_ms = count / (double)per;
    snprintf(r->text, sizeof r->text, "%s", value);
    return 0;
}

static void rate_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    const retsim_rate *r = at;
    fputs(r->text[0] ? r->text : "0", out);
}

/* A probability in [0, 1]; k->lo == -1: also "none", stored as -1. */
static int prob_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)dir;
    double p;
    bool optional = k->lo == -1;
    if (optional && strcmp(value, "none") == 0) {
        p = -1;
    } else if (!read_double(value, &p) || p < 0 || p > 1) {
        return bad(err,
                   optional ? "expected a probability between 0 and 1, or 'none'; got '%s'"
                            : "expected a probability between 0 and 1, got '%s'",
                   value);
    }
    memcpy(at, &p, sizeof p);
    return 0;
}

static void prob_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    double p;
    memcpy(&p, at, sizeof p);
    if (p < 0) {
        fputs("none", out);
        return;
    }
    print_double(p, out);
}

/* A number >= 0 with no upper bound: a price, a scale factor. */
static int nonneg_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    (void)dir;
    double x;
    if (!read_double(value, &x) || x < 0) {
        return bad(err, "expected a number >= 0, got '%s'", value);
    }
    memcpy(at, &x, sizeof x);
    return 0;
}

static void nonneg_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    double x;
    memcpy(&x, at, sizeof x);
    print_double(x, out);
}

static int int_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)dir;
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (!whole_number(value, true) || *end != '\0' || errno == ERANGE || v < k->lo || v > k->hi) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL,
                                "expected a whole number from %ld to %ld, got '%s'", k->lo, k->hi, value);
    }
    int i = (int)v;
    memcpy(at, &i, sizeof i);
    return 0;
}

static void int_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    int i;
    memcpy(&i, at, sizeof i);
    fprintf(out, "%d", i);
}

static int u64_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    (void)dir;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (!whole_number(value, false) || *end != '\0' || errno == ERANGE) {
        return bad(err, "expected a whole number from 0 to 18446744073709551615, got '%s'", value);
    }
    uint64_t u = v;
    memcpy(at, &u, sizeof u);
    return 0;
}

static void u64_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    uint64_t u;
    memcpy(&u, at, sizeof u);
    fprintf(out, "%llu", (unsigned long long)u);
}

static int dist_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    retsim_dist d;
    if (strcmp(value, "none") == 0) {
        memset(&d, 0, sizeof d);
        snprintf(d.text, sizeof d.text, "none");
    } else if (retsim_dist_parse(value, dir, &d, err) != 0) {
        return RETSIM_EINPUT;
    }
    memcpy(at, &d, sizeof d); /* the scenario frees empirical samples it replaces */
    return 0;
}

static void dist_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    const retsim_dist *d = at;
    fputs(d->kind == RETSIM_DIST_NONE ? "none" : d->text, out);
}

/* "flat" or k->lo non-negative weights, not all 0; stored normalised to mean 1. */
static int profile_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)dir;
    long n = k->lo;
    retsim_profile parsed, *p = &parsed; /* copied to `at` only when valid */
    char buf[RETSIM_TEXT_MAX];
    snprintf(buf, sizeof buf, "%s", value);
    memset(p, 0, sizeof *p);
    if (strcmp(value, "flat") == 0) {
        memcpy(at, p, sizeof *p);
        return 0;
    }
    double sum = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') {
            tok++;
        }
        if (p->n == n || !read_double(tok, &p->weight[p->n]) || p->weight[p->n] < 0) {
            return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL,
                                    "expected %ld non-negative weights separated by commas, got '%s'", n,
                                    value);
        }
        sum += p->weight[p->n++];
    }
    if (p->n != n || sum <= 0) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL,
                                "expected %ld non-negative weights (not all 0) separated by commas, got '%s'",
                                n, value);
    }
    for (int i = 0; i < p->n; i++) { /* normalise to mean 1 */
        p->weight[i] *= (double)n / sum;
        p->max = p->weight[i] > p->max ? p->weight[i] : p->max;
    }
    snprintf(p->text, sizeof p->text, "%s", value);
    memcpy(at, p, sizeof *p);
    return 0;
}

static void profile_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    const retsim_profile *p = at;
    fputs(p->n ? p->text : "flat", out);
}

/* "ea:0.6, payg:0.3, free:0.1" or "eastus, westeurope" (equal weights) */
static int choices_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    (void)k;
    (void)dir;
    retsim_choices parsed, *c = &parsed; /* copied to `at` only when valid */
    char buf[RETSIM_TEXT_MAX];
    snprintf(buf, sizeof buf, "%s", value);
    memset(c, 0, sizeof *c);
    double sum = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') {
            tok++;
        }
        char *colon = strrchr(tok, ':');
        double w = 1;
        if (colon != NULL) {
            *colon = '\0';
            if (!read_double(colon + 1, &w) || w < 0) {
                return bad(err, "expected name:weight pairs such as ea:0.6, payg:0.4, got '%s'", value);
            }
        }
        char *end = tok + strlen(tok);
        while (end > tok && end[-1] == ' ') {
            *--end = '\0';
        }
        if (c->n == RETSIM_MAX_CHOICES || tok[0] == '\0' || strlen(tok) >= RETSIM_KIND_NAME_MAX) {
            return bad(err, "expected at most 16 names (with optional :weight) separated by commas, got '%s'",
                       value);
        }
        snprintf(c->name[c->n], RETSIM_KIND_NAME_MAX, "%s", tok);
        c->weight[c->n++] = w;
        sum += w;
    }
    if (c->n == 0 || sum <= 0) {
        return bad(err, "expected at least one name with a positive weight, got '%s'", value);
    }
    for (int i = 0; i < c->n; i++) {
        c->weight[i] /= sum;
    }
    snprintf(c->text, sizeof c->text, "%s", value);
    memcpy(at, c, sizeof *c);
    return 0;
}

static void choices_print(const void *at, const key_def *k, FILE *out)
{
    (void)k;
    fputs(((const retsim_choices *)at)->text, out);
}

/* reservation: a duration, "forever", or a distribution spec drawn per
 * release (checked here; the simulation parses it again to sample it). */
static int reservation_parse(void *at, const key_def *k, const char *value, const char *dir,
                             retsim_error *err)
{
    (void)k;
    retsim_policy *p = at;
    retsim_time t;
    const char *why = NULL;
    if (strcmp(value, "forever") == 0) {
        p->reservation_ms = RETSIM_RESERVATION_FOREVER;
        p->reservation_drawn = false;
        return 0;
    }
    if (retsim_time_parse(value, &t, &why) == 0) {
        p->reservation_ms = t;
        p->reservation_drawn = false;
        return 0;
    }
    retsim_dist d;
    if (strlen(value) >= sizeof p->reservation_draw) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, "distribution spec too long, got '%s'",
                                value);
    }
    if (retsim_dist_parse(value, dir, &d, err) != 0) {
        if (strchr(value, '(') != NULL) {
            return RETSIM_EINPUT; /* a distribution with a fault: its parser says which */
        }
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL,
                                "expected a duration, forever, or a distribution such as "
                                "uniform(min=1h, max=72h), got '%s'",
                                value);
    }
    retsim_dist_free(&d);
    p->reservation_drawn = true;
    snprintf(p->reservation_draw, sizeof p->reservation_draw, "%s", value);
    return 0;
}

static void reservation_print(const void *at, const key_def *k, FILE *out)
{
    const retsim_policy *p = at;
    if (p->reservation_drawn) {
        fputs(p->reservation_draw, out);
    } else if (p->reservation_ms == RETSIM_RESERVATION_FOREVER) {
        fputs("forever", out);
    } else {
        duration_print(&p->reservation_ms, k, out);
    }
}

/* Sizes: a distribution whose size parameters carry the unit GB
 * (const(10GB), uniform(1GB, 100GB), lognormal(median=8GB, sigma=1.2)).
 * Each "<x>GB" is read as round(x * 1000) ms, so the distribution code
 * samples it as it does durations, and a draw / 1000 is GB to the MB (a
 * draw is whole units). No empirical(...): its file would hold durations. */
static int size_rewrite(const char *value, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = value; *p != '\0' && n + 32 < size;) {
        char *end = NULL;
        bool starts = (*p >= '0' && *p <= '9') || *p == '.';
        double x = starts ? strtod(p, &end) : 0;
        if (starts && end != p && end[0] == 'G' && end[1] == 'B' && isfinite(x) && x >= 0 && x < 1e15) {
            n += (size_t)snprintf(buf + n, size - n, "%.0fms", round(x * 1000));
            p = end + 2;
        } else if (starts && end != p) {
            memcpy(buf + n, p, (size_t)(end - p)); /* a plain number (sigma, shape) */
            n += (size_t)(end - p);
            p = end;
        } else {
            buf[n++] = *p++;
        }
    }
    buf[n] = '\0';
    return n + 32 < size ? 0 : RETSIM_EINPUT;
}

static int size_parse(void *at, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    char buf[sizeof((retsim_dist *)0)->text];
    retsim_dist d;
    if (strcmp(value, "none") == 0) {
        return dist_parse(at, k, value, dir, err);
    }
    if (strstr(value, "empirical") != NULL || strstr(value, "GB") == NULL ||
        size_rewrite(value, buf, sizeof buf) != 0 || retsim_dist_parse(buf, dir, &d, err) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL,
                                "expected none or a distribution of sizes in GB such as const(10GB), "
                                "uniform(1GB, 100GB) or lognormal(median=8GB, sigma=1.2), got '%s'",
                                value);
    }
    snprintf(d.text, sizeof d.text, "%s", value); /* printed as written */
    memcpy(at, &d, sizeof d);
    return 0;
}

static const struct {
    key_parse_fn parse;
    key_print_fn print;
} key_types[] = {
    [K_BOOL] = {bool_parse, bool_print},
    [K_DURATION] = {duration_parse, duration_print},
    [K_ENUM] = {enum_parse, enum_print},
    [K_APIVER] = {apiver_parse, apiver_print},
    [K_NAME] = {name_parse, text_print},
    [K_TEXT] = {text_parse, text_print},
    [K_RATE] = {rate_parse, rate_print},
    [K_PROB] = {prob_parse, prob_print},
    [K_NONNEG] = {nonneg_parse, nonneg_print},
    [K_INT] = {int_parse, int_print},
    [K_U64] = {u64_parse, u64_print},
    [K_DIST] = {dist_parse, dist_print},
    [K_PROFILE] = {profile_parse, profile_print},
    [K_CHOICES] = {choices_parse, choices_print},
    [K_RESERVATION] = {reservation_parse, reservation_print},
    [K_SIZE_DIST] = {size_parse, dist_print},
};
_Static_assert(sizeof key_types / sizeof key_types[0] == K_TYPE_COUNT, "a parser and a printer per key type");

int scenario_key_parse(void *base, const key_def *k, const char *value, const char *dir, retsim_error *err)
{
    return key_types[k->type].parse((char *)base + k->offset, k, value, dir, err);
}

void scenario_key_print(const void *base, const key_def *k, FILE *out)
{
    key_types[k->type].print((const char *)base + k->offset, k, out);
}

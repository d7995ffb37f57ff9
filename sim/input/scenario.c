/* Scenario files: INI read with inih; sections dispatch to the key tables in
 * scenario_keys.c; cross-key checks once everything is read. */
#include "retsim/scenario.h"
#include "retsim/suggest.h"

#include "input.h"
#include "scenario_keys.h"

#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INSTANCES RETSIM_MAX_CHANGES /* >= RETSIM_MAX_KINDS */
_Static_assert(RETSIM_MAX_CHANGES >= RETSIM_MAX_KINDS, "instances are indexed by kind or change");

/* Where keys were set: for duplicate detection and for errors found later. */
typedef struct key_lines {
    uint64_t seen[SEC_COUNT][MAX_INSTANCES];
    long line[SEC_COUNT][MAX_INSTANCES][MAX_KEYS];
} key_lines;

typedef struct loader {
    retsim_scenario *s;
    const char *path;
    long line;
    retsim_error *err;
    bool failed;
    key_lines *lines;
    FILE *file;       /* line source: a FILE ... */
    const char *text; /* ... or a string */
} loader;

static bool valid_ident(const char *s)
{
    if (s[0] == '\0' || strlen(s) >= RETSIM_KIND_NAME_MAX) {
        return false;
    }
    for (const char *c = s; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-')) {
            return false;
        }
    }
    return true;
}

int retsim_scenario_kind(const retsim_scenario *s, const char *kind)
{
    for (int i = 0; i < s->n_policies; i++) {
        if (strcmp(s->policies[i].kind, kind) == 0) {
            return i;
        }
    }
    return -1;
}

bool retsim_scenario_has_workload(const retsim_scenario *s)
{
    for (int i = 0; i < s->n_policies; i++) {
        if (s->workloads[i].enabled) {
            return true;
        }
    }
    return false;
}

/* The workload's distributions, i = 0..N_DISTS-1 (they own empirical samples). */
enum { N_DISTS = 6 };
static retsim_dist *dists_of(retsim_workload *w, int i)
{
    retsim_dist *d[N_DISTS] = {&w->lifetime,       &w->restore_delay,    &w->purge_delay,
                               &w->recreate_delay, &w->delete_retention, &w->create_retention};
    return d[i];
}

void scenario_workload_init(retsim_workload *w)
{
    memset(w, 0, sizeof *w);
    w->purge_permission_probability = 1;
    w->restore_permission_probability = 1;
    w->soft_delete_on_probability = -1;
    /* defaults carry the text they print as, so a resolved scenario reads back the same */
    for (int i = 0; i < N_DISTS; i++) {
        snprintf(dists_of(w, i)->text, sizeof dists_of(w, i)->text, "none");
    }
    snprintf(w->arrivals.text, sizeof w->arrivals.text, "0");
    snprintf(w->accidental_deletes.text, sizeof w->accidental_deletes.text, "0");
}

static void scenario_init(retsim_scenario *s)
{
    memset(s, 0, sizeof *s);
    s->settings.horizon = 365 * RETSIM_MS_PER_DAY;
    s->settings.seed = 1;
    s->settings.sample_every = RETSIM_MS_PER_DAY;
    s->settings.scale = 1;
    snprintf(s->settings.currency, sizeof s->settings.currency, "%s", RETSIM_CURRENCY_DEFAULT);
    s->population.subscriptions = 100;
    retsim_error ignore;
    (void)scenario_key_parse(&s->population,
                             scenario_key_find(SEC_POPULATION, "subscription_types", &(int){0}), "default",
                             NULL, &ignore);
    (void)scenario_key_parse(&s->population, scenario_key_find(SEC_POPULATION, "regions", &(int){0}),
                             "region-1", NULL, &ignore);
    (void)scenario_key_parse(&s->population,
                             scenario_key_find(SEC_POPULATION, "delete_api_versions", &(int){0}), "current",
                             NULL, &ignore);
}

/* Where an error in a section header is reported. */
typedef struct section_at {
    const char *section; /* as written: "policy.apim" */
    const char *file;
    long line;
} section_at;

/* The [change.<id>] section's index, adding it if may_add. -1 on error. */
static int change_index(retsim_scenario *s, const char *id, bool may_add, const section_at *at,
                        retsim_error *err)
{
    for (int c = 0; c < s->n_changes; c++) {
        if (strcmp(s->changes[c].label, id) == 0) {
            return c;
        }
    }
    if (!may_add || s->n_changes == RETSIM_MAX_CHANGES) {
        retsim_error_set(err, RETSIM_EINPUT, at->file, at->line, at->section,
                         may_add ? "more than 32 [change.*] sections" : "no such [change.*] section");
        return -1;
    }
    retsim_change *c = &s->changes[s->n_changes];
    memset(c, 0, sizeof *c);
    snprintf(c->label, sizeof c->label, "%s", id);
    c->kind = -1;
    return s->n_changes++;
}

/* The kind `id` of a [policy.<id>] or [workload.<id>] section. A policy
 * section adds its kind if may_add; a workload section needs its kind's policy
 * already there. -1 on error. */
static int kind_index(retsim_scenario *s, const char *id, section_kind sec, bool may_add,
                      const section_at *at, retsim_error *err)
{
    int k = retsim_scenario_kind(s, id);
    if (k >= 0) {
        return k;
    }
    if (sec == SEC_WORKLOAD) {
        retsim_error_set(err, RETSIM_EINPUT, at->file, at->line, at->section,
                         "no [policy.%s] section before this one: a workload needs its kind's policy first",
                         id);
        return -1;
    }
    if (!may_add || s->n_policies == RETSIM_MAX_KINDS) {
        const char *kinds[RETSIM_MAX_KINDS];
        for (int i = 0; i < s->n_policies; i++) {
            kinds[i] = s->policies[i].kind;
        }
        const char *near = may_add ? NULL : retsim_suggest(id, kinds, (size_t)s->n_policies, 2);
        retsim_error_set(err, RETSIM_EINPUT, at->file, at->line, at->section,
                         may_add ? "more than 32 kinds" : "no [%s] section in the scenario%s%s%s",
                         at->section, near != NULL ? "; did you mean the kind '" : "",
                         near != NULL ? near : "", near != NULL ? "'?" : "");
        return -1;
    }
    retsim_policy_init(&s->policies[s->n_policies], id);
    scenario_workload_init(&s->workloads[s->n_policies]);
    return s->n_policies++;
}

/* The section a name like "policy.apim" denotes, and the instance index
 * (kind or change), creating the kind or change if may_add. -1 on error. */
static int resolve_section(retsim_scenario *s, const char *section, section_kind *sec, bool may_add,
                           const char *file, long line, retsim_error *err)
{
    static const struct {
        const char *prefix;
        section_kind sec;
    } named[] = {{"policy.", SEC_POLICY}, {"workload.", SEC_WORKLOAD}, {"change.", SEC_CHANGE}};
    static const struct {
        const char *name;
        section_kind sec;
    } single[] = {{"scenario", SEC_SCENARIO},
                  {"simulation", SEC_SIMULATION},
                  {"population", SEC_POPULATION},
                  {"run", SEC_RUN}};
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
        if (strcmp(section, single[i].name) == 0) {
            *sec = single[i].sec;
            return 0;
        }
    }
    const section_at at = {section, file, line};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t len = strlen(named[i].prefix);
        if (strncmp(section, named[i].prefix, len) != 0) {
            continue;
        }
        const char *id = section + len;
        *sec = named[i].sec;
        if (!valid_ident(id)) {
            retsim_error_set(err, RETSIM_EINPUT, file, line, section,
                             "a name after '%s' uses a-z, 0-9, '_' and '-' (at most %d characters)",
                             named[i].prefix, RETSIM_KIND_NAME_MAX - 1);
            return -1;
        }
        return *sec == SEC_CHANGE ? change_index(s, id, may_add, &at, err)
                                  : kind_index(s, id, *sec, may_add, &at, err);
    }
    static const char *const sections[] = {"scenario", "simulation", "population",
                                           "policy",   "workload",   "change"};
    char head[RETSIM_SUGGEST_MAX + 1];
    snprintf(head, sizeof head, "%.*s", (int)strcspn(section, "."), section);
    const char *near = retsim_suggest(head, sections, sizeof sections / sizeof sections[0], 2);
    retsim_error_set(
        err, RETSIM_EINPUT, file, line, section,
        "unknown section%s%s%s; expected [scenario], [policy.<kind>], [simulation], [population], "
        "[workload.<kind>] or [change.<label>]",
        near != NULL ? " (did you mean '" : "", near != NULL ? near : "", near != NULL ? "'?)" : "");
    return -1;
}

static void *section_base(retsim_scenario *s, section_kind sec, int index)
{
    switch (sec) {
    case SEC_SCENARIO:
        return s;
    case SEC_POLICY:
        return &s->policies[index];
    case SEC_SIMULATION:
        return &s->settings;
    case SEC_POPULATION:
        return &s->population;
    case SEC_WORKLOAD:
        return &s->workloads[index];
    case SEC_CHANGE:
        return &s->changes[index];
    default:
        return NULL;
    }
}

/* Set reservation.<sub_type> of kind `index`; `line` is remembered so that a
 * later check (retsim_scenario_check_generated) can name it. dup_check: a file
 * may set each type once; --set may override. */
static int set_reservation(retsim_scenario *s, int index, const char *sub_type, const char *value, long line,
                           bool dup_check, retsim_error *err)
{
    retsim_policy *p = &s->policies[index];
    retsim_time t;
    const char *why = NULL;
    if (!valid_ident(sub_type)) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL,
                                "a subscription type uses a-z, 0-9, '_' and '-'");
    }
    if (retsim_time_parse(value, &t, &why) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, "%s, got '%s'", why, value);
    }
    for (int i = 0; i < p->n_reservations; i++) {
        if (strcmp(p->reservations[i].sub_type, sub_type) == 0) {
            if (dup_check) {
                return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL,
                                        "duplicate key (first on line %ld)", s->reservation_line[index][i]);
            }
            p->reservations[i].ms = t;
            s->reservation_line[index][i] = line;
            return 0;
        }
    }
    if (p->n_reservations == RETSIM_MAX_RESERVATIONS) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, "more than %d per-type reservations",
                                RETSIM_MAX_RESERVATIONS);
    }
    s->reservation_line[index][p->n_reservations] = line;
    retsim_reservation *r = &p->reservations[p->n_reservations++];
    snprintf(r->sub_type, sizeof r->sub_type, "%s", sub_type);
    r->ms = t;
    return 0;
}

/* Does any distribution of s hold this empirical sample? (--set shares them with a copy.) */
static bool shares_sample(const retsim_scenario *s, const double *values)
{
    for (int k = 0; s != NULL && values != NULL && k < s->n_policies; k++) {
        for (int i = 0; i < N_DISTS; i++) {
            if (dists_of((retsim_workload *)&s->workloads[k], i)->values == values) {
                return true;
            }
        }
    }
    return false;
}

/* Apply key=value in a section. lines (may be NULL) records and catches duplicates.
 * shared (may be NULL): the scenario s was copied from, whose empirical samples a
 * replaced distribution must not free. */
/* Can "key = value" be written into a scenario file and read back the same?
 * It must be UTF-8 (manifests and traces are read by other tools), fit on one
 * line, and not hold a ';' after a space (or at its start): there inih starts
 * a comment, so the value would come back cut. Values read from a file pass
 * the last two by construction; --set values need the check. */
static int check_value(const char *key, const char *value, const char *file, long line, retsim_error *err)
{
    size_t len = strlen(value);
    if (!input_utf8_valid((const unsigned char *)value, len)) {
        return retsim_error_set(err, RETSIM_EINPUT, file, line, key, "the value is not valid UTF-8");
    }
    if (strlen(key) + 3 + len > SCENARIO_LINE_MAX) {
        return retsim_error_set(err, RETSIM_EINPUT, file, line, key,
                                "'%s = ...' is %zu characters, more than a scenario line holds (%d)", key,
                                strlen(key) + 3 + len, SCENARIO_LINE_MAX);
    }
    for (size_t i = 0; i < len; i++) {
        if (value[i] == ';' && (i == 0 || value[i - 1] == ' ' || value[i - 1] == '\t')) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line, key,
                                    "a ';' %s starts a comment in a scenario file, so the value could not be "
                                    "written back as given",
                                    i == 0 ? "at the start of a value" : "after a space");
        }
    }
    return 0;
}

/* An unknown key, with the nearest known one of its section if it is a slip. */
static int unknown_key(section_kind sec, const char *section, const char *key, const char *file, long line,
                       retsim_error *err)
{
    int n = 0;
    const key_def *keys = scenario_keys(sec, &n);
    const char *names[MAX_KEYS];
    for (int i = 0; i < n && i < MAX_KEYS; i++) {
        names[i] = keys[i].name;
    }
    const char *near = retsim_suggest(key, names, (size_t)(n < MAX_KEYS ? n : MAX_KEYS), 2);
    if (near != NULL) {
        return retsim_error_set(err, RETSIM_EINPUT, file, line, key,
                                "unknown key in [%s]; did you mean '%s'?", section, near);
    }
    return retsim_error_set(err, RETSIM_EINPUT, file, line, key,
                            "unknown key in [%s] (scenarios/README.md lists the keys)", section);
}

static int apply(retsim_scenario *s, const char *section, const char *key, const char *value,
                 const char *file, long line, retsim_error *err, key_lines *lines, bool may_add,
                 const retsim_scenario *shared)
{
    if (check_value(key, value, file, line, err) != 0) {
        return RETSIM_EINPUT;
    }
    section_kind sec;
    int index = resolve_section(s, section, &sec, may_add, file, line, err);
    if (index < 0) {
        return RETSIM_EINPUT;
    }
    if (sec == SEC_RUN) {
        return 0; /* a manifest's record of the run: informational, so a manifest loads as a scenario */
    }
    int rc;
    if (sec == SEC_POLICY && strncmp(key, "reservation.", 12) == 0) {
        rc = set_reservation(s, index, key + 12, value, line, lines != NULL, err);
    } else {
        int ki = 0;
        const key_def *k = scenario_key_find(sec, key, &ki);
        if (k == NULL) {
            return unknown_key(sec, section, key, file, line, err);
        }
        if (lines != NULL) {
            if (lines->seen[sec][index] & (UINT64_C(1) << ki)) {
                return retsim_error_set(
                    err, RETSIM_EINPUT, file, line, key,
                    "duplicate key (note: an indented line continues the previous value)");
            }
            lines->seen[sec][index] |= UINT64_C(1) << ki;
            lines->line[sec][index][ki] = line;
        }
        void *base = section_base(s, sec, index);
        retsim_dist old_dist = {0};
        if (k->type == K_DIST) {
            memcpy(&old_dist, (char *)base + k->offset, sizeof old_dist);
        }
        rc = scenario_key_parse(base, k, value, s->dir, err);
        if (rc == 0 && k->type == K_DIST && !shares_sample(shared, old_dist.values)) {
            retsim_dist_free(&old_dist); /* replaced: free its empirical sample */
        }
        if (rc == 0 && sec == SEC_CHANGE) {
            s->changes[index].change.set |= k->change_bit;
        }
        if (rc == 0 && sec == SEC_WORKLOAD) {
            s->workloads[index].enabled = true;
        }
    }
    if (rc != 0 && err != NULL) { /* the value parsers say what; this says where */
        snprintf(err->file, sizeof err->file, "%s", file);
        err->line = line;
        snprintf(err->field, sizeof err->field, "%s", key);
    }
    return rc;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    loader *ld = user;
    if (ld->failed) {
        return 0;
    }
    if (section[0] == '\0') {
        retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, ld->line, name,
                         "key outside any section; put it under a [section]");
        ld->failed = true;
        return 0;
    }
    if (apply(ld->s, section, name, value, ld->path, ld->line, ld->err, ld->lines, true, NULL) != 0) {
        ld->failed = true;
        return 0;
    }
    return 1;
}

/* inih calls the handler only for keys, so a section with none would vanish:
 * the reader registers every [section] it passes, keys or not. */
static void on_section_line(loader *ld, const char *line)
{
    while (*line == ' ' || *line == '\t') {
        line++;
    }
    const char *end = strchr(line, ']');
    if (*line != '[' || ld->failed) {
        return;
    }
    if (end == NULL) { /* inih would file the keys below under the previous section */
        size_t len = strcspn(line, "\r\n");
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t')) {
            len--;
        }
        retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, ld->line, "",
                         "section header '%.*s' has no closing ']'", (int)(len < 100 ? len : 100), line);
        ld->failed = true;
        return;
    }
    char section[128];
    snprintf(section, sizeof section, "%.*s", (int)(end - line - 1), line + 1);
    section_kind sec;
    if (resolve_section(ld->s, section, &sec, true, ld->path, ld->line, ld->err) < 0) {
        ld->failed = true;
    } else if (sec == SEC_WORKLOAD) {
        ld->s->workloads[retsim_scenario_kind(ld->s, section + 9)].enabled = true;
    }
}

/* One line of the file into buf (NUL-terminated, n bytes; the rest of a
 * longer line is skipped). fgets would stop a C string at a NUL byte and so
 * read "48h\0junk" as "48h": a NUL is refused, naming the line. -1 at the end
 * of the file or on that error (ld->failed set). */
static int read_line(loader *ld, char *buf, size_t size, size_t *n)
{
    int c = EOF;
    *n = 0;
    bool nul = false;
    for (c = getc(ld->file); c != EOF; c = getc(ld->file)) {
        nul = nul || c == '\0';
        if (*n < size - 1) {
            buf[(*n)++] = (char)c;
        }
        if (c == '\n') {
            break;
        }
    }
    buf[*n] = '\0';
    if (nul && !ld->failed) {
        ld->failed = true;
        retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, ld->line + 1, "",
                         "NUL byte in the line: a scenario file is text");
        return -1;
    }
    return c == EOF && *n == 0 ? -1 : 0;
}

/* Line reader for ini_parse_stream that counts lines and catches long ones. */
static char *reader(char *str, int num, void *stream)
{
    loader *ld = stream;
    char buf[4096];
    size_t n = 0;
    if (ld->file != NULL) {
        if (read_line(ld, buf, sizeof buf, &n) != 0) {
            return NULL;
        }
    } else {
        if (*ld->text == '\0') {
            return NULL;
        }
        const char *nl = strchr(ld->text, '\n');
        n = nl != NULL ? (size_t)(nl - ld->text) + 1 : strlen(ld->text);
        size_t copy = n < sizeof buf - 1 ? n : sizeof buf - 1;
        memcpy(buf, ld->text, copy);
        buf[copy] = '\0';
        ld->text += n;
        n = copy;
    }
    ld->line++;
    on_section_line(ld, buf);
    if (n >= (size_t)num - 1 && !ld->failed) {
        ld->failed = true;
        retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, ld->line, "", "line longer than %d characters",
                         num - 3);
        snprintf(str, (size_t)num, "\n");
        return str;
    }
    snprintf(str, (size_t)num, "%s", buf);
    return str;
}

/* The line a key was set on (0: a default or --set). */
static long line_of(const key_lines *lines, section_kind sec, int index, const char *key)
{
    int k = 0;
    return lines != NULL && scenario_key_find(sec, key, &k) != NULL ? lines->line[sec][index][k] : 0;
}

static int invalid(retsim_error *err, const char *file, const key_lines *lines, section_kind sec, int index,
                   const char *key, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int invalid(retsim_error *err, const char *file, const key_lines *lines, section_kind sec, int index,
                   const char *key, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return retsim_error_set(err, RETSIM_EINPUT, file, line_of(lines, sec, index, key), key, "%s", msg);
}

/* The kind's retention range is a range, and its own retention lies in it
 * (a create, delete or set_policy outside it is refused at run time; a
 * scenario outside it is a mistake in the file). */
static int validate_retention_range(const retsim_scenario *s, int i, const char *file, const key_lines *lines,
                                    retsim_error *err)
{
    const retsim_policy *p = &s->policies[i];
    char lo[64], hi[64];
    retsim_time_format(p->retention_min, lo, sizeof lo);
    retsim_time_format(p->retention_max, hi, sizeof hi);
    if (p->retention_min > p->retention_max) {
        return invalid(err, file, lines, SEC_POLICY, i, "retention_max",
                       "[policy.%s]: expected retention_max (%s) at least retention_min (%s)", p->kind, hi,
                       lo);
    }
    if (p->soft_delete_supported && !retsim_policy_retention_ok(p, p->retention_ms)) {
        char ret[64];
        retsim_time_format(p->retention_ms, ret, sizeof ret);
        const char *no_max = p->retention_max == RETSIM_TIME_NEVER ? "no bound" : hi;
        return invalid(err, file, lines, SEC_POLICY, i, "retention",
                       "[policy.%s]: expected retention between retention_min (%s) and retention_max (%s), "
                       "got %s",
                       p->kind, lo, no_max, ret);
    }
    return 0;
}

/* Rules that only make sense together (docs/semantics.md). */
static int validate_rule_pairs(const retsim_scenario *s, int i, const char *file, const key_lines *lines,
                               retsim_error *err)
{
    const retsim_policy *p = &s->policies[i];
    bool reserved = p->reservation_drawn || p->reservation_ms != 0;
    for (int t = 0; t < p->n_reservations; t++) {
        reserved |= p->reservations[t].ms != 0;
    }
    if (p->soft_deleted_name == RETSIM_NAME_FREE && reserved) {
        return invalid(err, file, lines, SEC_POLICY, i, "soft_deleted_name",
                       "[policy.%s]: soft_deleted_name = free releases the name at the delete, and a "
                       "reservation window is not modelled there: remove the reservation",
                       p->kind);
    }
    if (p->name_free_after > 0 && p->soft_deleted_name != RETSIM_NAME_FREE) {
        return invalid(err, file, lines, SEC_POLICY, i, "name_free_after",
                       "[policy.%s]: name_free_after needs soft_deleted_name = free", p->kind);
    }
    if (p->grace_ms > 0 && p->billing_free_last > 0) {
        return invalid(err, file, lines, SEC_POLICY, i, "billing_free_last",
                       "[policy.%s]: a kind has one late phase: grace or billing_free_last, not both",
                       p->kind);
    }
    if ((p->soft_deleted_name == RETSIM_NAME_FREE || p->overwrite == RETSIM_OVERWRITE_KEEP) &&
        (p->grace_ms > 0 || p->billing_free_last > 0 || p->bill_restored_retroactive)) {
        return invalid(
            err, file, lines, SEC_POLICY, i,
            p->grace_ms > 0            ? "grace"
            : p->billing_free_last > 0 ? "billing_free_last"
                                       : "bill_restored_retroactive",
            "[policy.%s]: a late phase or a retroactive bill with generations (soft_deleted_name = "
            "free or overwrite = keep) is not modelled",
            p->kind);
    }
    if (p->parent < 0 && (p->parent_delete != RETSIM_CASCADE_NONE || p->parent_purge || p->parent_restore)) {
        const char *key = p->parent_delete != RETSIM_CASCADE_NONE ? "parent_delete"
                          : p->parent_purge                       ? "parent_purge"
                                                                  : "parent_restore";
        return invalid(err, file, lines, SEC_POLICY, i, key, "[policy.%s]: %s needs a parent kind", p->kind,
                       key);
    }
    return 0;
}

static int validate_policies(retsim_scenario *s, const char *file, const key_lines *lines, retsim_error *err)
{
    for (int i = 0; i < s->n_policies; i++) {
        retsim_policy *p = &s->policies[i];
        p->parent = p->parent_kind[0] != '\0' ? retsim_scenario_kind(s, p->parent_kind) : -1;
        if (p->parent_kind[0] != '\0' && (p->parent < 0 || p->parent == i)) {
            return invalid(err, file, lines, SEC_POLICY, i, "parent",
                           "[policy.%s]: parent kind '%s' has no [policy.%s] section", p->kind,
                           p->parent_kind, p->parent_kind);
        }
    }
    for (int i = 0; i < s->n_policies; i++) {
        const retsim_policy *p = &s->policies[i];
        int k = i;
        for (int steps = 0; k >= 0 && steps <= s->n_policies; steps++) {
            k = s->policies[k].parent;
        }
        if (k >= 0) {
            return invalid(err, file, lines, SEC_POLICY, i, "parent",
                           "[policy.%s]: parent kinds form a cycle", p->kind);
        }
        if (p->name_scope == RETSIM_SCOPE_PARENT && p->parent < 0) {
            return invalid(err, file, lines, SEC_POLICY, i, "name_scope",
                           "[policy.%s]: name_scope = parent needs a parent kind", p->kind);
        }
        if (p->soft_delete_supported && p->retention_ms <= 0) {
            return invalid(err, file, lines, SEC_POLICY, i, "retention",
                           "[policy.%s]: retention must be positive when soft delete is supported (set "
                           "soft_delete_supported = false instead)",
                           p->kind);
        }
        int rc = validate_retention_range(s, i, file, lines, err);
        if (rc == 0) {
            rc = validate_rule_pairs(s, i, file, lines, err);
        }
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static int validate_workloads(const retsim_scenario *s, const char *file, const key_lines *lines,
                              retsim_error *err)
{
    for (int i = 0; i < s->n_policies; i++) {
        const retsim_workload *w = &s->workloads[i];
        const char *kind = s->policies[i].kind;
        if (!w->enabled) {
            continue;
        }
        if (w->per_parent > 0 && s->policies[i].parent < 0) {
            return invalid(err, file, lines, SEC_WORKLOAD, i, "per_parent",
                           "[workload.%s]: per_parent needs a kind with a parent", kind);
        }
        if (w->arrivals.per_ms <= 0 && w->per_parent == 0) {
            return invalid(
                err, file, lines, SEC_WORKLOAD, i, "arrivals",
                "[workload.%s]: set arrivals (e.g. 100/d) or per_parent, or nothing is ever created", kind);
        }
        static const struct {
            const char *prob, *dist;
        } needs[] = {{"notice_probability", "restore_delay"},
                     {"purge_probability", "purge_delay"},
                     {"recreate_probability", "recreate_delay"}};
        const double probs[] = {w->accidental_deletes.per_ms > 0 ? w->notice_probability : 0,
                                w->purge_probability, w->recreate_probability};
        const retsim_dist *dists[] = {&w->restore_delay, &w->purge_delay, &w->recreate_delay};
        for (int n = 0; n < 3; n++) {
            if (probs[n] > 0 && dists[n]->kind == RETSIM_DIST_NONE) {
                return invalid(err, file, lines, SEC_WORKLOAD, i, needs[n].prob,
                               "[workload.%s]: %s > 0 needs %s (e.g. exp(mean=2h))", kind, needs[n].prob,
                               needs[n].dist);
            }
        }
        if (w->retry_limit > 0 && w->retry_interval <= 0) {
            return invalid(err, file, lines, SEC_WORKLOAD, i, "retry_limit",
                           "[workload.%s]: retry_limit > 0 needs a positive retry_interval", kind);
        }
        /* a retention= where the kind does not take it is `rejected`: every such request would be */
        retsim_retention_at at = s->policies[i].retention_set_at;
        if (w->delete_retention.kind != RETSIM_DIST_NONE && at != RETSIM_RETENTION_AT_DELETE) {
            return invalid(err, file, lines, SEC_WORKLOAD, i, "delete_retention",
                           "[workload.%s]: delete_retention needs retention_set_at = delete", kind);
        }
        if (w->create_retention.kind != RETSIM_DIST_NONE && at != RETSIM_RETENTION_AT_CREATE) {
            return invalid(err, file, lines, SEC_WORKLOAD, i, "create_retention",
                           "[workload.%s]: create_retention needs retention_set_at = create", kind);
        }
    }
    return 0;
}

static int validate_run(retsim_scenario *s, const char *file, const key_lines *lines, retsim_error *err)
{
    const retsim_settings *t = &s->settings;
    if (t->horizon <= 0 || t->sample_every <= 0) {
        return invalid(err, file, lines, SEC_SIMULATION, 0, t->horizon <= 0 ? "horizon" : "sample_every",
                       "[simulation]: horizon and sample_every must be positive");
    }
    if (t->warmup >= t->horizon) {
        return invalid(err, file, lines, SEC_SIMULATION, 0, "warmup",
                       "[simulation]: warmup must be shorter than the horizon");
    }
    const retsim_population *p = &s->population;
    if (p->tenants > p->subscriptions) {
        return invalid(err, file, lines, SEC_POPULATION, 0, "tenants",
                       "[population]: more tenants than subscriptions");
    }
    for (int i = 0; i < p->sub_types.n; i++) {
        if (!valid_ident(p->sub_types.name[i])) {
            return invalid(err, file, lines, SEC_POPULATION, 0, "subscription_types",
                           "[population]: a subscription type uses a-z, 0-9, '_' and '-', got '%s'",
                           p->sub_types.name[i]);
        }
    }
    for (int i = 0; i < p->api_versions.n; i++) {
        int32_t v;
        if (strcmp(p->api_versions.name[i], "current") != 0 &&
            retsim_apiver_parse(p->api_versions.name[i], &v, NULL) != 0) {
            return invalid(
                err, file, lines, SEC_POPULATION, 0, "delete_api_versions",
                "[population]: expected API versions such as current:0.9, 2019-12-01:0.1; got '%s'",
                p->api_versions.name[i]);
        }
    }
    for (int c = 0; c < s->n_changes; c++) {
        retsim_change *ch = &s->changes[c];
        ch->kind = retsim_scenario_kind(s, ch->kind_name);
        if (ch->kind_name[0] == '\0') {
            return invalid(err, file, lines, SEC_CHANGE, c, "kind",
                           "[change.%s]: no kind: say which kind it changes (kind = %s)", ch->label,
                           s->policies[0].kind);
        }
        if (ch->kind < 0) {
            return invalid(err, file, lines, SEC_CHANGE, c, "kind",
                           "[change.%s]: kind '%s' has no [policy.%s]", ch->label, ch->kind_name,
                           ch->kind_name);
        }
        if (ch->change.set == 0 || ch->change.set == RETSIM_CHANGE_APPLIES_TO) {
            return invalid(err, file, lines, SEC_CHANGE, c, "at",
                           "[change.%s]: set at least one of retention, soft_delete, purge_protection",
                           ch->label);
        }
        if ((ch->change.set & RETSIM_CHANGE_RETENTION) && ch->change.retention_ms <= 0) {
            return invalid(err, file, lines, SEC_CHANGE, c, "retention",
                           "[change.%s]: retention must be positive", ch->label);
        }
    }
    return 0;
}

static int validate(retsim_scenario *s, const char *file, const key_lines *lines, retsim_error *err)
{
    if (s->n_policies == 0) {
        return retsim_error_set(err, RETSIM_EINPUT, file, 0, "",
                                "no [policy.<kind>] section: a scenario needs at least one kind");
    }
    int rc = validate_policies(s, file, lines, err);
    if (rc == 0) {
        rc = validate_workloads(s, file, lines, err);
    }
    if (rc == 0) {
        rc = validate_run(s, file, lines, err);
    }
    return rc;
}

static int load(loader *ld, retsim_scenario **out)
{
    retsim_scenario *s = malloc(sizeof *s);
    ld->lines = calloc(1, sizeof *ld->lines);
    if (s == NULL || ld->lines == NULL) {
        free(s);
        free(ld->lines);
        return retsim_error_set(ld->err, RETSIM_ENOMEM, ld->path, 0, "", "out of memory");
    }
    scenario_init(s);
    snprintf(s->path, sizeof s->path, "%s", ld->path);
    const char *slash = strrchr(ld->path, '/');
    snprintf(s->dir, sizeof s->dir, "%.*s", slash != NULL ? (int)(slash - ld->path) : 1,
             slash != NULL ? ld->path : ".");
    ld->s = s;
    int rc = ini_parse_stream(reader, ld, handler, ld);
    if (ld->failed) {
        rc = RETSIM_EINPUT;
    } else if (rc != 0) {
        rc = retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, rc > 0 ? rc : 0, "",
                              "not an INI line: expected [section], key = value, or a ; comment");
    } else {
        rc = validate(s, ld->path, ld->lines, ld->err);
    }
    free(ld->lines);
    if (rc != 0) {
        retsim_scenario_destroy(s);
        return rc;
    }
    *out = s;
    return 0;
}

int retsim_scenario_load(const char *path, retsim_scenario **out, retsim_error *err)
{
    loader ld = {.path = path, .err = err};
    long long size = 0;
    char why[128];
    if (input_open(path, false, &ld.file, &size, why, sizeof why) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, path, 0, "", "cannot open the scenario file: %s", why);
    }
    int rc = load(&ld, out);
    fclose(ld.file);
    return rc;
}

int retsim_scenario_load_string(const char *text, const char *path, retsim_scenario **out, retsim_error *err)
{
    loader ld = {.path = path, .err = err, .text = text};
    return load(&ld, out);
}

static void free_dists(retsim_scenario *s)
{
    for (int k = 0; k < s->n_policies; k++) {
        for (int i = 0; i < N_DISTS; i++) {
            retsim_dist_free(dists_of(&s->workloads[k], i));
        }
    }
}

void retsim_scenario_destroy(retsim_scenario *s)
{
    if (s != NULL) {
        free_dists(s);
        free(s);
    }
}

retsim_scenario *retsim_scenario_clone(const retsim_scenario *s)
{
    retsim_scenario *c = malloc(sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    *c = *s;
    bool ok = true;
    for (int k = 0; k < c->n_policies; k++) {
        for (int i = 0; i < N_DISTS; i++) {
            retsim_dist *d = dists_of(&c->workloads[k], i);
            if (d->values == NULL) {
                continue;
            }
            double *v = ok ? malloc(d->n * sizeof *v) : NULL;
            if (v != NULL) {
                memcpy(v, d->values, d->n * sizeof *v);
            }
            ok = ok && v != NULL;
            d->values = v; /* on failure: NULL, so destroy frees only what was copied */
        }
    }
    if (!ok) {
        retsim_scenario_destroy(c);
        return NULL;
    }
    return c;
}

/* " a b " -> "a b", in place. */
static char *trim(char *t)
{
    while (*t == ' ' || *t == '\t') {
        t++;
    }
    char *end = t + strlen(t);
    while (end > t && (end[-1] == ' ' || end[-1] == '\t')) {
        *--end = '\0';
    }
    return t;
}

/* Apply one "section.key=value" to s (no validation). shared: see apply(). */
static int set_one(retsim_scenario *s, const char *assignment, const retsim_scenario *shared,
                   retsim_error *err)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", assignment);
    char *eq = strchr(buf, '=');
    static const char expected[] = "expected section.key=value, e.g. policy.apim.retention=7d";
    if (eq == NULL || eq == buf) {
        return retsim_error_set(err, RETSIM_EUSAGE, "--set", 0, assignment, expected);
    }
    *eq = '\0';
    const char *name = trim(buf); /* "K = V" reads as K=V, as in a scenario file */
    const char *value = trim(eq + 1);
    /* "<prefix>.<name>.<key>" for named sections (the key may hold dots:
     * reservation.free), "<section>.<key>" for the others */
    static const char *const prefixes[] = {"policy.", "workload.", "change."};
    const char *start = name;
    for (size_t i = 0; i < 3; i++) {
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) {
            start = name + strlen(prefixes[i]);
        }
    }
    const char *dot = strchr(start, '.');
    char section[128];
    if (dot == NULL || dot[1] == '\0' || (size_t)(dot - name) >= sizeof section) {
        return retsim_error_set(err, RETSIM_EUSAGE, "--set", 0, name, expected);
    }
    snprintf(section, sizeof section, "%.*s", (int)(dot - name), name);
    bool adds = strncmp(name, "workload.", 9) == 0 || strncmp(name, "change.", 7) == 0;
    int rc = apply(s, section, dot + 1, value, "--set", 0, err, NULL, adds, shared);
    if (rc != 0 && err != NULL) {
        snprintf(err->field, sizeof err->field, "%.63s", name); /* the key as the user typed it */
    }
    return rc;
}

/* Free the empirical samples `from` holds and `keep` does not. */
static void free_unshared(retsim_scenario *from, const retsim_scenario *keep)
{
    for (int i = 0; i < from->n_policies; i++) {
        for (int d = 0; d < N_DISTS; d++) {
            retsim_dist *fd = dists_of(&from->workloads[i], d);
            if (!shares_sample(keep, fd->values)) {
                retsim_dist_free(fd);
            }
        }
    }
}

/* A check after the overrides names a key ("retention"): name it as the user
 * typed it ("policy.apim.retention") when one of the overrides set it. */
static void name_override(retsim_error *err, const char *const *assignments, int n)
{
    size_t flen = strlen(err->field);
    for (int i = n - 1; i >= 0 && flen > 0; i--) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", assignments[i]);
        char *eq = strchr(buf, '=');
        if (eq == NULL) {
            continue;
        }
        *eq = '\0';
        const char *name = trim(buf);
        size_t len = strlen(name);
        if (len > flen && name[len - flen - 1] == '.' && strcmp(name + len - flen, err->field) == 0) {
            snprintf(err->field, sizeof err->field, "%.63s", name);
            return;
        }
    }
}

int retsim_scenario_set_all(retsim_scenario *s, const char *const *assignments, int n, retsim_error *err)
{
    /* work on a copy; empirical samples are shared with it until one is replaced */
    retsim_scenario *copy = malloc(sizeof *copy);
    if (copy == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, "--set", 0, "", "out of memory");
    }
    *copy = *s;
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        rc = set_one(copy, assignments[i], s, err);
    }
    /* validated once all are in, so that their order does not matter */
    if (rc == 0) {
        rc = validate(copy, "--set", NULL, err);
        if (rc != 0 && err != NULL) {
            name_override(err, assignments, n);
        }
    }
    if (rc != 0) {
        free_unshared(copy, s); /* only samples the failed copy loaded itself */
        free(copy);
        return rc;
    }
    free_unshared(s, copy); /* samples the overrides replaced */
    *s = *copy;
    free(copy);
    return 0;
}

int retsim_scenario_set(retsim_scenario *s, const char *assignment, retsim_error *err)
{
    return retsim_scenario_set_all(s, &assignment, 1, err);
}

int retsim_scenario_check_generated(const retsim_scenario *s, retsim_error *err)
{
    const retsim_choices *types = &s->population.sub_types;
    for (int k = 0; k < s->n_policies; k++) {
        const retsim_policy *p = &s->policies[k];
        for (int r = 0; r < p->n_reservations; r++) {
            bool declared = false;
            for (int t = 0; t < types->n && !declared; t++) {
                declared = strcmp(types->name[t], p->reservations[r].sub_type) == 0;
            }
            if (declared) {
                continue;
            }
            long line = s->reservation_line[k][r];
            char key[96];
            snprintf(key, sizeof key, "reservation.%s", p->reservations[r].sub_type);
            return retsim_error_set(err, RETSIM_EINPUT, line > 0 ? s->path : "--set", line, key,
                                    "[policy.%s]: subscription type '%s' is not one of [population] "
                                    "subscription_types (%s), so no generated subscription has it",
                                    p->kind, p->reservations[r].sub_type, types->text);
        }
    }
    return 0;
}

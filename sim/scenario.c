/* Scenario files: INI read with inih, one table of keys for parse and print. */
#include "retsim/scenario.h"

#include <ini.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef enum { K_BOOL, K_DURATION, K_ENUM, K_APIVER, K_KIND } key_type;

typedef struct key_def {
    const char *name;
    key_type type;
    size_t offset;
    const char *const *choices; /* K_ENUM: names in enum order, NULL-terminated */
    const char *help;           /* what the key means, for error messages */
} key_def;

static const char *const scope_choices[] = {"global", "subscription", "parent", NULL};
static const char *const reuse_choices[] = {"owner_subscription", "owner_tenant", "anyone", "nobody", NULL};
static const char *const applies_choices[] = {"new_deletes", "all_soft_deleted", NULL};
static const char *const block_choices[] = {"none", "soft_deleted", "any", NULL};

_Static_assert(sizeof(retsim_name_scope) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_reuse) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_applies_to) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(retsim_children_block) == sizeof(int), "enum fields are stored as int");

#define F(field) offsetof(retsim_policy, field)
static const key_def policy_keys[] = {
    {"parent", K_KIND, F(parent_kind), NULL, "the kind this one lives inside"},
    {"name_scope", K_ENUM, F(name_scope), scope_choices, "where a name must be unique"},
    {"soft_delete_supported", K_BOOL, F(soft_delete_supported), NULL, "deletes can be soft at all"},
    {"soft_delete", K_BOOL, F(soft_delete), NULL, "the kind-wide soft-delete switch"},
    {"retention", K_DURATION, F(retention_ms), NULL, "how long a soft-deleted instance is kept"},
    {"retention_mutable", K_BOOL, F(retention_mutable), NULL, "set_policy may change retention"},
    {"retention_change_applies_to", K_ENUM, F(retention_change_applies_to), applies_choices,
     "what a retention change does to instances already soft-deleted"},
    {"min_api_version", K_APIVER, F(min_api_version), NULL, "oldest API version whose delete is soft"},
    {"reuse_after_purge", K_ENUM, F(reuse_after_purge), reuse_choices, "who may take a purged name at once"},
    {"reservation", K_DURATION, F(reservation_ms), NULL, "how long everyone else waits after purge"},
    {"purge_supported", K_BOOL, F(purge_supported), NULL, "the kind has a purge operation"},
    {"purge_needs_permission", K_BOOL, F(purge_needs_permission), NULL, "purge requires an extra permission"},
    {"purge_protection", K_BOOL, F(purge_protection), NULL, "purge refused until retention ends"},
    {"purge_protection_can_disable", K_BOOL, F(purge_protection_can_disable), NULL,
     "set_policy may turn purge protection off"},
    {"restore_requires_home_region", K_BOOL, F(restore_requires_home_region), NULL,
     "a restore must name the home region"},
    {"children_block_delete", K_ENUM, F(children_block_delete), block_choices,
     "which children stop their parent from being deleted"},
    {"failed_provisioning_blocks_delete", K_BOOL, F(failed_provisioning_blocks_delete), NULL,
     "failed-provisioning instances cannot be deleted while soft delete is on"},
};
#undef F
enum { N_POLICY_KEYS = sizeof policy_keys / sizeof policy_keys[0] };
_Static_assert(N_POLICY_KEYS < 64, "seen-key masks are 64 bits");

/* Loader state shared by the inih callbacks. */
typedef struct loader {
    retsim_scenario *s;
    const char *path;
    long line;
    retsim_error *err;
    bool failed;
    bool line_too_long;
    uint64_t seen[RETSIM_MAX_KINDS];
    uint64_t seen_scenario;
    long key_line[RETSIM_MAX_KINDS][N_POLICY_KEYS]; /* where each key was set, for cross-key errors */
    /* line source: a FILE or a string */
    FILE *file;
    const char *text;
} loader;

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static void join_choices(const char *const *choices, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; choices[i] != NULL && n < size; i++) {
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", choices[i]);
    }
}

/* Set one policy key from text. Returns 0 or RETSIM_EINPUT with err filled. */
static int set_policy_key(retsim_policy *p, const key_def *k, const char *value, const char *file, long line,
                          const char *field, retsim_error *err)
{
    char *base = (char *)p;
    const char *why = NULL;
    switch (k->type) {
    case K_BOOL: {
        bool b;
        if (!parse_bool(value, &b)) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line, field,
                                    "expected true or false (also yes/no, on/off), got '%s'", value);
        }
        memcpy(base + k->offset, &b, sizeof b);
        return 0;
    }
    case K_DURATION: {
        retsim_time t;
        if (retsim_time_parse(value, &t, &why) != 0) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line, field, "%s, got '%s'", why, value);
        }
        memcpy(base + k->offset, &t, sizeof t);
        return 0;
    }
    case K_ENUM:
        for (int i = 0; k->choices[i] != NULL; i++) {
            if (strcmp(value, k->choices[i]) == 0) {
                memcpy(base + k->offset, &i, sizeof i);
                return 0;
            }
        }
        {
            char list[256];
            join_choices(k->choices, list, sizeof list);
            return retsim_error_set(err, RETSIM_EINPUT, file, line, field, "expected one of %s, got '%s'",
                                    list, value);
        }
    case K_APIVER: {
        int32_t v = RETSIM_APIVER_ANY;
        if (value[0] != '\0' && strcmp(value, "any") != 0 && retsim_apiver_parse(value, &v, &why) != 0) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line, field, "%s, or 'any'; got '%s'", why,
                                    value);
        }
        memcpy(base + k->offset, &v, sizeof v);
        return 0;
    }
    case K_KIND:
        if (strlen(value) >= RETSIM_KIND_NAME_MAX) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line, field, "kind name too long");
        }
        snprintf(base + k->offset, RETSIM_KIND_NAME_MAX, "%s", value);
        return 0;
    }
    return RETSIM_EINPUT;
}

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

/* Find or add the policy of `kind`. Returns its index or -1 (err set). */
static int policy_for(retsim_scenario *s, const char *kind, const char *file, long line, retsim_error *err,
                      bool may_add)
{
    int i = retsim_scenario_kind(s, kind);
    if (i >= 0) {
        return i;
    }
    if (!may_add) {
        retsim_error_set(err, RETSIM_EINPUT, file, line, kind, "no [policy.%s] section in the scenario",
                         kind);
        return -1;
    }
    if (!valid_ident(kind)) {
        retsim_error_set(err, RETSIM_EINPUT, file, line, kind,
                         "a kind name uses a-z, 0-9, '_' and '-' (at most %d characters)",
                         RETSIM_KIND_NAME_MAX - 1);
        return -1;
    }
    if (s->n_policies == RETSIM_MAX_KINDS) {
        retsim_error_set(err, RETSIM_EINPUT, file, line, kind, "more than %d kinds", RETSIM_MAX_KINDS);
        return -1;
    }
    retsim_policy_init(&s->policies[s->n_policies], kind);
    return s->n_policies++;
}

static int set_reservation(retsim_policy *p, const char *sub_type, const char *value, const char *file,
                           long line, const char *field, retsim_error *err)
{
    retsim_time t;
    const char *why = NULL;
    if (!valid_ident(sub_type)) {
        return retsim_error_set(err, RETSIM_EINPUT, file, line, field,
                                "a subscription type uses a-z, 0-9, '_' and '-'");
    }
    if (retsim_time_parse(value, &t, &why) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, file, line, field, "%s, got '%s'", why, value);
    }
    for (int i = 0; i < p->n_reservations; i++) {
        if (strcmp(p->reservations[i].sub_type, sub_type) == 0) {
            p->reservations[i].ms = t;
            return 0;
        }
    }
    if (p->n_reservations == RETSIM_MAX_RESERVATIONS) {
        return retsim_error_set(err, RETSIM_EINPUT, file, line, field, "more than %d per-type reservations",
                                RETSIM_MAX_RESERVATIONS);
    }
    retsim_reservation *r = &p->reservations[p->n_reservations++];
    snprintf(r->sub_type, sizeof r->sub_type, "%s", sub_type);
    r->ms = t;
    return 0;
}

static const key_def *find_policy_key(const char *name, int *index)
{
    for (int i = 0; i < N_POLICY_KEYS; i++) {
        if (strcmp(policy_keys[i].name, name) == 0) {
            *index = i;
            return &policy_keys[i];
        }
    }
    return NULL;
}

/* Apply key=value in a section; `seen` (may be NULL) catches duplicates. */
static int apply(retsim_scenario *s, const char *section, const char *key, const char *value,
                 const char *file, long line, retsim_error *err, uint64_t *seen_by_kind,
                 uint64_t *seen_scenario, bool may_add_kind)
{
    if (strcmp(section, "scenario") == 0) {
        int bit = strcmp(key, "name") == 0 ? 1 : strcmp(key, "description") == 0 ? 2 : 0;
        if (bit == 0) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line, key,
                                    "unknown key in [scenario]; expected name or description");
        }
        if (seen_scenario != NULL && (*seen_scenario & (uint64_t)bit)) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line, key, "duplicate key");
        }
        if (seen_scenario != NULL) {
            *seen_scenario |= (uint64_t)bit;
        }
        if (bit == 1) {
            snprintf(s->name, sizeof s->name, "%s", value);
        } else {
            snprintf(s->description, sizeof s->description, "%s", value);
        }
        return 0;
    }
    if (strcmp(section, "run") == 0) {
        return 0; /* a manifest's record of the run: informational, so a manifest loads as a scenario */
    }
    if (strncmp(section, "policy.", 7) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, file, line, section,
                                "unknown section; expected [scenario] or [policy.<kind>]");
    }
    int ki = policy_for(s, section + 7, file, line, err, may_add_kind);
    if (ki < 0) {
        return RETSIM_EINPUT;
    }
    retsim_policy *p = &s->policies[ki];
    if (strncmp(key, "reservation.", 12) == 0) {
        return set_reservation(p, key + 12, value, file, line, key, err);
    }
    int index = 0;
    const key_def *k = find_policy_key(key, &index);
    if (k == NULL) {
        return retsim_error_set(err, RETSIM_EINPUT, file, line, key,
                                "unknown key in [%s] (see scenarios/README.md for the keys)", section);
    }
    if (seen_by_kind != NULL) {
        uint64_t bit = UINT64_C(1) << index;
        if (seen_by_kind[ki] & bit) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line, key,
                                    "duplicate key (note: an indented line continues the previous "
                                    "value)");
        }
        seen_by_kind[ki] |= bit;
    }
    return set_policy_key(p, k, value, file, line, key, err);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    loader *ld = user;
    if (ld->failed) {
        return 0;
    }
    if (section[0] == '\0') {
        retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, ld->line, name,
                         "key outside any section; put it under [scenario] or [policy.<kind>]");
        ld->failed = true;
        return 0;
    }
    int key = 0;
    if (strncmp(section, "policy.", 7) == 0 && find_policy_key(name, &key) != NULL) {
        int ki = retsim_scenario_kind(ld->s, section + 7);
        if (ki >= 0) {
            ld->key_line[ki][key] = ld->line;
        }
    }
    if (apply(ld->s, section, name, value, ld->path, ld->line, ld->err, ld->seen, &ld->seen_scenario, true) !=
        0) {
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
    if (*line != '[' || end == NULL || ld->failed) {
        return;
    }
    char section[128];
    snprintf(section, sizeof section, "%.*s", (int)(end - line - 1), line + 1);
    if (strncmp(section, "policy.", 7) == 0) {
        if (policy_for(ld->s, section + 7, ld->path, ld->line, ld->err, true) < 0) {
            ld->failed = true;
        }
    } else if (strcmp(section, "scenario") != 0 && strcmp(section, "run") != 0) {
        retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, ld->line, section,
                         "unknown section; expected [scenario] or [policy.<kind>]");
        ld->failed = true;
    }
}

/* Line reader for ini_parse_stream that counts lines and catches long ones. */
static char *reader(char *str, int num, void *stream)
{
    loader *ld = stream;
    char buf[4096];
    size_t n = 0;
    if (ld->file != NULL) {
        if (fgets(buf, sizeof buf, ld->file) == NULL) {
            return NULL;
        }
        n = strlen(buf);
        if (n == sizeof buf - 1 && buf[n - 1] != '\n') {
            int c;
            while ((c = fgetc(ld->file)) != EOF && c != '\n') {
            }
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
    if (n >= (size_t)num - 1 && !ld->line_too_long && !ld->failed) {
        ld->line_too_long = true;
        ld->failed = true;
        retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, ld->line, "", "line longer than %d characters",
                         num - 3);
        snprintf(str, (size_t)num, "\n");
        return str;
    }
    snprintf(str, (size_t)num, "%s", buf);
    return str;
}

static int has_cycle(const retsim_scenario *s, int start)
{
    int i = start;
    for (int steps = 0; steps <= s->n_policies; steps++) {
        i = s->policies[i].parent;
        if (i < 0) {
            return 0;
        }
    }
    return 1;
}

/* The line a key was set on, 0 when unknown (defaults, --set). */
static long line_of(const long (*lines)[N_POLICY_KEYS], int kind, const char *key)
{
    int k = 0;
    return lines != NULL && find_policy_key(key, &k) != NULL ? lines[kind][k] : 0;
}

/* Cross-key checks; lines (may be NULL) locate the keys. */
static int validate(retsim_scenario *s, const char *file, const long (*lines)[N_POLICY_KEYS],
                    retsim_error *err)
{
    if (s->n_policies == 0) {
        return retsim_error_set(err, RETSIM_EINPUT, file, 0, "",
                                "no [policy.<kind>] section: a scenario needs at least one kind");
    }
    for (int i = 0; i < s->n_policies; i++) {
        retsim_policy *p = &s->policies[i];
        long line = line_of(lines, i, "parent");
        p->parent = -1;
        if (p->parent_kind[0] != '\0') {
            p->parent = retsim_scenario_kind(s, p->parent_kind);
            if (p->parent < 0 || p->parent == i) {
                return retsim_error_set(err, RETSIM_EINPUT, file, line, "parent",
                                        "[policy.%s]: parent kind '%s' has no [policy.%s] section", p->kind,
                                        p->parent_kind, p->parent_kind);
            }
        }
    }
    for (int i = 0; i < s->n_policies; i++) {
        const retsim_policy *p = &s->policies[i];
        if (has_cycle(s, i)) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line_of(lines, i, "parent"), "parent",
                                    "[policy.%s]: parent kinds form a cycle", p->kind);
        }
        if (p->name_scope == RETSIM_SCOPE_PARENT && p->parent < 0) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line_of(lines, i, "name_scope"), "name_scope",
                                    "[policy.%s]: name_scope = parent needs a parent kind", p->kind);
        }
        if (p->soft_delete_supported && p->retention_ms <= 0) {
            return retsim_error_set(err, RETSIM_EINPUT, file, line_of(lines, i, "retention"), "retention",
                                    "[policy.%s]: retention must be positive when soft delete is "
                                    "supported (set soft_delete_supported = false instead)",
                                    p->kind);
        }
    }
    return 0;
}

static int load(loader *ld, retsim_scenario **out)
{
    retsim_scenario *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return retsim_error_set(ld->err, RETSIM_ENOMEM, ld->path, 0, "", "out of memory");
    }
    snprintf(s->path, sizeof s->path, "%s", ld->path);
    ld->s = s;
    int rc = ini_parse_stream(reader, ld, handler, ld);
    if (ld->failed) {
        rc = RETSIM_EINPUT;
    } else if (rc != 0) {
        rc = retsim_error_set(ld->err, RETSIM_EINPUT, ld->path, rc > 0 ? rc : 0, "",
                              "not an INI line: expected [section], key = value, or a ; comment");
    } else {
        rc = validate(s, ld->path, (const long(*)[N_POLICY_KEYS])ld->key_line, ld->err);
    }
    if (rc != 0) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int retsim_scenario_load(const char *path, retsim_scenario **out, retsim_error *err)
{
    loader ld = {.path = path, .err = err};
    ld.file = fopen(path, "r");
    if (ld.file == NULL) {
        return retsim_error_set(err, RETSIM_EINPUT, path, 0, "", "cannot open the scenario file");
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

void retsim_scenario_destroy(retsim_scenario *s)
{
    free(s);
}

int retsim_scenario_set(retsim_scenario *s, const char *assignment, retsim_error *err)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", assignment);
    char *eq = strchr(buf, '=');
    if (eq == NULL || eq == buf) {
        return retsim_error_set(err, RETSIM_EUSAGE, "--set", 0, assignment,
                                "expected section.key=value, e.g. policy.apim.retention=7d");
    }
    *eq = '\0';
    const char *value = eq + 1;
    char section[128];
    const char *key;
    /* "policy.<kind>.<key>" (key may hold dots: reservation.free), or "<section>.<key>" */
    const char *start = strncmp(buf, "policy.", 7) == 0 ? buf + 7 : buf;
    const char *dot = strchr(start, '.');
    if (dot == NULL || dot[1] == '\0' || (size_t)(dot - buf) >= sizeof section) {
        return retsim_error_set(err, RETSIM_EUSAGE, "--set", 0, buf,
                                "expected section.key=value, e.g. policy.apim.retention=7d");
    }
    memcpy(section, buf, (size_t)(dot - buf));
    section[dot - buf] = '\0';
    key = dot + 1;
    retsim_scenario copy = *s;
    int rc = apply(&copy, section, key, value, "--set", 0, err, NULL, NULL, false);
    if (rc == 0) {
        rc = validate(&copy, "--set", NULL, err);
    }
    if (rc != 0) {
        if (err != NULL) {
            snprintf(err->field, sizeof err->field, "%.63s", buf); /* the key as the user typed it */
        }
        return rc;
    }
    *s = copy;
    return 0;
}

static void write_value(const retsim_policy *p, const key_def *k, FILE *out)
{
    const char *base = (const char *)p;
    char buf[64];
    switch (k->type) {
    case K_BOOL: {
        bool b;
        memcpy(&b, base + k->offset, sizeof b);
        fputs(b ? "true" : "false", out);
        break;
    }
    case K_DURATION: {
        retsim_time t;
        memcpy(&t, base + k->offset, sizeof t);
        retsim_time_format(t, buf, sizeof buf);
        fputs(buf, out);
        break;
    }
    case K_ENUM: {
        int i;
        memcpy(&i, base + k->offset, sizeof i);
        fputs(k->choices[i], out);
        break;
    }
    case K_APIVER: {
        int32_t v;
        memcpy(&v, base + k->offset, sizeof v);
        fputs(v == RETSIM_APIVER_ANY ? "any" : retsim_apiver_format(v, buf, sizeof buf), out);
        break;
    }
    case K_KIND:
        fputs(base + k->offset, out);
        break;
    }
}

int retsim_scenario_write(const retsim_scenario *s, FILE *out)
{
    fprintf(out, "[scenario]\nname = %s\ndescription = %s\n", s->name, s->description);
    for (int i = 0; i < s->n_policies; i++) {
        const retsim_policy *p = &s->policies[i];
        fprintf(out, "\n[policy.%s]\n", p->kind);
        for (int k = 0; k < N_POLICY_KEYS; k++) {
            if (policy_keys[k].type == K_KIND && p->parent_kind[0] == '\0') {
                continue;
            }
            int n = fprintf(out, "%s = ", policy_keys[k].name);
            long start = ftell(out);
            write_value(p, &policy_keys[k], out);
            long width = n + (start >= 0 ? ftell(out) - start : 0);
            fprintf(out, "%*s; %s\n", width < 44 ? (int)(44 - width) : 1, "", policy_keys[k].help);
        }
        for (int r = 0; r < p->n_reservations; r++) {
            char buf[64];
            retsim_time_format(p->reservations[r].ms, buf, sizeof buf);
            fprintf(out, "reservation.%s = %s\n", p->reservations[r].sub_type, buf);
        }
    }
    return ferror(out) ? RETSIM_EIO : 0;
}

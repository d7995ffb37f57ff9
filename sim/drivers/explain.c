/* retsim explain: a trace's story, answer by answer, with the rule behind each. */
#include "retsim/explain.h"

#include "retsim/events.h"
#include "retsim/format.h"
#include "retsim/narrate.h"
#include "retsim/replay.h"
#include "retsim/sim.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 2048

/* One answer (or reservation end) told: its texts live in the arena. */
typedef struct entry {
    size_t when, head, body; /* arena offsets */
    uint32_t slot;           /* RETSIM_NAME_NONE: kind-wide */
    int kind;
} entry;

/* A reservation window that ends later: told at its end unless the name was
 * taken back before (its owner's create) — checked when it is due. */
typedef struct pending_end {
    retsim_time until;
    uint64_t seq; /* of the release */
    uint32_t slot;
    int kind;
} pending_end;

typedef struct explainer {
    const retsim_scenario *sc;
    const retsim_explain_options *o;
    const retsim_events_clock *clock;
    entry *entries;
    size_t n, cap;
    char *arena;
    size_t len, arena_cap;
    pending_end *ends; /* a binary min-heap on (until, seq) */
    size_t n_ends, cap_ends;
    uint64_t *taken_back; /* by slot: seq of the last answer that left the name not purged */
    size_t cap_slots;
    uint32_t *told_slots; /* names told, in order of first appearance */
    size_t n_told, cap_told;
    uint64_t seq;
    uint64_t *name_hits; /* per o->names */
    uint64_t sub_hits;
    bool kinds[RETSIM_MAX_KINDS];
    retsim_policy before[RETSIM_MAX_KINDS]; /* each kind's rules before its next kind-wide change */
    retsim_explain_stats st;
    int rc;
} explainer;

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return true;
    }
    size_t n = *cap > 0 ? *cap : 64;
    while (n < need) {
        n *= 2;
    }
    void *q = realloc(*p, n * elem);
    if (q == NULL) {
        return false;
    }
    *p = q;
    *cap = n;
    return true;
}

/* Copy text into the arena; its offset, or SIZE_MAX when out of memory. */
static size_t keep(explainer *x, const char *text)
{
    size_t n = strlen(text) + 1;
    if (!grow((void **)&x->arena, &x->arena_cap, x->len + n, 1)) {
        return SIZE_MAX;
    }
    memcpy(x->arena + x->len, text, n);
    x->len += n;
    return x->len - n;
}

static int add_entry(explainer *x, retsim_time t, uint32_t slot, int kind, const char *head, const char *body)
{
    char when[64];
    retsim_events_time(t, x->clock, when, sizeof when);
    if (!grow((void **)&x->entries, &x->cap, x->n + 1, sizeof *x->entries)) {
        return RETSIM_ENOMEM;
    }
    entry e = {keep(x, when), keep(x, head), keep(x, body), slot, kind};
    if (e.when == SIZE_MAX || e.head == SIZE_MAX || e.body == SIZE_MAX) {
        return RETSIM_ENOMEM;
    }
    x->entries[x->n++] = e;
    x->kinds[kind] = true;
    return 0;
}

static bool end_before(const pending_end *a, const pending_end *b)
{
    return a->until < b->until || (a->until == b->until && a->seq < b->seq);
}

static int push_end(explainer *x, pending_end e)
{
    if (!grow((void **)&x->ends, &x->cap_ends, x->n_ends + 1, sizeof *x->ends)) {
        return RETSIM_ENOMEM;
    }
    size_t i = x->n_ends++;
    while (i > 0 && end_before(&e, &x->ends[(i - 1) / 2])) {
        x->ends[i] = x->ends[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    x->ends[i] = e;
    return 0;
}

static pending_end pop_end(explainer *x)
{
    pending_end top = x->ends[0], last = x->ends[--x->n_ends];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= x->n_ends) {
            break;
        }
        if (c + 1 < x->n_ends && end_before(&x->ends[c + 1], &x->ends[c])) {
            c++;
        }
        if (!end_before(&x->ends[c], &last)) {
            break;
        }
        x->ends[i] = x->ends[c];
        i = c;
    }
    if (x->n_ends > 0) {
        x->ends[i] = last;
    }
    return top;
}

/* "apim 'shop'", "image_version '1.0.0' in g1/img1", "(version 2)". */
static void object_of(const retsim_registry *r, const retsim_result *res, char *buf, size_t size)
{
    char parent[1024], gen[32] = "";
    const char *kind = retsim_registry_policy(r, res->kind)->kind;
    if (!res->named) {
        snprintf(buf, size, "%s %s", kind, res->op == RETSIM_OP_LIST_DELETED ? "instances" : "(kind-wide)");
        return;
    }
    retsim_registry_parent_path(r, res->slot, parent, sizeof parent);
    if (res->generation != 0) {
        snprintf(gen, sizeof gen, " (version %u)", (unsigned)res->generation);
    }
    char name[RETSIM_REGISTRY_NAME_MAX];
    snprintf(buf, size, "%s '%s'%s%s%s", kind, retsim_registry_slot_name(r, res->slot, name, sizeof name),
             parent[0] != '\0' ? " in " : "", parent, gen);
}

static const char *verb_of(retsim_op op)
{
    static const char *const verbs[RETSIM_OP_COUNT] = {
        [RETSIM_OP_CREATE] = "creates",
        [RETSIM_OP_DELETE] = "deletes",
        [RETSIM_OP_RESTORE] = "restores",
        [RETSIM_OP_PURGE] = "purges",
        [RETSIM_OP_GET_DELETED] = "looks up",
        [RETSIM_OP_LIST_DELETED] = "lists the soft-deleted",
        [RETSIM_OP_SET_POLICY] = "changes the settings of",
        [RETSIM_OP_AUTO_PURGE] = "",
    };
    return verbs[op];
}

static void head_of(const retsim_registry *r, const retsim_result *res, char *buf, size_t size)
{
    char what[1200];
    object_of(r, res, what, sizeof what);
    const char *outcome = retsim_outcome_name(res->outcome);
    if (res->op == RETSIM_OP_AUTO_PURGE) {
        snprintf(buf, size, "%s of %s is purged automatically", what,
                 retsim_registry_subscription_name(r, res->sub));
        return;
    }
    if (res->op == RETSIM_OP_SET_POLICY && !res->named) {
        snprintf(buf, size, "the %s rules change (a kind-wide set_policy): %s",
                 retsim_registry_policy(r, res->kind)->kind, outcome);
        return;
    }
    retsim_reason why = retsim_result_reason(res);
    if (why == RETSIM_WHY_DELETED_WITH_PARENT || why == RETSIM_WHY_RESTORED_WITH_PARENT) {
        snprintf(buf, size, "%s of %s goes with its parent's %s: %s", what,
                 retsim_registry_subscription_name(r, res->sub),
                 why == RETSIM_WHY_RESTORED_WITH_PARENT ? "restore" : "end", outcome);
        return;
    }
    const char *type = retsim_registry_sub_type_name(r, retsim_registry_sub_type(r, res->sub));
    snprintf(buf, size, "%s%s%s%s %s %s: %s", retsim_registry_subscription_name(r, res->sub),
             type[0] != '\0' ? " (" : "", type, type[0] != '\0' ? ")" : "", verb_of(res->op), what, outcome);
}

/* What a kind-wide change changed, against the rules before it. */
static void changed_rules(explainer *x, const retsim_registry *r, int kind, char *buf, size_t size)
{
    const retsim_policy *now = retsim_registry_policy(r, kind), *was = &x->before[kind];
    char a[32], b[32];
    if (now->retention_ms != was->retention_ms) {
        retsim_format_append(buf, size, " The retention goes from %s to %s.",
                             (retsim_time_format(was->retention_ms, a, sizeof a), a),
                             (retsim_time_format(now->retention_ms, b, sizeof b), b));
    }
    if (now->soft_delete != was->soft_delete) {
        retsim_format_append(buf, size, " Soft delete is turned %s for the kind.",
                             now->soft_delete ? "on" : "off");
    }
    if (now->purge_protection != was->purge_protection) {
        retsim_format_append(buf, size, " Purge protection is turned %s for the kind.",
                             now->purge_protection ? "on" : "off");
    }
    x->before[kind] = *now;
}

/* The sentence of a result: the rule, its facts, and what a release does to the name. */
static void body_of(explainer *x, const retsim_registry *r, const retsim_result *res, bool released,
                    char *buf, size_t size)
{
    char detail[512], until[64], release[400];
    buf[0] = '\0';
    retsim_format_append(buf, size, "%s", retsim_narrate_reason(retsim_result_reason(res)));
    buf[0] = (char)toupper((unsigned char)buf[0]);
    retsim_events_detail(r, res, x->clock, detail, sizeof detail);
    retsim_format_append(buf, size, "%s%s.", detail[0] != '\0' ? " \xe2\x80\x94 " : "",
                         detail); /* an em dash, then the facts */
    if (res->op == RETSIM_OP_SET_POLICY && !res->named) {
        changed_rules(x, r, res->kind, buf, size);
    }
    if (released) {
        retsim_time end = retsim_registry_reserved_until(r, res->slot);
        retsim_events_time(end, x->clock, until, sizeof until);
        retsim_narrate_release(retsim_registry_policy(r, res->kind), res->time, end, until, release,
                               sizeof release);
        release[0] = (char)toupper((unsigned char)release[0]);
        retsim_format_append(buf, size, " %s.", release);
    }
}

/* Whether the result is one the options ask about (and count the hits). */
static bool wanted(explainer *x, const retsim_registry *r, const retsim_result *res)
{
    const retsim_explain_options *o = x->o;
    bool kind_wide = res->op == RETSIM_OP_SET_POLICY && !res->named;
    if (o->subscription != NULL && !kind_wide) {
        if (strcmp(retsim_registry_subscription_name(r, res->sub), o->subscription) != 0) {
            return false;
        }
        x->sub_hits++;
    }
    if (o->n_names == 0 || kind_wide) {
        return true;
    }
    if (!res->named || res->slot == RETSIM_NAME_NONE) {
        return false;
    }
    char text[RETSIM_REGISTRY_NAME_MAX];
    const char *name = retsim_registry_slot_name(r, res->slot, text, sizeof text);
    for (size_t i = 0; i < o->n_names; i++) {
        if (strcmp(name, o->names[i]) == 0) {
            x->name_hits[i]++;
            return true;
        }
    }
    return false;
}

/* Tell every reservation end due by `t` whose name was not taken back since. */
static int flush_ends(explainer *x, const retsim_registry *r, retsim_time t)
{
    while (x->n_ends > 0 && x->ends[0].until <= t) {
        pending_end e = pop_end(x);
        if (x->taken_back[e.slot] > e.seq) {
            continue;
        }
        char head[1200], what[1100];
        retsim_result fake = {.op = RETSIM_OP_CREATE, .kind = e.kind, .slot = e.slot, .named = true};
        object_of(r, &fake, what, sizeof what);
        snprintf(head, sizeof head, "the reservation of %s ends", what);
        int rc = add_entry(x, e.until, e.slot, e.kind, head, "Any subscription may now create it.");
        if (rc != 0) {
            return rc;
        }
        x->st.reservation_ends++;
    }
    return 0;
}

static int note_slot(explainer *x, uint32_t slot)
{
    if (!grow((void **)&x->taken_back, &x->cap_slots, (size_t)slot + 1, sizeof *x->taken_back)) {
        return RETSIM_ENOMEM;
    }
    for (size_t i = 0; i < x->n_told; i++) {
        if (x->told_slots[i] == slot) {
            return 0;
        }
    }
    if (!grow((void **)&x->told_slots, &x->cap_told, x->n_told + 1, sizeof *x->told_slots)) {
        return RETSIM_ENOMEM;
    }
    x->told_slots[x->n_told++] = slot;
    return 0;
}

/* The sink: every answer of the replay, in order. */
static int observe(void *ctx, const retsim_registry *r, const retsim_result *res)
{
    explainer *x = ctx;
    uint64_t seq = ++x->seq;
    int rc = flush_ends(x, r, res->time);
    bool named = res->named && res->slot != RETSIM_NAME_NONE;
    if (rc == 0 && named) {
        rc = grow((void **)&x->taken_back, &x->cap_slots, (size_t)res->slot + 1, sizeof *x->taken_back)
                 ? 0
                 : RETSIM_ENOMEM;
    }
    bool released = named && res->after == RETSIM_STATE_PURGED && res->before != RETSIM_STATE_PURGED;
    if (rc == 0 && named && res->after != RETSIM_STATE_PURGED) {
        x->taken_back[res->slot] = seq; /* any caller's: a reservation end told later would be false */
    }
    if (rc != 0 || !wanted(x, r, res)) {
        return rc;
    }
    char head[1400], body[TEXT_MAX];
    head_of(r, res, head, sizeof head);
    body_of(x, r, res, released, body, sizeof body);
    rc = add_entry(x, res->time, named ? res->slot : RETSIM_NAME_NONE, res->kind, head, body);
    if (rc == 0 && named) {
        rc = note_slot(x, res->slot);
    }
    retsim_time end = released ? retsim_registry_reserved_until(r, res->slot) : 0;
    if (rc == 0 && released && end != RETSIM_TIME_NEVER && end > res->time) {
        rc = push_end(x, (pending_end){end, seq, res->slot, res->kind});
    }
    x->st.told++;
    x->st.auto_purges += res->op == RETSIM_OP_AUTO_PURGE;
    return rc;
}

/* Write prefix then text at `indent`, wrapped at `width` columns, the
 * lines after the first under the text (a word longer than a line goes on
 * one of its own). */
static void wrapped(FILE *out, const char *prefix, const char *text, int indent, int width)
{
    int hang = indent + (int)strlen(prefix), col = hang;
    bool first = true;
    fprintf(out, "%*s%s", indent, "", prefix);
    while (*text != '\0') {
        while (*text == ' ') {
            text++;
        }
        int len = (int)strcspn(text, " ");
        if (len == 0) {
            break;
        }
        if (!first && col + 1 + len > width) {
            fprintf(out, "\n%*s", hang, "");
            col = hang;
            first = true;
        }
        fprintf(out, "%s%.*s", first ? "" : " ", len, text);
        col += (first ? 0 : 1) + len;
        first = false;
        text += len;
    }
    fputc('\n', out);
}

static int when_width(const explainer *x)
{
    int w = 0;
    for (size_t i = 0; i < x->n; i++) {
        int len = (int)strlen(x->arena + x->entries[i].when);
        w = len > w ? len : w;
    }
    return w;
}

static void write_entry(const explainer *x, const entry *e, int w, FILE *out)
{
    int width = x->o->width > 0 ? x->o->width : 100;
    fprintf(out, "  %-*s  %s\n", w, x->arena + e->when, x->arena + e->head);
    wrapped(out, "", x->arena + e->body, 4 + w, width);
}

/* The rules of each kind told, one sentence per line, wrapped. */
static int write_rules(const explainer *x, FILE *out)
{
    const retsim_scenario *sc = x->sc;
    int width = x->o->width > 0 ? x->o->width : 100;
    fprintf(out, "The rules at the start, from the scenario:\n");
    for (int k = 0; k < sc->n_policies; k++) {
        if (!x->kinds[k]) {
            continue;
        }
        const retsim_policy *p = &sc->policies[k];
        fprintf(out, "\n  %s%s%s%s:\n", p->kind, p->parent >= 0 ? " (in " : "",
                p->parent >= 0 ? p->parent_kind : "", p->parent >= 0 ? ")" : "");
        char *text = retsim_narrate_rules_text(sc, k);
        if (text == NULL) {
            return RETSIM_ENOMEM;
        }
        for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
            wrapped(out, "- ", line, 4, width);
        }
        free(text);
    }
    return 0;
}

/* The key analysis/plot-timeline takes for a name: kind/[parent/]name. */
static void name_key(const retsim_registry *r, uint32_t slot, char *buf, size_t size)
{
    char parent[1024], name[RETSIM_REGISTRY_NAME_MAX];
    retsim_registry_parent_path(r, slot, parent, sizeof parent);
    snprintf(buf, size, "%s/%s%s%s", retsim_registry_policy(r, retsim_registry_slot_kind(r, slot))->kind,
             parent, parent[0] != '\0' ? "/" : "", retsim_registry_slot_name(r, slot, name, sizeof name));
}

static void write_story(const explainer *x, const retsim_registry *r, FILE *out)
{
    int w = when_width(x);
    if (x->o->n_names == 0) {
        fprintf(out, "\nWhat happened, in time order:\n\n");
        for (size_t i = 0; i < x->n; i++) {
            write_entry(x, &x->entries[i], w, out);
        }
        return;
    }
    for (size_t g = 0; g < x->n_told; g++) {
        uint32_t slot = x->told_slots[g];
        int kind = retsim_registry_slot_kind(r, slot);
        char key[1200];
        name_key(r, slot, key, sizeof key);
        fprintf(out, "\nThe life of %s (owner %s):\n\n", key,
                retsim_registry_subscription_name(r, retsim_registry_slot_owner(r, slot)));
        for (size_t i = 0; i < x->n; i++) {
            const entry *e = &x->entries[i];
            if (e->slot == slot || (e->slot == RETSIM_NAME_NONE && e->kind == kind)) {
                write_entry(x, e, w, out);
            }
        }
    }
}

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

static int write_all(explainer *x, const retsim_registry *r, FILE *out)
{
    const retsim_explain_options *o = x->o;
    char title[1400];
    int width = o->width > 0 ? o->width : 100;
    snprintf(title, sizeof title, "What retsim answered, and why: %s under %s%s%s%s.",
             o->trace_label ? o->trace_label : "the trace",
             o->scenario_label ? o->scenario_label : x->sc->path, x->sc->description[0] != '\0' ? " (" : "",
             x->sc->description, x->sc->description[0] != '\0' ? ")" : "");
    wrapped(out, "", title, 0, width);
    snprintf(title, sizeof title,
             "%" PRIu64 " answer%s told (%" PRIu64 " automatic purge%s), %" PRIu64
             " reservation end%s, %" PRIu64 " name%s.",
             x->st.told, plural(x->st.told), x->st.auto_purges, plural(x->st.auto_purges),
             x->st.reservation_ends, plural(x->st.reservation_ends), x->st.names, plural(x->st.names));
    wrapped(out, "", title, 0, width);
    fputc('\n', out);
    int rc = write_rules(x, out);
    if (rc != 0) {
        return rc;
    }
    write_story(x, r, out);
    return ferror(out) ? RETSIM_EIO : 0;
}

/* Nothing to explain is an error: a misspelt name would give an empty story. */
static int check_hits(const explainer *x, const char *trace, retsim_error *err)
{
    for (size_t i = 0; i < x->o->n_names; i++) {
        if (x->name_hits[i] == 0) {
            return retsim_error_set(err, RETSIM_EINPUT, trace, 0, "--name", "no row%s names '%s'%s%s",
                                    x->o->subscription ? " of that subscription" : "", x->o->names[i],
                                    x->o->until != RETSIM_TIME_NEVER ? " before --until" : "", "");
        }
    }
    if (x->o->subscription != NULL && x->sub_hits == 0) {
        return retsim_error_set(err, RETSIM_EINPUT, trace, 0, "--subscription",
                                "no row has subscription '%s'%s", x->o->subscription,
                                x->o->until != RETSIM_TIME_NEVER ? " before --until" : "");
    }
    return 0;
}

static void explainer_free(explainer *x)
{
    free(x->entries);
    free(x->arena);
    free(x->ends);
    free(x->taken_back);
    free(x->told_slots);
    free(x->name_hits);
}

static int replay_and_tell(explainer *x, retsim_sim *sim, const char *trace_path, FILE *out,
                           retsim_error *err)
{
    retsim_replay_stats rs = {0}; /* its clock outlives every use: entries keep their times as text */
    x->clock = &rs.clock;
    retsim_sim_set_sink(sim, observe, x);
    int rc = retsim_replay_run(sim, trace_path, x->o->until, &rs, err);
    const retsim_registry *r = retsim_sim_registry(sim);
    if (rc == 0) {
        rc = flush_ends(x, r, x->o->until);
    }
    if (rc == RETSIM_ENOMEM) {
        retsim_error_set(err, rc, "", 0, "", "out of memory");
    }
    x->st.rows = rs.rows;
    x->st.names = x->n_told;
    if (rc == 0) {
        rc = check_hits(x, trace_path, err);
    }
    if (rc == 0) {
        rc = write_all(x, r, out);
        if (rc != 0) {
            retsim_error_set(err, rc, "", 0, "",
                             rc == RETSIM_ENOMEM ? "out of memory" : "cannot write the story");
        }
    }
    char key[1200];
    for (size_t i = 0; rc == 0 && x->o->on_name != NULL && i < x->n_told; i++) {
        name_key(r, x->told_slots[i], key, sizeof key);
        x->o->on_name(x->o->ctx, key);
    }
    return rc;
}

int retsim_explain_write(const retsim_scenario *sc, const char *trace_path, const retsim_explain_options *o,
                         FILE *out, retsim_explain_stats *stats, retsim_error *err)
{
    explainer *x = calloc(1, sizeof *x);
    retsim_sim *sim = retsim_sim_create(sc);
    int rc = 0;
    if (x == NULL || sim == NULL) {
        rc = retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
    } else {
        x->sc = sc;
        x->o = o;
        x->name_hits = calloc(o->n_names > 0 ? o->n_names : 1, sizeof *x->name_hits);
        for (int k = 0; k < sc->n_policies; k++) {
            x->before[k] = sc->policies[k];
        }
        rc = x->name_hits != NULL ? replay_and_tell(x, sim, trace_path, out, err)
                                  : retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
    }
    if (stats != NULL && x != NULL) {
        *stats = x->st;
    }
    if (x != NULL) {
        explainer_free(x);
    }
    free(x);
    retsim_sim_destroy(sim);
    return rc;
}

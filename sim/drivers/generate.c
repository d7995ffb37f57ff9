/* retsim generate: a scenario's workload as a trace, and, cut to a few names,
 * a small trace that still replays. */
#include "retsim/generate.h"

#include "retsim/estimate.h"
#include "retsim/outdir.h"
#include "retsim/run.h"
#include "retsim/trace.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The names kept: "kind\x1fparent\x1fname" strings in an open-addressed
 * table (linear probing, at most half full). */
typedef struct name_set {
    char **slot;
    size_t cap, n;
} name_set;

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    }
    return h;
}

static char **set_find(const name_set *s, const char *key)
{
    size_t i = (size_t)hash_text(key) & (s->cap - 1);
    while (s->slot[i] != NULL && strcmp(s->slot[i], key) != 0) {
        i = (i + 1) & (s->cap - 1);
    }
    return &s->slot[i];
}

static int set_grow(name_set *s)
{
    name_set bigger = {calloc(s->cap * 2, sizeof(char *)), s->cap * 2, s->n};
    if (bigger.slot == NULL) {
        return RETSIM_ENOMEM;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (s->slot[i] != NULL) {
            *set_find(&bigger, s->slot[i]) = s->slot[i];
        }
    }
    free(s->slot);
    *s = bigger;
    return 0;
}

/* Add key (copied); *added says whether it was new. */
static int set_add(name_set *s, const char *key, bool *added)
{
    *added = false;
    if (s->slot == NULL || 2 * (s->n + 1) > s->cap) {
        int rc = s->slot == NULL ? 0 : set_grow(s);
        if (s->slot == NULL) {
            s->slot = calloc(64, sizeof(char *));
            s->cap = 64;
            rc = s->slot != NULL ? 0 : RETSIM_ENOMEM;
        }
        if (rc != 0) {
            return rc;
        }
    }
    char **at = set_find(s, key);
    if (*at != NULL) {
        return 0;
    }
    *at = strdup(key);
    if (*at == NULL) {
        return RETSIM_ENOMEM;
    }
    s->n++;
    *added = true;
    return 0;
}

static void set_free(name_set *s)
{
    for (size_t i = 0; i < s->cap; i++) {
        free(s->slot[i]);
    }
    free(s->slot);
}

typedef struct cut {
    const retsim_scenario *sc;
    const retsim_generate_options *opt;
    FILE *out;
    bool sized;      /* the trace has the size_gb column */
    name_set kept;   /* the chosen names and their ancestors */
    uint64_t chosen; /* names chosen so far (of limit_names) */
    uint64_t rows;   /* rows written */
    char key[3 * RETSIM_TRACE_FIELD_MAX + 4];
} cut;

static const char *name_key(cut *c, const char *kind, const char *parent, size_t parent_len, const char *name,
                            size_t name_len)
{
    snprintf(c->key, sizeof c->key, "%s\x1f%.*s\x1f%.*s", kind, (int)parent_len, parent, (int)name_len, name);
    return c->key;
}

/* Keep the ancestors of a name of `kind` under `parent` ("g1/img1": one
 * component per ancestor kind, the root first), so that the cut trace
 * creates them before their children. */
static int keep_ancestors(cut *c, int kind, const char *parent)
{
    size_t len = strlen(parent);
    int up = kind >= 0 ? c->sc->policies[kind].parent : -1;
    while (up >= 0 && len > 0) {
        size_t start = len;
        while (start > 0 && parent[start - 1] != '/') {
            start--;
        }
        bool added;
        const char *key = name_key(c, c->sc->policies[up].kind, parent, start > 0 ? start - 1 : 0,
                                   parent + start, len - start);
        int rc = set_add(&c->kept, key, &added);
        if (rc != 0) {
            return rc;
        }
        len = start > 0 ? start - 1 : 0;
        up = c->sc->policies[up].parent;
    }
    return 0;
}

/* One row of the whole trace: written when its name is kept, or it names none. */
static int on_row(void *ctx, const retsim_trace_row *row, retsim_error *err)
{
    cut *c = ctx;
    if (c->opt->stop != NULL && *c->opt->stop) {
        return retsim_error_set(err, RETSIM_EINTR, "", 0, "", "interrupted: no output written");
    }
    const char *name = row->field[RETSIM_COL_NAME];
    bool keep = name[0] == '\0';
    if (!keep) {
        const char *kind = row->field[RETSIM_COL_KIND], *parent = row->field[RETSIM_COL_PARENT];
        const char *key = name_key(c, kind, parent, strlen(parent), name, strlen(name));
        char **at = c->kept.slot != NULL ? set_find(&c->kept, key) : NULL;
        keep = at != NULL && *at != NULL;
        if (!keep && c->chosen < c->opt->limit_names && strcmp(row->field[RETSIM_COL_OP], "create") == 0) {
            bool added;
            int rc = set_add(&c->kept, key, &added);
            rc = rc == 0 ? keep_ancestors(c, retsim_scenario_kind(c->sc, kind), parent) : rc;
            if (rc != 0) {
                return retsim_error_set(err, rc, "", 0, "", "%s", retsim_strerror(rc));
            }
            c->chosen++;
            keep = true;
        }
    }
    if (keep) {
        retsim_trace_row w = *row;
        w.size_column = c->sized;
        retsim_trace_write_row(c->out, &w);
        c->rows++;
    }
    return 0;
}

/* Does the generated trace have the size_gb column? As the generator decides
 * it (retsim_generator_sized): some generated kind's workload has sizes. */
static bool trace_sized(const retsim_scenario *sc)
{
    for (int k = 0; k < sc->n_policies; k++) {
        if (sc->workloads[k].enabled && sc->workloads[k].size.kind != RETSIM_DIST_NONE) {
            return true;
        }
    }
    return false;
}

/* The whole trace, written to `full`, read back and cut into `out`. */
static int cut_trace(const retsim_scenario *sc, const retsim_generate_options *opt, retsim_outfile *full,
                     retsim_outfile *out, retsim_generate_stats *stats, retsim_error *err)
{
    if (fflush(full->fp) != 0 || ferror(full->fp)) { /* a short whole trace would cut a short one */
        int rc = retsim_outfile_explain(full, err);
        return rc != 0 ? rc : retsim_error_set(err, RETSIM_EIO, full->tmp, 0, "", "cannot write");
    }
    cut *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return RETSIM_ENOMEM;
    }
    c->sc = sc;
    c->opt = opt;
    c->out = out->fp;
    c->sized = trace_sized(sc);
    retsim_trace_write_header_sized(out->fp, c->sized);
    int rc = retsim_trace_read(full->tmp, on_row, c, err);
    stats->rows = c->rows;
    stats->names = c->kept.n;
    set_free(&c->kept);
    free(c);
    return rc;
}

/* Before anything is written: a workload, within the limits, and no file in the way. */
static int check(const retsim_scenario *sc, const retsim_generate_options *opt, retsim_error *err)
{
    if (!retsim_scenario_has_workload(sc)) {
        return retsim_error_set(err, RETSIM_EINPUT, sc->path, 0, "",
                                "no [workload.<kind>] section: nothing to generate");
    }
    if (!opt->force) {
        retsim_estimate size;
        retsim_estimate_options eo = {.replications = 1, .trace = true};
        retsim_estimate_of(sc, &eo, &size);
        int rc = retsim_estimate_check(sc, &size, err);
        if (rc != 0) {
            return rc;
        }
    }
    struct stat st;
    if (!opt->overwrite && lstat(opt->trace_out, &st) == 0) {
        return retsim_error_set(err, RETSIM_EUSAGE, opt->trace_out, 0, "",
                                "exists: retsim generate does not replace a file unless --force");
    }
    return 0;
}

int retsim_generate(const retsim_scenario *sc, const retsim_generate_options *opt,
                    retsim_generate_stats *stats, retsim_error *err)
{
    retsim_generate_stats own = {0};
    stats = stats != NULL ? stats : &own;
    memset(stats, 0, sizeof *stats);
    int rc = check(sc, opt, err);
    if (rc != 0) {
        return rc;
    }
    char dir[RETSIM_PATH_MAX];
    const char *base = retsim_path_split(opt->trace_out, dir, sizeof dir);
    retsim_outfile out, full;
    memset(&out, 0, sizeof out);
    memset(&full, 0, sizeof full);
    rc = retsim_outfile_open(&out, dir, base, err);
    if (rc == 0 && opt->limit_names > 0) { /* the whole trace, beside the final name, never committed */
        rc = retsim_outfile_open(&full, dir, base, err);
    }
    if (rc == 0) {
        retsim_run_sinks sinks = {.trace = opt->limit_names > 0 ? full.fp : out.fp};
        retsim_run_options ro = {.seed = opt->seed, .stop = opt->stop};
        retsim_run_stats rs = {0};
        rc = retsim_run_replication(sc, &sinks, &ro, NULL, &rs, err);
        stats->events = rs.events;
    }
    if (rc == 0 && opt->limit_names > 0) {
        rc = cut_trace(sc, opt, &full, &out, stats, err);
    }
    retsim_outfile_abort(&full);
    rc = retsim_outfiles_explain(rc, &out, 1, err);
    if (rc == 0) {
        rc = retsim_outfile_commit(&out, err);
    }
    retsim_outfile_abort(&out);
    if (rc == RETSIM_EINTR) {
        retsim_error_set(err, rc, "", 0, "", "interrupted: no output written");
    }
    return rc;
}

/* Trace replay: each row becomes a registry request at its time. */
#include "retsim/replay.h"

#include "retsim/events.h"
#include "retsim/manifest.h"
#include "retsim/outdir.h"
#include "retsim/summary.h"
#include "retsim/trace.h"
#include "retsim/validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The comparison with recorded outcomes, made at the first row that has one;
 * with dir set, its two files are opened in the staging folder then. */
typedef struct validation_out {
    retsim_outdir *dir;    /* NULL: count only (retsim_replay_run) */
    retsim_outfile *files; /* [0] validation.csv, [1] disagreements.csv */
    bool opened;           /* files were opened: they are part of the output */
    retsim_validate *val;  /* NULL until a row has a recorded outcome */
} validation_out;

typedef struct replay {
    retsim_sim *sim;
    retsim_registry *reg;
    retsim_kernel *kernel;
    const char *path;
    retsim_trace_clock times; /* the time column: durations or timestamps, in order */
    retsim_time until;
    uint64_t rows;
    uint64_t rows_after_until;  /* read, not applied: the clock stopped before them */
    retsim_events_clock *clock; /* told the trace's origin at the first row */
    const volatile int *stop;   /* the caller's stop request, or NULL */
    validation_out *vo;
} replay;

static int bad(const replay *rp, const retsim_trace_row *row, retsim_trace_col col, retsim_error *err,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int bad(const replay *rp, const retsim_trace_row *row, retsim_trace_col col, retsim_error *err,
               const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return retsim_error_set(err, RETSIM_EINPUT, rp->path, row->line, retsim_trace_col_name(col), "%s", msg);
}

/* The row's time; the events clock learns the trace's origin at the first row. */
static int row_time(replay *rp, const retsim_trace_row *row, retsim_time *t, retsim_error *err)
{
    int rc = retsim_trace_time(&rp->times, rp->path, row, t, err);
    if (rc == 0 && rp->times.iso) {
        rp->clock->iso = true;
        rp->clock->origin_ms = rp->times.origin_ms;
    }
    return rc;
}

/* Which of subscription / name / parent the operation takes. */
static int check_shape(replay *rp, const retsim_trace_row *row, retsim_request *rq, retsim_error *err)
{
    bool has_sub = row->field[RETSIM_COL_SUBSCRIPTION][0] != '\0';
    bool has_name = row->field[RETSIM_COL_NAME][0] != '\0';
    const char *op = retsim_op_name(rq->op);
    if (rq->op == RETSIM_OP_LIST_DELETED) {
        if (has_name || row->field[RETSIM_COL_PARENT][0] != '\0') {
            return bad(rp, row, RETSIM_COL_NAME, err, "list_deleted takes no name or parent");
        }
    } else if (rq->op == RETSIM_OP_SET_POLICY && !has_name) {
        if (has_sub || row->field[RETSIM_COL_PARENT][0] != '\0') {
            return bad(rp, row, RETSIM_COL_SUBSCRIPTION, err,
                       "a kind-wide set_policy (empty name) has no subscription or parent");
        }
        rq->named = false;
        return 0;
    } else if (!has_name) {
        return bad(rp, row, RETSIM_COL_NAME, err, "%s needs a name", op);
    }
    if (!has_sub) {
        return bad(rp, row, RETSIM_COL_SUBSCRIPTION, err, "%s needs a subscription", op);
    }
    return 0;
}

/* Intern what the row names and fill rq's ids. */
static int resolve(replay *rp, const retsim_trace_row *row, retsim_request *rq, retsim_error *err)
{
    const char *why = NULL;
    int rc = 0;
    if (row->field[RETSIM_COL_SUBSCRIPTION][0] != '\0') {
        rc = retsim_registry_subscription(rp->reg, row->field[RETSIM_COL_SUBSCRIPTION],
                                          row->field[RETSIM_COL_TENANT], row->field[RETSIM_COL_SUB_TYPE],
                                          &rq->sub, &why);
        if (rc == RETSIM_EINPUT) {
            return bad(rp, row,
                       row->field[RETSIM_COL_TENANT][0] != '\0' ? RETSIM_COL_TENANT : RETSIM_COL_SUB_TYPE,
                       err, "%s", why);
        }
    }
    if (rc == 0 && row->field[RETSIM_COL_REGION][0] != '\0') {
        rc = retsim_registry_region(rp->reg, row->field[RETSIM_COL_REGION], &rq->region);
    }
    if (rc != 0 || !rq->named) {
        return rc;
    }
    uint32_t parent = RETSIM_NAME_NONE;
    rc = retsim_registry_parent(rp->reg, rq->kind, rq->sub, row->field[RETSIM_COL_PARENT], &parent, &why);
    if (rc == RETSIM_EINPUT) {
        return bad(rp, row, RETSIM_COL_PARENT, err, "%s", why);
    }
    if (rc != 0) {
        return rc;
    }
    /* Interned even when it never existed, so that events.csv names what was asked for. */
    return retsim_registry_name(rp->reg, rq->kind, rq->sub, parent, row->field[RETSIM_COL_NAME], true,
                                &rq->slot);
}

/* The recorded_outcome of an applied row, compared with retsim's answer res. */
static int validate_row(replay *rp, const retsim_trace_row *row, const retsim_result *res, retsim_error *err)
{
    retsim_trace_recorded rec;
    memset(&rec, 0, sizeof rec); /* the parser fills it; GCC's LTO cannot see so (-Wmaybe-uninitialized) */
    validation_out *vo = rp->vo;
    int rc =
        retsim_trace_recorded_parse(row->field[RETSIM_COL_RECORDED_OUTCOME], &rec, rp->path, row->line, err);
    if (rc != 0 || rec.cls == RETSIM_RECORDED_UNKNOWN) {
        return rc;
    }
    if (vo->val == NULL) {
        vo->val = retsim_validate_create();
        if (vo->val == NULL) {
            return retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
        }
        if (vo->dir != NULL) {
            rc = retsim_outdir_open(vo->dir, &vo->files[0], "validation.csv", err);
            if (rc == 0) {
                rc = retsim_outdir_open(vo->dir, &vo->files[1], "disagreements.csv", err);
            }
            vo->opened = true; /* even half-opened: the finish (or abort) closes what is open */
            if (rc != 0) {
                return rc;
            }
            retsim_validate_write_disagreements_header(vo->files[1].fp);
        }
    }
    retsim_validate_add(vo->val, rp->reg, res, row, &rec, rp->clock,
                        vo->dir != NULL ? vo->files[1].fp : NULL);
    return 0;
}

static int on_row(void *ctx, const retsim_trace_row *row, retsim_error *err)
{
    replay *rp = ctx;
    retsim_time t = 0;
    retsim_op op;
    if (rp->stop != NULL && *rp->stop) { /* checked per row: a signal is honoured within one row */
        return retsim_error_set(err, RETSIM_EINTR, rp->path, row->line, "", "interrupted: no output written");
    }
    int rc = row_time(rp, row, &t, err);
    if (rc != 0) {
        return rc;
    }
    if (t > rp->until) { /* the clock stops at --until: later rows are counted, not applied */
        retsim_trace_recorded rec;
        rp->rows_after_until++;
        return retsim_trace_recorded_parse(row->field[RETSIM_COL_RECORDED_OUTCOME], &rec, rp->path, row->line,
                                           err);
    }
    if (retsim_op_parse(row->field[RETSIM_COL_OP], &op) != 0) {
        return bad(rp, row, RETSIM_COL_OP, err,
                   "unknown operation '%s'; expected create, delete, restore, purge, get_deleted, "
                   "list_deleted or set_policy",
                   row->field[RETSIM_COL_OP]);
    }
    const retsim_scenario *sc = retsim_sim_scenario(rp->sim);
    int kind = retsim_scenario_kind(sc, row->field[RETSIM_COL_KIND]);
    if (kind < 0) {
        return bad(rp, row, RETSIM_COL_KIND, err, "unknown kind '%s': the scenario has no [policy.%s]",
                   row->field[RETSIM_COL_KIND], row->field[RETSIM_COL_KIND]);
    }
    retsim_request rq = retsim_request_make(op, kind, RETSIM_NAME_NONE, RETSIM_NAME_NONE);
    const char *why = NULL;
    if (retsim_apiver_parse(row->field[RETSIM_COL_API_VERSION], &rq.api_version, &why) != 0) {
        return bad(rp, row, RETSIM_COL_API_VERSION, err, "%s; got '%s'", why,
                   row->field[RETSIM_COL_API_VERSION]);
    }
    rc = check_shape(rp, row, &rq, err);
    if (rc == 0) {
        rc = retsim_trace_options_parse(row->field[RETSIM_COL_OPTIONS], &rq, rp->path, row->line, err);
    }
    if (rc == 0) {
        rc = retsim_trace_size_parse(row->field[RETSIM_COL_SIZE_GB], &rq, rp->path, row->line, err);
    }
    const retsim_policy *pk = &sc->policies[kind];
    if (rc == 0 && rq.generation != 0 && pk->soft_deleted_name != RETSIM_NAME_FREE &&
        pk->overwrite != RETSIM_OVERWRITE_KEEP) {
        return bad(rp, row, RETSIM_COL_OPTIONS, err,
                   "generation=%u: kind '%s' has one instance per name at a time (generations need "
                   "soft_deleted_name = free or overwrite = keep)",
                   (unsigned)rq.generation, pk->kind);
    }
    if (rc == 0) {
        rc = resolve(rp, row, &rq, err);
    }
    if (rc != 0) {
        return rc;
    }
    rc = retsim_kernel_run_until(rp->kernel, t);
    retsim_result res;
    if (rc == 0) {
        rc = retsim_registry_apply(rp->reg, &rq, &res);
    }
    if (rc != 0) {
        return retsim_error_set(err, rc, rp->path, row->line, "", "%s", retsim_strerror(rc));
    }
    rp->rows++;
    return validate_row(rp, row, &res, err);
}

/* The reservation.<type> keys whose type no subscription of the trace has:
 * they never applied, which the user should hear about (the library does not print). */
static void unmatched_reservations(const replay *rp, retsim_replay_stats *stats)
{
    const retsim_scenario *sc = retsim_sim_scenario(rp->sim);
    uint32_t n_types = retsim_registry_sub_type_count(rp->reg);
    stats->n_unmatched = 0;
    for (int k = 0; k < sc->n_policies; k++) {
        const retsim_policy *p = &sc->policies[k];
        for (int r = 0; r < p->n_reservations; r++) {
            bool seen = false;
            for (uint32_t t = 0; t < n_types && !seen; t++) {
                seen = strcmp(retsim_registry_sub_type_name(rp->reg, t), p->reservations[r].sub_type) == 0;
            }
            if (seen) {
                continue;
            }
            if (stats->n_unmatched < RETSIM_REPLAY_MAX_UNMATCHED) {
                retsim_unmatched_reservation *u = &stats->unmatched[stats->n_unmatched];
                snprintf(u->kind, sizeof u->kind, "%s", p->kind);
                snprintf(u->sub_type, sizeof u->sub_type, "%s", p->reservations[r].sub_type);
                u->line = sc->reservation_line[k][r];
            }
            stats->n_unmatched++;
        }
    }
}

static int replay_run(retsim_sim *sim, const char *trace_path, retsim_time until, const volatile int *stop,
                      retsim_replay_stats *stats, validation_out *vo, retsim_error *err)
{
    replay rp = {.sim = sim,
                 .vo = vo,
                 .reg = retsim_sim_registry(sim),
                 .kernel = retsim_sim_kernel(sim),
                 .path = trace_path,
                 .until = until,
                 .stop = stop};
    retsim_events_clock local = {0};
    rp.clock = stats != NULL ? &stats->clock : &local;
    *rp.clock = local;
    uint64_t events_before = retsim_kernel_events_run(rp.kernel);
    int rc = retsim_trace_read(trace_path, on_row, &rp, err);
    if (rc == 0 && rp.stop != NULL && *rp.stop) {
        rc = retsim_error_set(err, RETSIM_EINTR, trace_path, 0, "", "interrupted: no output written");
    }
    if (rc == 0) {
        rc = retsim_kernel_run_until(rp.kernel, until);
        if (rc != 0) {
            retsim_error_set(err, rc, trace_path, 0, "", "%s", retsim_strerror(rc));
        }
    }
    if (stats != NULL) {
        stats->rows = rp.rows;
        stats->rows_after_until = rp.rows_after_until;
        unmatched_reservations(&rp, stats);
        stats->events = retsim_kernel_events_run(rp.kernel) - events_before;
        memset(&stats->validation, 0, sizeof stats->validation);
        if (vo->val != NULL) {
            stats->validation = *retsim_validate_summary(vo->val);
        }
        stats->end_time = retsim_kernel_now(rp.kernel);
        stats->auto_purges = 0;
        for (int k = 0; k < retsim_registry_kinds(rp.reg); k++) {
            stats->auto_purges +=
                retsim_metrics_total(retsim_sim_metrics(sim), k, RETSIM_OP_AUTO_PURGE, RETSIM_OUT_OK);
        }
    }
    return rc;
}

int retsim_replay_run(retsim_sim *sim, const char *trace_path, retsim_time until, retsim_replay_stats *stats,
                      retsim_error *err)
{
    validation_out vo = {0};
    int rc = replay_run(sim, trace_path, until, NULL, stats, &vo, err);
    retsim_validate_destroy(vo.val);
    return rc;
}

int retsim_replay_to_dir(const retsim_scenario *sc, const char *trace_path, const char *out_dir,
                         retsim_time until, const retsim_provenance *prov, retsim_replay_stats *stats,
                         retsim_error *err)
{
    return retsim_replay_to_dir_stop(sc, trace_path, out_dir, until, NULL, prov, stats, err);
}

enum { EVENTS, OUTCOMES, SUMMARY, MANIFEST, N_FILES, VALIDATION = N_FILES, DISAGREEMENTS, N_ALL };

/* summary.csv, outcomes.csv, the manifest and, with recorded outcomes, validation.csv. */
static int write_outputs(const retsim_scenario *sc, retsim_sim *sim, const char *trace_path,
                         const char *out_dir, retsim_time until, const retsim_provenance *prov,
                         const retsim_replay_stats *stats, const validation_out *vo, retsim_outfile *files,
                         retsim_error *err)
{
    /* what the trace cost and how its inventory went, over [0, end] */
    retsim_summary sum;
    int rc = retsim_summary_compute(&sum, sim, NULL, (double)stats->end_time);
    retsim_summary_write_header(files[SUMMARY].fp);
    retsim_summary_write_rows(files[SUMMARY].fp, &sum, sc->name[0] ? sc->name : sc->path, 0, 0);
    if (rc != 0) {
        return rc;
    }
    if (vo->opened) {
        retsim_validate_write(vo->val, retsim_sim_registry(sim), files[VALIDATION].fp);
    }
    rc = retsim_metrics_write_outcomes(retsim_sim_metrics(sim), retsim_sim_registry(sim), files[OUTCOMES].fp);
    char until_text[64] = "never";
    if (until != RETSIM_TIME_NEVER) {
        retsim_time_format(until, until_text, sizeof until_text);
    }
    const char *keys[] = {"command", "scenario", "trace", "until"};
    const char *values[] = {"replay", sc->path, trace_path, until_text};
    if (rc == 0) {
        rc = retsim_manifest_write(files[MANIFEST].fp, keys, values, 4, prov, sc);
    }
    if (rc != 0) {
        retsim_error_set(err, rc, out_dir, 0, "", "cannot write the outputs");
    }
    return rc;
}

int retsim_replay_to_dir_stop(const retsim_scenario *sc, const char *trace_path, const char *out_dir,
                              retsim_time until, const volatile int *stop, const retsim_provenance *prov,
                              retsim_replay_stats *stats, retsim_error *err)
{
    static const char *const names[N_FILES] = {"events.csv", "outcomes.csv", "summary.csv", "manifest"};
    retsim_replay_stats local = {0};
    stats = stats != NULL ? stats : &local;
    retsim_outfile files[N_ALL];
    retsim_outdir dir;
    memset(files, 0, sizeof files);
    validation_out vo = {.dir = &dir, .files = &files[VALIDATION]};
    retsim_sim *sim = NULL;
    retsim_events_sink sink; /* outlives the replay: the sim calls it to the end */
    int rc = retsim_outdir_begin(&dir, out_dir, err);
    for (int i = 0; rc == 0 && i < N_FILES; i++) {
        rc = retsim_outdir_open(&dir, &files[i], names[i], err);
    }
    if (rc == 0) {
        sim = retsim_sim_create(sc);
        if (sim == NULL) {
            rc = retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
        }
    }
    if (rc == 0) {
        /* events.csv is the bulk of a replay's bytes (250 a row): write it in
         * 1 MiB pieces, not the FILE's default 4 KiB; before its first byte */
        setvbuf(files[EVENTS].fp, NULL, _IOFBF, (size_t)1 << 20);
        retsim_events_write_header(files[EVENTS].fp);
        sink.out = files[EVENTS].fp;
        sink.clock = &stats->clock;
        retsim_sim_set_sink(sim, retsim_events_sink_observer, &sink);
        rc = replay_run(sim, trace_path, until, stop, stats, &vo, err);
    }
    if (rc == 0) {
        rc = write_outputs(sc, sim, trace_path, out_dir, until, prov, stats, &vo, files, err);
    }
    /* the validation files are part of the output only when a row had a recorded outcome */
    rc = retsim_outdir_finish(rc, &dir, files, vo.opened ? N_ALL : N_FILES, err);
    retsim_validate_destroy(vo.val);
    retsim_sim_destroy(sim);
    return rc;
}

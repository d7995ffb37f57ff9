/* Replay validation: retsim's answers against the recorded ones, counted
 * per kind and op, and the rows where they differ. */
#include "retsim/validate.h"

#include "retsim/csv.h"
#include "retsim/format.h"

#include <inttypes.h>

#include <stdlib.h>
#include <string.h>

enum { SUCCEEDED, FAILED, N_CLASSES };

struct retsim_validate {
    /* [kind][op][retsim's class][recorded class] */
    uint64_t counts[RETSIM_MAX_KINDS][RETSIM_OP_COUNT][N_CLASSES][N_CLASSES];
    retsim_validation summary;
};

static const char *const class_names[N_CLASSES] = {"succeeded", "failed"};

retsim_validate *retsim_validate_create(void)
{
    return calloc(1, sizeof(retsim_validate));
}

void retsim_validate_destroy(retsim_validate *v)
{
    free(v);
}

bool retsim_validate_succeeded(retsim_outcome o)
{
    /* the request did what it asked; every other outcome is a refusal */
    return o == RETSIM_OUT_OK || o == RETSIM_OUT_UPDATED || o == RETSIM_OUT_SOFT_DELETED ||
           o == RETSIM_OUT_HARD_DELETED;
}

void retsim_validate_write_disagreements_header(FILE *out)
{
    static const char *const names[] = {
        "line", "time",           "op",     "kind",   "subscription",    "parent",
        "name", "retsim_outcome", "reason", "detail", "recorded_outcome"};
    retsim_csv_row(out, names, sizeof names / sizeof names[0]);
}

/* Keep one of the first disagreements for the terminal. */
static void keep_first(retsim_validate *v, const retsim_result *res, const retsim_trace_row *row,
                       const char *reason, const retsim_trace_recorded *rec)
{
    retsim_validation *s = &v->summary;
    if (s->n_first >= RETSIM_VALIDATE_FIRST) {
        return;
    }
    retsim_validate_disagreement *d = &s->first[s->n_first++];
    d->line = row->line;
    snprintf(d->op, sizeof d->op, "%s", retsim_op_name(res->op));
    snprintf(d->kind, sizeof d->kind, "%s", row->field[RETSIM_COL_KIND]);
    snprintf(d->name, sizeof d->name, "%s", row->field[RETSIM_COL_NAME]);
    snprintf(d->outcome, sizeof d->outcome, "%s", retsim_outcome_name(res->outcome));
    snprintf(d->reason, sizeof d->reason, "%s", reason);
    snprintf(d->recorded, sizeof d->recorded, "%s", rec->text);
}

static void write_disagreement(FILE *out, const retsim_registry *r, const retsim_result *res,
                               const retsim_trace_row *row, const char *reason,
                               const retsim_trace_recorded *rec, const retsim_events_clock *clock)
{
    char line[32];
    char time[64];
    char detail[512];
    snprintf(line, sizeof line, "%ld", row->line);
    retsim_events_time(res->time, clock, time, sizeof time);
    retsim_events_detail(r, res, clock, detail, sizeof detail);
    const char *fields[] = {line,
                            time,
                            retsim_op_name(res->op),
                            row->field[RETSIM_COL_KIND],
                            row->field[RETSIM_COL_SUBSCRIPTION],
                            row->field[RETSIM_COL_PARENT],
                            row->field[RETSIM_COL_NAME],
                            retsim_outcome_name(res->outcome),
                            reason,
                            detail,
                            rec->text};
    retsim_csv_row(out, fields, sizeof fields / sizeof fields[0]);
}

void retsim_validate_add(retsim_validate *v, const retsim_registry *r, const retsim_result *res,
                         const retsim_trace_row *row, const retsim_trace_recorded *rec,
                         const retsim_events_clock *clock, FILE *disagreements)
{
    int mine = retsim_validate_succeeded(res->outcome) ? SUCCEEDED : FAILED;
    int theirs = rec->cls == RETSIM_RECORDED_SUCCEEDED ? SUCCEEDED : FAILED;
    v->counts[res->kind][res->op][mine][theirs]++;
    v->summary.compared++;
    if (mine == theirs) {
        v->summary.agreed++;
        return;
    }
    const char *reason = retsim_reason_name(retsim_result_reason(res));
    keep_first(v, res, row, reason, rec);
    if (disagreements != NULL) {
        write_disagreement(disagreements, r, res, row, reason, rec, clock);
    }
}

/* The four rows of one kind and op. */
static void write_cells(FILE *out, const char *kind, retsim_op op, const uint64_t (*cell)[N_CLASSES])
{
    uint64_t total = 0;
    for (int m = 0; m < N_CLASSES; m++) {
        for (int t = 0; t < N_CLASSES; t++) {
            total += cell[m][t];
        }
    }
    char agreement[64];
    retsim_format_csv((double)(cell[SUCCEEDED][SUCCEEDED] + cell[FAILED][FAILED]) / (double)total, agreement,
                      sizeof agreement);
    for (int m = 0; m < N_CLASSES; m++) {
        for (int t = 0; t < N_CLASSES; t++) {
            char count[32];
            snprintf(count, sizeof count, "%" PRIu64, cell[m][t]);
            const char *fields[] = {kind,  retsim_op_name(op), class_names[m], class_names[t],
                                    count, agreement};
            retsim_csv_row(out, fields, sizeof fields / sizeof fields[0]);
        }
    }
}

void retsim_validate_write(const retsim_validate *v, const retsim_registry *r, FILE *out)
{
    fputs("kind,op,retsim_outcome_class,recorded,count,agreement\n", out);
    for (int k = 0; k < retsim_registry_kinds(r); k++) {
        const char *kind = retsim_registry_policy(r, k)->kind;
        for (int op = 0; op < RETSIM_OP_COUNT; op++) {
            const uint64_t(*cell)[N_CLASSES] = v->counts[k][op];
            if (cell[0][0] + cell[0][1] + cell[1][0] + cell[1][1] > 0) {
                write_cells(out, kind, (retsim_op)op, cell);
            }
        }
    }
}

const retsim_validation *retsim_validate_summary(const retsim_validate *v)
{
    return &v->summary;
}

/* Outcome counters. */
#include "retsim/metrics.h"

#include "retsim/error.h"
#include "retsim/csv.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct retsim_metrics {
    int n_kinds;
    uint32_t n_types;
    uint64_t *counts; /* [type][kind][op][outcome] */
    retsim_sojourn sojourn[RETSIM_MAX_KINDS];
};

static size_t block(const retsim_metrics *m)
{
    return (size_t)m->n_kinds * RETSIM_OP_COUNT * RETSIM_OUT_COUNT;
}

static size_t index_of(const retsim_metrics *m, int kind, retsim_op op, retsim_outcome o, uint32_t type)
{
    return (size_t)type * block(m) + ((size_t)kind * RETSIM_OP_COUNT + op) * RETSIM_OUT_COUNT + o;
}

retsim_metrics *retsim_metrics_create(int n_kinds)
{
    retsim_metrics *m = calloc(1, sizeof *m);
    if (m != NULL) {
        m->n_kinds = n_kinds;
    }
    return m;
}

void retsim_metrics_destroy(retsim_metrics *m)
{
    if (m != NULL) {
        free(m->counts);
        free(m);
    }
}

int retsim_metrics_observe(retsim_metrics *m, const retsim_registry *r, const retsim_result *res)
{
    uint32_t type = retsim_registry_sub_type(r, res->sub);
    if (type >= m->n_types) {
        uint32_t n = retsim_registry_sub_type_count(r);
        uint64_t *c = realloc(m->counts, (size_t)n * block(m) * sizeof *c);
        if (c == NULL) {
            return RETSIM_ENOMEM;
        }
        memset(c + (size_t)m->n_types * block(m), 0, (size_t)(n - m->n_types) * block(m) * sizeof *c);
        m->counts = c;
        m->n_types = n;
    }
    m->counts[index_of(m, res->kind, res->op, res->outcome, type)]++;
    if (res->before == RETSIM_STATE_SOFT_DELETED && res->after != RETSIM_STATE_SOFT_DELETED) {
        double d = (double)(res->time - res->deletion_time);
        retsim_sojourn *s = &m->sojourn[res->kind];
        s->n++;
        s->sum_ms += d;
        s->sum_sq_ms += d * d;
    }
    return 0;
}

retsim_sojourn retsim_metrics_soft_deleted_time(const retsim_metrics *m, int kind)
{
    if (kind >= 0) {
        return m->sojourn[kind];
    }
    retsim_sojourn all = {0, 0, 0};
    for (int k = 0; k < m->n_kinds; k++) {
        all.n += m->sojourn[k].n;
        all.sum_ms += m->sojourn[k].sum_ms;
        all.sum_sq_ms += m->sojourn[k].sum_sq_ms;
    }
    return all;
}

void retsim_metrics_reset(retsim_metrics *m)
{
    if (m->counts != NULL) {
        memset(m->counts, 0, (size_t)m->n_types * block(m) * sizeof *m->counts);
    }
    memset(m->sojourn, 0, sizeof m->sojourn);
}

uint64_t retsim_metrics_count(const retsim_metrics *m, int kind, retsim_op op, retsim_outcome o,
                              uint32_t type)
{
    return type < m->n_types ? m->counts[index_of(m, kind, op, o, type)] : 0;
}

uint64_t retsim_metrics_total(const retsim_metrics *m, int kind, retsim_op op, retsim_outcome o)
{
    uint64_t sum = 0;
    for (uint32_t t = 0; t < m->n_types; t++) {
        sum += m->counts[index_of(m, kind, op, o, t)];
    }
    return sum;
}

void retsim_metrics_write_outcomes_header(FILE *out, bool replication_column)
{
    static const char *const header[] = {"replication", "kind", "op", "outcome", "sub_type", "count"};
    retsim_csv_row(out, header + !replication_column, replication_column ? 6 : 5);
}

int retsim_metrics_write_outcomes(const retsim_metrics *m, const retsim_registry *r, FILE *out)
{
    retsim_metrics_write_outcomes_header(out, false);
    return retsim_metrics_write_outcome_rows(m, r, out, NULL);
}

int retsim_metrics_write_outcome_rows(const retsim_metrics *m, const retsim_registry *r, FILE *out,
                                      const uint32_t *replication)
{
    /* types by name, so the file does not depend on the order they were first met in */
    uint32_t *order = malloc((m->n_types ? m->n_types : 1) * sizeof *order);
    if (order == NULL) {
        return RETSIM_ENOMEM;
    }
    for (uint32_t t = 0; t < m->n_types; t++) {
        uint32_t i = t;
        while (i > 0 && strcmp(retsim_registry_sub_type_name(r, order[i - 1]),
                               retsim_registry_sub_type_name(r, t)) > 0) {
            order[i] = order[i - 1];
            i--;
        }
        order[i] = t;
    }
    for (int k = 0; k < m->n_kinds; k++) {
        for (int op = 0; op < RETSIM_OP_COUNT; op++) {
            for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
                for (uint32_t j = 0; j < m->n_types; j++) {
                    uint32_t t = order[j];
                    uint64_t c = m->counts[index_of(m, k, (retsim_op)op, (retsim_outcome)o, t)];
                    if (c == 0) {
                        continue;
                    }
                    char count[24];
                    snprintf(count, sizeof count, "%" PRIu64, c);
                    const char *row[] = {retsim_registry_policy(r, k)->kind, retsim_op_name((retsim_op)op),
                                         retsim_outcome_name((retsim_outcome)o),
                                         retsim_registry_sub_type_name(r, t), count};
                    if (replication != NULL) {
                        fprintf(out, "%" PRIu32 ",", *replication);
                    }
                    retsim_csv_row(out, row, 5);
                }
            }
        }
    }
    free(order);
    return ferror(out) ? RETSIM_EIO : 0;
}

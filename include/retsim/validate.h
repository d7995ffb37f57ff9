/* retsim/validate.h — a replay checked against what the service answered.
 *
 * A trace imported from an activity log carries the service's answer to each
 * request in its recorded_outcome column (retsim/trace.h). For every row with
 * a known recorded outcome, the replay hands retsim's result and the recorded
 * answer here: they agree when both succeeded or both failed. retsim's
 * outcome counts as succeeded for ok, updated, soft_deleted and hard_deleted
 * (the request did what it asked), as failed for every refusal (conflicts,
 * not_found, expired, forbidden, rejected, ...); docs/semantics.md,
 * "Validation".
 *
 * Output: validation.csv, a confusion table per kind and op
 * (kind,op,retsim_outcome_class,recorded,count,agreement: four rows per kind
 * and op that had a recorded answer, agreement the share of its rows that
 * agree), and disagreements.csv, one row per disagreement in trace order
 * (line,time,op,kind,subscription,parent,name,retsim_outcome,reason,detail,
 * recorded_outcome), reason being retsim_result_reason's code and detail
 * retsim_events_detail's words.
 *
 * Cost: O(1) per compared row plus, for a disagreement, one detail string
 * and one CSV row. Memory: fixed (about 8 KB), whatever the trace.
 * Not thread-safe; one per replay. */
#ifndef RETSIM_VALIDATE_H
#define RETSIM_VALIDATE_H

#include "retsim/events.h"
#include "retsim/registry.h"
#include "retsim/trace.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define RETSIM_VALIDATE_FIRST 5 /* disagreements kept for the terminal */

/* One disagreement, cut to fit, for a summary line. */
typedef struct retsim_validate_disagreement {
    long line; /* of the trace */
    char op[16];
    char kind[32];
    char name[96];
    char outcome[32];  /* retsim's */
    char reason[48];   /* retsim_result_reason's code */
    char recorded[64]; /* the recorded_outcome field */
} retsim_validate_disagreement;

/* What a caller shows: how many rows were compared, how many agree, the first few that do not. */
typedef struct retsim_validation {
    uint64_t compared; /* rows with a known recorded outcome that were applied */
    uint64_t agreed;
    int n_first; /* 0 .. RETSIM_VALIDATE_FIRST */
    retsim_validate_disagreement first[RETSIM_VALIDATE_FIRST];
} retsim_validation;

typedef struct retsim_validate retsim_validate;

/* A fresh comparison with nothing counted; NULL when out of memory. */
retsim_validate *retsim_validate_create(void);
void retsim_validate_destroy(retsim_validate *v); /* NULL-safe */

/* Does retsim's outcome count as succeeded? (ok, updated, soft_deleted, hard_deleted) */
bool retsim_validate_succeeded(retsim_outcome o);

/* The header of disagreements.csv. */
void retsim_validate_write_disagreements_header(FILE *out);

/* Count one applied row: res is retsim's answer to it (r as it is right after
 * res, for the detail), rec its recorded answer (cls not UNKNOWN). A
 * disagreement is written to `disagreements` (may be NULL: counted only)
 * with times as clock says. */
void retsim_validate_add(retsim_validate *v, const retsim_registry *r, const retsim_result *res,
                         const retsim_trace_row *row, const retsim_trace_recorded *rec,
                         const retsim_events_clock *clock, FILE *disagreements);

/* validation.csv: header and the confusion table, kinds in r's order, ops in retsim_op order. */
void retsim_validate_write(const retsim_validate *v, const retsim_registry *r, FILE *out);

/* The totals and the first disagreements. */
const retsim_validation *retsim_validate_summary(const retsim_validate *v);

#endif

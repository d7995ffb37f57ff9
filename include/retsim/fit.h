/* retsim/fit.h — a [workload.<kind>] section estimated from a trace.
 *
 * What is estimated, per kind, from the requests of a trace (not their
 * results: a trace has none):
 *   - arrivals: the rate of new names (a name's first row is a create), a
 *     homogeneous Poisson rate over the observed span, with its exact 95% CI
 *     (chi-square quantiles of the Poisson count);
 *   - lifetime: create -> the owner's delete, for the first instance of each
 *     name. A delete the owner later restores (before the name is created
 *     again) was an accident and does not end the life. An instance still
 *     alive at the end of the span is right-censored there. Fitted by maximum
 *     likelihood for exponential (closed form: events / total exposure),
 *     lognormal, Weibull and gamma (GSL Nelder-Mead simplex on log-parameters;
 *     a censored gamma time adds log Q(shape, t / scale), the regularised
 *     upper incomplete gamma function), the best by AIC. Parameter CIs from
 *     the observed information (numerical Hessian of the log-likelihood at
 *     the MLE, on log-parameters, so the CIs are positive); the KS distance
 *     is the largest gap between the fitted CDF and the Kaplan-Meier
 *     estimate of the CDF at its jumps (both sides), up to the last event:
 *     on uncensored data the ordinary KS statistic;
 *   - accidents: deletes the owner restored later, as a rate per active
 *     instance-day (Poisson CI), and the restore delay (delete to restore),
 *     fitted like the lifetime. A trace holds requests, so a late restore is
 *     seen too: the delays are not censored by the retention;
 *   - daily and weekly arrival profiles, purge, recreate (and from another
 *     subscription) probabilities and delays, retry interval and limit, and
 *     per_parent children: see retsim_fit_kind.
 * Durations are in days throughout this interface.
 *
 * Cost: reading is O(rows) time and O(names) memory (one entry per name);
 * each fit is O(n log n) for the sort plus O(n) per likelihood evaluation
 * (a few thousand evaluations at most). The library never prints; the
 * writer writes to the stream it is given. Not thread-safe per result. */
#ifndef RETSIM_FIT_H
#define RETSIM_FIT_H

#include "retsim/error.h"
#include "retsim/time.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A Poisson rate: n events over exposure_days. */
typedef struct retsim_fit_rate {
    uint64_t n;
    double exposure_days;
    double per_day, lo, hi; /* estimate and exact 95% CI, per day */
} retsim_fit_rate;

/* n events over exposure_days (> 0): the rate and its exact 95% CI
 * (lo = 0 when n = 0). RETSIM_EUSAGE for exposure <= 0 or not finite. */
int retsim_fit_rate_of(uint64_t n, double exposure_days, retsim_fit_rate *out, retsim_error *err);

/* A probability: k of n, with the Wilson 95% score interval (good at small
 * n and near 0 or 1, unlike the normal one). n = 0: p = 0, CI 0-1. */
typedef struct retsim_fit_prob {
    uint64_t k, n;
    double p, lo, hi;
} retsim_fit_prob;

void retsim_fit_prob_of(uint64_t k, uint64_t n, retsim_fit_prob *out);

/* An arrival profile: n slots (24 UTC hours of the day, or 7 days of the
 * week, Monday first), count[i] arrivals over exposure_days[i] of observed
 * time falling in slot i (a trace's partial first and last days and weeks
 * give some slots more time than others: the rates divide by it). */
typedef struct retsim_fit_profile {
    int n;   /* 24 or 7 */
    bool ok; /* every slot was observed for some time and there is an arrival */
    uint64_t count[24];
    double exposure_days[24];
    /* rate / mean rate over the slots (mean 1); exact Poisson CIs, each at
     * 1 - 0.05 / n (Bonferroni), so that all n hold together with 95% */
    double weight[24], lo[24], hi[24];
    double chi2, p; /* Pearson's test against a flat profile, n - 1 d.f. */
} retsim_fit_profile;

/* The time of each slot over [shift_ms, shift_ms + span_ms), slots of
 * slot_ms cycling n: slot = (instant / slot_ms) mod n. Zeroes p first; a
 * cost of O(span_ms / slot_ms). */
void retsim_fit_profile_exposure(retsim_fit_profile *p, int n, int64_t slot_ms, int64_t shift_ms,
                                 int64_t span_ms);
/* From count and exposure_days: weights, CIs and the test into p. */
void retsim_fit_profile_finish(retsim_fit_profile *p);

typedef enum {
    RETSIM_FIT_EXP,
    RETSIM_FIT_LOGNORMAL,
    RETSIM_FIT_WEIBULL,
    RETSIM_FIT_GAMMA,
    RETSIM_FIT_FAMILIES
} retsim_fit_family;

/* One family's fit. p[0], p[1]:
 *   exp: mean (days), unused;  lognormal: median (days), sigma;
 *   weibull: scale (days), shape;  gamma: scale (days), shape.
 * lo/hi: their 95% CIs. */
typedef struct retsim_fit_model {
    retsim_fit_family family;
    bool ok; /* the fit converged (false: too few events, or no convergence) */
    int n_params;
    double p[2], lo[2], hi[2];
    double loglik, aic, ks;
} retsim_fit_model;

typedef struct retsim_fit_lifetime {
    size_t n;      /* instances */
    size_t events; /* of them, ended by the owner's delete; the others are censored */
    retsim_fit_model model[RETSIM_FIT_FAMILIES];
    int best; /* the index in model of the lowest AIC among those ok; -1: none */
} retsim_fit_lifetime;

/* Fit t_days[i] (> 0; 0 is taken as one millisecond), observed[i] true for
 * an event and false for a censored time, i < n. Needs at least 2 events
 * (RETSIM_EINPUT otherwise). RETSIM_ENOMEM. */
int retsim_fit_lifetime_of(const double *t_days, const bool *observed, size_t n, retsim_fit_lifetime *out,
                           retsim_error *err);

/* One kind's estimates. */
typedef struct retsim_fit_kind {
    char kind[64];
    retsim_fit_rate arrivals;
    bool has_lifetime; /* at least 2 deletes ended a life */
    retsim_fit_lifetime lifetime;
    /* accidents: the owner's deletes the owner restored later, per active
     * instance-day (first instances, time deleted by accidents left out).
     * An accident never restored looks like the owner's delete, so this is
     * the rate of noticed accidents (accidental_deletes x notice_probability). */
    bool has_accidents;
    retsim_fit_rate accidents;
    bool has_restore_delay;            /* at least 2 restored accidents */
    retsim_fit_lifetime restore_delay; /* accident to restore, days, uncensored */
    /* Arrival profiles of new names (times shifted so that a duration trace
     * starts on a Monday 00:00 UTC, as the generator's; an ISO trace at its
     * first row's instant). */
    retsim_fit_profile daily, weekly;
    /* After an intentional delete (an owner's delete never restored; of any
     * instance, not the first only): a purge of the name by the deleter
     * before the name's next delete, and the name's next create, by anyone.
     * Deletes later than the longest observed delay before the end are left
     * out of the probabilities (their outcome may lie past the trace);
     * window_days says how much that was. A delete repeated by its caller
     * (a refusal retried) counts once, from the last repeat. */
    retsim_fit_prob purge, recreate, recreate_other; /* other: of the recreates, by another subscription */
    /* of the purge (restore) requests, those whose caller held the permission:
     * every one but those whose options say purge_permission=false
     * (restore_permission=false), as generate writes them */
    retsim_fit_prob purge_permission, restore_permission;
    double purge_window_days, recreate_window_days;
    bool has_purge_delay, has_recreate_delay;        /* at least 2 delays */
    retsim_fit_lifetime purge_delay, recreate_delay; /* days, from the (last repeated) delete */
    /* Retries: a create (or delete) of a name repeated by the same caller
     * with no delete (or create, restore) between. The interval is the most
     * frequent spacing of repeats (a fixed retry interval repeats exactly, to
     * the millisecond); the limit the longest run of repeats at it: a lower
     * bound, exact when some run was refused to the end. */
    bool has_retry; /* at least 2 repeats at one spacing */
    double retry_interval_days;
    uint64_t retry_at_interval, retry_repeats; /* repeats at that spacing, of all repeats */
    uint32_t retry_limit;
    uint64_t retry_at_limit; /* runs that reached the limit */
    /* Children created in their parent's very instant (a name whose parent
     * path names an entry first created at the same millisecond): the
     * generator's per_parent. They are left out of arrivals and profiles.
     * parents: every name of parent_kind; min/max/mean: children each got. */
    bool has_per_parent;
    char parent_kind[64];
    uint64_t parents;
    uint32_t per_parent_min, per_parent_max;
    double per_parent_mean;
} retsim_fit_kind;

typedef struct retsim_fit_options {
    const char *kind;    /* only this kind; NULL: every kind in the trace */
    retsim_time horizon; /* the end of observation; 0: the last row's time */
    /* The retention of the kind(s), when known (0: unknown, every restore
     * succeeds): a restore this late after the owner's delete failed, so the
     * instance ended there, by accident: its lifetime is censored at the delete. */
    retsim_time retention;
} retsim_fit_options;

typedef struct retsim_fit_result {
    retsim_fit_kind *kinds; /* in the order of their first row */
    size_t n_kinds;
    uint64_t rows;
    retsim_time span; /* the observed span: options' horizon or the last row's time */
} retsim_fit_result;

/* Read the trace at path and fit every kind (or o->kind; every kind's rows
 * are still followed, for the parents of o->kind). RETSIM_EINPUT for
 * a bad trace, a horizon before the last row, or no create of the kind;
 * RETSIM_ENOMEM. On success free *out with retsim_fit_result_free. */
int retsim_fit_trace(const char *path, const retsim_fit_options *o, retsim_fit_result *out,
                     retsim_error *err);
void retsim_fit_result_free(retsim_fit_result *r); /* NULL-safe */

/* Write the [workload.<kind>] sections, each estimate with n, CI and fit
 * quality as INI comments, in the syntax the scenario reader takes. */
void retsim_fit_write_ini(FILE *out, const retsim_fit_result *r, const char *trace_name);

#endif

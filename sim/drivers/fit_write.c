/* retsim fit's writer: the fitted [workload.<kind>] sections as INI, each
 * estimate with its n, CI and fit quality in comments (retsim/fit.h). */
#include "retsim/fit.h"

#include <inttypes.h>
#include <string.h>

static const char *const family_name[RETSIM_FIT_FAMILIES] = {"exp", "lognormal", "weibull", "gamma"};

/* A duration in days as the scenario reader takes it: whole ms. */
static void days_text(double days, char *buf, size_t size)
{
    retsim_time_format(retsim_time_from_double(days * (double)RETSIM_MS_PER_DAY), buf, size);
}

static void write_model(FILE *out, const retsim_fit_model *m, bool best)
{
    static const char *const p1[RETSIM_FIT_FAMILIES] = {"", "sigma", "shape", "shape"};
    static const char *const p0[RETSIM_FIT_FAMILIES] = {"mean", "median", "scale", "scale"};
    if (!m->ok) {
        fprintf(out, ";   %s: did not converge\n", family_name[m->family]);
        return;
    }
    fprintf(out, ";   %s: %s = %.6gd, 95%% CI %.6g–%.6gd", family_name[m->family], p0[m->family], m->p[0],
            m->lo[0], m->hi[0]);
    if (m->n_params == 2) {
        fprintf(out, "; %s = %.6g, 95%% CI %.6g–%.6g", p1[m->family], m->p[1], m->lo[1], m->hi[1]);
    }
    fprintf(out, "; AIC %.2f, KS %.4f%s\n", m->aic, m->ks, best ? " (best by AIC)" : "");
}

/* The families' fits as comments and the best as `key = dist`. */
static void write_dist(FILE *out, const char *key, const retsim_fit_lifetime *l)
{
    for (int f = 0; f < RETSIM_FIT_FAMILIES; f++) {
        write_model(out, &l->model[f], f == l->best);
    }
    if (l->best < 0) {
        fprintf(out, "; no family converged: %s left unset\n", key);
        return;
    }
    const retsim_fit_model *m = &l->model[l->best];
    char d[64];
    days_text(m->p[0], d, sizeof d);
    if (m->family == RETSIM_FIT_EXP) {
        fprintf(out, "%s = exp(mean=%s)\n", key, d);
    } else if (m->family == RETSIM_FIT_LOGNORMAL) {
        fprintf(out, "%s = lognormal(median=%s, sigma=%.6g)\n", key, d, m->p[1]);
    } else if (m->family == RETSIM_FIT_WEIBULL) {
        fprintf(out, "%s = weibull(scale=%s, shape=%.6g)\n", key, d, m->p[1]);
    } else {
        fprintf(out, "%s = gamma(shape=%.6g, scale=%s)\n", key, m->p[1], d);
    }
}

static void write_accidents(FILE *out, const retsim_fit_kind *fk)
{
    /* Comment lines stay short: the scenario reader takes lines of at most 197 bytes. */
    const retsim_fit_rate *a = &fk->accidents;
    fprintf(out,
            "; accidents (deletes the owner restored): n = %" PRIu64 " over %.6g active instance-days, "
            "95%% CI %.6g–%.6g/d\n"
            "; (Poisson, exact); an accident never restored looks like the owner's delete, so this is\n"
            "; accidental_deletes x notice_probability\n",
            a->n, a->exposure_days, a->lo, a->hi);
    fprintf(out, "accidental_deletes = %.6g/d\n", a->per_day);
    if (a->n == 0) {
        return;
    }
    fputs("notice_probability = 1\n", out);
    if (fk->has_restore_delay) {
        fprintf(out,
                "; restore delay (accident to restore): n = %zu, none censored (a trace holds late restores "
                "too)\n",
                fk->restore_delay.n);
        write_dist(out, "restore_delay", &fk->restore_delay);
    }
}

/* A profile: the test, and the weights only when flatness is rejected at 1%. */
static void write_profile(FILE *out, const char *key, const retsim_fit_profile *p)
{
    static const char *const day[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    if (!p->ok) {
        fprintf(out, "; %s: no new names, or not every %s observed: not estimated\n", key,
                p->n == 7 ? "weekday" : "hour");
        return;
    }
    fprintf(out, "; %s: chi-square against flat %.4g on %d d.f., p = %.3g", key, p->chi2, p->n - 1, p->p);
    if (!(p->p < 0.01)) {
        fputs(": flat within noise (not rejected at 1%), left out\n", out);
        return;
    }
    fputs(": flatness rejected at 1%\n; weights (rate / mean rate), CIs (Poisson, exact) that hold together "
          "with 95%:",
          out);
    for (int i = 0; i < p->n; i++) {
        if (i % 6 == 0) {
            fputs("\n;  ", out);
        }
        if (p->n == 7) {
            fprintf(out, " %s", day[i]);
        } else {
            fprintf(out, " %02dh", i);
        }
        fprintf(out, " %.3f (%.3f–%.3f)", p->weight[i], p->lo[i], p->hi[i]);
    }
    fprintf(out, "\n%s =", key);
    for (int i = 0; i < p->n; i++) {
        fprintf(out, "%s %.3g", i == 0 ? "" : ",", p->weight[i]);
    }
    fputc('\n', out);
}

static void write_prob(FILE *out, const char *key, const retsim_fit_prob *p, const char *of)
{
    if (p->n == 0) {
        fprintf(out, "; %s: no %.*s to count: left unset\n", key, (int)strcspn(of, " "), of);
        return;
    }
    fprintf(out, "; %s: n = %" PRIu64 " of %" PRIu64 " %s, 95%% CI %.6g–%.6g (Wilson)\n", key, p->k, p->n, of,
            p->lo, p->hi);
    fprintf(out, "%s = %.6g\n", key, p->p);
}

/* Purge, recreate and retry estimates. */
static void write_after(FILE *out, const retsim_fit_kind *fk)
{
    if (fk->purge.n > 0) {
        fprintf(
            out,
            "; after an intentional delete (the deletes before the last %.6gd, the longest purge delay):\n",
            fk->purge_window_days);
    }
    write_prob(out, "purge_probability", &fk->purge, "deletes purged by the deleter");
    write_prob(out, "purge_permission_probability", &fk->purge_permission,
               "purges by a caller with the permission (purge_permission=false in the others' options)");
    if (fk->has_purge_delay) {
        fprintf(out, "; purge delay (delete to purge): n = %zu\n", fk->purge_delay.n);
        write_dist(out, "purge_delay", &fk->purge_delay);
    }
    if (fk->recreate.n > 0) {
        fprintf(out, "; (the deletes before the last %.6gd, the longest recreate delay):\n",
                fk->recreate_window_days);
    }
    write_prob(out, "recreate_probability", &fk->recreate, "deletes whose name was created again");
    if (fk->has_recreate_delay) {
        fprintf(out, "; recreate delay (delete to the first create of the name): n = %zu\n",
                fk->recreate_delay.n);
        write_dist(out, "recreate_delay", &fk->recreate_delay);
    }
    write_prob(out, "recreate_other_subscription_probability", &fk->recreate_other,
               "recreates by another subscription");
    if (fk->restore_permission.k < fk->restore_permission.n) { /* written only when some caller lacked it */
        write_prob(
            out, "restore_permission_probability", &fk->restore_permission,
            "restores by a caller with the permission (restore_permission=false in the others' options)");
    }
    if (!fk->has_retry) {
        fprintf(out,
                "; retries: %" PRIu64 " repeats of a create or delete by its caller, none at one spacing\n",
                fk->retry_repeats);
        return;
    }
    char d[64];
    days_text(fk->retry_interval_days, d, sizeof d);
    fprintf(out,
            "; retries: n = %" PRIu64 " of %" PRIu64 " repeats (a create or delete repeated by its caller) "
            "at exactly %s\n",
            fk->retry_at_interval, fk->retry_repeats, d);
    fprintf(out, "retry_interval = %s\n", d);
    fprintf(out,
            "; retry limit: the longest run at that spacing, reached by n = %" PRIu64 " runs: a lower bound\n"
            "; (exact when some run was refused to the end)\n",
            fk->retry_at_limit);
    fprintf(out, "retry_limit = %" PRIu32 "\n", fk->retry_limit);
}

/* How far to trust each estimate: said once, at the top of the file. */
static const char trust[] =
    ";\n"
    "; How much to trust these numbers (each has its n and 95% CI below):\n"
    "; - arrivals, lifetime, purge/recreate probabilities and delays: CIs are statistical only;\n"
    ";   they assume the trace is complete and its callers independent. Narrow CIs with n in\n"
    ";   the thousands are good to a few percent; with n below about 30, treat them as rough.\n"
    "; - lifetime: prefer the family with the lowest AIC AND a small KS (under about 0.02);\n"
    ";   a large KS for all four means none fits: the tail beyond the trace is a guess.\n"
    "; - accidents are only those the owner restored: unnoticed ones look like the owner's\n"
    ";   deletes (they shorten the lifetime, and dilute purge/recreate probabilities a little).\n"
    "; - profiles: written only when flatness is rejected at 1%; their CIs hold jointly.\n"
    "; - retry_interval is exact when the repeats share one spacing; retry_limit is the longest\n"
    ";   run seen, a lower bound. per_parent counts children made in the parent's instant.\n"
    "; - purge and recreate are read from rows, not outcomes: a refused purge still counts.\n";

void retsim_fit_write_ini(FILE *out, const retsim_fit_result *r, const char *trace_name)
{
    char span[64];
    retsim_time_format(r->span, span, sizeof span);
    fprintf(out, "; fitted by retsim fit from %s: %" PRIu64 " rows observed over %s\n", trace_name, r->rows,
            span);
    fputs(trust, out);
    for (size_t k = 0; k < r->n_kinds; k++) {
        const retsim_fit_kind *fk = &r->kinds[k];
        fprintf(out, "\n[workload.%s]\n", fk->kind);
        fprintf(out, "; new names: n = %" PRIu64 " over %.6gd, 95%% CI %.6g–%.6g/d (Poisson, exact)\n",
                fk->arrivals.n, fk->arrivals.exposure_days, fk->arrivals.lo, fk->arrivals.hi);
        fprintf(out, "arrivals = %.6g/d\n", fk->arrivals.per_day);
        if (fk->has_per_parent) {
            fprintf(out,
                    "; children created with their %s parent: %.6g each on average over n = %" PRIu64
                    " parents (min %" PRIu32 ", max %" PRIu32 "%s)\n",
                    fk->parent_kind, fk->per_parent_mean, fk->parents, fk->per_parent_min, fk->per_parent_max,
                    fk->per_parent_min == fk->per_parent_max ? ": exact" : "");
            fprintf(out, "per_parent = %.0f\n", fk->per_parent_mean);
        }
        write_profile(out, "daily_profile", &fk->daily);
        write_profile(out, "weekly_profile", &fk->weekly);
        if (fk->has_lifetime) {
            const retsim_fit_lifetime *l = &fk->lifetime;
            fprintf(
                out,
                "; lifetime: n = %zu instances, %zu ended by the owner's delete, %zu censored at the end\n"
                "; (maximum likelihood; KS against the Kaplan-Meier curve)\n",
                l->n, l->events, l->n - l->events);
            write_dist(out, "lifetime", l);
        } else {
            fputs("; lifetime: fewer than 2 deletes ended a life, not fitted (none: kept)\n", out);
        }
        if (fk->has_accidents) {
            write_accidents(out, fk);
        }
        write_after(out, fk);
    }
}

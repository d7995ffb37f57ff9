/* retsim replay and retsim check. */
#include "cli.h"
#include "retsim/manifest.h"
#include "retsim/replay.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char replay_help[] =
    "usage: retsim replay SCENARIO TRACE [--out DIR] [--until TIME] [--set section.key=value]...\n"
    "\n"
    "Replay a recorded workload against the scenario's retention rules and say,\n"
    "operation by operation, what the service would answer.\n"
    "\n"
    "  SCENARIO        scenario file (INI), e.g. scenarios/apim.ini\n"
    "  TRACE           CSV with a header row; columns time,op,kind,subscription,name\n"
    "                  and optionally tenant,sub_type,parent,region,api_version,options\n"
    "                  (a row may leave off trailing optional fields)\n"
    "  --out DIR       output folder (default: out); created if missing\n"
    "  --until TIME    stop the clock at TIME (e.g. 365d) instead of running every\n"
    "                  automatic purge still pending after the last row; rows\n"
    "                  after TIME are not applied (the summary says how many)\n"
    "  --set K=V       override a scenario key, e.g. --set policy.apim.retention=7d\n"
    "\n"
    "Trace rows: time is a duration since the start (90s, 48h, 1d2h) or an ISO-8601\n"
    "UTC timestamp; rows in time order, equal times in file order. op is one of\n"
    "create delete restore purge get_deleted list_deleted set_policy. parent is the\n"
    "parent's path from the top (g1/img1). options holds key=value pairs split by ';':\n"
    "  create:     provisioning=succeeded|failed  soft_delete=on|off\n"
    "              retention=7d  purge_protection=on|off\n"
    "  delete:     retention=30d  force=true|false\n"
    "  restore:    restore_permission=true|false\n"
    "  purge:      purge_permission=true|false\n"
    "  set_policy: soft_delete=on|off  retention=7d  purge_protection=on|off\n"
    "              applies_to=new_deletes|all_soft_deleted\n"
    "A set_policy row with empty subscription and name applies to the whole kind.\n"
    "\n"
    "A reservation drawn from a distribution is drawn from [simulation] seed: to\n"
    "replay a run made with --seed N, add --set simulation.seed=N.\n"
    "A trace with a recorded_outcome column (succeeded, failed or failed:CODE, as\n"
    "retsim import writes it) is checked against retsim's answers: validation.csv\n"
    "(per kind and op, retsim's succeeded/failed against the recorded one) and\n"
    "disagreements.csv (each row where they differ, with retsim's reason).\n"
    "Writes DIR/events.csv, outcomes.csv, summary.csv and manifest, all or nothing.\n"
    "Ctrl-C (or SIGTERM, SIGHUP) stops it and writes nothing.\n"
    "Exit codes: 0 ok, 1 runtime failure or interrupted, 2 bad usage or bad input.\n";

static const char check_help[] =
    "usage: retsim check SCENARIO [--set section.key=value]...\n"
    "\n"
    "Validate a scenario and print it resolved: every key of every kind with the\n"
    "value in force, defaults included, except the optional rules (retention_set_at,\n"
    "retention_min/max, force_delete, restore_needs_permission and their workload\n"
    "keys), shown only where set. Exit codes: 0 ok, 2 bad scenario.\n";

/* The validation line: how many recorded answers retsim agrees with, and the first that it does not. */
static void note_validation(const retsim_validation *v)
{
    if (v->compared == 0) {
        return;
    }
    char first[2048] = "";
    for (int i = 0; i < v->n_first; i++) {
        const retsim_validate_disagreement *d = &v->first[i];
        size_t len = strlen(first);
        snprintf(first + len, sizeof first - len, "%sline %ld %s %s %s: retsim %s (%s), recorded %s",
                 i > 0 ? "; " : "", d->line, d->op, d->kind, d->name, d->outcome, d->reason, d->recorded);
    }
    cli_note("validation: %" PRIu64 " of %" PRIu64 " answers agree (%.1f%%)%s%s\n", v->agreed, v->compared,
             100.0 * (double)v->agreed / (double)v->compared, v->n_first > 0 ? "; first disagreements: " : "",
             first);
}

/* A reservation.<type> no subscription of the trace has never applied: say so. */
static void warn_unmatched(const retsim_scenario *sc, const retsim_replay_stats *st)
{
    for (int i = 0; i < st->n_unmatched && i < RETSIM_REPLAY_MAX_UNMATCHED; i++) {
        const retsim_unmatched_reservation *u = &st->unmatched[i];
        char where[300];
        if (u->line > 0) {
            snprintf(where, sizeof where, "%s:%ld", sc->path, u->line);
        } else {
            snprintf(where, sizeof where, "--set");
        }
        fprintf(stderr,
                "retsim: warning: %s: 'reservation.%s' in [policy.%s] matched no subscription: no trace row "
                "has sub_type %s\n",
                where, u->sub_type, u->kind, u->sub_type);
    }
    if (st->n_unmatched > RETSIM_REPLAY_MAX_UNMATCHED) {
        fprintf(stderr, "retsim: warning: and %d more reservation keys matched no subscription\n",
                st->n_unmatched - RETSIM_REPLAY_MAX_UNMATCHED);
    }
}

int cli_replay(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse("replay", argc, argv, OPT_OUT | OPT_HORIZON, &a);
    if (rc != 0 || a.help) {
        cli_help(replay_help, rc);
        return rc;
    }
    if (a.n_positional != 2) {
        return cli_usage_error("replay", "expected SCENARIO and TRACE");
    }
    char trace[4096];
    a.positional[1] = cli_path_resolve(a.positional[1], trace, sizeof trace); /* an installed trace by name */
    retsim_scenario *sc = NULL;
    rc = cli_load_scenario(a.positional[0], &a, &sc);
    if (rc != 0) {
        return rc;
    }
    const char *out = a.out_dir != NULL ? a.out_dir : "out";
    retsim_error err;
    retsim_error_clear(&err);
    retsim_replay_stats st = {0};
    retsim_time until;
    if (cli_until("replay", &a, &until) != 0) {
        retsim_scenario_destroy(sc);
        return CLI_BAD_INPUT;
    }
    retsim_provenance prov;
    cli_provenance("replay", &a, &prov);
    const volatile int *stop = cli_stop_flag(); /* Ctrl-C, SIGTERM, SIGHUP: stop, write nothing, exit 1 */
    if (retsim_replay_to_dir_stop(sc, a.positional[1], out, until, stop, &prov, &st, &err) != 0) {
        rc = cli_fail(&err);
    } else {
        char end[64];
        retsim_time_format(st.end_time, end, sizeof end);
        cli_note("replayed %" PRIu64 " operation%s and %" PRIu64 " automatic purge%s; clock ends at %s\n",
                 st.rows, st.rows == 1 ? "" : "s", st.auto_purges, st.auto_purges == 1 ? "" : "s", end);
        if (st.rows_after_until > 0) {
            cli_note("%" PRIu64 " trace row%s after --until %s %s not applied\n", st.rows_after_until,
                     st.rows_after_until == 1 ? "" : "s", a.horizon,
                     st.rows_after_until == 1 ? "was" : "were");
        }
        cli_note("wrote %s/events.csv, outcomes.csv, summary.csv, manifest%s\n", out,
                 st.validation.compared > 0 ? ", validation.csv, disagreements.csv" : "");
        note_validation(&st.validation);
        warn_unmatched(sc, &st);
    }
    retsim_scenario_destroy(sc);
    return rc;
}

int cli_check(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse("check", argc, argv, 0, &a);
    if (rc != 0 || a.help) {
        cli_help(check_help, rc);
        return rc;
    }
    if (a.n_positional != 1) {
        return cli_usage_error("check", "expected one SCENARIO");
    }
    retsim_scenario *sc = NULL;
    rc = cli_load_scenario(a.positional[0], &a, &sc);
    if (rc != 0) {
        return rc;
    }
    retsim_error err;
    retsim_error_clear(&err);
    /* what run would refuse, check refuses too; a scenario without a workload
     * is for replay, where the trace brings the subscription types */
    if (retsim_scenario_has_workload(sc) && retsim_scenario_check_generated(sc, &err) != 0) {
        retsim_scenario_destroy(sc);
        return cli_fail(&err);
    }
    rc = retsim_scenario_write(sc, stdout) == 0 ? CLI_OK : CLI_FAILURE;
    retsim_scenario_destroy(sc);
    return rc;
}

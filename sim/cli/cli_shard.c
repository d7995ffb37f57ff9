/* --shard K/N (run --replications, sweep, compare): one slice of the task
 * list into a part folder; and retsim merge: the parts back into the outputs
 * the unsharded command writes, by the same drivers and writers. */
#include "cli.h"
#include "retsim/compare.h"
#include "retsim/experiment.h"
#include "retsim/manifest.h"
#include "retsim/shard.h"
#include "retsim/sweep.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char merge_help[] =
    "usage: retsim merge PART... -o OUT [--force]\n"
    "\n"
    "Put together the part folders of a run split with --shard K/N (run\n"
    "--replications, sweep or compare, e.g. a batch scheduler's array job) and\n"
    "write OUT: the same files, byte for byte, as the command without --shard\n"
    "writes with --out OUT. The parts may be given in any order; they must come\n"
    "from the same command line (apart from --shard and --out), scenario and\n"
    "seed, with every shard 1..N exactly once and each of its tasks whole.\n"
    "Nothing is simulated again; the scenario must still resolve as it did when\n"
    "the parts ran (merge where the shards ran: a relative SCENARIO path is read\n"
    "from the working folder).\n"
    "\n"
    "  -o, --out OUT  the output folder (required)\n"
    "  --force        replace OUT if it exists (only if retsim wrote it)\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or parts that do not make\n"
    "one whole run (the message names the part and what is wrong; nothing written).\n";

/* The options whose value is the next argument (when not given as --opt=V). */
static bool takes_value(const char *arg)
{
    static const char *const names[] = {"--set",  "--vary", "--set-a",     "--set-b", "--out",
                                        "-o",     "--seed", "--trace-out", "--until", "--replications",
                                        "--jobs", "-j",     "--format",    "--shard"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(arg, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Where --out's value is among the arguments kept: (index, what precedes it). */
static void note_out(const char *arg, int kept, bool separate, retsim_shard_info *info)
{
    info->out_arg = kept;
    info->argv[kept] = (char *)""; /* the parts' folders differ; merge puts OUT here */
    const char *prefix = separate ? "" : strncmp(arg, "--out=", 6) == 0 ? "--out=" : "-o";
    snprintf(info->out_prefix, sizeof info->out_prefix, "%s", prefix);
}

/* The command's arguments without --shard K/N, for the part's manifest: the
 * merged outputs' provenance is the unsharded command's. */
static int record_args(const cli_args *a, retsim_shard_info *info)
{
    info->argv = calloc((size_t)a->argc + 1, sizeof *info->argv);
    if (info->argv == NULL) {
        return -1;
    }
    info->out_arg = -1;
    bool options_end = false;
    for (int i = 0; i < a->argc; i++) {
        char *arg = a->argv[i];
        bool option = !options_end && arg[0] == '-' && arg[1] != '\0';
        options_end |= !options_end && strcmp(arg, "--") == 0;
        if (option && (strcmp(arg, "--shard") == 0 || strncmp(arg, "--shard=", 8) == 0)) {
            i += strcmp(arg, "--shard") == 0 ? 1 : 0;
            continue;
        }
        info->argv[info->argc++] = arg;
        bool out = option && (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0);
        if (option && !out &&
            (strncmp(arg, "--out=", 6) == 0 || (strncmp(arg, "-o", 2) == 0 && arg[2] != '\0'))) {
            note_out(arg, info->argc - 1, false, info);
        }
        if (option && takes_value(arg) && i + 1 < a->argc) {
            info->argv[info->argc++] = a->argv[++i];
            if (out) {
                note_out(arg, info->argc - 1, true, info);
            }
        }
    }
    return 0;
}

/* The scenario as resolved (retsim_scenario_write), malloc'd; NULL: out of memory. */
static char *scenario_text(const retsim_scenario *sc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m == NULL) {
        return NULL;
    }
    retsim_scenario_write(sc, m);
    if (fclose(m) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The driver of command, on o (its executor set): the slice's tasks run. */
static int run_slice(const char *command, const cli_args *a, const retsim_scenario *sc,
                     const retsim_experiment_options *o, const retsim_vary *vary, int n_vary,
                     retsim_error *err)
{
    int rc = 0;
    if (strcmp(command, "sweep") == 0) {
        retsim_sweep *s = NULL;
        rc = retsim_sweep_run(sc, vary, n_vary, o, &s, err);
        retsim_sweep_destroy(s);
    } else if (strcmp(command, "compare") == 0) {
        retsim_experiment *ea = NULL, *eb = NULL;
        rc = retsim_compare_run(sc, a->set_a, a->n_set_a, a->set_b, a->n_set_b, o, &ea, &eb, err);
        retsim_experiment_destroy(ea);
        retsim_experiment_destroy(eb);
    } else {
        retsim_experiment *e = NULL;
        rc = retsim_experiment_run(sc, o, &e, err);
        retsim_experiment_destroy(e);
    }
    return rc;
}

/* The specs of the run, as lines for people reading the part's manifest. */
static size_t spec_lines(const cli_args *a, char keys[][32], const char **values, size_t max)
{
    const struct {
        const char *name;
        const char *const *list;
        int n;
    } specs[] = {{"set", a->sets, a->n_sets},
                 {"vary", a->vary, a->n_vary},
                 {"set_a", a->set_a, a->n_set_a},
                 {"set_b", a->set_b, a->n_set_b}};
    size_t n = 0;
    for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
        for (int i = 0; i < specs[s].n && n < max; i++, n++) {
            snprintf(keys[n], sizeof keys[n], "%s.%d", specs[s].name, i + 1);
            values[n] = specs[s].list[i];
        }
    }
    return n;
}

static int write_part(const char *command, const cli_args *a, const retsim_scenario *sc,
                      const retsim_experiment_options *o, const retsim_shard_frames *frames, const char *out,
                      retsim_error *err)
{
    retsim_shard_info info = {.shard_k = o->shard_k,
                              .shard_n = o->shard_n,
                              .tasks = frames->tasks,
                              .replications = o->replications,
                              .seed = o->seed};
    snprintf(info.command, sizeof info.command, "%s", command);
    info.scenario = scenario_text(sc);
    char keys[4 * CLI_MAX_LIST][32];
    const char *values[4 * CLI_MAX_LIST], *key_ptrs[4 * CLI_MAX_LIST];
    size_t n = spec_lines(a, keys, values, 4 * CLI_MAX_LIST);
    for (size_t i = 0; i < n; i++) {
        key_ptrs[i] = keys[i];
    }
    int rc = info.scenario == NULL || record_args(a, &info) != 0
                 ? retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory")
                 : retsim_shard_write(out, &info, key_ptrs, values, n, frames, err);
    free(info.argv);
    free(info.scenario);
    return rc;
}

int cli_shard_run(const char *command, const cli_args *a, const retsim_scenario *sc,
                  retsim_experiment_options *o, const retsim_vary *vary, int n_vary)
{
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_shard_parse(a->shard, &o->shard_k, &o->shard_n, &err) != 0) {
        return cli_fail(&err);
    }
    if (cli_executor() != NULL) { /* every rank would run and write the same slice */
        return cli_usage_error(command,
                               "--shard is for batch schedulers without MPI: under mpirun the ranks "
                               "share the tasks already (drop --shard, or run one process per shard)");
    }
    if (strcmp(command, "run") == 0 && o->replications < 2) {
        return cli_usage_error(command, "--shard splits --replications N (N >= 2) into slices");
    }
    const char *out = a->out_dir != NULL ? a->out_dir : "out";
    if (cli_check_out(out) != 0) {
        return CLI_BAD_INPUT;
    }
    retsim_shard_frames frames = {0};
    retsim_executor ex;
    retsim_shard_collector(&frames, &ex);
    o->exec = &ex;
    int rc = run_slice(command, a, sc, o, vary, n_vary, &err);
    if (rc == 0) {
        rc = write_part(command, a, sc, o, &frames, out, &err);
    }
    if (rc == 0) {
        cli_note("shard %" PRIu32 "/%" PRIu32 ": %" PRIu32 " of %" PRIu32
                 " tasks; wrote %s/shard, scenario.ini, "
                 "tasks.bin (retsim merge puts the parts together)\n",
                 o->shard_k + 1, o->shard_n, frames.count, frames.tasks, out);
    }
    retsim_shard_frames_free(&frames);
    return rc != 0 ? cli_fail(&err) : CLI_OK;
}

/* The parts' command line, with OUT as --out's value, parsed as the command
 * parsed it. argv (n + 1 pointers) and *outv are the caller's to free. */
static int parse_recorded(const retsim_shard_info *info, const char *out, char **argv, char **outv,
                          cli_args *a)
{
    for (int i = 0; i < info->argc; i++) {
        argv[i] = info->argv[i];
    }
    if (info->out_arg >= 0) {
        size_t len = strlen(info->out_prefix) + strlen(out) + 1;
        *outv = malloc(len);
        if (*outv == NULL) {
            fprintf(stderr, "retsim: out of memory\n");
            return CLI_FAILURE;
        }
        snprintf(*outv, len, "%s%s", info->out_prefix, out);
        argv[info->out_arg] = *outv;
    }
    const unsigned all = OPT_OUT | OPT_SEED | OPT_EVENTS | OPT_TRACE_OUT | OPT_REPLICATIONS | OPT_JOBS |
                         OPT_VARY | OPT_SIDES | OPT_FORCE | OPT_FORMAT;
    bool unpaired = false;
    const cli_option own[] = {{.name = "--unpaired", .flag = &unpaired}};
    if (cli_parse_own(info->command, info->argc, argv, all, own, 1, a) != 0 || a->n_positional != 1) {
        fprintf(stderr, "retsim merge: the parts' command line does not parse as a %s\n", info->command);
        return CLI_BAD_INPUT;
    }
    return 0;
}

/* The scenario as the parts' command loads it, which must resolve to the
 * text they recorded. 0 or an exit code (printed). */
static int reload(const retsim_shard_part *p, const cli_args *a, retsim_scenario **sc)
{
    int rc = cli_load_scenario(a->positional[0], a, sc);
    if (rc != 0) {
        return rc;
    }
    char *text = scenario_text(*sc);
    bool same = text != NULL && strcmp(text, p->info.scenario) == 0;
    free(text);
    if (!same) {
        fprintf(stderr,
                "retsim merge: %s resolves differently now than when %s ran (the file changed, or merge runs "
                "from another folder): nothing written\n",
                a->positional[0], p->dir);
        return CLI_BAD_INPUT;
    }
    return 0;
}

/* The experiments rebuilt from the parts (o's executor) and written by the
 * command's own writer into out. */
static int rebuild(const char *command, const cli_args *a, const retsim_scenario *sc,
                   const retsim_experiment_options *o, const char *out, retsim_error *err)
{
    retsim_provenance prov;
    cli_provenance(command, a, &prov);
    int rc = 0;
    if (strcmp(command, "sweep") == 0) {
        retsim_vary vary[RETSIM_MAX_VARY];
        for (int i = 0; rc == 0 && i < a->n_vary && i < RETSIM_MAX_VARY; i++) {
            rc = retsim_vary_parse(a->vary[i], &vary[i], err);
        }
        retsim_sweep *s = NULL;
        rc = rc == 0 ? retsim_sweep_run(sc, vary, a->n_vary, o, &s, err) : rc;
        rc = rc == 0 ? retsim_sweep_write(sc, s, out, &prov, err) : rc;
        retsim_sweep_destroy(s);
    } else if (strcmp(command, "compare") == 0) {
        retsim_experiment *ea = NULL, *eb = NULL;
        rc = retsim_compare_run(sc, a->set_a, a->n_set_a, a->set_b, a->n_set_b, o, &ea, &eb, err);
        rc = rc == 0 ? retsim_compare_report(ea, eb, RETSIM_COMPARE_PAIRED, out, NULL, &prov, err) : rc;
        retsim_experiment_destroy(ea);
        retsim_experiment_destroy(eb);
    } else {
        retsim_experiment *e = NULL;
        rc = retsim_experiment_run(sc, o, &e, err);
        rc = rc == 0 ? retsim_experiment_write(sc, e, out, &prov, err) : rc;
        retsim_experiment_destroy(e);
    }
    return rc;
}

/* Checked parts into OUT. 0 or an exit code (printed). */
static int merge_parts(const retsim_shard_part *parts, size_t n, const char *out)
{
    const retsim_shard_info *info = &parts[0].info;
    char **argv = calloc((size_t)info->argc + 1, sizeof *argv);
    char *outv = NULL;
    cli_args a;
    retsim_scenario *sc = NULL;
    int rc = argv == NULL ? CLI_FAILURE : parse_recorded(info, out, argv, &outv, &a);
    rc = rc == 0 ? reload(&parts[0], &a, &sc) : rc;
    retsim_experiment_options o;
    rc = rc == 0
             ? cli_experiment_options(info->command, &a, sc, strcmp(info->command, "run") == 0 ? 1 : 10, &o)
             : rc;
    if (rc == 0 && (o.seed != info->seed || o.replications != info->replications)) {
        fprintf(stderr, "retsim merge: the parts' command line gives another seed or replications than "
                        "they record\n");
        rc = CLI_BAD_INPUT;
    }
    if (rc == 0) {
        retsim_shard_set set = {parts, n};
        retsim_executor ex;
        retsim_shard_replayer(&set, &ex);
        o.exec = &ex;
        o.progress = NULL;
        o.keep_rows = strcmp(info->command, "run") == 0; /* as run --replications asks */
        retsim_error err;
        retsim_error_clear(&err);
        rc = rebuild(info->command, &a, sc, &o, out, &err) != 0 ? cli_fail(&err) : CLI_OK;
    }
    retsim_scenario_destroy(sc);
    free(outv);
    free(argv);
    return rc;
}

/* Refuse an existing OUT without --force, before reading any part. */
static int check_target(const cli_args *a)
{
    if (a->out_dir == NULL) {
        return cli_usage_error("merge", "give the output folder with -o OUT");
    }
    struct stat st;
    if (!a->force && lstat(a->out_dir, &st) == 0) {
        return cli_usage_error("merge", "%s exists; give --force to replace it", a->out_dir);
    }
    return cli_check_out(a->out_dir);
}

int cli_merge(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse("merge", argc, argv, OPT_OUT | OPT_FORCE, &a);
    if (rc != 0 || a.help) {
        cli_help(merge_help, rc);
        return rc;
    }
    if (a.n_positional < 1) {
        return cli_usage_error("merge", "expected one or more PART folders");
    }
    rc = check_target(&a);
    size_t n = (size_t)a.n_positional;
    retsim_shard_part *parts = rc == 0 ? calloc(n, sizeof *parts) : NULL;
    if (rc == 0 && parts == NULL) {
        fprintf(stderr, "retsim: out of memory\n");
        rc = CLI_FAILURE;
    }
    retsim_error err;
    retsim_error_clear(&err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (retsim_shard_read(a.positional[i], &parts[i], &err) != 0) {
            rc = cli_fail(&err);
        }
    }
    if (rc == 0 && retsim_shard_check(parts, n, &err) != 0) {
        rc = cli_fail(&err);
    }
    if (rc == 0) {
        rc = merge_parts(parts, n, a.out_dir);
    }
    if (rc == 0) {
        cli_note("merged %zu part%s (%" PRIu32 " tasks); wrote %s\n", n, n == 1 ? "" : "s",
                 parts[0].info.tasks, a.out_dir);
    }
    for (size_t i = 0; parts != NULL && i < n; i++) {
        retsim_shard_part_free(&parts[i]);
    }
    free(parts);
    return rc;
}

/* Argument parsing and error printing shared by the commands. */
#include "cli.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

int cli_fail(const retsim_error *err)
{
    char buf[1200];
    fprintf(stderr, "retsim: %s\n", retsim_error_format(err, buf, sizeof buf));
    return err->code == RETSIM_EINPUT || err->code == RETSIM_EUSAGE ? CLI_BAD_INPUT : CLI_FAILURE;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "retsim %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'retsim %s --help')\n", command);
    va_end(ap);
    return CLI_BAD_INPUT;
}

int cli_parse(const char *command, int argc, char **argv, unsigned allowed, cli_args *a)
{
    static const struct {
        const char *name;
        unsigned flag;
        size_t offset; /* where a value goes; 0 for a switch */
    } options[] = {{"--out", OPT_OUT, offsetof(cli_args, out_dir)},
                   {"--seed", OPT_SEED, offsetof(cli_args, seed)},
                   {"--trace-out", OPT_TRACE_OUT, offsetof(cli_args, trace_out)},
                   {"--until", OPT_HORIZON, offsetof(cli_args, horizon)},
                   {"--events", OPT_EVENTS, 0}};
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        bool known = false;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            a->help = known = true;
        } else if (strcmp(arg, "--set") == 0) {
            if (i + 1 >= argc) {
                return cli_usage_error(command, "--set needs a value");
            }
            if (a->n_sets == 64) {
                return cli_usage_error(command, "at most 64 --set options");
            }
            a->sets[a->n_sets++] = argv[++i];
            known = true;
        }
        for (size_t o = 0; !known && o < sizeof options / sizeof options[0]; o++) {
            if (strcmp(arg, options[o].name) != 0 || !(allowed & options[o].flag)) {
                continue;
            }
            known = true;
            if (options[o].offset == 0) {
                a->events = true;
            } else if (i + 1 >= argc) {
                return cli_usage_error(command, "%s needs a value", arg);
            } else {
                memcpy((char *)a + options[o].offset, &argv[++i], sizeof(char *));
            }
        }
        if (known) {
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error(command, "unknown option '%s'", arg);
        }
        if (a->n_positional == 4) {
            return cli_usage_error(command, "too many arguments");
        }
        a->positional[a->n_positional++] = arg;
    }
    return 0;
}

int cli_load_scenario(const char *path, const cli_args *a, retsim_scenario **out)
{
    retsim_error err;
    retsim_error_clear(&err);
    retsim_scenario *sc = NULL;
    if (retsim_scenario_load(path, &sc, &err) != 0) {
        return cli_fail(&err);
    }
    for (int i = 0; i < a->n_sets; i++) {
        if (retsim_scenario_set(sc, a->sets[i], &err) != 0) {
            retsim_scenario_destroy(sc);
            return cli_fail(&err);
        }
    }
    *out = sc;
    return 0;
}

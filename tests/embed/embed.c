/* A program that embeds the simulator through the installed library alone
 * (pkg-config retsim): a scenario from a string, a sim, a two-row replay.
 * tests/cli_install_test.sh builds it against an installed prefix.
 * Expected, by hand: the create at 0 and the delete at 1h are the two rows;
 * the soft-deleted instance's 2d retention runs out at 49h, when the one
 * automatic purge runs, and the clock ends there. Exit 0 when all hold. */
#include "retsim/replay.h"
#include "retsim/scenario.h"
#include "retsim/sim.h"

#include <stdio.h>
#include <stdlib.h>

static const char scenario[] = "[scenario]\n"
                               "name = embed\n"
                               "[policy.apim]\n"
                               "soft_delete = on\n"
                               "retention = 2d\n";

static const char trace[] = "time,op,kind,subscription,name\n"
                            "0,create,apim,s1,a1\n"
                            "1h,delete,apim,s1,a1\n";

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed TRACE_FILE (written here)\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "w");
    if (f == NULL || fputs(trace, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "embed: cannot write %s\n", argv[1]);
        return 1;
    }
    retsim_error err;
    retsim_error_clear(&err);
    retsim_scenario *sc = NULL;
    char buf[1200];
    if (retsim_scenario_load_string(scenario, "embed.ini", &sc, &err) != 0) {
        fprintf(stderr, "embed: %s\n", retsim_error_format(&err, buf, sizeof buf));
        return 1;
    }
    retsim_sim *sim = retsim_sim_create(sc);
    retsim_replay_stats st = {0};
    int rc = sim == NULL ? -1 : retsim_replay_run(sim, argv[1], RETSIM_TIME_NEVER, &st, &err);
    if (rc != 0) {
        fprintf(stderr, "embed: %s\n", retsim_error_format(&err, buf, sizeof buf));
    }
    char end[64];
    retsim_time_format(st.end_time, end, sizeof end);
    printf("rows=%llu auto_purges=%llu end=%s\n", (unsigned long long)st.rows,
           (unsigned long long)st.auto_purges, end);
    retsim_sim_destroy(sim);
    retsim_scenario_destroy(sc);
    return rc == 0 && st.rows == 2 && st.auto_purges == 1 && st.end_time == 49 * RETSIM_MS_PER_HOUR ? 0 : 1;
}

/* R1 at one scale: events, wall time, events per second, peak memory, bytes
 * per name, and what it ran on. usage: bench_r1 SCENARIO SCALE */
#include "retsim/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#ifndef RETSIM_BENCH_FLAGS
#define RETSIM_BENCH_FLAGS "?"
#endif

static void cpu_model(char *buf, size_t size)
{
    snprintf(buf, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) == 0) {
            const char *colon = strchr(line, ':');
            snprintf(buf, size, "%.150s", colon != NULL ? colon + 2 : line);
            buf[strcspn(buf, "\n")] = '\0';
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_r1 SCENARIO SCALE\n");
        return 2;
    }
    retsim_error err;
    retsim_error_clear(&err);
    retsim_scenario *sc = NULL;
    char set[64];
    snprintf(set, sizeof set, "simulation.scale=%s", argv[2]);
    if (retsim_scenario_load(argv[1], &sc, &err) != 0 || retsim_scenario_set(sc, set, &err) != 0) {
        fprintf(stderr, "bench_r1: %s: %s\n", err.field, err.msg);
        return 2;
    }
    retsim_run_options opt = {.seed = sc->settings.seed};
    retsim_summary sum;
    retsim_run_stats st;
    if (retsim_run(sc, &opt, &sum, &st, &err) != 0) {
        fprintf(stderr, "bench_r1: %s\n", err.msg);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = (double)ru.ru_maxrss * 1024.0; /* Linux: KiB */
    double names = sum.value[0][RETSIM_M_CREATES_OK] - sum.value[0][RETSIM_M_RECREATES_OK];
    char cpu[160];
    cpu_model(cpu, sizeof cpu);
    printf("scale %-6s events %11llu  wall %7.2f s  %6.2f M events/s  peak RSS %7.1f MiB  %5.0f bytes/name"
           "  live names at end %.0f\n",
           argv[2], (unsigned long long)st.events, st.wall_seconds, (double)st.events / st.wall_seconds / 1e6,
           rss / 1048576.0, rss / names, sum.value[0][RETSIM_M_ACTIVE_PEAK]);
    printf("  on %s; compiler gcc %s; flags %s\n", cpu, __VERSION__, RETSIM_BENCH_FLAGS);
    retsim_scenario_destroy(sc);
    return 0;
}

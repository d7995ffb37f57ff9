/* Elapsed wall-clock time on the monotonic clock. */
#include "base/stopwatch.h"

void retsim_stopwatch_start(retsim_stopwatch *w)
{
    clock_gettime(CLOCK_MONOTONIC, &w->t0);
}

double retsim_stopwatch_seconds(const retsim_stopwatch *w)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - w->t0.tv_sec) + (double)(t1.tv_nsec - w->t0.tv_nsec) / 1e9;
}

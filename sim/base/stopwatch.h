/* Internal to the library: elapsed wall-clock time, for progress and the
 * wall_seconds of run and experiment results (never part of an output file:
 * it is not deterministic). One home, so every driver measures it one way. */
#ifndef RETSIM_STOPWATCH_H
#define RETSIM_STOPWATCH_H

#include <time.h>

typedef struct retsim_stopwatch {
    struct timespec t0; /* CLOCK_MONOTONIC: a clock set back or forward does not bend it */
} retsim_stopwatch;

/* Start (or restart) the watch now. */
void retsim_stopwatch_start(retsim_stopwatch *w);

/* Seconds since retsim_stopwatch_start; one clock_gettime call. */
double retsim_stopwatch_seconds(const retsim_stopwatch *w);

#endif

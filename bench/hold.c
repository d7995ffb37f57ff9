/* Hold-model benchmark of the pending-event set: with n events pending, pop
 * the earliest and push it back at that time plus an exponential increment
 * (mean 1 day). Prints ns per hold for each structure and size. A number,
 * not a test: run it before and after changing sim/queue.c. */
#include "retsim/queue.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t next(uint64_t *s) /* xorshift64* */
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static retsim_time increment(uint64_t *s)
{
    double u = (double)(next(s) >> 11) * 0x1.0p-53;
    return (retsim_time)(-log1p(-u) * 86400000.0);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double hold(retsim_queue_kind kind, size_t n, size_t holds)
{
    retsim_queue *q = retsim_queue_create_kind(kind);
    uint64_t rng = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        retsim_queue_push(q, increment(&rng), 0, i, NULL);
    }
    retsim_event ev;
    for (size_t i = 0; i < n; i++) { /* warm up: reach the steady state */
        retsim_queue_pop(q, &ev);
        retsim_queue_push(q, ev.time + increment(&rng), 0, ev.data, NULL);
    }
    double t0 = now_s();
    for (size_t i = 0; i < holds; i++) {
        retsim_queue_pop(q, &ev);
        retsim_queue_push(q, ev.time + increment(&rng), 0, ev.data, NULL);
    }
    double ns = (now_s() - t0) * 1e9 / (double)holds;
    retsim_queue_destroy(q);
    return ns;
}

int main(int argc, char **argv)
{
    size_t max = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    printf("hold model: pop the earliest event, push it back +exp(mean 1 day); ns per hold\n");
    printf("%12s %14s %14s\n", "pending", "calendar", "4-ary heap");
    for (size_t n = 10; n <= max; n *= 10) {
        size_t holds = n < 1000000 ? 2000000 : 2 * n;
        printf("%12zu %14.1f %14.1f\n", n, hold(RETSIM_QUEUE_CALENDAR, n, holds),
               hold(RETSIM_QUEUE_HEAP, n, holds));
        fflush(stdout);
    }
    return 0;
}

/* Hold-model benchmark of the pending-event set: with n events pending, pop
 * the earliest and push it back at that time plus an exponential increment
 * (mean 1 day). Prints ns per hold for each backend and size, both through
 * the public interface (so both pay its dispatch). A number, not a test: run
 * it before and after changing sim/engine/queue*.c. */
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
    if (q == NULL) {
        return NAN; /* out of memory */
    }
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
    static const struct {
        retsim_queue_kind kind;
        const char *name;
    } backends[] = {{RETSIM_QUEUE_CALENDAR, "calendar"}, {RETSIM_QUEUE_HEAP, "4-ary heap"}};
    enum { NB = sizeof backends / sizeof *backends };
    printf("%12s", "pending");
    for (size_t b = 0; b < NB; b++) {
        printf(" %14s", backends[b].name);
    }
    printf("\n");
    for (size_t n = 10; n <= max; n *= 10) {
        size_t holds = n < 1000000 ? 2000000 : 2 * n;
        printf("%12zu", n);
        for (size_t b = 0; b < NB; b++) {
            printf(" %14.1f", hold(backends[b].kind, n, holds));
        }
        printf("\n");
        fflush(stdout);
    }
    return 0;
}

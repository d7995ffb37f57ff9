/* retsim/tasks.h — where a list of independent tasks runs.
 *
 * An experiment is a list of tasks: task t is one replication of one point
 * (a sweep's point, a compare's side), numbered point by point. Each task
 * carries its own seed (the master seed and its replication index), so its
 * result does not depend on where or when it runs, and each result lands in
 * its own slot, found by the task's number, never by the order results
 * arrive: the outputs are the same bytes whatever runs the tasks.
 *
 * An executor runs them. retsim_tasks_threads, the default, runs them on
 * `jobs` threads of this process; an MPI executor (retsim/dist.h) spreads
 * them over ranks and moves each result to the root with encode and decode.
 * A shard (shard_n > 1) is the slice of the list whose tasks t have
 * t % shard_n == shard_k: a batch scheduler's array job runs one slice per
 * job, and `retsim merge` puts their slots together.
 *
 * Ownership: the callbacks and their context are the caller's; executors
 * keep nothing after they return. */
#ifndef RETSIM_TASKS_H
#define RETSIM_TASKS_H

#include "retsim/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct retsim_tasks {
    uint32_t n;                /* tasks 0 .. n-1 */
    uint32_t shard_k, shard_n; /* run only t % shard_n == shard_k (shard_n 0 or 1: every task) */
    int jobs;                  /* threads per process; <= 0: the online cores */
    const volatile int *stop;  /* non-zero: start no more tasks (those under way see it too) */
    /* Run task t, its result into slot t. Called from several threads at
     * once, for different t. 0, or an error (err says why). */
    int (*run)(void *ctx, uint32_t t, retsim_error *err);
    /* Slot t as bytes (malloc'd into *buf, *len) and back into slot t, for an
     * executor that runs t in another process. NULL: results cannot move
     * (such tasks run where they are asked for only). */
    int (*encode)(void *ctx, uint32_t t, char **buf, size_t *len);
    int (*decode)(void *ctx, uint32_t t, const char *buf, size_t len, retsim_error *err);
    /* Slot t is filled, here (on the root). One call at a time; keep it short. */
    void (*landed)(void *ctx, uint32_t t);
    void *ctx;
} retsim_tasks;

/* Is task t in the tasks' shard? */
bool retsim_tasks_mine(const retsim_tasks *ts, uint32_t t);
/* How many tasks the shard holds (all n without shards). */
uint32_t retsim_tasks_count(const retsim_tasks *ts);

typedef struct retsim_executor retsim_executor;
struct retsim_executor {
    /* Run every task of the shard (until stop), and on the root every
     * finished task's slot is filled and landed was called for it. 0, or the
     * first failing task's error (no more tasks are started once one fails). */
    int (*run)(const retsim_executor *ex, const retsim_tasks *ts, retsim_error *err);
    /* Does this process write the outputs? (An MPI run's non-root ranks return
     * from run with their part sent and must write nothing.) NULL: yes. */
    bool (*is_root)(const retsim_executor *ex);
    void *state;
};

/* The default: ts->jobs threads of this process (the calling thread alone
 * when none can be started), taking tasks in order from a shared counter. */
int retsim_tasks_threads(const retsim_tasks *ts, retsim_error *err);
/* Run ts with ex (NULL: on threads). */
int retsim_tasks_run(const retsim_executor *ex, const retsim_tasks *ts, retsim_error *err);
/* Does this process write outputs under ex (NULL: yes)? */
bool retsim_executor_is_root(const retsim_executor *ex);

#endif

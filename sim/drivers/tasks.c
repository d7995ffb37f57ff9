/* Tasks on this process's threads: a shared counter hands out the next task
 * of the shard; each result stays in its slot (retsim/tasks.h). */
#include "retsim/tasks.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

bool retsim_tasks_mine(const retsim_tasks *ts, uint32_t t)
{
    return ts->shard_n <= 1 || t % ts->shard_n == ts->shard_k;
}

typedef struct threads {
    const retsim_tasks *ts;
    pthread_mutex_t lock;
    uint32_t next; /* the next task to consider */
    int rc;        /* the first error */
    retsim_error err;
} threads;

/* The next task of the shard to run, or ts->n when there is none (or a stop). */
static uint32_t take(threads *th)
{
    const retsim_tasks *ts = th->ts;
    uint32_t t = ts->n;
    pthread_mutex_lock(&th->lock);
    bool stop = th->rc != 0 || (ts->stop != NULL && *ts->stop);
    while (!stop && th->next < ts->n && !retsim_tasks_mine(ts, th->next)) {
        th->next++;
    }
    if (!stop && th->next < ts->n) {
        t = th->next++;
    }
    pthread_mutex_unlock(&th->lock);
    return t;
}

static void *worker(void *arg)
{
    threads *th = arg;
    const retsim_tasks *ts = th->ts;
    for (uint32_t t = take(th); t < ts->n; t = take(th)) {
        retsim_error err;
        retsim_error_clear(&err);
        int rc = ts->run(ts->ctx, t, &err);
        pthread_mutex_lock(&th->lock);
        if (rc == 0 && ts->landed != NULL) {
            ts->landed(ts->ctx, t); /* under the lock: one call at a time */
        } else if (rc != 0 && th->rc == 0) {
            th->rc = rc;
            th->err = err;
        }
        pthread_mutex_unlock(&th->lock);
    }
    return NULL;
}

uint32_t retsim_tasks_count(const retsim_tasks *ts)
{
    if (ts->shard_n <= 1) {
        return ts->n;
    }
    return ts->shard_k < ts->n ? (ts->n - ts->shard_k + ts->shard_n - 1) / ts->shard_n : 0;
}

/* How many threads: jobs, else the online cores; never more than the shard's tasks. */
static int thread_count(const retsim_tasks *ts)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int jobs = ts->jobs > 0 ? ts->jobs : (int)(cores > 0 ? cores : 1);
    uint32_t mine = retsim_tasks_count(ts);
    if ((uint32_t)jobs > mine) {
        jobs = mine > 0 ? (int)mine : 1;
    }
    return jobs;
}

int retsim_tasks_threads(const retsim_tasks *ts, retsim_error *err)
{
    threads th = {.ts = ts};
    pthread_mutex_init(&th.lock, NULL);
    int jobs = thread_count(ts);
    pthread_t *tids = calloc((size_t)jobs, sizeof *tids);
    int started = 0;
    for (; tids != NULL && started < jobs; started++) {
        if (pthread_create(&tids[started], NULL, worker, &th) != 0) {
            break;
        }
    }
    if (started == 0) {
        worker(&th); /* no threads to be had: do the work here */
    }
    for (int i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    free(tids);
    pthread_mutex_destroy(&th.lock);
    if (th.rc != 0 && err != NULL) {
        *err = th.err;
    }
    return th.rc;
}

int retsim_tasks_run(const retsim_executor *ex, const retsim_tasks *ts, retsim_error *err)
{
    return ex != NULL ? ex->run(ex, ts, err) : retsim_tasks_threads(ts, err);
}

bool retsim_executor_is_root(const retsim_executor *ex)
{
    return ex == NULL || ex->is_root == NULL || ex->is_root(ex);
}

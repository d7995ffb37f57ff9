/* retsim/ranks.h with MPI: rank 0 hands out tasks on request and gathers
 * their results as bytes; every rank computes on its own threads. Only each
 * rank's main thread calls MPI (MPI_THREAD_FUNNELED). */
#include "retsim/ranks.h"

#include <mpi.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    TAG_ASK = 1, /* other rank -> root: one more task, please (no payload) */
    TAG_TASK,    /* root -> rank: uint32 task, or NO_TASK */
    TAG_RESULT,  /* rank -> root: uint32 task, then the encoded slot */
    TAG_FAIL,    /* rank -> root: uint32 task, then its retsim_error */
    TAG_BYE,     /* rank -> root: nothing under way, nothing more to send */
};
#define NO_TASK UINT32_MAX
/* How long a main thread sleeps between looks at its messages: far below a
 * task's length (a replication takes milliseconds to minutes). */
#define POLL_NS 1000000L

struct retsim_ranks {
    int rank, size;
    retsim_executor ex;
};

/* One finished task on its way to the root. */
typedef struct outcome {
    uint32_t t;
    int rc;
    retsim_error err;
    char *buf;
    size_t len;
} outcome;

/* One run's state, shared by a rank's main thread and its workers. */
typedef struct run {
    const retsim_tasks *ts;
    int rank, jobs, fail_rank;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /* root: the next task to consider, the first error */
    uint32_t next;
    int rc;
    retsim_error err;
    int workers_left; /* root: workers not yet finished */
    /* other ranks: tasks given to this rank, results to send */
    uint32_t *inbox;
    int n_in;
    outcome *outbox;
    int n_out;
    bool quit; /* other ranks: no more tasks will come */
} run;

static void nap(void)
{
    struct timespec ts = {0, POLL_NS};
    nanosleep(&ts, NULL);
}

static bool stopped(const run *r)
{
    return r->ts->stop != NULL && *r->ts->stop;
}

/* Root, under the lock: the next task of the shard, or NO_TASK (none left, a stop or an error). */
static uint32_t take_locked(run *r)
{
    const retsim_tasks *ts = r->ts;
    if (r->rc != 0 || stopped(r)) {
        return NO_TASK;
    }
    while (r->next < ts->n && !retsim_tasks_mine(ts, r->next)) {
        r->next++;
    }
    return r->next < ts->n ? r->next++ : NO_TASK;
}

/* Root, under the lock: keep the first error. */
static void fail_locked(run *r, int rc, const retsim_error *err)
{
    if (r->rc == 0) {
        r->rc = rc;
        r->err = *err;
    }
}

/* Task t, or the test hook's failure on rank fail_rank. */
static int run_task(const run *r, uint32_t t, retsim_error *err)
{
    retsim_error_clear(err);
    if (r->fail_rank > 0 && r->rank == r->fail_rank) {
        return retsim_error_set(err, RETSIM_EIO, "", 0, "",
                                "task %u failed on rank %d (RETSIM_MPI_FAIL_RANK)", (unsigned)t, r->rank);
    }
    return r->ts->run(r->ts->ctx, t, err);
}

static void *root_worker(void *arg)
{
    run *r = arg;
    pthread_mutex_lock(&r->lock);
    for (uint32_t t = take_locked(r); t != NO_TASK; t = take_locked(r)) {
        pthread_mutex_unlock(&r->lock);
        retsim_error err;
        int rc = run_task(r, t, &err);
        pthread_mutex_lock(&r->lock);
        if (rc != 0) {
            fail_locked(r, rc, &err);
        } else if (r->ts->landed != NULL) {
            r->ts->landed(r->ts->ctx, t); /* under the lock: one call at a time */
        }
    }
    r->workers_left--;
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* Root: a result or a failure from another rank, into slot t. */
static void root_take_result(run *r, const MPI_Status *st, int len)
{
    char *buf = malloc(len > 0 ? (size_t)len : 1);
    retsim_error err;
    retsim_error_clear(&err);
    if (buf == NULL) { /* a message cannot be left unread, nor read in part: the job cannot go on */
        MPI_Abort(MPI_COMM_WORLD, 1);
        return;
    }
    MPI_Recv(buf, len, MPI_BYTE, st->MPI_SOURCE, st->MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    uint32_t t = NO_TASK;
    int rc = RETSIM_EIO;
    if ((size_t)len >= sizeof t) {
        memcpy(&t, buf, sizeof t);
    }
    if (t >= r->ts->n) {
        retsim_error_set(&err, rc, "", 0, "", "rank %d sent a result of no task", st->MPI_SOURCE);
    } else if (st->MPI_TAG == TAG_FAIL && (size_t)len == sizeof t + sizeof err) {
        memcpy(&err, buf + sizeof t, sizeof err);
        rc = err.code != 0 ? err.code : RETSIM_EIO;
    } else if (st->MPI_TAG == TAG_RESULT) {
        rc = r->ts->decode(r->ts->ctx, t, buf + sizeof t, (size_t)len - sizeof t, &err);
    }
    free(buf);
    pthread_mutex_lock(&r->lock);
    if (rc != 0) {
        fail_locked(r, rc, &err);
    } else if (r->ts->landed != NULL) {
        r->ts->landed(r->ts->ctx, t);
    }
    pthread_mutex_unlock(&r->lock);
}

/* Root: answer every message waiting; how many ranks said goodbye. */
static int root_serve(run *r)
{
    int byes = 0;
    for (;;) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            return byes;
        }
        int len = 0;
        MPI_Get_count(&st, MPI_BYTE, &len);
        if (st.MPI_TAG == TAG_RESULT || st.MPI_TAG == TAG_FAIL) {
            root_take_result(r, &st, len);
            continue;
        }
        char none;
        MPI_Recv(&none, 0, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (st.MPI_TAG == TAG_BYE) {
            byes++;
            continue;
        }
        pthread_mutex_lock(&r->lock);
        uint32_t t = take_locked(r);
        pthread_mutex_unlock(&r->lock);
        MPI_Send(&t, 1, MPI_UINT32_T, st.MPI_SOURCE, TAG_TASK, MPI_COMM_WORLD);
    }
}

static int start_threads(run *r, void *(*fn)(void *), pthread_t *tids)
{
    int started = 0;
    while (started < r->jobs && pthread_create(&tids[started], NULL, fn, r) == 0) {
        started++;
    }
    return started;
}

/* Rank 0: serve the other ranks while jobs workers run tasks here too. */
static int root_run(run *r, int size, retsim_error *err)
{
    pthread_t *tids = calloc((size_t)r->jobs, sizeof *tids);
    r->workers_left = r->jobs; /* before any starts: one may finish at once */
    int started = tids != NULL ? start_threads(r, root_worker, tids) : 0;
    pthread_mutex_lock(&r->lock);
    r->workers_left -= r->jobs - started; /* threads that did not start never finish */
    pthread_mutex_unlock(&r->lock);
    int byes = 0;
    for (;;) {
        byes += root_serve(r);
        pthread_mutex_lock(&r->lock);
        bool idle = r->workers_left == 0;
        pthread_mutex_unlock(&r->lock);
        if (byes == size - 1 && idle) {
            break;
        }
        if (started == 0 && byes == size - 1) { /* no thread: the last tasks run here */
            r->workers_left = 1;
            root_worker(r);
            continue;
        }
        nap();
    }
    for (int i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    free(tids);
    if (r->rc != 0 && err != NULL) {
        *err = r->err;
    }
    return r->rc;
}

/* Other ranks: run what the main thread was given; leave the result in the outbox. */
static void *rank_worker(void *arg)
{
    run *r = arg;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (r->n_in == 0 && !r->quit) {
            pthread_cond_wait(&r->wake, &r->lock);
        }
        if (r->n_in == 0) {
            break;
        }
        outcome o = {.t = r->inbox[--r->n_in]};
        pthread_mutex_unlock(&r->lock);
        o.rc = run_task(r, o.t, &o.err);
        if (o.rc == 0 && r->ts->encode(r->ts->ctx, o.t, &o.buf, &o.len) != 0) {
            o.rc = retsim_error_set(&o.err, RETSIM_ENOMEM, "", 0, "", "out of memory encoding a result");
        }
        pthread_mutex_lock(&r->lock);
        r->outbox[r->n_out++] = o;
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* Other ranks: one outcome to the root; the bytes are freed. */
static void send_outcome(outcome *o)
{
    size_t len = sizeof o->t + (o->rc == 0 ? o->len : sizeof o->err);
    char *msg = len <= INT32_MAX ? malloc(len) : NULL;
    if (msg == NULL && o->rc == 0) { /* too big or no memory: the root hears of a failure instead */
        o->rc = retsim_error_set(&o->err, RETSIM_ENOMEM, "", 0, "", "a result too big to send");
        len = sizeof o->t + sizeof o->err;
        msg = malloc(len);
    }
    if (msg != NULL) {
        memcpy(msg, &o->t, sizeof o->t);
        memcpy(msg + sizeof o->t, o->rc == 0 ? (const void *)o->buf : (const void *)&o->err,
               len - sizeof o->t);
        MPI_Send(msg, (int)len, MPI_BYTE, 0, o->rc == 0 ? TAG_RESULT : TAG_FAIL, MPI_COMM_WORLD);
    }
    free(msg);
    free(o->buf);
    o->buf = NULL;
}

/* Other ranks, main thread: send what finished; returns how many. */
static int flush_outbox(run *r)
{
    pthread_mutex_lock(&r->lock);
    int n = r->n_out;
    outcome *sent = n > 0 ? malloc((size_t)n * sizeof *sent) : NULL;
    if (sent != NULL) {
        memcpy(sent, r->outbox, (size_t)n * sizeof *sent);
        r->n_out = 0;
    }
    pthread_mutex_unlock(&r->lock);
    if (sent == NULL) {
        return 0;
    }
    for (int i = 0; i < n; i++) {
        send_outcome(&sent[i]);
    }
    free(sent);
    return n;
}

/* Other ranks: ask for tasks while fewer than jobs are under way. */
static int rank_loop(run *r)
{
    int under_way = 0; /* given to this rank, not yet sent back */
    bool asked = false, no_more = false;
    uint32_t answer = NO_TASK;
    MPI_Request req = MPI_REQUEST_NULL;
    for (;;) {
        under_way -= flush_outbox(r);
        no_more |= stopped(r);
        if (!asked && !no_more && under_way < r->jobs) {
            MPI_Irecv(&answer, 1, MPI_UINT32_T, 0, TAG_TASK, MPI_COMM_WORLD, &req);
            MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_ASK, MPI_COMM_WORLD);
            asked = true;
        }
        int got = 0;
        if (asked) {
            MPI_Test(&req, &got, MPI_STATUS_IGNORE);
        }
        if (got) {
            asked = false;
            no_more |= answer == NO_TASK;
            if (answer != NO_TASK && !stopped(r)) {
                pthread_mutex_lock(&r->lock);
                r->inbox[r->n_in++] = answer;
                pthread_cond_signal(&r->wake);
                pthread_mutex_unlock(&r->lock);
                under_way++;
                continue; /* ask again at once while threads are free */
            }
        }
        if (no_more && !asked && under_way == 0) {
            return 0;
        }
        nap();
    }
}

/* Other ranks: workers plus the main thread's loop, then goodbye. */
static int rank_run(run *r)
{
    pthread_t *tids = calloc((size_t)r->jobs, sizeof *tids);
    r->inbox = calloc((size_t)r->jobs, sizeof *r->inbox);
    r->outbox = calloc((size_t)r->jobs, sizeof *r->outbox);
    int started =
        tids != NULL && r->inbox != NULL && r->outbox != NULL ? start_threads(r, rank_worker, tids) : 0;
    if (started > 0) {
        r->jobs = started; /* never more under way than threads to run them */
        rank_loop(r);
    }
    pthread_mutex_lock(&r->lock);
    r->quit = true;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
    for (int i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_BYE, MPI_COMM_WORLD);
    free(tids);
    free(r->inbox);
    free(r->outbox);
    return 0;
}

/* Threads per rank: jobs, else the online cores; at least one. */
static int jobs_of(const retsim_tasks *ts)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int jobs = ts->jobs > 0 ? ts->jobs : (int)(cores > 0 ? cores : 1);
    return jobs > 0 ? jobs : 1;
}

static int mpi_run(const retsim_executor *ex, const retsim_tasks *ts, retsim_error *err)
{
    const retsim_ranks *rk = ex->state;
    const char *hook = getenv("RETSIM_MPI_FAIL_RANK");
    run r = {.ts = ts, .rank = rk->rank, .jobs = jobs_of(ts), .fail_rank = hook != NULL ? atoi(hook) : 0};
    retsim_error_clear(&r.err);
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.wake, NULL);
    int rc = rk->rank == 0 ? root_run(&r, rk->size, err) : rank_run(&r);
    pthread_cond_destroy(&r.wake);
    pthread_mutex_destroy(&r.lock);
    return rc;
}

static bool mpi_is_root(const retsim_executor *ex)
{
    const retsim_ranks *rk = ex->state;
    return rk->rank == 0;
}

retsim_ranks *retsim_ranks_init(int *argc, char ***argv)
{
    if (!retsim_ranks_launched()) {
        return NULL;
    }
    retsim_ranks *r = calloc(1, sizeof *r);
    int provided = 0;
    if (r == NULL || MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        free(r);
        return NULL;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &r->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &r->size);
    r->ex = (retsim_executor){.run = mpi_run, .is_root = mpi_is_root, .state = r};
    return r;
}

const retsim_executor *retsim_ranks_executor(const retsim_ranks *r)
{
    return r != NULL && r->size > 1 ? &r->ex : NULL;
}

bool retsim_ranks_is_root(const retsim_ranks *r)
{
    return r == NULL || r->rank == 0;
}

int retsim_ranks_size(const retsim_ranks *r)
{
    return r != NULL ? r->size : 1;
}

int retsim_ranks_finish(retsim_ranks *r, int rc)
{
    if (r != NULL) {
        MPI_Finalize();
        free(r);
    }
    return rc;
}

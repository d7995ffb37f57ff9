/* The default pending-event backend: a two-level calendar of buckets
 * (include/retsim/queue.h describes it; README.md "The pending-event set"). */
#include "engine/queue_backend.h"

#include <string.h>

#define COARSE_SHIFT    26    /* coarse buckets: 2^26 ms, about 18.6 hours */
#define COARSE_RING     1024u /* coarse buckets ahead: about 795 days */
#define MAX_FINE_BITS   16    /* a coarse bucket is cut into at most 2^16 fine ones */
#define FINE_TARGET     8     /* events per fine bucket the cut aims at */
#define INSERTION_LIMIT 64    /* runs up to this long are insertion-sorted */

typedef retsim_queue_entry entry;
typedef retsim_queue_vec vec;

/* Coarse buckets are lists of 4 KiB blocks taken from and returned to a free
 * list: they fill without copying, and once warm the queue touches no fresh
 * memory (no page faults, no zeroing). */
#define BLOCK_ENTRIES 169
typedef struct block {
    struct block *next;
    uint32_t n;
    entry e[BLOCK_ENTRIES];
} block;

typedef struct blist {
    block *head, *tail;
    size_t n;
} blist;

/* The current fine bucket as a sorted run (plus `late` for events filed into
 * it after it was sorted), then fine buckets to the end of the current coarse
 * bucket, then coarse buckets, then far. */
typedef struct calendar {
    retsim_queue base; /* first: a retsim_queue * is a calendar * */
    vec late;          /* a heap of the events filed into the current fine bucket after its sort */
    vec run;           /* sorted by (time, key); next to pop at run_pos */
    size_t run_pos;
    int64_t cur_fine;   /* units of 2^fine_shift ms: run and late hold times < (cur_fine + 1) << fine_shift */
    int fine_shift;     /* chosen per coarse bucket from how many events it holds */
    int64_t cur_coarse; /* the coarse bucket the fine ring is cut from */
    vec *fine;          /* fine buckets after cur_fine within cur_coarse, at (bucket % 2^(26 - fine_shift)) */
    blist *coarse;      /* coarse buckets cur_coarse+1 .. +COARSE_RING, at (bucket % COARSE_RING) */
    block *free_blocks;
    size_t in_fine, in_coarse; /* entries there, dead ones included */
    vec far;                   /* a heap of events beyond the coarse ring */
    size_t popped;             /* events popped in the current coarse bucket: sizes the next cut */
    uint64_t *done;            /* bit seq: the event fired or was cancelled */
    size_t done_words;
} calendar;

static calendar *cal_of(retsim_queue *q)
{
    return (calendar *)q;
}

static bool is_done(const calendar *c, uint64_t seq)
{
    return (c->done[seq >> 6] >> (seq & 63)) & 1;
}

static void mark_done(calendar *c, uint64_t seq)
{
    c->done[seq >> 6] |= UINT64_C(1) << (seq & 63);
}

static uint32_t fine_mask(const calendar *c)
{
    return (1u << (COARSE_SHIFT - c->fine_shift)) - 1;
}

/* A block for the tail of l: from the free list, else fresh. */
static int blist_grow(calendar *c, blist *l)
{
    block *b = c->free_blocks;
    if (b != NULL) {
        c->free_blocks = b->next;
    } else {
        b = malloc(sizeof *b);
        if (b == NULL) {
            return RETSIM_ENOMEM;
        }
    }
    b->next = NULL;
    b->n = 0;
    if (l->tail != NULL) {
        l->tail->next = b;
    } else {
        l->head = b;
    }
    l->tail = b;
    return 0;
}

/* File an entry where its time belongs: the late heap, a fine bucket, a
 * coarse bucket, or far. */
static RETSIM_QUEUE_HOT int cal_file(calendar *c, entry e)
{
    int64_t bc = e.time >> COARSE_SHIFT;
    if (bc <= c->cur_coarse) {
        int64_t bf = e.time >> c->fine_shift;
        if (bf <= c->cur_fine) {
            return retsim_queue_heap_push(&c->late, NULL, e); /* after the run was sorted */
        }
        c->in_fine++;
        return retsim_queue_vec_push(&c->fine[bf & fine_mask(c)], e);
    }
    if (bc <= c->cur_coarse + (int64_t)COARSE_RING) {
        blist *l = &c->coarse[bc & (COARSE_RING - 1)];
        if (l->tail == NULL || l->tail->n == BLOCK_ENTRIES) {
            int rc = blist_grow(c, l);
            if (rc != 0) {
                return rc;
            }
        }
        l->tail->e[l->tail->n++] = e;
        l->n++;
        c->in_coarse++;
        return 0;
    }
    return retsim_queue_heap_push(&c->far, NULL, e);
}

/* Spread coarse bucket l over the fine ring in one streaming pass; its blocks
 * go back to the free list. */
static int cal_cut(calendar *c, blist *l)
{
    c->in_coarse -= l->n;
    while (l->head != NULL) {
        block *b = l->head;
        for (uint32_t i = 0; i < b->n; i++) {
            int rc = retsim_queue_vec_push(&c->fine[(b->e[i].time >> c->fine_shift) & fine_mask(c)], b->e[i]);
            if (rc != 0) {
                return rc;
            }
            c->in_fine++;
        }
        l->head = b->next;
        b->next = c->free_blocks;
        c->free_blocks = b;
    }
    l->tail = NULL;
    l->n = 0;
    return 0;
}

/* The next coarse bucket: cut it into fine buckets sized to hold about
 * FINE_TARGET events each, and take in the far events the coarse ring now
 * covers. Called with the fine ring, the run and the late heap empty. */
static int cal_next_coarse(calendar *c)
{
    if (c->in_coarse == 0) { /* jump over the empty stretch to the earliest far event */
        int64_t bc = c->far.v[0].time >> COARSE_SHIFT;
        if (bc - 1 > c->cur_coarse) {
            c->cur_coarse = bc - 1;
        }
    }
    c->cur_coarse++;
    blist *l = &c->coarse[c->cur_coarse & (COARSE_RING - 1)];
    /* events filed with short delays join after the cut: expect as many as last time */
    size_t expect = l->n > c->popped ? l->n : c->popped;
    c->popped = 0;
    int bits = 0;
    while (bits < MAX_FINE_BITS && (expect >> bits) > FINE_TARGET) {
        bits++;
    }
    /* the fine buckets are empty now; they keep their arrays, reused by every cut,
     * so a steady state allocates nothing */
    c->fine_shift = COARSE_SHIFT - bits;
    c->cur_fine = (c->cur_coarse << bits) - 1;
    int rc = cal_cut(c, l);
    if (rc != 0) {
        return rc;
    }
    while (c->far.n > 0 && (c->far.v[0].time >> COARSE_SHIFT) <= c->cur_coarse + (int64_t)COARSE_RING) {
        entry e = c->far.v[0];
        retsim_queue_heap_remove_at(&c->far, NULL, 0);
        if (!is_done(c, retsim_queue_seq_of(&e))) {
            rc = cal_file(c, e);
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return retsim_queue_before(a, b) ? -1 : retsim_queue_before(b, a) ? 1 : 0;
}

static void sort_run(vec *r)
{
    if (r->n > INSERTION_LIMIT) {
        qsort(r->v, r->n, sizeof *r->v, cmp_entry);
        return;
    }
    for (size_t i = 1; i < r->n; i++) {
        entry e = r->v[i];
        size_t j = i;
        while (j > 0 && retsim_queue_before(&e, &r->v[j - 1])) {
            r->v[j] = r->v[j - 1];
            j--;
        }
        r->v[j] = e;
    }
}

/* Move on to the next fine bucket with an event and sort it into the run
 * (called with the run used up and the late heap empty). */
static int cal_advance(calendar *c)
{
    while (c->run_pos == c->run.n) {
        if (c->in_fine == 0) {
            if (c->in_coarse == 0 && c->far.n == 0) {
                return 0;
            }
            int rc = cal_next_coarse(c);
            if (rc != 0) {
                return rc;
            }
            continue;
        }
        vec *b;
        do { /* in_fine > 0: a non-empty fine bucket lies ahead within cur_coarse */
            c->cur_fine++;
            b = &c->fine[c->cur_fine & fine_mask(c)];
        } while (b->n == 0);
        c->in_fine -= b->n;
        vec old = c->run; /* swap arrays: the bucket becomes the run, the old run's memory the bucket's */
        c->run = *b;
        old.n = 0;
        *b = old;
        c->run_pos = 0;
        sort_run(&c->run); /* dead entries come along: they are skipped when reached */
    }
    return 0;
}

/* The earliest live event of the current window: &run[run_pos] or &late[0]
 * (NULL when the set is empty). Drops dead events on the way. */
static RETSIM_QUEUE_HOT int cal_top(calendar *c, entry **top)
{
    for (;;) {
        while (c->run_pos < c->run.n && is_done(c, retsim_queue_seq_of(&c->run.v[c->run_pos]))) {
            c->run_pos++;
        }
        while (c->late.n > 0 && is_done(c, retsim_queue_seq_of(&c->late.v[0]))) {
            retsim_queue_heap_remove_at(&c->late, NULL, 0);
        }
        bool in_run = c->run_pos < c->run.n;
        if (in_run || c->late.n > 0) {
            *top = !in_run || (c->late.n > 0 && retsim_queue_before(&c->late.v[0], &c->run.v[c->run_pos]))
                       ? &c->late.v[0]
                       : &c->run.v[c->run_pos];
            return 0;
        }
        *top = NULL;
        if (c->in_fine == 0 && c->in_coarse == 0 && c->far.n == 0) {
            return 0;
        }
        int rc = cal_advance(c);
        if (rc != 0) {
            return rc;
        }
    }
}

/* ---- the operations ---- */

static retsim_queue *cal_create(void)
{
    calendar *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->cur_fine = -1;
    c->cur_coarse = -1;
    c->fine_shift = COARSE_SHIFT;
    c->fine = calloc((size_t)1 << MAX_FINE_BITS, sizeof *c->fine);
    c->coarse = calloc(COARSE_RING, sizeof *c->coarse);
    if (c->fine == NULL || c->coarse == NULL) {
        free(c->fine);
        free(c->coarse);
        free(c);
        return NULL;
    }
    return &c->base;
}

static void free_blocks(block *b)
{
    while (b != NULL) {
        block *next = b->next;
        free(b);
        b = next;
    }
}

static void cal_destroy(retsim_queue *q)
{
    calendar *c = cal_of(q);
    for (uint32_t i = 0; i < (1u << MAX_FINE_BITS); i++) {
        free(c->fine[i].v);
    }
    for (uint32_t i = 0; i < COARSE_RING; i++) {
        free_blocks(c->coarse[i].head);
    }
    free_blocks(c->free_blocks);
    free(c->fine);
    free(c->coarse);
    free(c->far.v);
    free(c->late.v);
    free(c->run.v);
    free(c->done);
    free(c);
}

/* Calendar ids are seq + 1. */
RETSIM_QUEUE_HOT int retsim_queue_calendar_push(retsim_queue *q, retsim_queue_entry e, retsim_event_id *id)
{
    calendar *c = cal_of(q);
    uint64_t seq = retsim_queue_seq_of(&e);
    if ((seq >> 6) >= c->done_words) {
        size_t words = c->done_words ? c->done_words * 2 : 1024;
        uint64_t *d = realloc(c->done, words * sizeof *d);
        if (d == NULL) {
            return RETSIM_ENOMEM;
        }
        memset(d + c->done_words, 0, (words - c->done_words) * sizeof *d);
        c->done = d;
        c->done_words = words;
    }
    int rc = cal_file(c, e);
    if (rc != 0) {
        return rc;
    }
    if (id != NULL) {
        *id = seq + 1;
    }
    return 0;
}

RETSIM_QUEUE_HOT int retsim_queue_calendar_pop_until(retsim_queue *q, retsim_time until, retsim_event *out)
{
    calendar *c = cal_of(q);
    entry *top = NULL;
    int rc = cal_top(c, &top);
    if (rc != 0) {
        return rc;
    }
    if (top == NULL || top->time > until) {
        return RETSIM_ENOTFOUND;
    }
    entry e = *top;
    if (c->late.n > 0 && top == c->late.v) { /* late.v may be NULL: no &v[0] */
        retsim_queue_heap_remove_at(&c->late, NULL, 0);
    } else {
        c->run_pos++;
    }
    uint64_t seq = retsim_queue_seq_of(&e);
    retsim_queue_event_of(&e, e.data, seq + 1, out);
    mark_done(c, seq);
    c->popped++;
    return 0;
}

/* In the sorted run, else in the next fine bucket (unsorted, but all due
 * within the next fine interval). */
RETSIM_QUEUE_HOT bool retsim_queue_calendar_ahead(const retsim_queue *q, size_t distance, uint32_t *type,
                                                  uint64_t *data)
{
    const calendar *c = (const calendar *)q;
    size_t at = c->run_pos + distance;
    const entry *e;
    if (at < c->run.n) {
        e = &c->run.v[at];
    } else {
        const vec *next = &c->fine[(c->cur_fine + 1) & fine_mask(c)];
        at -= c->run.n;
        if (c->in_fine == 0 || at >= next->n) {
            return false;
        }
        e = &next->v[at];
    }
    *type = (uint32_t)(e->key & ((1u << RETSIM_QUEUE_TYPE_BITS) - 1));
    *data = e->data;
    return true;
}

retsim_time retsim_queue_calendar_peek_time(retsim_queue *q)
{
    entry *top = NULL;
    return cal_top(cal_of(q), &top) == 0 && top != NULL ? top->time : RETSIM_TIME_NEVER;
}

inline int retsim_queue_calendar_cancel(retsim_queue *q, retsim_event_id id)
{
    calendar *c = cal_of(q);
    uint64_t seq = id - 1;
    if (seq >= c->base.next_seq || is_done(c, seq)) {
        return RETSIM_ENOTFOUND;
    }
    mark_done(c, seq); /* the entry stays where it is and is dropped when reached */
    return 0;
}

const retsim_queue_ops retsim_queue_calendar_ops = {
    .create = cal_create,
    .destroy = cal_destroy,
    .push = retsim_queue_calendar_push,
    .pop_until = retsim_queue_calendar_pop_until,
    .peek_time = retsim_queue_calendar_peek_time,
    .cancel = retsim_queue_calendar_cancel,
};

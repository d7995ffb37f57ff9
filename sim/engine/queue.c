/* Pending-event sets: a calendar of buckets (default) and an indexed 4-ary heap. */
#include "retsim/queue.h"

#include "retsim/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ARITY           4
#define NO_POS          UINT32_MAX
#define COARSE_SHIFT    26    /* coarse buckets: 2^26 ms, about 18.6 hours */
#define COARSE_RING     1024u /* coarse buckets ahead: about 795 days */
#define MAX_FINE_BITS   16    /* a coarse bucket is cut into at most 2^16 fine ones */
#define FINE_TARGET     8     /* events per fine bucket the cut aims at */
#define INSERTION_LIMIT 64    /* runs up to this long are insertion-sorted */
#define TYPE_BITS       16    /* event types per kernel; seq gets the other 48 bits (2.8e14 events) */

/* An event as both structures order it: by time, then by the sequence number
 * in the high bits of `key`. The calendar keeps the payload in the entry (no
 * lookup at pop); the heap keeps it in a slot (entries move, slots do not). */
typedef struct entry {
    retsim_time time;
    uint64_t key;  /* seq << TYPE_BITS | type */
    uint64_t data; /* calendar: the payload; heap: the slot index */
} entry;

typedef struct slot { /* heap kind only */
    uint64_t data;
    uint32_t type;
    uint32_t gen;
    uint32_t pos; /* heap index while pending; next free slot while free */
} slot;

typedef struct vec {
    entry *v;
    size_t n, cap;
} vec;

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

struct retsim_queue {
    retsim_queue_kind kind;
    uint64_t next_seq;
    size_t live;
    vec heap; /* heap kind: the whole set; calendar kind: the current bucket's events */
    /* heap kind */
    slot *slots;
    uint32_t nslots, slot_cap;
    uint32_t free_head; /* NO_POS when the free list is empty */
    /* calendar kind: the current fine bucket as a sorted run (plus `heap` for
     * events filed into it after it was sorted), then fine buckets to the end
     * of the current coarse bucket, then coarse buckets, then far */
    vec run; /* sorted by (time, key); next to pop at run_pos */
    size_t run_pos;
    int64_t
        cur_fine;   /* in units of 2^fine_shift ms: run and heap hold times < (cur_fine + 1) << fine_shift */
    int fine_shift; /* chosen per coarse bucket from how many events it holds */
    int64_t cur_coarse; /* the coarse bucket the fine ring is cut from */
    vec *fine;          /* fine buckets after cur_fine within cur_coarse, at (bucket % 2^(26 - fine_shift)) */
    blist *coarse;      /* coarse buckets cur_coarse+1 .. +COARSE_RING, at (bucket % COARSE_RING) */
    block *free_blocks;
    size_t in_fine, in_coarse; /* entries there, dead ones included */
    vec far;                   /* a heap of events beyond the coarse ring */
    size_t popped;             /* events popped in the current coarse bucket: sizes the next cut */
    uint64_t *done;            /* bit seq: the event fired or was cancelled */
    size_t done_words;
};

static bool before(const entry *a, const entry *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

static uint64_t seq_of(const entry *e)
{
    return e->key >> TYPE_BITS;
}

static int vec_push(vec *v, entry e)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        entry *p = realloc(v->v, cap * sizeof *p);
        if (p == NULL) {
            return RETSIM_ENOMEM;
        }
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n++] = e;
    return 0;
}

/* ---- a 4-ary heap over a vec; `track` keeps slot positions (heap kind) ---- */

static void place(retsim_queue *q, vec *h, size_t i, entry e, bool track)
{
    h->v[i] = e;
    if (track) {
        q->slots[e.data].pos = (uint32_t)i;
    }
}

static void sift_up(retsim_queue *q, vec *h, size_t i, bool track)
{
    entry e = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&e, &h->v[parent])) {
            break;
        }
        place(q, h, i, h->v[parent], track);
        i = parent;
    }
    place(q, h, i, e, track);
}

static void sift_down(retsim_queue *q, vec *h, size_t i, bool track)
{
    entry e = h->v[i];
    for (;;) {
        size_t first = i * ARITY + 1;
        if (first >= h->n) {
            break;
        }
        size_t last = first + ARITY < h->n ? first + ARITY : h->n;
        size_t best = first;
        for (size_t c = first + 1; c < last; c++) {
            if (before(&h->v[c], &h->v[best])) {
                best = c;
            }
        }
        if (!before(&h->v[best], &e)) {
            break;
        }
        place(q, h, i, h->v[best], track);
        i = best;
    }
    place(q, h, i, e, track);
}

static int heap_push(retsim_queue *q, vec *h, entry e, bool track)
{
    int rc = vec_push(h, e);
    if (rc == 0) {
        sift_up(q, h, h->n - 1, track);
    }
    return rc;
}

static void heap_remove_at(retsim_queue *q, vec *h, size_t i, bool track)
{
    h->n--;
    if (i == h->n) {
        return;
    }
    entry moved = h->v[h->n];
    place(q, h, i, moved, track);
    if (i > 0 && before(&moved, &h->v[(i - 1) / ARITY])) {
        sift_up(q, h, i, track);
    } else {
        sift_down(q, h, i, track);
    }
}

/* ---- the calendar ---- */

static bool is_done(const retsim_queue *q, uint64_t seq)
{
    return (q->done[seq >> 6] >> (seq & 63)) & 1;
}

static void mark_done(retsim_queue *q, uint64_t seq)
{
    q->done[seq >> 6] |= UINT64_C(1) << (seq & 63);
}

static uint32_t fine_mask(const retsim_queue *q)
{
    return (1u << (COARSE_SHIFT - q->fine_shift)) - 1;
}

/* File an entry where its time belongs: the current window's heap, a fine
 * bucket, a coarse bucket, or far. */
static int cal_file(retsim_queue *q, entry e)
{
    int64_t bc = e.time >> COARSE_SHIFT;
    if (bc <= q->cur_coarse) {
        int64_t bf = e.time >> q->fine_shift;
        if (bf <= q->cur_fine) {
            return heap_push(q, &q->heap, e, false); /* after the run was sorted */
        }
        q->in_fine++;
        return vec_push(&q->fine[bf & fine_mask(q)], e);
    }
    if (bc <= q->cur_coarse + (int64_t)COARSE_RING) {
        blist *l = &q->coarse[bc & (COARSE_RING - 1)];
        if (l->tail == NULL || l->tail->n == BLOCK_ENTRIES) {
            block *b = q->free_blocks;
            if (b != NULL) {
                q->free_blocks = b->next;
            } else if ((b = malloc(sizeof *b)) == NULL) {
                return RETSIM_ENOMEM;
            }
            b->next = NULL;
            b->n = 0;
            if (l->tail != NULL) {
                l->tail->next = b;
            } else {
                l->head = b;
            }
            l->tail = b;
        }
        l->tail->e[l->tail->n++] = e;
        l->n++;
        q->in_coarse++;
        return 0;
    }
    return heap_push(q, &q->far, e, false);
}

/* The next coarse bucket: cut it into fine buckets sized to hold about
 * FINE_TARGET events each, and take in the far events the coarse ring now
 * covers. Called with the fine ring, the run and the heap empty. */
static int cal_next_coarse(retsim_queue *q)
{
    if (q->in_coarse == 0) { /* jump over the empty stretch to the earliest far event */
        int64_t bc = q->far.v[0].time >> COARSE_SHIFT;
        if (bc - 1 > q->cur_coarse) {
            q->cur_coarse = bc - 1;
        }
    }
    q->cur_coarse++;
    blist *c = &q->coarse[q->cur_coarse & (COARSE_RING - 1)];
    /* events filed with short delays join after the cut: expect as many as last time */
    size_t expect = c->n > q->popped ? c->n : q->popped;
    q->popped = 0;
    int bits = 0;
    while (bits < MAX_FINE_BITS && (expect >> bits) > FINE_TARGET) {
        bits++;
    }
    /* the fine buckets are empty now; they keep their arrays, reused by every cut,
     * so a steady state allocates nothing */
    q->fine_shift = COARSE_SHIFT - bits;
    q->cur_fine = (q->cur_coarse << bits) - 1;
    q->in_coarse -= c->n;
    while (c->head != NULL) { /* one streaming pass; blocks go back to the free list */
        block *b = c->head;
        for (uint32_t i = 0; i < b->n; i++) {
            int rc = vec_push(&q->fine[(b->e[i].time >> q->fine_shift) & fine_mask(q)], b->e[i]);
            if (rc != 0) {
                return rc;
            }
            q->in_fine++;
        }
        c->head = b->next;
        b->next = q->free_blocks;
        q->free_blocks = b;
    }
    c->tail = NULL;
    c->n = 0;
    while (q->far.n > 0 && (q->far.v[0].time >> COARSE_SHIFT) <= q->cur_coarse + (int64_t)COARSE_RING) {
        entry e = q->far.v[0];
        heap_remove_at(q, &q->far, 0, false);
        if (!is_done(q, seq_of(&e))) {
            int rc = cal_file(q, e);
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
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
        while (j > 0 && before(&e, &r->v[j - 1])) {
            r->v[j] = r->v[j - 1];
            j--;
        }
        r->v[j] = e;
    }
}

/* Move on to the next fine bucket with an event and sort it into the run
 * (called with the run used up and the heap empty). */
static int cal_advance(retsim_queue *q)
{
    while (q->run_pos == q->run.n) {
        if (q->in_fine == 0) {
            if (q->in_coarse == 0 && q->far.n == 0) {
                return 0;
            }
            int rc = cal_next_coarse(q);
            if (rc != 0) {
                return rc;
            }
            continue;
        }
        vec *b;
        do { /* in_fine > 0: a non-empty fine bucket lies ahead within cur_coarse */
            b = &q->fine[++q->cur_fine & fine_mask(q)];
        } while (b->n == 0);
        q->in_fine -= b->n;
        vec old = q->run; /* swap arrays: the bucket becomes the run, the old run's memory the bucket's */
        q->run = *b;
        old.n = 0;
        *b = old;
        q->run_pos = 0;
        sort_run(&q->run); /* dead entries come along: they are skipped when reached */
    }
    return 0;
}

/* The earliest live event of the current window: &run[run_pos] or &heap[0]
 * (NULL when the set is empty). Drops dead events on the way. */
static int cal_top(retsim_queue *q, entry **top)
{
    for (;;) {
        while (q->run_pos < q->run.n && is_done(q, seq_of(&q->run.v[q->run_pos]))) {
            q->run_pos++;
        }
        while (q->heap.n > 0 && is_done(q, seq_of(&q->heap.v[0]))) {
            heap_remove_at(q, &q->heap, 0, false);
        }
        bool in_run = q->run_pos < q->run.n;
        if (in_run || q->heap.n > 0) {
            *top = !in_run || (q->heap.n > 0 && before(&q->heap.v[0], &q->run.v[q->run_pos]))
                       ? &q->heap.v[0]
                       : &q->run.v[q->run_pos];
            return 0;
        }
        *top = NULL;
        if (q->in_fine == 0 && q->in_coarse == 0 && q->far.n == 0) {
            return 0;
        }
        int rc = cal_advance(q);
        if (rc != 0) {
            return rc;
        }
    }
}

/* ---- heap kind: slots ---- */

static int slot_new(retsim_queue *q, uint32_t *out)
{
    if (q->free_head != NO_POS) {
        *out = q->free_head;
        q->free_head = q->slots[*out].pos;
        return 0;
    }
    if (q->nslots == q->slot_cap) {
        if (q->slot_cap >= UINT32_MAX / 2) {
            return RETSIM_ENOMEM;
        }
        uint32_t cap = q->slot_cap ? q->slot_cap * 2 : 64;
        slot *s = realloc(q->slots, (size_t)cap * sizeof *s);
        if (s == NULL) {
            return RETSIM_ENOMEM;
        }
        q->slots = s;
        q->slot_cap = cap;
    }
    *out = q->nslots++;
    q->slots[*out].gen = 0;
    return 0;
}

static void slot_release(retsim_queue *q, uint32_t s)
{
    q->slots[s].gen++;
    q->slots[s].pos = q->free_head;
    q->free_head = s;
}

/* ---- the public interface ---- */

retsim_queue *retsim_queue_create_kind(retsim_queue_kind kind)
{
    retsim_queue *q = calloc(1, sizeof *q);
    if (q == NULL) {
        return NULL;
    }
    q->kind = kind;
    q->free_head = NO_POS;
    q->cur_fine = -1;
    q->cur_coarse = -1;
    q->fine_shift = COARSE_SHIFT;
    if (kind == RETSIM_QUEUE_CALENDAR) {
        q->fine = calloc((size_t)1 << MAX_FINE_BITS, sizeof *q->fine);
        q->coarse = calloc(COARSE_RING, sizeof *q->coarse);
        if (q->fine == NULL || q->coarse == NULL) {
            free(q->fine);
            free(q->coarse);
            free(q);
            return NULL;
        }
    }
    return q;
}

retsim_queue *retsim_queue_create(void)
{
    return retsim_queue_create_kind(RETSIM_QUEUE_CALENDAR);
}

void retsim_queue_destroy(retsim_queue *q)
{
    if (q == NULL) {
        return;
    }
    for (uint32_t i = 0; q->fine != NULL && i < (1u << MAX_FINE_BITS); i++) {
        free(q->fine[i].v);
    }
    for (uint32_t i = 0; q->coarse != NULL && i < COARSE_RING; i++) {
        for (block *b = q->coarse[i].head, *next; b != NULL; b = next) {
            next = b->next;
            free(b);
        }
    }
    for (block *b = q->free_blocks, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(q->fine);
    free(q->coarse);
    free(q->far.v);
    free(q->heap.v);
    free(q->run.v);
    free(q->slots);
    free(q->done);
    free(q);
}

/* Calendar ids are seq + 1; heap ids are (gen, slot + 1). */
int retsim_queue_push(retsim_queue *q, retsim_time time, uint32_t type, uint64_t data, retsim_event_id *id)
{
    if (type >= (1u << TYPE_BITS) || q->next_seq >> (64 - TYPE_BITS)) {
        return RETSIM_EUSAGE;
    }
    uint64_t seq = q->next_seq;
    entry e = {time, seq << TYPE_BITS | type, data};
    int rc;
    if (q->kind == RETSIM_QUEUE_HEAP) {
        uint32_t s;
        rc = slot_new(q, &s);
        if (rc != 0) {
            return rc;
        }
        q->slots[s].data = data;
        q->slots[s].type = type;
        e.data = s;
        rc = heap_push(q, &q->heap, e, true);
        if (rc != 0) {
            slot_release(q, s);
            return rc;
        }
        if (id != NULL) {
            *id = ((uint64_t)q->slots[s].gen << 32) | ((uint64_t)s + 1);
        }
    } else {
        if ((seq >> 6) >= q->done_words) {
            size_t words = q->done_words ? q->done_words * 2 : 1024;
            uint64_t *d = realloc(q->done, words * sizeof *d);
            if (d == NULL) {
                return RETSIM_ENOMEM;
            }
            memset(d + q->done_words, 0, (words - q->done_words) * sizeof *d);
            q->done = d;
            q->done_words = words;
        }
        rc = cal_file(q, e);
        if (rc != 0) {
            return rc;
        }
        if (id != NULL) {
            *id = seq + 1;
        }
    }
    q->next_seq++;
    q->live++;
    return 0;
}

int retsim_queue_pop_until(retsim_queue *q, retsim_time until, retsim_event *out)
{
    if (q->kind == RETSIM_QUEUE_CALENDAR) {
        entry *top = NULL;
        int rc = cal_top(q, &top);
        if (rc != 0) {
            return rc;
        }
        if (top == NULL || top->time > until) {
            return RETSIM_ENOTFOUND;
        }
        entry e = *top;
        if (q->heap.n > 0 && top == q->heap.v) { /* heap.v may be NULL: no &v[0] */
            heap_remove_at(q, &q->heap, 0, false);
        } else {
            q->run_pos++;
        }
        out->time = e.time;
        out->seq = seq_of(&e);
        out->type = (uint32_t)(e.key & ((1u << TYPE_BITS) - 1));
        out->data = e.data;
        out->id = out->seq + 1;
        mark_done(q, out->seq);
        q->live--;
        q->popped++;
        return 0;
    }
    if (q->heap.n == 0 || q->heap.v[0].time > until) {
        return RETSIM_ENOTFOUND;
    }
    entry top = q->heap.v[0];
    const slot *sl = &q->slots[top.data];
    out->time = top.time;
    out->seq = seq_of(&top);
    out->type = (uint32_t)(top.key & ((1u << TYPE_BITS) - 1));
    out->data = sl->data;
    out->id = ((uint64_t)sl->gen << 32) | (top.data + 1);
    heap_remove_at(q, &q->heap, 0, true);
    slot_release(q, (uint32_t)top.data);
    q->live--;
    return 0;
}

int retsim_queue_pop(retsim_queue *q, retsim_event *out)
{
    return retsim_queue_pop_until(q, RETSIM_TIME_NEVER, out);
}

retsim_time retsim_queue_peek_time(retsim_queue *q)
{
    if (q->kind == RETSIM_QUEUE_CALENDAR) {
        entry *top = NULL;
        return cal_top(q, &top) == 0 && top != NULL ? top->time : RETSIM_TIME_NEVER;
    }
    return q->heap.n > 0 ? q->heap.v[0].time : RETSIM_TIME_NEVER;
}

int retsim_queue_cancel(retsim_queue *q, retsim_event_id id)
{
    if (id == RETSIM_EVENT_NONE) {
        return RETSIM_ENOTFOUND;
    }
    if (q->kind == RETSIM_QUEUE_CALENDAR) {
        uint64_t seq = id - 1;
        if (seq >= q->next_seq || is_done(q, seq)) {
            return RETSIM_ENOTFOUND;
        }
        mark_done(q, seq); /* the entry stays where it is and is dropped when reached */
        q->live--;
        return 0;
    }
    uint64_t index = (id & 0xffffffffu) - 1;
    uint32_t gen = (uint32_t)(id >> 32);
    if (index >= q->nslots || q->slots[index].gen != gen) {
        return RETSIM_ENOTFOUND; /* fired, cancelled, or the slot serves another event now */
    }
    heap_remove_at(q, &q->heap, q->slots[index].pos, true);
    slot_release(q, (uint32_t)index);
    q->live--;
    return 0;
}

size_t retsim_queue_size(const retsim_queue *q)
{
    return q->live;
}

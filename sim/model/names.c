/* String interning: strings in fixed blocks, entries in chunks, and an
 * open-addressing table of (id, hash) pairs. Nothing ever moves once written:
 * growth copies no strings and no entries (only the table is rebuilt when it
 * fills, and retsim_names_reserve avoids even that). */
#include "retsim/names.h"

#include "base/chunks.h"
#include "retsim/error.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES (1u << 20) /* string blocks: 1 MiB, or one string if longer */

typedef struct name_entry {
    uint64_t ns;
    const char *str;
    uint32_t len;
    uint32_t hash;
} name_entry;

typedef struct cell { /* the hash next to the id: a probe reads no entry until the hash matches */
    uint32_t id;
    uint32_t hash;
} cell;

struct retsim_names {
    chunks entries;
    uint32_t count;
    char **blocks;
    size_t n_blocks, cap_blocks;
    size_t block_used; /* in the last block */
    cell *table;
    uint32_t table_mask;
};

/* 8 bytes a step, each word folded in with a multiply and a shift, then a
 * final avalanche (murmur3 fmix). Names are about a dozen bytes: two steps,
 * where FNV-1a took a multiply per byte and was most of an intern's cost.
 * The hash only places ids in the table: ids, and so every output, do not
 * depend on it. */
static inline uint64_t load64(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

static inline uint64_t load32(const char *s)
{
    uint32_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

static inline uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
    return h ^ (h >> 29);
}

/* The last bytes (1 to 8 of them, or none) as one word: overlapping loads
 * instead of a byte loop. The length is hashed too, so overlaps and padding
 * cannot make two strings alike. */
static inline uint64_t tail_of(const char *s, size_t len)
{
    if (len >= 8) {
        return load64(s + len - 8);
    }
    if (len >= 4) {
        return load32(s) | load32(s + len - 4) << 32;
    }
    if (len > 0) {
        return (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len / 2] << 8 |
               (uint64_t)(unsigned char)s[len - 1] << 16;
    }
    return 0;
}

static uint32_t hash_of(uint64_t ns, const char *s, size_t len)
{
    uint64_t h = mix(ns, UINT64_C(0xbf58476d1ce4e5b9) ^ (uint64_t)len);
    size_t i = 0;
    for (; i + 8 < len; i += 8) { /* all but the last 1..8 bytes */
        h = mix(h, load64(s + i));
    }
    h = mix(h, tail_of(s, len));
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return (uint32_t)h;
}

static const name_entry *entry_at(const retsim_names *t, uint32_t id)
{
    return chunks_at(&t->entries, id);
}

static int make_table(retsim_names *t, size_t cap)
{
    cell *table = retsim_alloc_large(cap * sizeof *table);
    if (table == NULL) {
        return RETSIM_ENOMEM;
    }
    memset(table, 0xff, cap * sizeof *table);
    for (uint32_t i = 0; t->table != NULL && i <= t->table_mask; i++) { /* re-insert from the old table */
        if (t->table[i].id != RETSIM_NAME_NONE) {
            size_t j = t->table[i].hash & (cap - 1);
            while (table[j].id != RETSIM_NAME_NONE) {
                j = (j + 1) & (cap - 1);
            }
            table[j] = t->table[i];
        }
    }
    free(t->table);
    t->table = table;
    t->table_mask = (uint32_t)(cap - 1);
    return 0;
}

retsim_names *retsim_names_create(void)
{
    retsim_names *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return NULL;
    }
    chunks_init(&t->entries, sizeof(name_entry), 16);
    if (make_table(t, 64) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void retsim_names_destroy(retsim_names *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->n_blocks; i++) {
        free(t->blocks[i]);
    }
    free(t->blocks);
    chunks_free(&t->entries);
    free(t->table);
    free(t);
}

int retsim_names_reserve(retsim_names *t, size_t n)
{
    size_t cap = (size_t)t->table_mask + 1;
    while (cap * 7 < n * 10 && cap < ((size_t)1 << 31)) {
        cap *= 2;
    }
    return cap > (size_t)t->table_mask + 1 ? make_table(t, cap) : 0;
}

static uint32_t probe(const retsim_names *t, uint64_t ns, const char *s, size_t len, uint32_t h, size_t *pos)
{
    size_t i = h & t->table_mask;
    for (;;) {
        const cell *c = &t->table[i];
        if (c->id == RETSIM_NAME_NONE) {
            *pos = i;
            return RETSIM_NAME_NONE;
        }
        if (c->hash == h) {
            const name_entry *e = entry_at(t, c->id);
            if (e->ns == ns && e->len == len && memcmp(e->str, s, len) == 0) {
                *pos = i;
                return c->id;
            }
        }
        i = (i + 1) & t->table_mask;
    }
}

uint32_t retsim_names_find(const retsim_names *t, uint64_t ns, const char *s, size_t len)
{
    size_t pos;
    return probe(t, ns, s, len, hash_of(ns, s, len), &pos);
}

/* Room for len + 1 bytes in the last block, starting a new block if needed. */
static char *store(retsim_names *t, const char *s, size_t len)
{
    if (t->n_blocks == 0 || t->block_used + len + 1 > BLOCK_BYTES) {
        if (t->n_blocks == t->cap_blocks) {
            size_t cap = t->cap_blocks ? t->cap_blocks * 2 : 16;
            char **b = realloc(t->blocks, cap * sizeof *b);
            if (b == NULL) {
                return NULL;
            }
            t->blocks = b;
            t->cap_blocks = cap;
        }
        char *block = malloc(len + 1 > BLOCK_BYTES ? len + 1 : BLOCK_BYTES);
        if (block == NULL) {
            return NULL;
        }
        t->blocks[t->n_blocks++] = block;
        t->block_used = 0;
    }
    char *p = t->blocks[t->n_blocks - 1] + t->block_used;
    memcpy(p, s, len);
    p[len] = '\0';
    t->block_used += len + 1;
    return p;
}

int retsim_names_intern(retsim_names *t, uint64_t ns, const char *s, size_t len, uint32_t *id)
{
    uint32_t h = hash_of(ns, s, len);
    size_t pos;
    uint32_t found = probe(t, ns, s, len, h, &pos);
    if (found != RETSIM_NAME_NONE) {
        *id = found;
        return 0;
    }
    if (len > UINT32_MAX || t->count == RETSIM_NAME_NONE - 1 ||
        chunks_ensure(&t->entries, (uint64_t)t->count + 1) != 0) {
        return RETSIM_ENOMEM;
    }
    if (((size_t)t->count + 1) * 10 > ((size_t)t->table_mask + 1) * 7) { /* load <= 0.7 */
        if (make_table(t, ((size_t)t->table_mask + 1) * 2) != 0) {
            return RETSIM_ENOMEM;
        }
        probe(t, ns, s, len, h, &pos);
    }
    const char *str = store(t, s, len);
    if (str == NULL) {
        return RETSIM_ENOMEM;
    }
    name_entry *e = chunks_at(&t->entries, t->count);
    *e = (name_entry){ns, str, (uint32_t)len, h};
    t->table[pos] = (cell){t->count, h};
    *id = t->count++;
    return 0;
}

const char *retsim_names_str(const retsim_names *t, uint32_t id)
{
    return entry_at(t, id)->str;
}

size_t retsim_names_len(const retsim_names *t, uint32_t id)
{
    return entry_at(t, id)->len;
}

uint64_t retsim_names_ns(const retsim_names *t, uint32_t id)
{
    return entry_at(t, id)->ns;
}

uint32_t retsim_names_count(const retsim_names *t)
{
    return t->count;
}

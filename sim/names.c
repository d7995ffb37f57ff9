/* String interning: byte arena + open-addressing table of ids. */
#include "retsim/names.h"

#include "retsim/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct name_entry {
    uint64_t ns;
    uint64_t off; /* into the arena */
    uint32_t len;
    uint32_t hash;
} name_entry;

struct retsim_names {
    char *arena;
    size_t arena_len, arena_cap;
    name_entry *entries;
    uint32_t count, entries_cap;
    uint32_t *table; /* ids, RETSIM_NAME_NONE for empty */
    uint32_t table_mask;
};

/* FNV-1a over the namespace and the bytes, then a final avalanche (murmur3 fmix). */
static uint32_t hash_of(uint64_t ns, const char *s, size_t len)
{
    uint64_t h = UINT64_C(1469598103934665603) ^ ns;
    h *= UINT64_C(1099511628211);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return (uint32_t)h;
}

retsim_names *retsim_names_create(void)
{
    retsim_names *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return NULL;
    }
    t->table_mask = 63;
    t->table = malloc(64 * sizeof *t->table);
    if (t->table == NULL) {
        free(t);
        return NULL;
    }
    memset(t->table, 0xff, 64 * sizeof *t->table);
    return t;
}

void retsim_names_destroy(retsim_names *t)
{
    if (t != NULL) {
        free(t->arena);
        free(t->entries);
        free(t->table);
        free(t);
    }
}

static uint32_t probe(const retsim_names *t, uint64_t ns, const char *s, size_t len, uint32_t h, size_t *pos)
{
    size_t i = h & t->table_mask;
    for (;;) {
        uint32_t id = t->table[i];
        if (id == RETSIM_NAME_NONE) {
            *pos = i;
            return RETSIM_NAME_NONE;
        }
        const name_entry *e = &t->entries[id];
        if (e->hash == h && e->ns == ns && e->len == len && memcmp(t->arena + e->off, s, len) == 0) {
            *pos = i;
            return id;
        }
        i = (i + 1) & t->table_mask;
    }
}

uint32_t retsim_names_find(const retsim_names *t, uint64_t ns, const char *s, size_t len)
{
    size_t pos;
    return probe(t, ns, s, len, hash_of(ns, s, len), &pos);
}

static int rehash(retsim_names *t)
{
    size_t cap = ((size_t)t->table_mask + 1) * 2;
    uint32_t *table = malloc(cap * sizeof *table);
    if (table == NULL) {
        return RETSIM_ENOMEM;
    }
    memset(table, 0xff, cap * sizeof *table);
    for (uint32_t id = 0; id < t->count; id++) {
        size_t i = t->entries[id].hash & (cap - 1);
        while (table[i] != RETSIM_NAME_NONE) {
            i = (i + 1) & (cap - 1);
        }
        table[i] = id;
    }
    free(t->table);
    t->table = table;
    t->table_mask = (uint32_t)(cap - 1);
    return 0;
}

static int reserve(retsim_names *t, size_t len)
{
    if (t->count == t->entries_cap) {
        if (t->entries_cap >= UINT32_MAX / 2) {
            return RETSIM_ENOMEM;
        }
        uint32_t cap = t->entries_cap ? t->entries_cap * 2 : 64;
        name_entry *e = realloc(t->entries, (size_t)cap * sizeof *e);
        if (e == NULL) {
            return RETSIM_ENOMEM;
        }
        t->entries = e;
        t->entries_cap = cap;
    }
    if (t->arena_len + len + 1 > t->arena_cap) {
        size_t cap = t->arena_cap ? t->arena_cap : 4096;
        while (cap < t->arena_len + len + 1) {
            cap *= 2;
        }
        char *a = realloc(t->arena, cap);
        if (a == NULL) {
            return RETSIM_ENOMEM;
        }
        t->arena = a;
        t->arena_cap = cap;
    }
    return 0;
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
    if (len > UINT32_MAX || reserve(t, len) != 0) {
        return RETSIM_ENOMEM;
    }
    if (((size_t)t->count + 1) * 2 > (size_t)t->table_mask + 1) {
        if (rehash(t) != 0) {
            return RETSIM_ENOMEM;
        }
        probe(t, ns, s, len, h, &pos);
    }
    name_entry *e = &t->entries[t->count];
    e->ns = ns;
    e->off = t->arena_len;
    e->len = (uint32_t)len;
    e->hash = h;
    memcpy(t->arena + t->arena_len, s, len);
    t->arena[t->arena_len + len] = '\0';
    t->arena_len += len + 1;
    t->table[pos] = t->count;
    *id = t->count++;
    return 0;
}

const char *retsim_names_str(const retsim_names *t, uint32_t id)
{
    return t->arena + t->entries[id].off;
}

size_t retsim_names_len(const retsim_names *t, uint32_t id)
{
    return t->entries[id].len;
}

uint64_t retsim_names_ns(const retsim_names *t, uint32_t id)
{
    return t->entries[id].ns;
}

uint32_t retsim_names_count(const retsim_names *t)
{
    return t->count;
}

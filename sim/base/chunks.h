/* Internal to the library: a growable array stored in fixed-size chunks.
 *
 * Growing never moves what is there (no copy, no realloc of the elements),
 * so a table of millions of records grows without streaming all of it
 * through the cache at each doubling, and pointers to elements stay valid.
 * Chunks are cache-line aligned; element i lives in chunk i >> bits. */
#ifndef RETSIM_CHUNKS_H
#define RETSIM_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

typedef struct chunks {
    char **chunk;
    uint32_t n_chunks, cap_chunks;
    size_t elem;   /* bytes per element */
    unsigned bits; /* elements per chunk: 2^bits */
} chunks;

/* elem bytes per element, 2^bits elements per chunk. */
void chunks_init(chunks *c, size_t elem, unsigned bits);
/* Room for elements 0 .. n-1. 0 or RETSIM_ENOMEM. */
int chunks_ensure(chunks *c, uint64_t n);
void chunks_free(chunks *c);

/* Memory for large, randomly accessed tables: aligned to 2 MiB and, where the
 * system offers it, backed by huge pages, so that random accesses miss the
 * TLB far less. Free with free(). NULL when out of memory. */
void *retsim_alloc_large(size_t bytes);

static inline void *chunks_at(const chunks *c, uint32_t i)
{
    return c->chunk[i >> c->bits] + (size_t)(i & ((UINT32_C(1) << c->bits) - 1)) * c->elem;
}

#endif

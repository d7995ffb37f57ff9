/* Chunked arrays: growth without moving; huge-page backed large tables. */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "chunks.h"

#include "retsim/error.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *retsim_alloc_large(size_t bytes)
{
    if (bytes < HUGE_PAGE) {
        void *p = NULL;
        return posix_memalign(&p, 64, bytes) == 0 ? p : NULL;
    }
    void *p = NULL;
    size_t rounded = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (posix_memalign(&p, HUGE_PAGE, rounded) != 0) {
        return NULL;
    }
#ifdef MADV_HUGEPAGE
    (void)madvise(p, rounded, MADV_HUGEPAGE); /* a hint: without it, ordinary pages */
#endif
    return p;
}

void chunks_init(chunks *c, size_t elem, unsigned bits)
{
    memset(c, 0, sizeof *c);
    c->elem = elem;
    c->bits = bits;
}

int chunks_ensure(chunks *c, uint64_t n)
{
    uint64_t need = (n + (UINT64_C(1) << c->bits) - 1) >> c->bits;
    if (need > UINT32_MAX) {
        return RETSIM_ENOMEM;
    }
    while (c->n_chunks < need) {
        if (c->n_chunks == c->cap_chunks) {
            uint32_t cap = c->cap_chunks ? c->cap_chunks * 2 : 16;
            char **t = realloc(c->chunk, (size_t)cap * sizeof *t);
            if (t == NULL) {
                return RETSIM_ENOMEM;
            }
            c->chunk = t;
            c->cap_chunks = cap;
        }
        void *p = retsim_alloc_large(c->elem << c->bits);
        if (p == NULL) {
            return RETSIM_ENOMEM;
        }
        c->chunk[c->n_chunks++] = p;
    }
    return 0;
}

void chunks_free(chunks *c)
{
    for (uint32_t i = 0; i < c->n_chunks; i++) {
        free(c->chunk[i]);
    }
    free(c->chunk);
    c->chunk = NULL;
    c->n_chunks = c->cap_chunks = 0;
}

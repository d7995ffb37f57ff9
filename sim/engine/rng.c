/* Counter-based random streams as a gsl_rng_type. */
#include "retsim/rng.h"

#include <stdlib.h>

#define GOLDEN UINT64_C(0x9e3779b97f4a7c15)

typedef struct ctr_state {
    uint64_t key;
    uint64_t counter;
} ctr_state;

uint64_t retsim_rng_mix(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

/* SplitMix64: output n of a stream is mix(key + (n + 1) * golden). */
static uint64_t next64(ctr_state *s)
{
    return retsim_rng_mix(s->key + ++s->counter * GOLDEN);
}

static void ctr_set(void *vstate, unsigned long seed)
{
    ctr_state *s = vstate;
    s->key = retsim_rng_mix((uint64_t)seed ^ GOLDEN);
    s->counter = 0;
}

static unsigned long ctr_get(void *vstate)
{
    return (unsigned long)(next64(vstate) >> 32);
}

static double ctr_get_double(void *vstate)
{
    return (double)(next64(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type ctr_type = {
    "retsim_splitmix64", 0xffffffffUL, 0, sizeof(ctr_state), ctr_set, ctr_get, ctr_get_double};

const gsl_rng_type *retsim_rng_type(void)
{
    return &ctr_type;
}

#define N_SOURCES 64

struct retsim_rng {
    gsl_rng *gsl;
    uint64_t base;                  /* hash of seed and replication */
    uint64_t source_key[N_SOURCES]; /* hash of base and source, computed once */
};

retsim_rng *retsim_rng_create(uint64_t seed, uint32_t replication)
{
    retsim_rng *r = calloc(1, sizeof *r);
    if (r == NULL) {
        return NULL;
    }
    r->gsl = gsl_rng_alloc(&ctr_type);
    if (r->gsl == NULL) {
        free(r);
        return NULL;
    }
    r->base = retsim_rng_mix(retsim_rng_mix(seed ^ GOLDEN) + replication * GOLDEN + 1);
    for (uint32_t s = 0; s < N_SOURCES; s++) {
        r->source_key[s] = retsim_rng_mix(r->base ^ ((uint64_t)s * GOLDEN));
    }
    return r;
}

void retsim_rng_destroy(retsim_rng *r)
{
    if (r != NULL) {
        gsl_rng_free(r->gsl);
        free(r);
    }
}

gsl_rng *retsim_rng_stream(retsim_rng *r, uint32_t source, uint64_t entity, uint64_t draw)
{
    ctr_state *s = r->gsl->state;
    uint64_t k =
        source < N_SOURCES ? r->source_key[source] : retsim_rng_mix(r->base ^ ((uint64_t)source * GOLDEN));
    k = retsim_rng_mix(k ^ entity);
    s->key = retsim_rng_mix(k ^ (draw * GOLDEN + 0x632be59bd9b4e019u));
    s->counter = 0;
    return r->gsl;
}

double retsim_rng_uniform(retsim_rng *r, uint32_t source, uint64_t entity, uint64_t draw)
{
    return gsl_rng_uniform(retsim_rng_stream(r, source, entity, draw));
}

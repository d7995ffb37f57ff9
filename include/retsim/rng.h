/* retsim/rng.h — random streams keyed by (seed, replication, source, entity, draw).
 *
 * Every random draw of a simulation is made from its own stream, found by
 * hashing the master seed, the replication index, the random source (what the
 * draw is for: a lifetime, a restore delay, ...), the entity (which resource
 * lifecycle) and the draw number within that entity. A draw therefore never
 * depends on how many other draws happened before it, so
 *   - two policies run on one seed see the same workload (common random
 *     numbers) even when their outcomes differ, and
 *   - draws made only on some outcomes (retries) shift nothing else.
 * The generator is a counter-based SplitMix64 wrapped as a custom gsl_rng_type,
 * so every gsl_ran_* distribution works on it; re-keying is two stores, no
 * allocation. Thread safety: one retsim_rng per simulation. */
#ifndef RETSIM_RNG_H
#define RETSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

typedef struct retsim_rng retsim_rng;

/* NULL when out of memory. */
retsim_rng *retsim_rng_create(uint64_t seed, uint32_t replication);
void retsim_rng_destroy(retsim_rng *r); /* NULL-safe */

/* The gsl_rng positioned at the start of stream (source, entity, draw). Valid
 * until the next call; use it for one draw (which may take several numbers). */
gsl_rng *retsim_rng_stream(retsim_rng *r, uint32_t source, uint64_t entity, uint64_t draw);

/* A uniform double in [0, 1) from stream (source, entity, draw). */
double retsim_rng_uniform(retsim_rng *r, uint32_t source, uint64_t entity, uint64_t draw);

/* The SplitMix64 finaliser: a bijective 64-bit mix, for deriving keys. */
uint64_t retsim_rng_mix(uint64_t x);

/* The custom generator type, for gsl_rng_alloc in tests. */
const gsl_rng_type *retsim_rng_type(void);

#endif

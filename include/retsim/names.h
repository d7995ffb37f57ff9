/* retsim/names.h — interned strings, each in a 64-bit namespace.
 *
 * The registry interns every resource name once, in the namespace of its kind
 * and scope (global, subscription or parent instance), and works on the dense
 * 32-bit ids afterwards; subscriptions, tenants, types and regions are
 * interned the same way in namespaces of their own. Ids are assigned 0, 1, 2…
 * in first-seen order, so anything iterated by id is deterministic.
 *
 * Structure: strings in 1 MiB blocks and entries in fixed chunks, so nothing
 * moves once written; an open-addressing table (linear probing, power-of-two
 * size, load <= 0.7) of (id, hash) pairs — 8 to a cache line, so most probes
 * stay in one line —, so a probe reads an entry only when
 * the hash matches. find and intern are O(length) expected; the table doubles
 * when 70% full (amortised O(1)), or is sized once by _reserve.
 * Thread safety: one table per simulation. */
#ifndef RETSIM_NAMES_H
#define RETSIM_NAMES_H

#include <stddef.h>
#include <stdint.h>

typedef struct retsim_names retsim_names;

#define RETSIM_NAME_NONE UINT32_MAX

retsim_names *retsim_names_create(void);    /* NULL when out of memory */
void retsim_names_destroy(retsim_names *t); /* NULL-safe */

/* The id of (ns, s[0..len)), or RETSIM_NAME_NONE if never interned. */
uint32_t retsim_names_find(const retsim_names *t, uint64_t ns, const char *s, size_t len);

/* The id of (ns, s[0..len)), adding it if new. 0 or RETSIM_ENOMEM. */
int retsim_names_intern(retsim_names *t, uint64_t ns, const char *s, size_t len, uint32_t *id);

/* Size the table for n names in all, so it never has to be rebuilt. */
int retsim_names_reserve(retsim_names *t, size_t n);

/* The NUL-terminated text of an id; valid as long as the table. */
const char *retsim_names_str(const retsim_names *t, uint32_t id);
size_t retsim_names_len(const retsim_names *t, uint32_t id);
uint64_t retsim_names_ns(const retsim_names *t, uint32_t id);
uint32_t retsim_names_count(const retsim_names *t);

#endif

/* retsim/suggest.h — "did you mean ...?" for a misspelt command, option,
 * scenario key or section.
 *
 * The distance is the optimal-string-alignment edit distance: an insertion,
 * a deletion, a substitution or a swap of two neighbouring characters each
 * count 1 ("retnetion" is 1 from "retention"). Pure functions; thread-safe.
 * Cost: O(len(a) × len(b)) per pair, words up to RETSIM_SUGGEST_MAX bytes
 * (longer ones are never suggested). */
#ifndef RETSIM_SUGGEST_H
#define RETSIM_SUGGEST_H

#include <stddef.h>

#define RETSIM_SUGGEST_MAX 64

/* The distance between a and b; RETSIM_SUGGEST_MAX + 1 when either is longer than that. */
int retsim_edit_distance(const char *a, const char *b);

/* The candidate nearest to word, if at most max_distance from it (ties: the
 * first in the list); NULL when none is that near, or word is one of them. */
const char *retsim_suggest(const char *word, const char *const *candidates, size_t n, int max_distance);

#endif

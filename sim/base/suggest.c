/* Nearest words by edit distance, for "did you mean ...?". */
#include "retsim/suggest.h"

#include <string.h>

int retsim_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > RETSIM_SUGGEST_MAX || lb > RETSIM_SUGGEST_MAX) {
        return RETSIM_SUGGEST_MAX + 1;
    }
    /* three rows of the dynamic programme: i-2, i-1 and i */
    int rows[3][RETSIM_SUGGEST_MAX + 1];
    for (size_t j = 0; j <= lb; j++) {
        rows[0][j] = (int)j;
    }
    for (size_t i = 1; i <= la; i++) {
        int *cur = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int d = up[j] + 1;
            d = cur[j - 1] + 1 < d ? cur[j - 1] + 1 : d;
            d = up[j - 1] + cost < d ? up[j - 1] + cost : d;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && up2[j - 2] + 1 < d) {
                d = up2[j - 2] + 1; /* a swap of neighbours */
            }
            cur[j] = d;
        }
    }
    return rows[la % 3][lb];
}

const char *retsim_suggest(const char *word, const char *const *candidates, size_t n, int max_distance)
{
    const char *best = NULL;
    int best_d = max_distance + 1;
    for (size_t i = 0; i < n; i++) {
        if (candidates[i] == NULL) {
            continue;
        }
        int d = retsim_edit_distance(word, candidates[i]);
        if (d == 0) {
            return NULL;
        }
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

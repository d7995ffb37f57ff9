/* retsim/scenario.h — a scenario: the typed, validated content of an INI file.
 *
 * Sections:
 *   [scenario]        name, description
 *   [policy.<kind>]   the rules of one resource kind (keys: see
 *                     retsim_scenario_write or the files in scenarios/)
 * Unknown sections or keys, bad values and duplicate keys are errors that
 * name the file, line and key. Later issues add workload sections here.
 * Ownership: _load allocates, the caller frees with _destroy.
 * Thread safety: a loaded scenario is read-only and may be shared. */
#ifndef RETSIM_SCENARIO_H
#define RETSIM_SCENARIO_H

#include "retsim/error.h"
#include "retsim/policy.h"

#include <stdio.h>

typedef struct retsim_scenario {
    char path[256];
    char name[64];
    char description[256];
    retsim_policy policies[RETSIM_MAX_KINDS];
    int n_policies;
} retsim_scenario;

/* Read and validate a scenario file. */
int retsim_scenario_load(const char *path, retsim_scenario **out, retsim_error *err);
/* The same from text in memory (tests); `path` only names it in errors. */
int retsim_scenario_load_string(const char *text, const char *path, retsim_scenario **out, retsim_error *err);
void retsim_scenario_destroy(retsim_scenario *s); /* NULL-safe */

/* Apply one override "section.key=value" (for --set), then re-validate.
 * Example: "policy.apim.retention=7d". Errors name the override. */
int retsim_scenario_set(retsim_scenario *s, const char *assignment, retsim_error *err);

/* Index of a kind, or -1. O(number of kinds). */
int retsim_scenario_kind(const retsim_scenario *s, const char *kind);

/* Write the resolved scenario as INI: every key with its effective value. */
int retsim_scenario_write(const retsim_scenario *s, FILE *out);

#endif

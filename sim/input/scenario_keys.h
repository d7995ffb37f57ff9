/* Internal to the library: the table of scenario keys, section by section,
 * and how each value type is parsed and printed. */
#ifndef RETSIM_SCENARIO_KEYS_H
#define RETSIM_SCENARIO_KEYS_H

#include "retsim/scenario.h"

#include <stddef.h>

typedef enum {
    SEC_SCENARIO,
    SEC_POLICY,
    SEC_SIMULATION,
    SEC_POPULATION,
    SEC_WORKLOAD,
    SEC_CHANGE,
    SEC_RUN,
    SEC_COUNT
} section_kind;

typedef enum {
    K_BOOL,
    K_DURATION,
    K_ENUM,
    K_APIVER,
    K_NAME, /* a kind or label: char[RETSIM_KIND_NAME_MAX] */
    K_TEXT, /* free text: char[size] */
    K_RATE,
    K_PROB,   /* a probability in [0, 1]; lo == -1: also "none", stored as -1 */
    K_NONNEG, /* a number >= 0 with no upper bound (a price, a scale factor) */
    K_INT,    /* int within [lo, hi] */
    K_U64,
    K_DIST,
    K_PROFILE, /* lo: number of weights */
    K_CHOICES,
    K_RESERVATION, /* offset 0, the whole policy: a duration, forever, or a distribution (drawn) */
    K_SIZE_DIST,   /* a retsim_dist of sizes written in GB, held as 1000 units per GB (see size_parse) */
    K_TYPE_COUNT
} key_type;

typedef struct key_def {
    const char *name;
    key_type type;
    size_t offset;
    const char *const *choices; /* K_ENUM */
    long lo, hi;                /* K_INT range; K_TEXT shortest, size; K_PROFILE length; K_PROB */
    unsigned change_bit;        /* [change.*] keys: the setting they change */
    const char *help;
} key_def;

/* change_bit of a [policy.*] key printed only when it differs from
 * retsim_policy_init's value: keys added after scenarios were first written
 * out, so that a resolved scenario (a manifest) reads as it did before. */
#define KEY_QUIET 0x80000000u

#define MAX_KEYS 64 /* a section's keys fit the 64-bit "seen" mask */

/* The keys of a section kind. */
const key_def *scenario_keys(section_kind sec, int *n);
/* Find a key; *index gets its position. NULL if unknown. */
const key_def *scenario_key_find(section_kind sec, const char *name, int *index);
/* Parse value into base + k->offset (written only when valid). On error:
 * RETSIM_EINPUT with err->msg saying what was expected; the caller sets file,
 * line and key. dir: the scenario's folder, for files a value names. */
int scenario_key_parse(void *base, const key_def *k, const char *value, const char *dir, retsim_error *err);
/* Print the value at base + k->offset in the form parse reads back to the same value. */
void scenario_key_print(const void *base, const key_def *k, FILE *out);

/* The longest line the reader takes (inih's INI_MAX_LINE of 200, less the
 * line end): every key = value must fit, or its manifest would not load. */
#define SCENARIO_LINE_MAX 197

/* A workload section's defaults (scenario.c; the writer compares with them). */
void scenario_workload_init(retsim_workload *w);

#endif

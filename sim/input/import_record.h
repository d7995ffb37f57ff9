/* The importer's inside: one log record in the format-neutral form the core
 * (sim/input/import.c) folds into trace rows, and the streaming JSON reader
 * (import_json.c) each format's reader (import_azure.c, import_cloudtrail.c,
 * import_gcp.c) drives with its table of fields and its conversion. */
#ifndef RETSIM_IMPORT_RECORD_H
#define RETSIM_IMPORT_RECORD_H

#include "retsim/import.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { IMPORT_PENDING, IMPORT_SUCCEEDED, IMPORT_FAILED } import_status;

/* One request record as the core reads it; strings "" when absent. */
typedef struct import_record {
    int64_t t;                               /* ms since 1970 */
    import_status status;                    /* pending (Started, Accepted, a first part) or final */
    char operation[RETSIM_IMPORT_FIELD_MAX]; /* the mapping table's key */
    char sub[RETSIM_IMPORT_FIELD_MAX];       /* subscription / account / project */
    char parent[RETSIM_IMPORT_FIELD_MAX];    /* parent path, "a/b" */
    char name[RETSIM_IMPORT_FIELD_MAX];
    char caller[RETSIM_IMPORT_FIELD_MAX];
    char key[3 * RETSIM_IMPORT_FIELD_MAX + 4]; /* records with the same key are one request; "" none */
    char code[160];                            /* a failure's code, "" when none */
    char options[256]; /* trace options the record itself carries (retention=7d), joined to the map's */
    /* a problem found converting it, reported before the mapping is looked up */
    const char *bad, *bad_field;
    /* a problem that matters only when the operation is mapped (Azure: its resource id) */
    const char *late_bad, *late_field;
} import_record;

/* One request: a trace row in the making. */
typedef struct import_row {
    int64_t t;    /* ms since 1970, of the request's first record */
    uint64_t seq; /* the order the requests were first seen: ties in t keep it */
    size_t map;   /* its map entry */
    char *sub, *name, *parent, *key;
    char *options;     /* the map's joined to the record's, or NULL: the map's alone */
    char outcome[160]; /* "" until a final record */
} import_row;

/* A set of 64-bit hashes with a byte each (open addressing; the hash 0 is
 * stored as 1): what the importer must remember of every request and name
 * without holding their strings. */
typedef struct import_hashes {
    uint64_t *keys;
    uint8_t *vals;
    size_t cap, n;
} import_hashes;
/* FNV-1a of s. */
uint64_t retsim_import_hash(const char *s);
/* The byte of h, or -1 when h is not in the set. */
int retsim_import_hashes_get(const import_hashes *x, uint64_t h);
/* Set h's byte. 0 or RETSIM_ENOMEM. */
int retsim_import_hashes_put(import_hashes *x, uint64_t h, uint8_t val);
void retsim_import_hashes_free(import_hashes *x);

/* Sorted runs of rows on temporary files: when the rows in memory reach the
 * budget they are sorted and written out, so memory stays flat however long
 * the log; the trace is their merge. */
typedef struct import_runs {
    FILE **files;
    size_t n, cap;
} import_runs;
/* Sort rows[0 .. n) by (t, seq) (stable: seq is unique). */
void retsim_import_rows_sort(import_row *rows, size_t n);
/* Write the sorted rows[0 .. n) as a new run. 0, RETSIM_EIO or RETSIM_ENOMEM. */
int retsim_import_runs_spill(import_runs *runs, const import_row *rows, size_t n);
/* Call each(ctx, row) for every row of the runs and of the sorted mem[0 ..
 * n_mem), in (t, seq) order. 0, each's non-zero return, RETSIM_EIO (a run
 * cannot be read back) or RETSIM_ENOMEM. */
int retsim_import_runs_merge(import_runs *runs, const import_row *mem, size_t n_mem,
                             int (*each)(void *ctx, const import_row *row), void *ctx);
void retsim_import_runs_free(import_runs *runs);
/* Free a row's strings. */
void retsim_import_row_free(import_row *w);

/* Fold one record into the rows. RETSIM_EINPUT (err says why, naming record
 * number recno of path) for a malformed record; RETSIM_ENOMEM. */
int retsim_import_add(retsim_import *im, const import_record *r, uint64_t recno, const char *path,
                      retsim_error *err);
/* The options the importer was made with. */
const retsim_import_options *retsim_import_opts(const retsim_import *im);
/* A malformed record skipped (--skip-bad). */
void retsim_import_count_bad(retsim_import *im);
/* An ISO-8601 UTC time with any number of fraction digits (Azure writes 7, Google 9), cut to ms. 0 or -1. */
int retsim_import_parse_time(const char *text, int64_t *t);

/* ---- the streaming JSON reader ---- */

#define IMPORT_RAW_MAX 16 /* fields a format captures from a record */

/* The captured fields of one record, "" when absent. */
typedef struct import_raw {
    char f[IMPORT_RAW_MAX][RETSIM_IMPORT_FIELD_MAX];
    const char *bad; /* why the record is malformed while parsing it, or NULL */
    const char *bad_field;
} import_raw;

typedef enum {
    IMPORT_ANY,    /* a string, number or boolean, kept as its text */
    IMPORT_STRING, /* a string; anything else is ignored */
    IMPORT_STRICT, /* a string (or an object, whose fields other paths read); a number, boolean or array is
                      bad */
} import_path_mode;

/* A field: its dotted path from the record's top ("protoPayload.status.code"). */
typedef struct import_path {
    const char *path;
    int slot; /* index into import_raw.f */
    import_path_mode mode;
} import_path;

typedef struct import_spec {
    const import_path *paths;
    size_t n_paths;
    bool records_key; /* a file {"Records": [...]} holds the records (CloudTrail) */
    /* raw into rec (every field of rec cleared before): the format's reading of the record */
    void (*convert)(const import_raw *raw, import_record *rec);
} import_spec;

/* Read in (a JSON array of records, JSON lines, or with records_key a
 * {"Records": [...]} object; detected from the first bytes) into im. */
int retsim_import_read_json(retsim_import *im, const import_spec *spec, FILE *in, const char *path,
                            retsim_error *err);

/* The formats. */
int retsim_import_read_azure(retsim_import *im, FILE *in, const char *path, retsim_error *err);
int retsim_import_read_cloudtrail(retsim_import *im, FILE *in, const char *path, retsim_error *err);
int retsim_import_read_gcp(retsim_import *im, FILE *in, const char *path, retsim_error *err);

#endif

/* retsim/report.h — output files written whole or not at all, and CSV rows.
 *
 * An output file is written under a temporary name in its folder and renamed
 * to its final name only by _commit, so an interrupted or failed run never
 * leaves a half-written file, and a file from an earlier run stays as it was
 * until the new one is complete. CSV fields are quoted by libcsv when they
 * hold a comma, quote, CR or LF (and only then). */
#ifndef RETSIM_REPORT_H
#define RETSIM_REPORT_H

#include "retsim/error.h"
#include "retsim/scenario.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
/* manifest: [run] with `version` and the given key/value pairs, then the
 * resolved scenario — enough to reproduce the run. */
int retsim_report_manifest(FILE *out, const char *const *keys, const char *const *values, size_t n,
                           const retsim_scenario *sc);

#endif

typedef struct retsim_outfile {
    FILE *fp;
    char path[PATH_MAX]; /* final name */
    char tmp[PATH_MAX];  /* where it is written until commit */
} retsim_outfile;

/* Create `dir` and its missing parents. */
int retsim_outdir_make(const char *dir, retsim_error *err);

/* Open dir/name for writing under a temporary name. */
int retsim_outfile_open(retsim_outfile *f, const char *dir, const char *name, retsim_error *err);
/* Flush, close and rename into place. On failure the temporary is removed. */
int retsim_outfile_commit(retsim_outfile *f, retsim_error *err);
/* Close and remove the temporary; safe on an unopened (zeroed) or committed file. */
void retsim_outfile_abort(retsim_outfile *f);

/* Write one CSV field (no separator). */
void retsim_csv_field(FILE *out, const char *text);
/* Write n fields separated by commas and a final newline. */
void retsim_csv_row(FILE *out, const char *const *fields, size_t n);

/* manifest: [run] with `version` and the given key/value pairs, then the
 * resolved scenario — enough to reproduce the run. */
int retsim_report_manifest(FILE *out, const char *const *keys, const char *const *values, size_t n,
                           const retsim_scenario *sc);

#endif

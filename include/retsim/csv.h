/* retsim/csv.h — CSV fields and rows as every retsim table writes them.
 *
 * A field is written bare unless it holds a comma, a double quote, CR or LF,
 * or begins or ends with a space or tab; then it is quoted by libcsv (the
 * quotes doubled), so that any CSV reader, libcsv included, reads back the
 * same text. (This is retsim's writer; libcsv's own header is <csv.h>.)
 * Numbers are not formatted here: retsim_format_csv (format.h) gives the one
 * printed form of a double. Cost: O(length of the text); no allocation.
 * Thread safety: as safe as the FILE written to. */
#ifndef RETSIM_CSV_H
#define RETSIM_CSV_H

#include <stddef.h>
#include <stdio.h>

/* Write one CSV field (no separator). */
void retsim_csv_field(FILE *out, const char *text);
/* Write n fields separated by commas and a final newline. */
void retsim_csv_row(FILE *out, const char *const *fields, size_t n);

/* Convert a CSV table (a header row, then rows) of len bytes to JSON: an
 * array with an object per row, keyed by the header's names in their order.
 * A field that is a JSON number as written ("12", "-0.5", "1e-05") stays a
 * number; an empty field is null (retsim writes NaN, "no value", as empty);
 * anything else is a string, escaped. Returns 0, RETSIM_EINPUT when the text
 * is not CSV or a row has more fields than the header, RETSIM_ENOMEM. */
int retsim_csv_to_json(const char *csv, size_t len, FILE *out);

#endif

/* CSV fields and rows: bare when they can be, quoted by libcsv when not. */
#include "retsim/csv.h"

#include <csv.h> /* libcsv */
#include <stdbool.h>
#include <string.h>

void retsim_csv_field(FILE *out, const char *text)
{
    size_t len = strlen(text);
    /* libcsv trims unquoted spaces on reading, so edge spaces need quotes too */
    bool edge_space =
        len > 0 && (text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' || text[len - 1] == '\t');
    if (edge_space || strpbrk(text, ",\"\r\n") != NULL) {
        csv_fwrite(out, text, len);
    } else {
        fputs(text, out);
    }
}

void retsim_csv_row(FILE *out, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            fputc(',', out);
        }
        retsim_csv_field(out, fields[i]);
    }
    fputc('\n', out);
}

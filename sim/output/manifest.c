/* The manifest: the run's provenance and its resolved scenario, written so
 * that it loads back as a scenario. */
#include "retsim/manifest.h"

#include <stdlib.h>
#include <string.h>

/* One argument as a POSIX shell reads it back: bare when it is made of
 * characters no shell treats specially, else in single quotes, with each
 * quote and each control character (a newline would end the manifest's
 * line) spelled outside them as '\'' and $'\xNN'. */
static void shell_word(FILE *out, const char *arg)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+@%-";
    if (arg[0] != '\0' && strspn(arg, plain) == strlen(arg)) {
        fputs(arg, out);
        return;
    }
    fputc('\'', out);
    for (const unsigned char *p = (const unsigned char *)arg; *p != '\0'; p++) {
        if (*p == '\'') {
            fputs("'\\''", out);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(out, "'$'\\x%02x''", *p);
        } else {
            fputc(*p, out);
        }
    }
    fputc('\'', out);
}

/* The scenario reader (inih) takes lines of at most 197 characters, and the
 * manifest must stay a scenario: a longer value is broken at single spaces
 * into `key`, `key.2`, `key.3`, ... (joined with one space they are the
 * value); a stretch with no such space that is too long for a line is
 * shortened, ending in "...". */
enum { MANIFEST_LINE = 180 };

static void write_wrapped(FILE *out, const char *key, const char *value)
{
    size_t len = strlen(value), pos = 0;
    for (int piece = 1; pos < len || piece == 1; piece++) {
        char k[80];
        snprintf(k, sizeof k, piece == 1 ? "%s" : "%s.%d", key, piece);
        size_t room = MANIFEST_LINE - strlen(k) - 3;
        if (len - pos <= room) {
            fprintf(out, "%s = %s\n", k, value + pos);
            return;
        }
        size_t cut = 0; /* a space with no space beside it, so trimming loses nothing */
        for (size_t i = pos + 1; i < pos + room; i++) {
            if (value[i] == ' ' && value[i - 1] != ' ' && value[i + 1] != ' ' && value[i + 1] != '\0') {
                cut = i;
            }
        }
        if (cut > 0) {
            fprintf(out, "%s = %.*s\n", k, (int)(cut - pos), value + pos);
            pos = cut + 1;
            continue;
        }
        fprintf(out, "%s = %.*s...\n", k, (int)(room - 3), value + pos);
        const char *next = strchr(value + pos + room, ' ');
        pos = next != NULL ? (size_t)(next - value) + 1 : len;
    }
}

static void write_provenance(FILE *out, const retsim_provenance *prov)
{
    char *line = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&line, &size);
    if (m != NULL) {
        fprintf(m, "retsim %s", prov->command);
        for (int i = 0; i < prov->argc; i++) {
            fputc(' ', m);
            shell_word(m, prov->argv[i]);
        }
        fclose(m);
        write_wrapped(out, "command_line", line);
    }
    free(line);
    for (int i = 0; i < prov->n_sets; i++) {
        char key[32], *text = strdup(prov->sets[i]);
        for (char *p = text; p != NULL && *p != '\0'; p++) {
            *p = *p == '\n' || *p == '\r' ? ' ' : *p; /* a line break would not survive an INI line */
        }
        snprintf(key, sizeof key, "set.%d", i + 1);
        write_wrapped(out, key, text != NULL ? text : "");
        free(text);
    }
}

int retsim_manifest_write(FILE *out, const char *const *keys, const char *const *values, size_t n,
                          const retsim_provenance *prov, const retsim_scenario *sc)
{
    fprintf(out, "; written by retsim: the run and the scenario as resolved\n[run]\nversion = %s\n",
            RETSIM_VERSION);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s = %s\n", keys[i], values[i]);
    }
    if (prov != NULL) {
        write_provenance(out, prov);
    }
    fputc('\n', out);
    return sc != NULL ? retsim_scenario_write(sc, out) : 0;
}

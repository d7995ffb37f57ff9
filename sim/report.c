/* Atomic output files and CSV field writing (libcsv does the quoting). */
#include "retsim/report.h"

#include <csv.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int retsim_outdir_make(const char *dir, retsim_error *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path || dir[0] == '\0') {
        return retsim_error_set(err, RETSIM_EUSAGE, dir, 0, "--out", "bad output folder name");
    }
    for (char *p = path + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                return retsim_error_set(err, RETSIM_EIO, path, 0, "--out",
                                        "cannot create the output folder: %s", strerror(errno));
            }
            if (end) {
                break;
            }
            *p = '/';
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return retsim_error_set(err, RETSIM_EIO, dir, 0, "--out", "not a folder");
    }
    return 0;
}

int retsim_outfile_open(retsim_outfile *f, const char *dir, const char *name, retsim_error *err)
{
    memset(f, 0, sizeof *f);
    if (snprintf(f->path, sizeof f->path, "%s/%s", dir, name) >= (int)sizeof f->path ||
        snprintf(f->tmp, sizeof f->tmp, "%s/.%s.tmp-%ld", dir, name, (long)getpid()) >= (int)sizeof f->tmp) {
        return retsim_error_set(err, RETSIM_EUSAGE, dir, 0, "--out", "output path too long");
    }
    f->fp = fopen(f->tmp, "w");
    if (f->fp == NULL) {
        return retsim_error_set(err, RETSIM_EIO, f->tmp, 0, "", "cannot write: %s", strerror(errno));
    }
    return 0;
}

int retsim_outfile_commit(retsim_outfile *f, retsim_error *err)
{
    if (f->fp == NULL) {
        return 0;
    }
    bool bad = ferror(f->fp) != 0;
    bad |= fclose(f->fp) != 0;
    f->fp = NULL;
    if (bad || rename(f->tmp, f->path) != 0) {
        int e = errno;
        unlink(f->tmp);
        return retsim_error_set(err, RETSIM_EIO, f->path, 0, "", "cannot write: %s", strerror(e));
    }
    return 0;
}

void retsim_outfile_abort(retsim_outfile *f)
{
    if (f->fp != NULL) {
        fclose(f->fp);
        f->fp = NULL;
        unlink(f->tmp);
    }
}

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

int retsim_report_manifest(FILE *out, const char *const *keys, const char *const *values, size_t n,
                           const retsim_scenario *sc)
{
    fprintf(out, "; written by retsim: the run and the scenario as resolved\n[run]\nversion = %s\n",
            RETSIM_VERSION);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s = %s\n", keys[i], values[i]);
    }
    fputc('\n', out);
    return retsim_scenario_write(sc, out);
}

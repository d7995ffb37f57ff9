/* Output folders staged and swapped in whole, and output files written
 * whole or not at all (outdir.h says the rules). */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE (glibc >= 2.28) */
#include "retsim/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- leftovers of killed runs: recognised by name, pid and owner ---- */

static const char name_digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";

/* The pid in "<prefix><pid>-XXXXXX" (XXXXXX: 6 of name_digits), else 0. */
static long tagged_pid(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0 || name[n] < '1' || name[n] > '9') {
        return 0;
    }
    char *end = NULL;
    long pid = strtol(name + n, &end, 10);
    bool shape = *end == '-' && strlen(end + 1) == 6 && strspn(end + 1, name_digits) == 6;
    return shape && pid <= INT_MAX ? pid : 0;
}

/* A process that no longer runs (not us; EPERM means it runs as someone else). */
static bool is_dead(long pid)
{
    return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Is path ours to clean up: of that type, and owned by this user? */
static bool owned(const char *path, mode_t type)
{
    struct stat st;
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == type && st.st_uid == geteuid();
}

/* Remove dir/.<name>.tmp-<pid>-XXXXXX files of dead processes: what a run
 * killed before its rename leaves of an output file. */
static void sweep_stale_temps(const char *dir, const char *name)
{
    char prefix[RETSIM_PATH_MAX], path[RETSIM_PATH_MAX + 300];
    snprintf(prefix, sizeof prefix, ".%s.tmp-", name);
    DIR *d = opendir(dir);
    for (struct dirent *e = d != NULL ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (is_dead(tagged_pid(e->d_name, prefix)) && owned(path, S_IFREG)) {
            unlink(path);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
}

/* Where an output file's bytes go: stdio buffers them, this writes them and
 * keeps the first error's errno, so that a full disk is reported as "No space
 * left on device" however late stdio hands the failure back (ferror keeps no
 * reason, and errno is long overwritten by then). */
struct retsim_outfile_sink {
    int fd;
    int error;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
    struct retsim_outfile_sink *s = cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(s->fd, buf + done, size - done);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            s->error = s->error != 0 ? s->error : (w < 0 ? errno : EIO);
            break; /* a short count: stdio marks the stream in error */
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

static int sink_close(void *cookie)
{
    struct retsim_outfile_sink *s = cookie;
    int rc = close(s->fd);
    if (rc != 0 && s->error == 0) {
        s->error = errno;
    }
    return rc;
}

/* Refuse to replace anything but a regular file: renaming over a device node
 * (/dev/full), a FIFO, a folder or a symbolic link would destroy it. */
static int check_target(const char *path, retsim_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return errno == ENOENT ? 0
                               : retsim_error_set(err, RETSIM_EIO, path, 0, "",
                                                  "cannot examine the output: %s", strerror(errno));
    }
    if (S_ISREG(st.st_mode)) {
        return 0;
    }
    const char *what = S_ISLNK(st.st_mode)   ? "a symbolic link (retsim does not follow it: name its target)"
                       : S_ISDIR(st.st_mode) ? "a folder"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                       : S_ISFIFO(st.st_mode)                       ? "a FIFO"
                                                                    : "not a regular file";
    return retsim_error_set(err, RETSIM_EUSAGE, path, 0, "",
                            "is %s; retsim writes an output under a temporary name and renames it over the "
                            "old one, so it replaces only regular files: give a new name or a regular file",
                            what);
}

/* "<dir>/.<name>.tmp-<pid>-<6 random>": the pid tells a later run whether
 * the temporary is a dead process's; O_EXCL never truncates anything. */
static int open_temp(retsim_outfile *f, const char *dir, const char *name, retsim_error *err)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)(uintptr_t)f;
    for (int attempt = 0; attempt < 100; attempt++) {
        char suffix[7];
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        for (int i = 0; i < 6; i++) {
            suffix[i] = name_digits[(x >> (10 + 6 * i)) % 36];
        }
        suffix[6] = '\0';
        if (snprintf(f->tmp, sizeof f->tmp, "%s/.%s.tmp-%ld-%s", dir, name, (long)getpid(), suffix) >=
            (int)sizeof f->tmp) {
            return retsim_error_set(err, RETSIM_EUSAGE, dir, 0, "", "output path too long");
        }
        int fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            return fd;
        }
        if (errno != EEXIST) {
            break;
        }
    }
    int e = errno;
    f->tmp[0] = '\0';
    return retsim_error_set(err, RETSIM_EIO, f->shown, 0, "", "cannot write: %s", strerror(e));
}

int retsim_outfile_open(retsim_outfile *f, const char *dir, const char *name, retsim_error *err)
{
    memset(f, 0, sizeof *f);
    if (name[0] == '\0' || snprintf(f->path, sizeof f->path, "%s/%s", dir, name) >= (int)sizeof f->path) {
        return retsim_error_set(err, RETSIM_EUSAGE, dir, 0, "",
                                name[0] == '\0' ? "no file name" : "output path too long");
    }
    snprintf(f->shown, sizeof f->shown, "%s", f->path);
    int rc = check_target(f->path, err);
    if (rc == 0) {
        sweep_stale_temps(dir, name);
    }
    int fd = rc == 0 ? open_temp(f, dir, name, err) : rc;
    if (fd < 0) {
        return fd;
    }
    static const cookie_io_functions_t io = {.write = sink_write, .close = sink_close};
    f->sink = malloc(sizeof *f->sink);
    f->fp = f->sink != NULL ? fopencookie(f->sink, "w", io) : NULL;
    if (f->fp == NULL) {
        close(fd);
        unlink(f->tmp);
        free(f->sink);
        f->sink = NULL;
        return retsim_error_set(err, RETSIM_ENOMEM, f->path, 0, "", "out of memory");
    }
    f->sink->fd = fd;
    f->sink->error = 0;
    setvbuf(f->fp, NULL, _IOFBF, 1 << 16);
    return 0;
}

/* Close the stream; the first write or close error's errno, or 0. */
static int close_stream(retsim_outfile *f)
{
    bool bad = ferror(f->fp) != 0;
    bad |= fclose(f->fp) != 0;
    f->fp = NULL;
    int e = f->sink->error != 0 ? f->sink->error : (bad ? EIO : 0);
    free(f->sink);
    f->sink = NULL;
    return e;
}

int retsim_outfile_commit(retsim_outfile *f, retsim_error *err)
{
    if (f->fp == NULL) {
        return 0;
    }
    int e = close_stream(f);
    int rc = e != 0 ? retsim_error_set(err, RETSIM_EIO, f->shown, 0, "", "cannot write: %s", strerror(e)) : 0;
    if (rc == 0) {
        rc = check_target(f->path, err); /* again: it may have been replaced while we ran */
    }
    if (rc == 0 && rename(f->tmp, f->path) != 0) {
        rc = retsim_error_set(err, RETSIM_EIO, f->shown, 0, "", "cannot write: %s", strerror(errno));
    }
    if (rc != 0) {
        unlink(f->tmp);
    }
    return rc;
}

int retsim_outfile_explain(const retsim_outfile *f, retsim_error *err)
{
    if (f->fp == NULL || (f->sink->error == 0 && ferror(f->fp) == 0)) {
        return 0;
    }
    int e = f->sink->error != 0 ? f->sink->error : EIO;
    return retsim_error_set(err, RETSIM_EIO, f->shown, 0, "", "cannot write: %s", strerror(e));
}

int retsim_outfiles_explain(int rc, const retsim_outfile *files, size_t n, retsim_error *err)
{
    for (size_t i = 0; rc == RETSIM_EIO && i < n; i++) {
        if (retsim_outfile_explain(&files[i], err) != 0) {
            break;
        }
    }
    return rc;
}

void retsim_outfile_abort(retsim_outfile *f)
{
    if (f->fp != NULL) {
        close_stream(f);
        unlink(f->tmp);
    }
}

/* ---- output folders: stage, check, swap ---- */

typedef struct name_list {
    char names[64][64]; /* more than any command writes; a longer list is not retsim's */
    int n;
} name_list;

/* In a staging folder only: the files it will hold, written as each is opened. */
#define RETSIM_STAGING_LIST ".retsim-staging"

static const char *const legacy_names[] = {"summary.csv",    "summary_ci.csv", "outcomes.csv",
                                           "timeseries.csv", "events.csv",     "manifest",
                                           "sweep.csv",      "sweep_ci.csv",   "compare.csv"};

static bool starts_with_line(const char *path, const char *prefix)
{
    char line[128] = "";
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return false;
    }
    bool ok = fgets(line, sizeof line, f) != NULL && strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return ok;
}

/* Append the names in a list file (one a line, '#' comments) to l; false if
 * there is no such file. */
static bool read_list(const char *path, name_list *l)
{
    char line[256];
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return false;
    }
    while (fgets(line, sizeof line, f) != NULL && l->n < (int)(sizeof l->names / sizeof l->names[0])) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] != '#' && line[0] != '\0' && strchr(line, '/') == NULL) {
            snprintf(l->names[l->n++], sizeof l->names[0], "%.63s", line);
        }
    }
    fclose(f);
    return true;
}

/* The files an earlier command wrote into dir: its .retsim-files, or for a
 * folder from before that list, retsim's fixed names if its manifest is one. */
static void retsim_names(const char *dir, name_list *l)
{
    char path[RETSIM_PATH_MAX + 32];
    l->n = 0;
    snprintf(path, sizeof path, "%s/%s", dir, RETSIM_OUTDIR_LIST);
    if (read_list(path, l)) {
        return;
    }
    snprintf(path, sizeof path, "%s/manifest", dir);
    if (starts_with_line(path, "; written by retsim")) {
        for (size_t i = 0; i < sizeof legacy_names / sizeof legacy_names[0]; i++) {
            snprintf(l->names[l->n++], sizeof l->names[0], "%s", legacy_names[i]);
        }
    }
}

static bool listed(const name_list *l, const char *name)
{
    for (int i = 0; i < l->n; i++) {
        if (strcmp(l->names[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Is dir/name a file retsim wrote: the list itself, or a listed regular file? */
static bool is_retsim_file(const char *dir, const name_list *l, const char *name)
{
    char path[RETSIM_PATH_MAX + 300];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bool regular = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
    return regular && (strcmp(name, RETSIM_OUTDIR_LIST) == 0 || listed(l, name));
}

/* The first (by name, so the message does not depend on readdir's order)
 * entry of dir that retsim did not write, and how many there are. */
static int foreign_entries(const char *dir, char *first, size_t size, retsim_error *err)
{
    name_list l;
    retsim_names(dir, &l);
    DIR *d = opendir(dir);
    if (d == NULL) {
        return retsim_error_set(err, RETSIM_EIO, dir, 0, "--out", "cannot read the output folder: %s",
                                strerror(errno));
    }
    int n = 0;
    first[0] = '\0';
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            is_retsim_file(dir, &l, e->d_name)) {
            continue;
        }
        if (n == 0 || strcmp(e->d_name, first) < 0) {
            snprintf(first, size, "%s", e->d_name);
        }
        n++;
    }
    closedir(d);
    return n;
}

/* dir without trailing slashes, refusing names that cannot be swapped. */
static int clean_dir(const char *dir, char *out, retsim_error *err)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') {
        len--;
    }
    const char *base = out;
    if (len == 0 || len >= RETSIM_PATH_MAX - 32) {
        return retsim_error_set(err, RETSIM_EUSAGE, dir, 0, "--out", "bad output folder name");
    }
    snprintf(out, RETSIM_PATH_MAX, "%.*s", (int)len, dir);
    base = strrchr(out, '/') != NULL ? strrchr(out, '/') + 1 : out;
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(out, "/") == 0) {
        return retsim_error_set(err, RETSIM_EUSAGE, dir, 0, "--out",
                                "name the output folder itself (retsim replaces it whole), not '.' or '..'");
    }
    return 0;
}

int retsim_outdir_check(const char *dir, retsim_error *err)
{
    char clean[RETSIM_PATH_MAX], first[256];
    int rc = clean_dir(dir, clean, err);
    struct stat st;
    if (rc != 0) {
        return rc;
    }
    if (lstat(clean, &st) != 0) {
        return errno == ENOENT ? 0
                               : retsim_error_set(err, RETSIM_EIO, clean, 0, "--out",
                                                  "cannot examine the output folder: %s", strerror(errno));
    }
    if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
        return retsim_error_set(err, RETSIM_EUSAGE, clean, 0, "--out",
                                "%s: retsim writes its outputs into a folder of its own and replaces that "
                                "folder whole; give the path of a folder or of one that does not exist yet",
                                S_ISLNK(st.st_mode) ? "is a symbolic link" : "is not a folder");
    }
    int n = foreign_entries(clean, first, sizeof first, err);
    if (n > 0) {
        char more[48] = "";
        if (n > 1) {
            snprintf(more, sizeof more, " and %d more", n - 1);
        }
        return retsim_error_set(err, RETSIM_EUSAGE, clean, 0, "--out",
                                "holds '%s'%s that no earlier retsim run wrote there; retsim replaces the "
                                "whole folder and never deletes files it did not write: move %s out or "
                                "choose another --out",
                                first, more, n > 1 ? "them" : "it");
    }
    return n < 0 ? n : 0;
}

/* A fresh folder "<dir><tag><pid>-XXXXXX" beside dir (the pid lets a later
 * run tell a dead process's leftovers from a live one's). mkdir, not mkdtemp, so the
 * folder gets the mode any new folder gets (0777 less the umask), not 0700. */
static int make_sibling(const char *dir, const char *tag, char *out, retsim_error *err)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 16);
    for (int attempt = 0; attempt < 100; attempt++) {
        x += 0x9e3779b97f4a7c15ull; /* splitmix64: any distinct names will do, they live for one run */
        uint64_t z = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        char suffix[7];
        for (int i = 0; i < 6; i++, z /= 36) {
            suffix[i] = name_digits[z % 36];
        }
        suffix[6] = '\0';
        snprintf(out, RETSIM_PATH_MAX, "%s%s%ld-%s", dir, tag, (long)getpid(), suffix);
        if (mkdir(out, 0777) == 0) {
            return 0;
        }
        if (errno != EEXIST) {
            break;
        }
    }
    int e = errno;
    out[0] = '\0';
    return retsim_error_set(err, RETSIM_EIO, dir, 0, "--out",
                            "cannot create a folder beside the output "
                            "folder: %s",
                            strerror(e));
}

/* Create the missing parents of d->dir, remembering the top-most one made. */
static int make_parents(retsim_outdir *d, retsim_error *err)
{
    char path[RETSIM_PATH_MAX];
    snprintf(path, sizeof path, "%s", d->dir);
    char *slash = strrchr(path, '/');
    if (slash == NULL || slash == path) {
        return 0;
    }
    *slash = '\0';
    for (char *p = path + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (mkdir(path, 0777) == 0) {
                if (d->made[0] == '\0') {
                    snprintf(d->made, sizeof d->made, "%s", path);
                }
            } else if (errno != EEXIST) {
                return retsim_error_set(err, RETSIM_EIO, path, 0, "--out",
                                        "cannot create the output folder: %s", strerror(errno));
            }
            if (end) {
                return 0;
            }
            *p = '/';
        }
    }
}

/* rmdir the parents make_parents created, deepest first. */
static void remove_parents(retsim_outdir *d)
{
    char path[RETSIM_PATH_MAX];
    size_t top = strlen(d->made);
    snprintf(path, sizeof path, "%s", d->dir);
    for (char *slash = strrchr(path, '/'); top > 0 && slash != NULL && strlen(path) > top;
         slash = strrchr(path, '/')) {
        *slash = '\0';
        rmdir(path); /* fails, harmlessly, if something else was put there meanwhile */
    }
    d->made[0] = '\0';
}

static void sweep_stale(const char *dir);

int retsim_outdir_begin(retsim_outdir *d, const char *dir, retsim_error *err)
{
    memset(d, 0, sizeof *d);
    int rc = clean_dir(dir, d->dir, err);
    if (rc == 0) {
        sweep_stale(
            d->dir); /* a killed run's folders beside DIR: before the check, which may need DIR back */
        rc = retsim_outdir_check(d->dir, err);
    }
    if (rc == 0) {
        rc = make_parents(d, err);
    }
    if (rc == 0) {
        rc = make_sibling(d->dir, ".tmp-", d->stage, err);
    }
    if (rc != 0) {
        retsim_outdir_abort(d);
    }
    return rc;
}

/* Name the file in the staging folder's own list before it is created, so
 * that a later run can tell, if this one is killed, which files are retsim's. */
static int note_staged(const retsim_outdir *d, const char *name, retsim_error *err)
{
    char path[RETSIM_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", d->stage, RETSIM_STAGING_LIST);
    FILE *f = fopen(path, "a");
    bool ok = f != NULL && fprintf(f, "%s\n", name) > 0;
    int e = errno;
    ok = f != NULL && fclose(f) == 0 && ok;
    if (!ok) {
        return retsim_error_set(err, RETSIM_EIO, path, 0, "--out", "cannot write: %s",
                                strerror(e != 0 ? e : EIO));
    }
    return 0;
}

int retsim_outdir_open(retsim_outdir *d, retsim_outfile *f, const char *name, retsim_error *err)
{
    memset(f, 0, sizeof *f);
    const char *why = NULL;
    if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/') != NULL ||
        strcmp(name, RETSIM_OUTDIR_LIST) == 0 || strlen(name) >= sizeof d->names[0]) {
        why = "not a name for one of the folder's files";
    }
    for (int i = 0; why == NULL && i < d->n_names; i++) {
        why = strcmp(d->names[i], name) == 0 ? "that is already one of this command's outputs" : NULL;
    }
    if (why == NULL && (d->n_names == RETSIM_OUTDIR_MAX_FILES || d->stage[0] == '\0')) {
        why = d->stage[0] == '\0' ? "the folder was not begun" : "too many files";
    }
    if (why != NULL) {
        return retsim_error_set(err, RETSIM_EUSAGE, d->dir, 0, "--out", "cannot write '%s' here: %s", name,
                                why);
    }
    snprintf(d->names[d->n_names++], sizeof d->names[0], "%s", name);
    int rc = note_staged(d, name, err);
    if (rc == 0) {
        rc = retsim_outfile_open(f, d->stage, name, err);
    }
    snprintf(f->shown, sizeof f->shown, "%.4000s/%.63s", d->dir,
             name); /* the stage's name means nothing to the user */
    return rc;
}

/* Remove every entry of a folder this run made, then the folder. */
static void remove_stage(const char *stage)
{
    DIR *d = opendir(stage);
    char path[RETSIM_PATH_MAX + 300];
    for (struct dirent *e = d != NULL ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", stage, e->d_name);
            unlink(path);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    rmdir(stage);
}

/* Remove the files of the earlier run from its folder (moved aside by the
 * swap), then the folder. Anything else in it keeps it, under its aside name. */
static void remove_old(const char *old)
{
    name_list l;
    retsim_names(old, &l);
    char path[RETSIM_PATH_MAX + 300];
    for (int i = 0; i < l.n; i++) {
        if (is_retsim_file(old, &l, l.names[i])) {
            snprintf(path, sizeof path, "%s/%s", old, l.names[i]);
            unlink(path);
        }
    }
    snprintf(path, sizeof path, "%s/%s", old, RETSIM_OUTDIR_LIST);
    unlink(path);
    rmdir(old);
}

/* A killed run's staging folder: remove the files it names in its staging
 * list or .retsim-files (after an exchange it holds the earlier output), its
 * own temporaries and the lists; anything else keeps the folder. */
static void remove_stale_stage(const char *stage, long pid)
{
    name_list staged, done;
    char path[RETSIM_PATH_MAX + 300], temp_tag[64];
    staged.n = 0;
    if (snprintf(path, sizeof path, "%s/%s", stage, RETSIM_STAGING_LIST) < (int)sizeof path) {
        read_list(path, &staged);
    }
    retsim_names(stage, &done);
    snprintf(temp_tag, sizeof temp_tag, ".tmp-%ld-", pid);
    DIR *d = opendir(stage);
    for (struct dirent *e = d != NULL ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
        const char *tag = strstr(e->d_name, temp_tag);
        bool temp = e->d_name[0] == '.' && tag != NULL && strlen(tag + strlen(temp_tag)) == 6;
        bool ours = temp || listed(&staged, e->d_name) || listed(&done, e->d_name) ||
                    strcmp(e->d_name, RETSIM_STAGING_LIST) == 0 || strcmp(e->d_name, RETSIM_OUTDIR_LIST) == 0;
        bool whole = snprintf(path, sizeof path, "%s/%s", stage, e->d_name) < (int)sizeof path;
        if (ours && whole && owned(path, S_IFREG)) {
            unlink(path);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    rmdir(stage); /* fails, and keeps the folder, if anything else is in it */
}

/* DIR.tmp-<pid>-XXXXXX and DIR.old-<pid>-XXXXXX folders of dead processes
 * (kill -9, a power cut): removed, except that an earlier output moved aside
 * by a run killed before it put the new one in place goes back to DIR. */
static void sweep_stale(const char *dir)
{
    char parent[RETSIM_PATH_MAX], tmp_tag[RETSIM_PATH_MAX + 8], old_tag[RETSIM_PATH_MAX + 8],
        path[RETSIM_PATH_MAX + 300];
    const char *base = retsim_path_split(dir, parent, sizeof parent);
    snprintf(tmp_tag, sizeof tmp_tag, "%s.tmp-", base);
    snprintf(old_tag, sizeof old_tag, "%s.old-", base);
    DIR *d = opendir(parent);
    for (struct dirent *e = d != NULL ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
        long tmp_pid = tagged_pid(e->d_name, tmp_tag), old_pid = tagged_pid(e->d_name, old_tag);
        snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
        if (!is_dead(tmp_pid != 0 ? tmp_pid : old_pid) || !owned(path, S_IFDIR)) {
            continue;
        }
        struct stat st;
        if (tmp_pid != 0) {
            remove_stale_stage(path, tmp_pid);
        } else if (lstat(dir, &st) != 0 && errno == ENOENT) {
            rename(path, dir);
        } else {
            remove_old(path);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
}

static int write_list(retsim_outdir *d, retsim_error *err)
{
    retsim_outfile f;
    int rc = retsim_outfile_open(&f, d->stage, RETSIM_OUTDIR_LIST, err);
    snprintf(f.shown, sizeof f.shown, "%.4000s/%s", d->dir, RETSIM_OUTDIR_LIST);
    if (rc == 0) {
        fprintf(f.fp, "# written by retsim: the files of the command that wrote this folder (and the charts\n"
                      "# analysis/plot-* drew from them); the next retsim command into it replaces them,\n"
                      "# and refuses if it finds any other file here\n");
        for (int i = 0; i < d->n_names; i++) {
            fprintf(f.fp, "%s\n", d->names[i]);
        }
        rc = retsim_outfile_commit(&f, err);
    }
    if (rc == 0) { /* .retsim-files now names every file: the staging list must not become part of DIR */
        char path[RETSIM_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", d->stage, RETSIM_STAGING_LIST);
        unlink(path);
    }
    return rc;
}

/* DIR exists: exchange it with the staging folder, atomically if the kernel
 * and file system can (Linux renameat2), else by moving DIR aside first. On
 * success *old names the earlier folder, now aside. */
static int swap_in(retsim_outdir *d, char *old, retsim_error *err)
{
#ifdef RENAME_EXCHANGE
    if (renameat2(AT_FDCWD, d->stage, AT_FDCWD, d->dir, RENAME_EXCHANGE) == 0) {
        snprintf(old, RETSIM_PATH_MAX, "%s", d->stage);
        return 0;
    }
#endif
    /* rename onto an empty folder replaces it, so a fresh sibling is a safe target */
    int rc = make_sibling(d->dir, ".old-", old, err);
    if (rc == 0 && rename(d->dir, old) != 0) {
        rc = retsim_error_set(err, RETSIM_EIO, d->dir, 0, "--out", "cannot move the earlier output aside: %s",
                              strerror(errno));
        rmdir(old);
    } else if (rc == 0 && rename(d->stage, d->dir) != 0) {
        rc = retsim_error_set(err, RETSIM_EIO, d->dir, 0, "--out", "cannot put the new output in place: %s",
                              strerror(errno));
        rename(old, d->dir); /* put the earlier output back as it was */
    }
    return rc;
}

/* The swap is done but must not stand (the file outside could not be put in
 * place): put the earlier folder back and move the new one to the staging
 * name, for abort to remove. old is "" when DIR did not exist before. */
static void undo_swap(retsim_outdir *d, const char *old, retsim_error *err)
{
    int rc = 0;
    if (old[0] == '\0') {
        rc = rename(d->dir, d->stage);
    } else if (strcmp(old, d->stage) == 0) {
#ifdef RENAME_EXCHANGE
        rc = renameat2(AT_FDCWD, d->stage, AT_FDCWD, d->dir, RENAME_EXCHANGE);
#endif
    } else {
        rc = rename(d->dir, d->stage);
        if (rc == 0 && rename(old, d->dir) != 0) {
            rc = -1;
            rename(d->stage, d->dir); /* at least keep a complete folder at DIR */
        }
    }
    if (rc != 0 && err != NULL) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len,
                 "; and the new %s could not be taken back (%s): it stays, the earlier output is in %s",
                 d->dir, strerror(errno), old[0] != '\0' ? old : "no folder");
        d->stage[0] = '\0'; /* what is at the staging name is not ours to remove now */
    }
}

int retsim_outdir_commit(retsim_outdir *d, retsim_error *err)
{
    return retsim_outdir_commit_with(d, NULL, err);
}

int retsim_outdir_commit_with(retsim_outdir *d, retsim_outfile *outside, retsim_error *err)
{
    char old[RETSIM_PATH_MAX] = "";
    struct stat st;
    int rc = d->stage[0] == '\0' ? retsim_error_set(err, RETSIM_EUSAGE, d->dir, 0, "--out", "not begun") : 0;
    if (rc == 0) {
        rc = write_list(d, err);
    }
    if (rc == 0) {
        rc = retsim_outdir_check(d->dir, err); /* again: the folder may have changed while we ran */
    }
    if (rc == 0 && lstat(d->dir, &st) != 0) {
        if (rename(d->stage, d->dir) != 0) {
            rc = retsim_error_set(err, RETSIM_EIO, d->dir, 0, "--out",
                                  "cannot put the new output in place: %s", strerror(errno));
        }
    } else if (rc == 0) {
        rc = swap_in(d, old, err);
    }
    if (rc == 0 && outside != NULL) {
        rc = retsim_outfile_commit(outside, err);
        if (rc != 0) {
            undo_swap(d, old, err);
            old[0] = '\0';
        }
    }
    if (rc != 0) {
        retsim_outdir_abort(d);
        return rc;
    }
    d->stage[0] = '\0';
    d->made[0] = '\0'; /* the parents hold the output now */
    if (old[0] != '\0') {
        remove_old(old);
    }
    return 0;
}

void retsim_outdir_abort(retsim_outdir *d)
{
    if (d->stage[0] != '\0') {
        remove_stage(d->stage);
        d->stage[0] = '\0';
    }
    if (d->made[0] != '\0') {
        remove_parents(d);
    }
}

int retsim_outdir_finish(int rc, retsim_outdir *d, retsim_outfile *files, size_t n, retsim_error *err)
{
    rc = retsim_outfiles_explain(rc, files, n, err); /* a failed write: which file, and why */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = retsim_outfile_commit(&files[i], err);
    }
    if (rc == 0) {
        rc = retsim_outdir_commit(d, err);
    }
    for (size_t i = 0; i < n; i++) {
        retsim_outfile_abort(&files[i]);
    }
    retsim_outdir_abort(d);
    return rc;
}

const char *retsim_path_split(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    int len = slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path);
    snprintf(dir, size, "%.*s", len, slash == NULL ? "." : path);
    return slash != NULL ? slash + 1 : path;
}

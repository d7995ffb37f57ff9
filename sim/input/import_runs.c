/* What keeps an import's memory flat: rows sorted into runs on temporary
 * files and merged back in time order, and 64-bit hashes in place of the
 * strings the importer must remember for every request and name. */
#include "import_record.h"

#include <stdlib.h>
#include <string.h>

uint64_t retsim_import_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h != 0 ? h : 1; /* 0 marks an empty slot */
}

static size_t hashes_slot(const import_hashes *x, uint64_t h)
{
    size_t i = (size_t)(h ^ (h >> 29)) & (x->cap - 1);
    while (x->keys[i] != 0 && x->keys[i] != h) {
        i = (i + 1) & (x->cap - 1);
    }
    return i;
}

int retsim_import_hashes_get(const import_hashes *x, uint64_t h)
{
    if (x->cap == 0) {
        return -1;
    }
    size_t i = hashes_slot(x, h);
    return x->keys[i] != 0 ? x->vals[i] : -1;
}

static int hashes_grow(import_hashes *x)
{
    import_hashes y = {.cap = x->cap == 0 ? 1024 : x->cap * 2, .n = x->n};
    y.keys = calloc(y.cap, sizeof *y.keys);
    y.vals = calloc(y.cap, sizeof *y.vals);
    if (y.keys == NULL || y.vals == NULL) {
        free(y.keys);
        free(y.vals);
        return RETSIM_ENOMEM;
    }
    for (size_t i = 0; i < x->cap; i++) {
        if (x->keys[i] != 0) {
            size_t j = hashes_slot(&y, x->keys[i]);
            y.keys[j] = x->keys[i];
            y.vals[j] = x->vals[i];
        }
    }
    free(x->keys);
    free(x->vals);
    *x = y;
    return 0;
}

int retsim_import_hashes_put(import_hashes *x, uint64_t h, uint8_t val)
{
    if ((x->n + 1) * 2 > x->cap && hashes_grow(x) != 0) {
        return RETSIM_ENOMEM;
    }
    size_t i = hashes_slot(x, h);
    x->n += x->keys[i] == 0;
    x->keys[i] = h;
    x->vals[i] = val;
    return 0;
}

void retsim_import_hashes_free(import_hashes *x)
{
    free(x->keys);
    free(x->vals);
    memset(x, 0, sizeof *x);
}

void retsim_import_row_free(import_row *w)
{
    free(w->sub);
    free(w->name);
    free(w->parent);
    free(w->key);
    free(w->options);
    w->sub = w->name = w->parent = w->key = w->options = NULL;
}

static int row_cmp(const void *a, const void *b)
{
    const import_row *x = a, *y = b;
    if (x->t != y->t) {
        return x->t < y->t ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : (x->seq > y->seq ? 1 : 0);
}

void retsim_import_rows_sort(import_row *rows, size_t n)
{
    if (n > 1) { /* qsort(NULL, 0, ...) is undefined */
        qsort(rows, n, sizeof *rows, row_cmp);
    }
}

/* ---- a run: per row t, seq, map, then sub, name, parent, options, outcome,
 * each string as its length + 1 (0: NULL) and its bytes ---- */

static void put_str(FILE *f, const char *s)
{
    uint32_t n = s != NULL ? (uint32_t)strlen(s) + 1 : 0;
    fwrite(&n, sizeof n, 1, f);
    if (n > 1) {
        fwrite(s, 1, n - 1, f);
    }
}

int retsim_import_runs_spill(import_runs *runs, const import_row *rows, size_t n)
{
    if (runs->n == runs->cap) {
        size_t cap = runs->cap == 0 ? 8 : runs->cap * 2;
        FILE **files = realloc(runs->files, cap * sizeof *files);
        if (files == NULL) {
            return RETSIM_ENOMEM;
        }
        runs->files = files;
        runs->cap = cap;
    }
    FILE *f = tmpfile(); /* removed when closed, or when the process ends */
    if (f == NULL) {
        return RETSIM_EIO;
    }
    for (size_t i = 0; i < n; i++) {
        const import_row *w = &rows[i];
        uint64_t head[3] = {(uint64_t)w->t, w->seq, (uint64_t)w->map};
        fwrite(head, sizeof head, 1, f);
        const char *s[] = {w->sub, w->name, w->parent, w->options, w->outcome};
        for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
            put_str(f, s[k]);
        }
    }
    if (fflush(f) != 0 || ferror(f) || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return RETSIM_EIO;
    }
    runs->files[runs->n++] = f;
    return 0;
}

/* A string read back: NULL for 0, else malloc'd. *ok false on a short read. */
static char *get_str(FILE *f, bool *ok)
{
    uint32_t n = 0;
    if (fread(&n, sizeof n, 1, f) != 1) {
        *ok = false;
        return NULL;
    }
    if (n == 0) {
        return NULL;
    }
    char *s = malloc(n);
    if (s == NULL || (n > 1 && fread(s, 1, n - 1, f) != n - 1)) {
        free(s);
        *ok = false;
        return NULL;
    }
    s[n - 1] = '\0';
    return s;
}

/* The next row of run f into w (its strings malloc'd). 1 read, 0 at the end, <0 an error. */
static int read_row(FILE *f, import_row *w)
{
    uint64_t head[3];
    memset(w, 0, sizeof *w);
    if (fread(head, sizeof head, 1, f) != 1) {
        return feof(f) ? 0 : RETSIM_EIO;
    }
    w->t = (int64_t)head[0];
    w->seq = head[1];
    w->map = (size_t)head[2];
    bool ok = true;
    w->sub = get_str(f, &ok);
    w->name = get_str(f, &ok);
    w->parent = get_str(f, &ok);
    w->options = get_str(f, &ok);
    char *outcome = get_str(f, &ok);
    if (outcome != NULL) {
        snprintf(w->outcome, sizeof w->outcome, "%s", outcome);
    }
    free(outcome);
    if (!ok || w->sub == NULL || w->name == NULL || w->parent == NULL) {
        retsim_import_row_free(w);
        return RETSIM_EIO;
    }
    return 1;
}

typedef struct source {
    import_row cur;
    bool live;
} source;

/* The source whose current row comes first, or -1 when all are spent. */
static long first_source(const source *src, size_t n)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (src[i].live && (best < 0 || row_cmp(&src[i].cur, &src[best].cur) < 0)) {
            best = (long)i;
        }
    }
    return best;
}

int retsim_import_runs_merge(import_runs *runs, const import_row *mem, size_t n_mem,
                             int (*each)(void *ctx, const import_row *row), void *ctx)
{
    source *src = calloc(runs->n + 1, sizeof *src);
    if (src == NULL) {
        return RETSIM_ENOMEM;
    }
    int rc = 0;
    for (size_t i = 0; i < runs->n && rc == 0; i++) {
        int got = read_row(runs->files[i], &src[i].cur);
        src[i].live = got == 1;
        rc = got < 0 ? got : 0;
    }
    size_t at = 0; /* the next row of mem: the last source, its rows borrowed */
    src[runs->n].live = n_mem > 0;
    if (n_mem > 0) {
        src[runs->n].cur = mem[0];
    }
    for (long i = first_source(src, runs->n + 1); rc == 0 && i >= 0; i = first_source(src, runs->n + 1)) {
        rc = each(ctx, &src[i].cur);
        if ((size_t)i == runs->n) {
            at++;
            src[i].live = at < n_mem;
            if (src[i].live) {
                src[i].cur = mem[at];
            }
            continue;
        }
        retsim_import_row_free(&src[i].cur);
        int got = read_row(runs->files[i], &src[i].cur);
        src[i].live = got == 1;
        rc = rc == 0 && got < 0 ? got : rc;
    }
    for (size_t i = 0; i < runs->n; i++) {
        if (src[i].live) {
            retsim_import_row_free(&src[i].cur);
        }
    }
    free(src);
    return rc;
}

void retsim_import_runs_free(import_runs *runs)
{
    for (size_t i = 0; i < runs->n; i++) {
        fclose(runs->files[i]);
    }
    free(runs->files);
    memset(runs, 0, sizeof *runs);
}

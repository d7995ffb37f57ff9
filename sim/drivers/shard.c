/* Shards: a slice of an experiment's tasks written to a part folder, and
 * part folders read back and checked to make one whole run (retsim/shard.h). */
#include "retsim/shard.h"

#include "retsim/outdir.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER     "RSSHARD1"
#define HEADER_LEN 8
#define FRAME_HEAD (4 + 8 + 8) /* task, length, checksum */

int retsim_shard_parse(const char *text, uint32_t *k, uint32_t *n, retsim_error *err)
{
    unsigned long kk = 0, nn = 0;
    int used = 0;
    bool digits = text[0] >= '0' && text[0] <= '9';
    if (!digits || sscanf(text, "%lu/%lu%n", &kk, &nn, &used) != 2 || text[used] != '\0' ||
        strchr(text, '-') != NULL || strchr(text, '+') != NULL || strchr(text, ' ') != NULL) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--shard", "takes K/N (e.g. 2/4), got '%s'", text);
    }
    if (nn < 1 || nn > RETSIM_SHARD_MAX || kk < 1 || kk > nn) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--shard", "K/N needs 1 <= K <= N <= %d, got '%s'",
                                RETSIM_SHARD_MAX, text);
    }
    *k = (uint32_t)(kk - 1);
    *n = (uint32_t)nn;
    return 0;
}

/* FNV-1a, 64 bits: catches a flipped or lost byte in a frame. */
static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static int frames_put(retsim_shard_frames *f, const void *p, size_t n)
{
    if (f->len + n > f->cap) {
        size_t cap = f->cap == 0 ? 65536 : f->cap;
        while (cap < f->len + n) {
            cap *= 2;
        }
        char *q = realloc(f->buf, cap);
        if (q == NULL) {
            return RETSIM_ENOMEM;
        }
        f->buf = q;
        f->cap = cap;
    }
    memcpy(f->buf + f->len, p, n);
    f->len += n;
    return 0;
}

static int frames_add(retsim_shard_frames *f, uint32_t t, const char *bytes, size_t n)
{
    uint64_t len = n, sum = fnv1a(bytes, n);
    int rc = frames_put(f, &t, sizeof t);
    if (rc == 0) {
        rc = frames_put(f, &len, sizeof len);
    }
    if (rc == 0) {
        rc = frames_put(f, &sum, sizeof sum);
    }
    if (rc == 0) {
        rc = frames_put(f, bytes, n);
    }
    if (rc == 0) {
        f->count++;
    }
    return rc;
}

static int collect_run(const retsim_executor *ex, const retsim_tasks *ts, retsim_error *err)
{
    retsim_shard_frames *f = ex->state;
    f->expected = retsim_tasks_count(ts);
    f->tasks = ts->n;
    int rc = retsim_tasks_threads(ts, err);
    if (rc != 0 || (ts->stop != NULL && *ts->stop)) {
        return rc; /* stopped: some slots may be empty, so none is kept */
    }
    for (uint32_t t = 0; rc == 0 && t < ts->n; t++) {
        if (!retsim_tasks_mine(ts, t)) {
            continue;
        }
        char *buf = NULL;
        size_t len = 0;
        rc = ts->encode(ts->ctx, t, &buf, &len);
        if (rc == 0) {
            rc = frames_add(f, t, buf, len);
        }
        free(buf);
    }
    if (rc != 0) {
        retsim_error_set(err, rc, "", 0, "", "out of memory while keeping the shard's results");
    }
    return rc;
}

void retsim_shard_collector(retsim_shard_frames *frames, retsim_executor *ex)
{
    *ex = (retsim_executor){.run = collect_run, .is_root = NULL, .state = frames};
}

void retsim_shard_frames_free(retsim_shard_frames *frames)
{
    if (frames != NULL) {
        free(frames->buf);
        memset(frames, 0, sizeof *frames);
    }
}

/* A value as one line: '%', control characters and DEL as %XX. */
static void put_escaped(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '%' || *p < 0x20 || *p == 0x7f) {
            fprintf(out, "%%%02X", *p);
        } else {
            fputc(*p, out);
        }
    }
}

static void put_line(FILE *out, const char *key, const char *value)
{
    fprintf(out, "%s = ", key);
    put_escaped(out, value);
    fputc('\n', out);
}

static void write_manifest(FILE *out, const retsim_shard_info *info, const char *const *keys,
                           const char *const *values, size_t n)
{
    fprintf(out, "; a retsim shard: one slice of a run; `retsim merge` puts the slices together\n");
    fprintf(out, "format = 1\ncommand = %s\nshard = %" PRIu32 "/%" PRIu32 "\ntasks = %" PRIu32 "\n",
            info->command, info->shard_k + 1, info->shard_n, info->tasks);
    fprintf(out, "seed = %" PRIu64 "\nreplications = %" PRIu32 "\nargc = %d\nout_arg = %d\n", info->seed,
            info->replications, info->argc, info->out_arg);
    put_line(out, "out_prefix", info->out_prefix);
    for (int i = 0; i < info->argc; i++) {
        char key[32];
        snprintf(key, sizeof key, "arg.%d", i + 1);
        put_line(out, key, info->argv[i]);
    }
    for (size_t i = 0; i < n; i++) {
        put_line(out, keys[i], values[i]);
    }
}

int retsim_shard_write(const char *dir, const retsim_shard_info *info, const char *const *extra_keys,
                       const char *const *extra_values, size_t n_extra, const retsim_shard_frames *frames,
                       retsim_error *err)
{
    if (frames->count != frames->expected) {
        return retsim_error_set(err, RETSIM_EINTR, "", 0, "",
                                "interrupted: %" PRIu32 " of the shard's %" PRIu32
                                " tasks kept; nothing written",
                                frames->count, frames->expected);
    }
    static const char *const names[] = {"shard", "scenario.ini", "tasks.bin"};
    retsim_outdir d;
    retsim_outfile f[3];
    memset(f, 0, sizeof f);
    int rc = retsim_outdir_begin(&d, dir, err);
    for (int i = 0; rc == 0 && i < 3; i++) {
        rc = retsim_outdir_open(&d, &f[i], names[i], err);
    }
    if (rc == 0) {
        write_manifest(f[0].fp, info, extra_keys, extra_values, n_extra);
        fputs(info->scenario, f[1].fp);
        fwrite(HEADER, 1, HEADER_LEN, f[2].fp);
        if (frames->len > 0) {
            fwrite(frames->buf, 1, frames->len, f[2].fp);
        }
    }
    return retsim_outdir_finish(rc, &d, f, 3, err);
}

/* The whole of dir/name into *text (NUL-terminated), *len bytes. */
static int slurp(const char *dir, const char *name, char **text, size_t *len, retsim_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return retsim_error_set(err, RETSIM_EINPUT, path, 0, "",
                                "cannot read (%s): not a shard's part folder?", strerror(errno));
    }
    char *buf = NULL;
    size_t n = 0, cap = 0, got = 0;
    int rc = 0;
    do {
        if (n + 65536 + 1 > cap) {
            cap = cap == 0 ? 65536 + 1 : cap * 2;
            char *q = realloc(buf, cap);
            if (q == NULL) {
                rc = retsim_error_set(err, RETSIM_ENOMEM, path, 0, "", "out of memory");
                break;
            }
            buf = q;
        }
        got = fread(buf + n, 1, 65536, fp);
        n += got;
    } while (got > 0);
    if (rc == 0 && ferror(fp)) {
        rc = retsim_error_set(err, RETSIM_EINPUT, path, 0, "", "cannot read: %s", strerror(errno));
    }
    fclose(fp);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

/* %XX back to its byte, in place. */
static void unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r != '\0'; r++) {
        unsigned v = 0;
        bool hex = *r == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2]);
        if (hex && sscanf(r + 1, "%2X", &v) == 1) {
            *w++ = (char)v;
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static int number(const char *value, uint64_t hi, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno == ERANGE || v > hi) {
        return -1;
    }
    *out = v;
    return 0;
}

/* One `key = value` line of the manifest into info (value unescaped). */
static int take_line(retsim_shard_info *info, const char *key, char *value)
{
    uint64_t v = 0;
    unescape(value);
    if (strcmp(key, "format") == 0) {
        return strcmp(value, "1") == 0 ? 0 : -1;
    }
    if (strcmp(key, "command") == 0 || strcmp(key, "out_prefix") == 0) {
        char *to = key[0] == 'c' ? info->command : info->out_prefix;
        size_t size = key[0] == 'c' ? sizeof info->command : sizeof info->out_prefix;
        if (strlen(value) >= size) {
            return -1;
        }
        snprintf(to, size, "%s", value);
        return 0;
    }
    if (strcmp(key, "shard") == 0) {
        retsim_error ignored;
        return retsim_shard_parse(value, &info->shard_k, &info->shard_n, &ignored) == 0 ? 0 : -1;
    }
    if (strncmp(key, "arg.", 4) == 0) {
        if (number(key + 4, (uint64_t)info->argc, &v) != 0 || v == 0 || info->argv[v - 1] != NULL) {
            return -1;
        }
        info->argv[v - 1] = strdup(value);
        return info->argv[v - 1] != NULL ? 0 : -1;
    }
    if (strcmp(key, "argc") == 0) {
        if (info->argv != NULL || number(value, 10000, &v) != 0) {
            return -1; /* once, before the arguments */
        }
        info->argc = (int)v;
        info->argv = calloc(v + 1, sizeof *info->argv);
        return info->argv != NULL ? 0 : -1;
    }
    if (strcmp(key, "out_arg") == 0) {
        if (strcmp(value, "-1") == 0) {
            info->out_arg = -1;
            return 0;
        }
        bool ok =
            info->argv != NULL && number(value, (uint64_t)info->argc, &v) == 0 && v < (uint64_t)info->argc;
        info->out_arg = (int)v;
        return ok ? 0 : -1;
    }
    if (strcmp(key, "seed") == 0) {
        return number(value, UINT64_MAX, &info->seed);
    }
    if (strcmp(key, "tasks") == 0 || strcmp(key, "replications") == 0) {
        int rc = number(value, UINT32_MAX, &v);
        *(key[0] == 't' ? &info->tasks : &info->replications) = (uint32_t)v;
        return rc;
    }
    return 0; /* a line for people (the --vary specs) */
}

void retsim_shard_part_free(retsim_shard_part *p)
{
    if (p == NULL) {
        return;
    }
    for (int i = 0; p->info.argv != NULL && i < p->info.argc; i++) {
        free(p->info.argv[i]);
    }
    free(p->info.argv);
    free(p->info.scenario);
    free(p->manifest);
    free(p->data);
    free(p->task);
    free(p->off);
    free(p->len);
    memset(p, 0, sizeof *p);
}

/* The `shard` file's lines into p->info; err names the line that is wrong. */
static int parse_manifest(retsim_shard_part *p, retsim_error *err)
{
    char path[600];
    snprintf(path, sizeof path, "%s/shard", p->dir);
    char *copy = strdup(p->manifest);
    if (copy == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, path, 0, "", "out of memory");
    }
    p->info.out_arg = -2; /* not given yet */
    int line = 0, rc = 0;
    char *save = NULL;
    for (char *s = strtok_r(copy, "\n", &save); rc == 0 && s != NULL; s = strtok_r(NULL, "\n", &save)) {
        line++;
        if (s[0] == ';') {
            continue;
        }
        char *eq = strstr(s, " = ");
        if (eq == NULL) {
            rc = retsim_error_set(err, RETSIM_EINPUT, path, line, "", "not a `key = value` line");
            break;
        }
        *eq = '\0';
        if (take_line(&p->info, s, eq + 3) != 0) {
            rc = retsim_error_set(err, RETSIM_EINPUT, path, line, s, "bad value");
        }
    }
    free(copy);
    for (int i = 0; rc == 0 && i < p->info.argc; i++) {
        if (p->info.argv[i] == NULL) {
            rc = retsim_error_set(err, RETSIM_EINPUT, path, 0, "", "argument %d is missing", i + 1);
        }
    }
    if (rc == 0 && (p->info.command[0] == '\0' || p->info.shard_n == 0 || p->info.argv == NULL ||
                    p->info.out_arg == -2)) {
        rc = retsim_error_set(err, RETSIM_EINPUT, path, 0, "",
                              "not a shard's manifest (command, shard, argc or out_arg missing)");
    }
    return rc;
}

static int frames_alloc(retsim_shard_part *p, size_t n)
{
    p->task = malloc((n ? n : 1) * sizeof *p->task);
    p->off = malloc((n ? n : 1) * sizeof *p->off);
    p->len = malloc((n ? n : 1) * sizeof *p->len);
    return p->task != NULL && p->off != NULL && p->len != NULL ? 0 : RETSIM_ENOMEM;
}

/* tasks.bin's frames: each whole and with its checksum, or err says where not. */
static int parse_frames(retsim_shard_part *p, retsim_error *err)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tasks.bin", p->dir);
    if (p->data_len < HEADER_LEN || memcmp(p->data, HEADER, HEADER_LEN) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, path, 0, "", "not a shard's tasks file (no %s header)",
                                HEADER);
    }
    if (frames_alloc(p, p->data_len / FRAME_HEAD) != 0) {
        return retsim_error_set(err, RETSIM_ENOMEM, path, 0, "", "out of memory");
    }
    size_t pos = HEADER_LEN;
    while (pos < p->data_len) {
        uint32_t t = 0;
        uint64_t len = 0, sum = 0;
        if (p->data_len - pos < FRAME_HEAD) {
            return retsim_error_set(err, RETSIM_EINPUT, path, 0, "",
                                    "cut short: a frame's head at byte %zu of %zu (truncated?)", pos,
                                    p->data_len);
        }
        memcpy(&t, p->data + pos, 4);
        memcpy(&len, p->data + pos + 4, 8);
        memcpy(&sum, p->data + pos + 12, 8);
        pos += FRAME_HEAD;
        if (len > p->data_len - pos) {
            return retsim_error_set(err, RETSIM_EINPUT, path, 0, "",
                                    "cut short: task %" PRIu32 " needs %" PRIu64
                                    " bytes, %zu are left (truncated?)",
                                    t, len, p->data_len - pos);
        }
        if (fnv1a(p->data + pos, len) != sum) {
            return retsim_error_set(err, RETSIM_EINPUT, path, 0, "",
                                    "task %" PRIu32 "'s bytes do not match their checksum (corrupt)", t);
        }
        p->task[p->n_frames] = t;
        p->off[p->n_frames] = pos;
        p->len[p->n_frames] = len;
        p->n_frames++;
        pos += len;
    }
    return 0;
}

int retsim_shard_read(const char *dir, retsim_shard_part *out, retsim_error *err)
{
    memset(out, 0, sizeof *out);
    if (strlen(dir) >= sizeof out->dir) {
        return retsim_error_set(err, RETSIM_EINPUT, dir, 0, "", "path too long");
    }
    snprintf(out->dir, sizeof out->dir, "%s", dir);
    size_t len = 0;
    int rc = slurp(dir, "shard", &out->manifest, &len, err);
    if (rc == 0) {
        rc = parse_manifest(out, err);
    }
    if (rc == 0) {
        rc = slurp(dir, "scenario.ini", &out->info.scenario, &len, err);
    }
    if (rc == 0) {
        rc = slurp(dir, "tasks.bin", &out->data, &out->data_len, err);
    }
    if (rc == 0) {
        rc = parse_frames(out, err);
    }
    if (rc != 0) {
        retsim_shard_part_free(out);
    }
    return rc;
}

/* The next line of *p (without its '\n'), skipping the shard line; NULL at the end. */
static const char *next_line(const char **p, size_t *len)
{
    while (**p != '\0') {
        const char *s = *p, *nl = strchr(s, '\n');
        *len = nl != NULL ? (size_t)(nl - s) : strlen(s);
        *p = s + *len + (nl != NULL ? 1 : 0);
        if (strncmp(s, "shard = ", 8) != 0) {
            return s;
        }
    }
    return NULL;
}

/* Are two manifests the same apart from the shard line? If not, err names
 * b's first line that differs. */
static int same_run(const retsim_shard_part *a, const retsim_shard_part *b, retsim_error *err)
{
    if (a->info.shard_n != b->info.shard_n) {
        return retsim_error_set(err, RETSIM_EINPUT, b->dir, 0, "",
                                "not part of the same run as %s: split into %" PRIu32 " shards, not %" PRIu32,
                                a->dir, b->info.shard_n, a->info.shard_n);
    }
    const char *pa = a->manifest, *pb = b->manifest;
    for (;;) {
        size_t la = 0, lb = 0;
        const char *sa = next_line(&pa, &la), *sb = next_line(&pb, &lb);
        if (sa == NULL && sb == NULL) {
            break;
        }
        if (sa == NULL || sb == NULL || la != lb || memcmp(sa, sb, la) != 0) {
            return retsim_error_set(err, RETSIM_EINPUT, b->dir, 0, "",
                                    "not part of the same run as %s: its shard file has '%.*s' where %s has "
                                    "'%.*s'",
                                    a->dir, sb != NULL ? (int)(lb > 200 ? 200 : lb) : 0, sb != NULL ? sb : "",
                                    a->dir, sa != NULL ? (int)(la > 200 ? 200 : la) : 0,
                                    sa != NULL ? sa : "");
        }
    }
    if (strcmp(a->info.scenario, b->info.scenario) != 0) {
        return retsim_error_set(
            err, RETSIM_EINPUT, b->dir, 0, "",
            "not part of the same run as %s: the resolved scenario (scenario.ini) differs", a->dir);
    }
    return 0;
}

/* The part's frames are its shard's tasks, each once. seen: [tasks], zeroed. */
static int whole_slice(const retsim_shard_part *p, unsigned char *seen, retsim_error *err)
{
    const retsim_shard_info *in = &p->info;
    for (uint32_t f = 0; f < p->n_frames; f++) {
        uint32_t t = p->task[f];
        if (t >= in->tasks || t % in->shard_n != in->shard_k) {
            return retsim_error_set(err, RETSIM_EINPUT, p->dir, 0, "",
                                    "holds task %" PRIu32 ", not one of shard %" PRIu32 "/%" PRIu32 "'s", t,
                                    in->shard_k + 1, in->shard_n);
        }
        if (seen[t]) {
            return retsim_error_set(err, RETSIM_EINPUT, p->dir, 0, "", "holds task %" PRIu32 " twice", t);
        }
        seen[t] = 1;
    }
    for (uint32_t t = in->shard_k; t < in->tasks; t += in->shard_n) {
        if (!seen[t]) {
            return retsim_error_set(err, RETSIM_EINPUT, p->dir, 0, "",
                                    "task %" PRIu32 " of shard %" PRIu32 "/%" PRIu32 " is missing", t,
                                    in->shard_k + 1, in->shard_n);
        }
    }
    return 0;
}

/* Every shard 1..N once among the parts. */
static int every_shard(const retsim_shard_part *parts, size_t n, retsim_error *err)
{
    uint32_t total = parts[0].info.shard_n;
    size_t *at = malloc(total * sizeof *at); /* at[k]: 1 + the part holding shard k, 0: none yet */
    if (at == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
    }
    memset(at, 0, total * sizeof *at);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        uint32_t k = parts[i].info.shard_k;
        if (at[k] != 0) {
            rc = retsim_error_set(err, RETSIM_EINPUT, parts[i].dir, 0, "",
                                  "shard %" PRIu32 "/%" PRIu32 " given twice (also %s)", k + 1, total,
                                  parts[at[k] - 1].dir);
        }
        at[k] = i + 1;
    }
    for (uint32_t k = 0; rc == 0 && k < total; k++) {
        if (at[k] == 0) {
            rc = retsim_error_set(err, RETSIM_EINPUT, "", 0, "",
                                  "shard %" PRIu32 "/%" PRIu32 " is missing (%zu part%s given)", k + 1, total,
                                  n, n == 1 ? "" : "s");
        }
    }
    free(at);
    return rc;
}

int retsim_shard_check(const retsim_shard_part *parts, size_t n, retsim_error *err)
{
    if (n == 0) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "", "no parts to merge");
    }
    int rc = 0;
    for (size_t i = 1; rc == 0 && i < n; i++) {
        rc = same_run(&parts[0], &parts[i], err);
    }
    if (rc == 0) {
        rc = every_shard(parts, n, err);
    }
    unsigned char *seen = rc == 0 ? calloc(parts[0].info.tasks + 1, 1) : NULL;
    if (rc == 0 && seen == NULL) {
        rc = retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = whole_slice(&parts[i], seen, err);
    }
    free(seen);
    return rc;
}

static int replay_run(const retsim_executor *ex, const retsim_tasks *ts, retsim_error *err)
{
    const retsim_shard_set *set = ex->state;
    if (set->n == 0 || ts->n != set->parts[0].info.tasks) {
        return retsim_error_set(err, RETSIM_EINPUT, set->n > 0 ? set->parts[0].dir : "", 0, "",
                                "the run rebuilt from the parts' command has %" PRIu32
                                " tasks, the parts %" PRIu32,
                                ts->n, set->n > 0 ? set->parts[0].info.tasks : 0);
    }
    for (size_t i = 0; i < set->n; i++) {
        const retsim_shard_part *p = &set->parts[i];
        for (uint32_t f = 0; f < p->n_frames; f++) {
            retsim_error why;
            retsim_error_clear(&why);
            if (ts->decode(ts->ctx, p->task[f], p->data + p->off[f], p->len[f], &why) != 0) {
                char text[600];
                return retsim_error_set(err, RETSIM_EINPUT, p->dir, 0, "", "task %" PRIu32 ": %s", p->task[f],
                                        retsim_error_format(&why, text, sizeof text));
            }
            if (ts->landed != NULL) {
                ts->landed(ts->ctx, p->task[f]);
            }
        }
    }
    return 0;
}

void retsim_shard_replayer(const retsim_shard_set *set, retsim_executor *ex)
{
    *ex = (retsim_executor){.run = replay_run, .is_root = NULL, .state = (void *)set};
}

/* Shared pieces of the libFuzzer harnesses: see fuzz_common.h. */
#include "fuzz_common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Harness state lives for the whole fuzzing process: libFuzzer calls the
 * entry point with no context pointer, so this one folder name is static. */
static char dir[64];

static const char *const samples[][2] = {
    {"e.csv", "delay\n1h\n2h\n90m\n1d\n0\n"},
    {"one.csv", "delay\n48h\n"},
    {"bad.csv", "delay\nsoon\n"},
    {"empty.csv", ""},
};

static void cleanup(void)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}

const char *fuzz_dir(void)
{
    if (dir[0] != '\0') {
        return dir;
    }
    snprintf(dir, sizeof dir, "/tmp/retsim-fuzz-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        fuzz_fail("mkdtemp", dir);
    }
    atexit(cleanup);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        fuzz_write(samples[i][0], (const uint8_t *)samples[i][1], strlen(samples[i][1]));
    }
    return dir;
}

const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        fuzz_fail("cannot write", path);
    }
    return path;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL) {
        fuzz_fail("out of memory", "");
    }
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

bool fuzz_empirical_ok(const uint8_t *data, size_t size)
{
    static const char word[] = "empirical";
    const size_t n = sizeof word - 1;
    for (size_t i = 0; i + n <= size; i++) {
        if (memcmp(data + i, word, n) != 0) {
            continue;
        }
        /* the argument runs to the end of the line: a '/' or '.' start anywhere after is refused */
        for (size_t j = i + n; j < size && data[j] != '\n'; j++) {
            if (data[j] == '/' || (data[j] == '.' && j + 1 < size && data[j + 1] == '.')) {
                return false;
            }
        }
    }
    return true;
}

bool fuzz_has_nul(const uint8_t *data, size_t size)
{
    return memchr(data, '\0', size) != NULL;
}

bool fuzz_known(const char *name)
{
    const char *list = getenv("RETSIM_FUZZ_KNOWN");
    size_t n = strlen(name);
    for (const char *p = list; p != NULL && *p != '\0'; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0')) {
            return true;
        }
    }
    return false;
}

void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz harness: %s: %s\n", what, detail);
    abort();
}

/* Where an installed retsim finds its bundled files: the share folder beside
 * the binary (<prefix>/bin/retsim -> <prefix>/share/retsim), so a copied or
 * relocated prefix works without configuration. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The share folder relative to the binary's folder (GNUInstallDirs'
 * bindir to datadir/retsim); CMake sets it. */
#ifndef RETSIM_SHARE_REL
#define RETSIM_SHARE_REL "../share/retsim"
#endif

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int cli_share_dir(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        return -1;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL) {
        return -1;
    }
    *slash = '\0';
    char share[PATH_MAX + 64];
    snprintf(share, sizeof share, "%s/%s", exe, RETSIM_SHARE_REL);
    /* Canonical (no bin/..), for messages and manifests. A binary in a build
     * folder has no share folder beside it: nothing to find. */
    char real[PATH_MAX];
    struct stat st;
    if (realpath(share, real) == NULL || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return -1;
    }
    int len = snprintf(buf, size, "%s", real);
    return len < 0 || (size_t)len >= size ? -1 : 0;
}

const char *cli_path_resolve(const char *path, char *buf, size_t size)
{
    if (path == NULL || path[0] == '\0' || path[0] == '/' || is_file(path)) {
        return path;
    }
    char share[PATH_MAX];
    if (cli_share_dir(share, sizeof share) != 0) {
        return path;
    }
    /* scenarios/apim.ini, apim.ini, traces/gcs.csv and gcs.csv all name a bundled file. */
    static const char *const under[] = {"", "scenarios/", "scenarios/traces/"};
    for (size_t i = 0; i < sizeof under / sizeof under[0]; i++) {
        int len = snprintf(buf, size, "%s/%s%s", share, under[i], path);
        if (len > 0 && (size_t)len < size && is_file(buf)) {
            return buf;
        }
    }
    return path; /* not found anywhere: the error names the path as given */
}

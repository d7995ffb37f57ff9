/* Opening input files: regular files (and pipes where the reader streams). */
#include "input.h"

#include "retsim/error.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* What a non-regular file is, for the message; NULL if it is acceptable. */
static const char *refused_type(mode_t mode, bool allow_pipe)
{
    if (S_ISREG(mode) || (allow_pipe && S_ISFIFO(mode))) {
        return NULL;
    }
    if (S_ISDIR(mode)) {
        return "is a directory";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return allow_pipe ? "is a device, not a regular file or a pipe" : "is a device, not a regular file";
    }
    if (S_ISFIFO(mode)) {
        return "is a pipe: this file is read whole, it must be a regular file";
    }
    if (S_ISSOCK(mode)) {
        return "is a socket, not a regular file";
    }
    return "is not a regular file";
}

int input_open(const char *path, bool allow_pipe, FILE **out, long long *size, char *why, size_t why_size)
{
    struct stat st;
    *out = NULL;
    /* stat first: it does not block on a FIFO nor start reading a device. */
    if (stat(path, &st) != 0) {
        snprintf(why, why_size, "%s", strerror(errno));
        return RETSIM_EINPUT;
    }
    const char *type = refused_type(st.st_mode, allow_pipe);
    if (type != NULL) {
        snprintf(why, why_size, "%s", type);
        return RETSIM_EINPUT;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(why, why_size, "%s", strerror(errno));
        return RETSIM_EINPUT;
    }
    /* The path may have been replaced between stat and open: judge what was opened. */
    if (fstat(fileno(f), &st) != 0 || (type = refused_type(st.st_mode, allow_pipe)) != NULL) {
        snprintf(why, why_size, "%s", type != NULL ? type : strerror(errno));
        fclose(f);
        return RETSIM_EINPUT;
    }
    *size = S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    *out = f;
    return 0;
}

/* Opening input files: regular files (and pipes where the reader streams). */
#include "input.h"

#include "retsim/error.h"

#include <errno.h>
#include <stdint.h>
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
    if (fstat(fileno(f), &st) == 0) {
        type = refused_type(st.st_mode, allow_pipe);
    } else {
        type = strerror(errno);
    }
    if (type != NULL) {
        snprintf(why, why_size, "%s", type);
        fclose(f);
        return RETSIM_EINPUT;
    }
    *size = S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    *out = f;
    return 0;
}

/* Is s[0..len) valid UTF-8 (no overlongs, no surrogates)? */
bool input_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= len) { /* continuation bytes run past the end */
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

/* Error codes and detail formatting. */
#include "retsim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *retsim_strerror(int code)
{
    switch (code) {
#define RETSIM_X_(name, value, text)                                                                         \
    case value:                                                                                              \
        return text;
        RETSIM_ERRORS(RETSIM_X_)
#undef RETSIM_X_
    default:
        return "unknown error";
    }
}

void retsim_error_clear(retsim_error *err)
{
    if (err != NULL) {
        memset(err, 0, sizeof *err);
    }
}

int retsim_error_set(retsim_error *err, int code, const char *file, long line, const char *field,
                     const char *fmt, ...)
{
    if (err == NULL) {
        return code;
    }
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file != NULL ? file : "");
    err->line = line;
    snprintf(err->field, sizeof err->field, "%s", field != NULL ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *retsim_error_format(const retsim_error *err, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    if (err->file[0] != '\0') {
        n += (size_t)snprintf(buf + n, size - n, "%s:", err->file);
        if (err->line > 0 && n < size) {
            n += (size_t)snprintf(buf + n, size - n, "%ld:", err->line);
        }
        if (n < size) {
            n += (size_t)snprintf(buf + n, size - n, " ");
        }
    }
    if (err->field[0] != '\0' && n < size) {
        n += (size_t)snprintf(buf + n, size - n, "'%s': ", err->field);
    }
    if (n < size) {
        snprintf(buf + n, size - n, "%s", err->msg[0] != '\0' ? err->msg : retsim_strerror(err->code));
    }
    return buf;
}

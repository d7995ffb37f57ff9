/* retsim/error.h — error codes and the caller-supplied error detail.
 *
 * Every library function that can fail returns an int: 0 on success or a
 * negative RETSIM_E... code. Details (file, line, field, message) go into a
 * retsim_error the caller owns; the library never prints and never exits.
 * Thread safety: none needed; a retsim_error belongs to one caller. */
#ifndef RETSIM_ERROR_H
#define RETSIM_ERROR_H

#include <stddef.h>

/* X(name, value, description): the one list of codes. */
#define RETSIM_ERRORS(X)                                                                                     \
    X(OK, 0, "success")                                                                                      \
    X(EINPUT, -1, "bad input")                                                                               \
    X(EUSAGE, -2, "bad usage")                                                                               \
    X(ENOMEM, -3, "out of memory")                                                                           \
    X(EIO, -4, "input/output error")                                                                         \
    X(ENOTFOUND, -5, "not found")                                                                            \
    X(ERANGE, -6, "value out of range")                                                                      \
    X(EINTR, -7, "interrupted")

enum {
#define RETSIM_X_(name, value, text) RETSIM_##name = value,
    RETSIM_ERRORS(RETSIM_X_)
#undef RETSIM_X_
};

typedef struct retsim_error {
    int code;       /* a RETSIM_E... code, 0 when unset */
    char file[256]; /* input file the problem is in, "" if none */
    long line;      /* 1-based line in that file, 0 if none */
    char field[64]; /* column, key or option at fault, "" if none */
    char msg[512];  /* what was wrong and what was expected */
} retsim_error;

/* A short description of a code ("bad input"); never NULL. */
const char *retsim_strerror(int code);

/* Clear an error struct (NULL-safe). */
void retsim_error_clear(retsim_error *err);

/* Fill err (NULL-safe) and return code, so callers can write
 * `return retsim_error_set(err, RETSIM_EINPUT, file, line, "time", "...")`. */
int retsim_error_set(retsim_error *err, int code, const char *file, long line, const char *field,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "file:line: field 'x': message" into buf; returns buf. */
const char *retsim_error_format(const retsim_error *err, char *buf, size_t size);

#endif

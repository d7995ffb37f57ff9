/* Internal to the library: opening the files retsim reads.
 *
 * A file read whole (a scenario, an empirical sample) must be a regular file;
 * a trace, which is streamed in bounded memory, may also be a pipe (a FIFO, or
 * /dev/stdin when stdin is one). Anything else — a directory, a device such as
 * /dev/zero, a socket, a terminal — is refused before it is opened, because
 * opening a FIFO blocks until a writer comes and reading a device may never
 * end. */
#ifndef RETSIM_INPUT_H
#define RETSIM_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Open path for reading (binary). On success *out is the stream and *size the
 * size of a regular file (-1 for a pipe). On failure returns RETSIM_EINPUT and
 * writes why into why[0..size) ("is a directory", "No such file or directory",
 * ...). Cost: one stat, one open, one fstat. */
int input_open(const char *path, bool allow_pipe, FILE **out, long long *size, char *why, size_t why_size);

/* Is s[0..len) valid UTF-8 (no overlong forms, no surrogates)? Traces and
 * scenario values must be: they are written back into CSV and manifests
 * that other tools read. O(len). */
bool input_utf8_valid(const unsigned char *s, size_t len);

#endif

/* Shared pieces of the libFuzzer harnesses (tests/fuzz/README.md).
 *
 * The library reads files by path, so a harness writes each input to a file
 * in a private temporary folder made once per process. That folder also
 * holds the small samples `empirical(...)` specs may name; the harnesses
 * refuse any input whose empirical(...) argument could leave that folder, so
 * a fuzzer never reads /dev/zero, its own descriptors or the user's files. */
#ifndef RETSIM_FUZZ_COMMON_H
#define RETSIM_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The private folder (made on first use, removed at exit). */
const char *fuzz_dir(void);

/* Write data to fuzz_dir()/name, replacing it; returns the path (static buffer per name slot). */
const char *fuzz_write(const char *name, const uint8_t *data, size_t size);

/* data as a NUL-terminated string (malloc'd; NULs inside are kept, so the C view stops there). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Does every empirical(...) in data name a plain file of fuzz_dir() (no '/')? */
bool fuzz_empirical_ok(const uint8_t *data, size_t size);

/* Does data hold a NUL byte? Issue 10: a file with one is refused with its line, never cut short. */
bool fuzz_has_nul(const uint8_t *data, size_t size);

/* Is the property `name` ("nul", "units") listed in RETSIM_FUZZ_KNOWN (comma-separated)?
 * A campaign may list findings already reported, so one known bug found on
 * every other input does not drown the rest; CI never sets it. */
bool fuzz_known(const char *name);

/* Abort with a message: a broken property is a finding like a crash. */
void fuzz_fail(const char *what, const char *detail) __attribute__((noreturn));

#endif

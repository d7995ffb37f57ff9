/* retsim/manifest.h — the `manifest` file of an output folder: which retsim,
 * which command, and the scenario as resolved, in a form that loads back as
 * a scenario (retsim run DIR/manifest repeats the run).
 *
 * This is a driver-level writer: it knows the scenario (retsim/scenario.h),
 * which the table writers (summary, metrics, events, trace) do not need to.
 * Cost: O(size of the scenario's text); it allocates one line for the
 * command line and frees it before returning. Thread safety: as safe as the
 * FILE written to; the inputs are only read. */
#ifndef RETSIM_MANIFEST_H
#define RETSIM_MANIFEST_H

#include "retsim/scenario.h"

#include <stddef.h>
#include <stdio.h>

/* How a command was asked for, for the manifest: `command` ("run") and the
 * arguments after it as given, and every --set override in the order given.
 * The caller owns every string; the manifest only reads them. */
typedef struct retsim_provenance {
    const char *command;
    int argc;
    const char *const *argv;
    const char *const *sets;
    int n_sets;
} retsim_provenance;

/* manifest: [run] with `version`, the given key/value pairs, then (with
 * provenance) `command_line = retsim COMMAND ARGS...` (each argument quoted
 * for a POSIX shell where it needs it; the program's own path is left out
 * so that the same command gives the same bytes anywhere) and `set.1`,
 * `set.2`, ... holding each --set as given, in order (a line break in one
 * becomes a space); then the resolved scenario (sc may be NULL: none). The
 * scenario part already holds every override's effect, so the manifest
 * loads as a scenario (and [run] is informational). Because the scenario
 * reader takes lines of at most 197 characters, a longer value is continued
 * in `KEY.2`, `KEY.3`, ... (join them with single spaces); a stretch without
 * a space too long for one line is shortened, ending in "...". Returns 0, or
 * what retsim_scenario_write returns. */
int retsim_manifest_write(FILE *out, const char *const *keys, const char *const *values, size_t n,
                          const retsim_provenance *prov, const retsim_scenario *sc);

#endif

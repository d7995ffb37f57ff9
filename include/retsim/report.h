/* retsim/report.h — one self-contained HTML page from retsim output folders,
 * for people who will not read CSV (`retsim report`).
 *
 * Each folder is one that `retsim run`, `replay`, `sweep` or `compare` wrote
 * (its `manifest` begins with retsim's first line). Sections appear only
 * where the folder holds their data:
 *   - the scenario and its rules in words (the manifest's resolved scenario,
 *     read with retsim_scenario_load, told by retsim_narrate_rules), with the
 *     run's command line and any [change.*] of the policy. compare's manifest
 *     holds no scenario: then the scenario file its command line names is
 *     read, relative to the working directory, if it can be (its rules and
 *     currency as the file reads now), and the section is left out if not;
 *   - the headline metrics and every metric of summary.csv per kind, with
 *     its meaning and unit, and the 95% CI where summary_ci.csv has one;
 *   - inventory (ACTIVE, SOFT_DELETED, reserved) and cost per hour over
 *     time from timeseries.csv, the mean over replications, the end of the
 *     warm-up and each change marked;
 *   - the sweep: every metric at every point (sweep_ci.csv) and the
 *     trade-off curves of recovery and conflicts against retained cost;
 *   - the compare table (compare.csv): A, B, B − A with its CI and the
 *     relative change with its CI;
 *   - the metrics of each period between policy changes, with their CIs
 *     (summary_by_period_ci.csv: a run of 2 or more replications);
 *   - the timeline of names (events.csv): each name's answers in time order,
 *     the first `max_names` names.
 * Every number carries its unit: rates and shares as %, costs in the
 * manifest's [simulation] currency, hours and days as h and d, counts with
 * what they count. The exact value as the CSV file has it is in the cell's
 * title attribute (a reader hovers over it; a test finds it).
 *
 * The page is well-formed XML as well as HTML5 (every element closed,
 * attributes quoted, & < > " escaped, no entity but XML's five and numeric
 * ones), references nothing outside itself (inline <style>, charts as inline
 * SVG drawn here, no script), and prints on white with tables that do not
 * split inside a row.
 *
 * The library never prints and never spawns: the page goes to `out`. Bad
 * input (a folder without a retsim manifest, a CSV file that cannot be read
 * or whose rows do not fit its header) is RETSIM_EINPUT naming the file (and
 * line); the caller writes `out` under a temporary name and discards it then,
 * so that a failed report leaves nothing.
 *
 * Cost: each CSV file a section uses is read whole into memory, except
 * events.csv, read only up to its first RETSIM_REPORT_MAX_EVENT_ROWS rows;
 * O(cells) for most sections, O(names shown x rows) for the timeline and
 * O(groups x rows) per cell of the sweep and period tables (small files).
 * Thread-safe: no state beyond the call. */
#ifndef RETSIM_REPORT_H
#define RETSIM_REPORT_H

#include "retsim/error.h"

#include <stdio.h>

#define RETSIM_REPORT_MAX_FOLDERS    16
#define RETSIM_REPORT_MAX_EVENT_ROWS 100000

typedef struct retsim_report_options {
    const char *const *folders; /* n_folders output folders, in the order shown */
    int n_folders;              /* 1 .. RETSIM_REPORT_MAX_FOLDERS */
    const char *title;          /* the page's title; NULL: "retsim report" */
    int max_names;              /* names in each timeline; 0: 40 */
} retsim_report_options;

/* Check that every folder is a retsim output folder (a manifest written by
 * retsim), before anything is computed. RETSIM_EINPUT naming the folder or
 * its manifest otherwise. */
int retsim_report_check(const retsim_report_options *o, retsim_error *err);

/* Write the page to out. 0, RETSIM_EINPUT (bad input, named in err),
 * RETSIM_ENOMEM or RETSIM_EIO (a write to out failed). On failure part of a
 * page may have been written: discard it. */
int retsim_report_write(const retsim_report_options *o, FILE *out, retsim_error *err);

#endif

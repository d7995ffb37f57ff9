/* retsim/systems.h — the systems table: every kind of every scenario given,
 * one row each, one column per rule a reader compares (names, soft delete,
 * retention, name reuse, purge, restore, parents, grace, billing), in words
 * ("30d (7d–30d, per delete)", "never reusable") rather than raw keys.
 *
 * The columns are one table in systems.c (name, header, meaning, a function
 * that words the cell), so a new rule is one line there; the legend under
 * the table is printed from the same table. `retsim systems` prints it and
 * docs/systems.md is its markdown form.
 *
 * The library never prints on its own: the table goes to the FILE* given.
 * Cells are UTF-8 (the en dash of a range, the em dash of "does not apply").
 * Thread safety: pure functions of their arguments; scenarios are only read.
 * Cost: O(kinds × columns), and O(kinds²) per scenario to find which kinds
 * have children; every cell is held in memory at once
 * (RETSIM_SYSTEMS_CELL_MAX bytes each), to align the text form's columns. */
#ifndef RETSIM_SYSTEMS_H
#define RETSIM_SYSTEMS_H

#include "retsim/error.h"
#include "retsim/scenario.h"

#include <stddef.h>
#include <stdio.h>

/* A cell never needs more (a longer one is cut, never overrun). */
#define RETSIM_SYSTEMS_CELL_MAX 512

typedef enum {
    RETSIM_SYSTEMS_TEXT,     /* columns aligned for a terminal, then the legend */
    RETSIM_SYSTEMS_MARKDOWN, /* a pipe table, then the legend as a list (docs/systems.md) */
    RETSIM_SYSTEMS_CSV,      /* a header row of column names, one row per kind; no legend */
} retsim_systems_format;

/* "text", "markdown" or "csv"; 0 or RETSIM_EINPUT (out untouched). */
int retsim_systems_format_parse(const char *text, retsim_systems_format *out);

/* The number of columns. */
size_t retsim_systems_n_columns(void);
/* Column c (0-based, < n_columns): its name (the CSV header, the `column`
 * of retsim_systems_cell), and, where the pointers are not NULL, its header
 * as a reader sees it and its meaning for the legend. Static strings. */
const char *retsim_systems_column(size_t c, const char **header, const char **meaning);

/* The cell of kind `kind` (an index into s->policies) in the column named
 * `column`, NUL-terminated into buf (cut to size). Returns 0, RETSIM_ENOTFOUND
 * for an unknown column or RETSIM_EINPUT for a kind out of range (buf then ""). */
int retsim_systems_cell(const retsim_scenario *s, int kind, const char *column, char *buf, size_t size);

/* Write the table of the n scenarios (rows in their order, kinds in file
 * order) to out. Returns 0; RETSIM_ENOMEM; RETSIM_EIO when out reports a
 * write error; RETSIM_EUSAGE for an unknown format. err (may be NULL) says why. */
int retsim_systems_write(const retsim_scenario *const *s, size_t n, retsim_systems_format format, FILE *out,
                         retsim_error *err);

#endif

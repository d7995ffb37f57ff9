/* retsim/outdir.h — output folders that hold exactly one run, and output
 * files written whole or not at all.
 *
 * An output folder (--out DIR) holds the files of one command and nothing
 * else of retsim's. A command writes its files into a fresh folder beside
 * DIR, DIR.tmp-PID-XXXXXX (same parent, so the same file system), and only when
 * every file is complete swaps it in: DIR is exchanged with it in one atomic
 * renameat2(RENAME_EXCHANGE) where the kernel and file system allow, else
 * with two renames (DIR -> DIR.old-PID-XXXXXX, DIR.tmp-PID-XXXXXX -> DIR); then the
 * old folder's retsim files are removed, and the old folder with them. If DIR
 * does not exist, one rename. If anything fails before the swap, the staging
 * folder is removed and DIR is left exactly as it was (and any parent folders
 * this call created are removed again).
 *
 * Which files retsim wrote: every output folder holds `.retsim-files`, the
 * names of the files the command wrote there. A folder from before that list
 * existed counts as retsim's when its `manifest` starts with retsim's first
 * line; then the names retsim has ever written there (summary.csv,
 * summary_ci.csv, outcomes.csv, timeseries.csv, events.csv, manifest,
 * sweep.csv, sweep_ci.csv, compare.csv) are its files.
 *
 * analysis/plot-run and analysis/plot-sweep add the charts they draw from a
 * folder to its list: they belong to that run and go with it.
 *
 * Any other entry in DIR (a user's notes.txt, a chart drawn by hand, a
 * subfolder) makes the command refuse, with RETSIM_EUSAGE naming the entry,
 * before it runs and again just before the swap. retsim never deletes a file
 * it cannot prove it wrote, and moving such files into the new folder would
 * put notes and charts about the old run beside the new run's numbers, the
 * very mix this folder discipline exists to prevent. DIR must be a
 * folder, not a symlink to one, and not "." or "..": RETSIM_EUSAGE otherwise.
 * If a file appears in the old folder between the last check and its
 * removal, the old folder is left as DIR.old-PID-XXXXXX rather than deleted.
 *
 * Leftovers of a killed command (kill -9): the staging folder lists each file
 * in .retsim-staging before creating it, and the names carry the pid. _begin
 * removes DIR.tmp-PID-* and DIR.old-PID-* folders and (_open) .NAME.tmp-PID-*
 * files of processes that no longer run (kill(pid, 0) fails with ESRCH) and
 * that this user owns, deleting only files they list; a DIR.old-* found while
 * DIR is missing goes back to DIR. (A pid is only meaningful within one pid
 * namespace: two containers sharing a folder could misjudge each other's.)
 *
 * An output file is written under a temporary name and renamed to its final
 * name only by _commit, so an interrupted or failed run never leaves a
 * half-written file.
 *
 * Cost: each call is a handful of system calls plus, for _check, _begin and
 * _commit, one read of DIR and of its parent folder (O(entries)); nothing
 * here is on the per-event path (the bytes go through stdio, 64 KB buffered).
 * A retsim_outfile is about 12 KB and a retsim_outdir 14 KB (their paths are
 * arrays): the caller owns both, on its stack or not; _abort releases what
 * they hold.
 *
 * Thread safety: an outdir belongs to one thread; two commands writing into
 * one DIR at once both stage, and the second swap replaces the first. */
#ifndef RETSIM_OUTDIR_H
#define RETSIM_OUTDIR_H

#include "retsim/error.h"

#include <stddef.h>
#include <stdio.h>

/* The longest path, with its NUL, that an output file or folder may have:
 * Linux's PATH_MAX. retsim's own name, so that this header neither needs
 * POSIX's <limits.h> nor defines a system macro behind the system's back;
 * a longer path is RETSIM_EUSAGE ("output path too long"). */
#define RETSIM_PATH_MAX 4096

#define RETSIM_OUTDIR_LIST      ".retsim-files"
#define RETSIM_OUTDIR_MAX_FILES 16

struct retsim_outfile_sink; /* where the bytes go; keeps the first write error */

typedef struct retsim_outfile {
    FILE *fp;
    char path[RETSIM_PATH_MAX];  /* final name */
    char tmp[RETSIM_PATH_MAX];   /* where it is written until commit: dir/.NAME.tmp-PID-XXXXXX */
    char shown[RETSIM_PATH_MAX]; /* the name errors give: path, or DIR/NAME for a file of a staged folder */
    struct retsim_outfile_sink *sink;
} retsim_outfile;

/* Open dir/name for writing under a temporary name in dir (created with
 * O_EXCL, so nothing is ever truncated). dir/name must be a regular file or
 * not exist: a symbolic link (not followed), device, FIFO or folder there is
 * RETSIM_EUSAGE, since renaming over it would destroy it. */
int retsim_outfile_open(retsim_outfile *f, const char *dir, const char *name, retsim_error *err);
/* Flush, close and rename into place (checking again that the final name is
 * not something else than a regular file). A write error anywhere in the
 * file's life is RETSIM_EIO naming the file and the system's reason ("No
 * space left on device"). On failure the temporary is removed. */
int retsim_outfile_commit(retsim_outfile *f, retsim_error *err);
/* If a write to the open file f failed, fill err with the file and the
 * system's reason and return RETSIM_EIO; else 0. For a writer that saw
 * ferror and can only say RETSIM_EIO. */
int retsim_outfile_explain(const retsim_outfile *f, retsim_error *err);
/* rc, and when rc is RETSIM_EIO err told by the first of the n files whose
 * write failed: for the end of a command, before its commits. */
int retsim_outfiles_explain(int rc, const retsim_outfile *files, size_t n, retsim_error *err);
/* Close and remove the temporary; safe on an unopened (zeroed) or committed file. */
void retsim_outfile_abort(retsim_outfile *f);

typedef struct retsim_outdir {
    char dir[RETSIM_PATH_MAX];   /* DIR, without trailing slashes */
    char stage[RETSIM_PATH_MAX]; /* DIR.tmp-PID-XXXXXX while staged, "" otherwise */
    char names[RETSIM_OUTDIR_MAX_FILES][64];
    int n_names;
    char made[RETSIM_PATH_MAX]; /* the top-most parent folder this outdir created, "" if none */
} retsim_outdir;

/* Can DIR take a new run? 0 if it is absent, or a folder holding only files
 * an earlier retsim command wrote; RETSIM_EUSAGE naming the reason otherwise.
 * Commands that compute before they write call this first, to fail fast. */
int retsim_outdir_check(const char *dir, retsim_error *err);
/* Check DIR, create its missing parents and the staging folder. */
int retsim_outdir_begin(retsim_outdir *d, const char *dir, retsim_error *err);
/* Open `name` in the staging folder (a plain name, no '/'; each name once). */
int retsim_outdir_open(retsim_outdir *d, retsim_outfile *f, const char *name, retsim_error *err);
/* Write .retsim-files and swap the staging folder in as DIR. Every file
 * opened must be committed first. On failure DIR is as it was before begin,
 * and the staging folder is gone. */
int retsim_outdir_commit(retsim_outdir *d, retsim_error *err);
/* The same, committing one file outside the folder (a --trace-out elsewhere)
 * with it: the file is renamed into place right after the swap, and if that
 * fails the swap is undone, so both are new or both are as they were. */
int retsim_outdir_commit_with(retsim_outdir *d, retsim_outfile *outside, retsim_error *err);
/* Remove the staging folder and what is in it; safe on a zeroed, committed
 * or aborted outdir. */
void retsim_outdir_abort(retsim_outdir *d);
/* The end of every command that writes a folder: when rc is 0, commit the n
 * files (a failed write named by retsim_outfiles_explain) and then the
 * folder; in any case abort what is left. Returns the first error, or 0. */
int retsim_outdir_finish(int rc, retsim_outdir *d, retsim_outfile *files, size_t n, retsim_error *err);

/* Split a path into its folder ("." for a bare name, "/" at the root),
 * written into dir[0..size), and its last component, returned (a pointer
 * into path). */
const char *retsim_path_split(const char *path, char *dir, size_t size);

#endif

/* retsim/shard.h — one slice of an experiment in a folder of its own (a
 * batch scheduler's array job runs one slice per job), and the slices put
 * back together.
 *
 * A shard K of N (retsim/tasks.h) runs the tasks t with t % N == K - 1 of an
 * experiment's task list. Its part folder holds:
 *   shard        what run it is part of: the command, its arguments without
 *                --shard (argument out_arg is --out's value, which merge
 *                replaces), seed, replications, task count and "shard = K/N",
 *                as `key = value` lines (values percent-escaped: %XX for '%'
 *                and control characters);
 *   scenario.ini the scenario as resolved (retsim_scenario_write);
 *   tasks.bin    "RSSHARD1", then a frame per task: task (u32), length (u64),
 *                FNV-1a 64 of the bytes (u64), the bytes
 *                (retsim_replication_encode), in this machine's byte order.
 * Parts of one run have the same `shard` file apart from its shard line and
 * the same scenario.ini; retsim_shard_check proves that and that every task
 * is there exactly once, and retsim_shard_replayer is an executor that fills
 * each task's slot from the parts instead of running it, so the experiment
 * drivers rebuild the very experiments an unsharded run computes.
 *
 * Ownership: frames and parts own their memory (free them with
 * retsim_shard_frames_free, retsim_shard_part_free); an executor's state is
 * the caller's and must outlive its use. Cost: a part is read whole into
 * memory (its tasks.bin is the slice's results, about what the outputs hold);
 * nothing here is on the per-event path. */
#ifndef RETSIM_SHARD_H
#define RETSIM_SHARD_H

#include "retsim/error.h"
#include "retsim/tasks.h"

#include <stddef.h>
#include <stdint.h>

#define RETSIM_SHARD_MAX 100000 /* N at most */

/* "K/N" (1 <= K <= N <= RETSIM_SHARD_MAX) as *k = K - 1 (the tasks' shard_k)
 * and *n. RETSIM_EUSAGE with err saying what was wrong. */
int retsim_shard_parse(const char *text, uint32_t *k, uint32_t *n, retsim_error *err);

/* A slice's results as tasks.bin's frames, collected while it runs. */
typedef struct retsim_shard_frames {
    char *buf; /* the frames, without the file's header */
    size_t len, cap;
    uint32_t count;    /* frames held */
    uint32_t expected; /* tasks in the slice */
    uint32_t tasks;    /* in the whole list (the slice's ts->n) */
} retsim_shard_frames;

/* An executor (retsim/tasks.h) that runs the slice on this process's threads
 * (retsim_tasks_threads) and then encodes every task of it into frames, in
 * task order. After a stop request it encodes nothing (count < expected).
 * frames must be zeroed and outlive ex's use. */
void retsim_shard_collector(retsim_shard_frames *frames, retsim_executor *ex);
void retsim_shard_frames_free(retsim_shard_frames *frames); /* NULL-safe; leaves it zeroed */

/* What run a part belongs to. */
typedef struct retsim_shard_info {
    char command[16]; /* run, sweep or compare */
    uint32_t shard_k, shard_n;
    uint32_t tasks; /* of the whole run */
    uint32_t replications;
    uint64_t seed;
    int argc; /* the command's arguments, as given, without --shard */
    char **argv;
    int out_arg;         /* which argument is --out's value (-1: none) */
    char out_prefix[16]; /* what precedes the value in that argument: "", "--out=" or "-o" */
    char *scenario;      /* the resolved scenario's text */
} retsim_shard_info;

/* Write the part folder dir (shard, scenario.ini, tasks.bin), all or nothing
 * (retsim/outdir.h). extra_keys/values (n_extra) are further `key = value`
 * lines for people (the --vary, --set-a, --set-b specs). RETSIM_EINTR when
 * frames do not hold the whole slice (the run was stopped): nothing written. */
int retsim_shard_write(const char *dir, const retsim_shard_info *info, const char *const *extra_keys,
                       const char *const *extra_values, size_t n_extra, const retsim_shard_frames *frames,
                       retsim_error *err);

/* A part folder as read back. */
typedef struct retsim_shard_part {
    char dir[512];
    retsim_shard_info info; /* argv and scenario owned by the part */
    char *manifest;         /* the `shard` file's text */
    char *data;             /* tasks.bin */
    size_t data_len;
    uint32_t n_frames;
    uint32_t *task; /* [frame] */
    size_t *off;    /* [frame]: where its bytes start in data */
    size_t *len;    /* [frame] */
} retsim_shard_part;

/* Read part folder dir into *out (zeroed first): RETSIM_EINPUT naming the
 * file and what is wrong (missing, not a shard, a bad line, a frame cut short
 * or whose checksum does not match), RETSIM_ENOMEM. On error *out holds
 * nothing to free. */
int retsim_shard_read(const char *dir, retsim_shard_part *out, retsim_error *err);
void retsim_shard_part_free(retsim_shard_part *p); /* NULL-safe */

/* Do parts[0 .. n) make one whole run? The same `shard` file apart from the
 * shard line and the same scenario.ini as parts[0], every shard 1..N exactly
 * once, and each part holding each of its tasks exactly once and no other.
 * RETSIM_EINPUT naming the part and what is wrong. */
int retsim_shard_check(const retsim_shard_part *parts, size_t n, retsim_error *err);

/* An executor that runs nothing: it decodes every task's slot from the
 * parts (checked with retsim_shard_check) and lands it. Its run fails with
 * RETSIM_EINPUT when the task list it is given is not the parts' size. */
typedef struct retsim_shard_set {
    const retsim_shard_part *parts;
    size_t n;
} retsim_shard_set;
void retsim_shard_replayer(const retsim_shard_set *set, retsim_executor *ex);

#endif

/* retsim/ranks.h — the processes of an MPI run (mpirun -n N retsim ...).
 *
 * One module behind this interface, two builds of it: with MPI
 * (-DRETSIM_MPI=ON, the default where CMake finds MPI) the tasks of an
 * experiment (retsim/tasks.h) are spread over the ranks; without it every
 * function says "one process". The build picks which file is compiled
 * (sim/dist/ranks_mpi.c or ranks_none.c): callers need no #ifdef.
 *
 * retsim_ranks_init starts MPI only when the environment shows a launch by
 * mpirun (OMPI_COMM_WORLD_SIZE or PMIX_RANK set): a plain `retsim run` does
 * not pay for, or print the warnings of, a singleton MPI_Init.
 *
 * The executor (MPI build, N > 1 ranks): rank 0's main thread hands tasks
 * out one at a time, on request, from the same counter its own `jobs`
 * worker threads take from, and gathers results; it waits with MPI_Iprobe
 * and short sleeps, not a spinning receive, so rank 0 computes too. Every
 * other rank runs `jobs` worker threads, asks for a task whenever fewer
 * than `jobs` are under way, and sends each result as the tasks' encode
 * bytes; rank 0 decodes it into slot t and calls landed(t) there. Only the
 * main thread of a rank calls MPI (MPI_THREAD_FUNNELED). A failing task
 * (on any rank) stops the handing out; the run returns its error on rank 0
 * once every task under way has come back. On other ranks run returns 0
 * with nothing landed, and retsim_executor_is_root is false there: they
 * write nothing. A root without the memory to receive a result ends the job
 * (MPI_Abort): a message can be neither left unread nor read in part.
 *
 * Test hook: RETSIM_MPI_FAIL_RANK=K in the environment makes every task
 * that rank K (K > 0) runs fail with RETSIM_EIO (exit 1), so the fault path can be
 * tested; nothing else reads it.
 *
 * Ownership: retsim_ranks_init's result is freed by retsim_ranks_finish. */
#ifndef RETSIM_RANKS_H
#define RETSIM_RANKS_H

#include "retsim/tasks.h"

#include <stdbool.h>

typedef struct retsim_ranks retsim_ranks;

/* Did mpirun (Open MPI or a PMIx launcher) start this process? */
bool retsim_ranks_launched(void);
/* The ranks of this run, or NULL for a single process: not launched by
 * mpirun, a build without MPI, or no memory. May rewrite argc/argv (MPI's
 * own arguments). */
retsim_ranks *retsim_ranks_init(int *argc, char ***argv);
/* The executor that spreads tasks over the ranks; NULL (this process's
 * threads) for a single process or a run of one rank. */
const retsim_executor *retsim_ranks_executor(const retsim_ranks *r);
/* Rank 0, or a single process (r NULL)? */
bool retsim_ranks_is_root(const retsim_ranks *r);
/* How many ranks (1 for NULL). */
int retsim_ranks_size(const retsim_ranks *r);
/* Shut MPI down and free r (NULL-safe); returns rc. */
int retsim_ranks_finish(retsim_ranks *r, int rc);

#endif

/* retsim/ranks.h without MPI: always one process. */
#include "retsim/ranks.h"

retsim_ranks *retsim_ranks_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return NULL;
}

const retsim_executor *retsim_ranks_executor(const retsim_ranks *r)
{
    (void)r;
    return NULL;
}

bool retsim_ranks_is_root(const retsim_ranks *r)
{
    (void)r;
    return true;
}

int retsim_ranks_size(const retsim_ranks *r)
{
    (void)r;
    return 1;
}

int retsim_ranks_finish(retsim_ranks *r, int rc)
{
    (void)r;
    return rc;
}

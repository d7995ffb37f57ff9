/* What both builds of retsim/ranks.h share: was this process launched by mpirun? */
#include "retsim/ranks.h"

#include <stdlib.h>

bool retsim_ranks_launched(void)
{
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    return (size != NULL && size[0] != '\0') || getenv("PMIX_RANK") != NULL;
}

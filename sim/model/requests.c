/* The registry's vocabulary: the names of operations, outcomes and states as
 * traces and CSV files spell them, and a request with its defaults. Apart
 * from registry.c, which is the state machine, because nothing here needs
 * the registry's state. */
#include "retsim/registry.h"

#include "retsim/error.h"

#include <string.h>

static const char *const op_names[] = {
#define RETSIM_X_(id, text) text,
    RETSIM_OPS(RETSIM_X_)
#undef RETSIM_X_
};
static const char *const outcome_names[] = {
#define RETSIM_X_(id, text) text,
    RETSIM_OUTCOMES(RETSIM_X_)
#undef RETSIM_X_
};
static const char *const state_names[] = {
#define RETSIM_X_(id, text) text,
    RETSIM_STATES(RETSIM_X_)
#undef RETSIM_X_
};

const char *retsim_op_name(retsim_op op)
{
    return op < RETSIM_OP_COUNT ? op_names[op] : "?";
}

const char *retsim_outcome_name(retsim_outcome o)
{
    return o < RETSIM_OUT_COUNT ? outcome_names[o] : "?";
}

const char *retsim_state_name(retsim_state s)
{
    return s < RETSIM_STATE_COUNT ? state_names[s] : "?";
}

int retsim_op_parse(const char *text, retsim_op *out)
{
    for (int i = 0; i < RETSIM_OP_AUTO_PURGE; i++) {
        if (strcmp(text, op_names[i]) == 0) {
            *out = (retsim_op)i;
            return 0;
        }
    }
    return RETSIM_EINPUT;
}

retsim_request retsim_request_make(retsim_op op, int kind, uint32_t sub, uint32_t slot_id)
{
    retsim_request rq;
    memset(&rq, 0, sizeof rq);
    rq.op = op;
    rq.kind = kind;
    rq.sub = sub;
    rq.slot = slot_id;
    rq.named = op != RETSIM_OP_LIST_DELETED;
    rq.region = RETSIM_NAME_NONE;
    rq.api_version = RETSIM_APIVER_CURRENT;
    rq.purge_permission = true;
    rq.soft_delete_switch = -1;
    rq.retention_ms = RETSIM_TIME_NEVER;
    rq.restore_permission = true;
    return rq;
}

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

static const char *const reason_names[] = {
#define RETSIM_X_(id, text) text,
    RETSIM_REASONS(RETSIM_X_)
#undef RETSIM_X_
};

const char *retsim_reason_name(retsim_reason w)
{
    return w < RETSIM_WHY_COUNT ? reason_names[w] : "?";
}

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
    /* a compound literal, not memset and stores: made on every operation */
    return (retsim_request){
        .op = op,
        .kind = kind,
        .sub = sub,
        .slot = slot_id,
        .region = RETSIM_NAME_NONE,
        .api_version = RETSIM_APIVER_CURRENT,
        .named = op != RETSIM_OP_LIST_DELETED,
        .purge_permission = true,
        .soft_delete_switch = -1,
        .restore_permission = true,
        .retention_ms = RETSIM_TIME_NEVER,
    };
}

/* The usual reason of an outcome, where no rule on the way set a finer one. */
static retsim_reason default_reason(retsim_op op, retsim_outcome out)
{
    switch (out) {
    case RETSIM_OUT_OK:
        return op == RETSIM_OP_CREATE       ? RETSIM_WHY_NAME_FREE
               : op == RETSIM_OP_RESTORE    ? RETSIM_WHY_WITHIN_RETENTION
               : op == RETSIM_OP_PURGE      ? RETSIM_WHY_PURGED_ON_REQUEST
               : op == RETSIM_OP_SET_POLICY ? RETSIM_WHY_CHANGE_ALLOWED
               : op == RETSIM_OP_AUTO_PURGE ? RETSIM_WHY_RETENTION_ENDED
                                            : RETSIM_WHY_FOUND;
    case RETSIM_OUT_UPDATED:
        return RETSIM_WHY_OWN_INSTANCE;
    case RETSIM_OUT_CONFLICT_ACTIVE:
        return RETSIM_WHY_HELD_BY_OTHER_SUBSCRIPTION;
    case RETSIM_OUT_CONFLICT_SOFT_DELETED:
        return RETSIM_WHY_HELD_WHILE_SOFT_DELETED;
    case RETSIM_OUT_CONFLICT_RESERVED:
        return RETSIM_WHY_RESERVED_FOR_NOBODY;
    case RETSIM_OUT_SOFT_DELETED:
        return RETSIM_WHY_SOFT_DELETE_ON;
    case RETSIM_OUT_HARD_DELETED:
        return RETSIM_WHY_SOFT_DELETE_OFF;
    case RETSIM_OUT_NOT_FOUND:
        return op == RETSIM_OP_CREATE                                 ? RETSIM_WHY_PARENT_NOT_FOUND
               : op == RETSIM_OP_DELETE || op == RETSIM_OP_SET_POLICY ? RETSIM_WHY_NO_ACTIVE_INSTANCE
                                                                      : RETSIM_WHY_NOTHING_SOFT_DELETED;
    case RETSIM_OUT_BLOCKED_CHILDREN:
        return RETSIM_WHY_CHILDREN_SOFT_DELETED;
    case RETSIM_OUT_BLOCKED_FAILED_PROVISIONING:
        return RETSIM_WHY_FAILED_PROVISIONING;
    case RETSIM_OUT_WRONG_REGION:
        return RETSIM_WHY_HOME_REGION_REQUIRED;
    case RETSIM_OUT_EXPIRED:
        return RETSIM_WHY_DATA_PURGED;
    case RETSIM_OUT_FORBIDDEN:
        return RETSIM_WHY_PERMISSION_MISSING;
    case RETSIM_OUT_PURGE_PROTECTED:
        return RETSIM_WHY_PURGE_PROTECTION_ON;
    case RETSIM_OUT_NOT_SUPPORTED:
        return op == RETSIM_OP_PURGE ? RETSIM_WHY_PURGE_UNSUPPORTED
                                     : RETSIM_WHY_API_VERSION_BEFORE_RECOVER_MINIMUM;
    case RETSIM_OUT_REJECTED:
        return RETSIM_WHY_REQUEST_NOT_ALLOWED;
    case RETSIM_OUT_NAME_TAKEN:
        return RETSIM_WHY_NAME_TAKEN_BY_LIVE_INSTANCE;
    default:
        return RETSIM_WHY_NONE;
    }
}

retsim_reason retsim_result_reason(const retsim_result *res)
{
    return res->reason != RETSIM_WHY_NONE ? res->reason : default_reason(res->op, res->outcome);
}

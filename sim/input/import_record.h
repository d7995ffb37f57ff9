/* The importer's inside: one log record, as a format's parser hands it over
 * (sim/input/import.c keeps the rows; import_azure.c reads the JSON). */
#ifndef RETSIM_IMPORT_RECORD_H
#define RETSIM_IMPORT_RECORD_H

#include "retsim/import.h"

#include <stdbool.h>
#include <stdint.h>

/* The fields of one record that the import uses, "" when absent. */
typedef enum {
    REC_TIME,         /* time (diagnostic-setting export) */
    REC_EVENT_TS,     /* eventTimestamp (az monitor activity-log list) */
    REC_OPERATION,    /* operationName, or its .value */
    REC_RESOURCE,     /* resourceId */
    REC_STATUS,       /* status, or its .value */
    REC_RESULT_TYPE,  /* resultType (export) */
    REC_SUB_STATUS,   /* subStatus, or its .value */
    REC_STATUS_CODE,  /* properties.statusCode */
    REC_SUBSCRIPTION, /* subscriptionId */
    REC_CALLER,       /* caller */
    REC_CORRELATION,  /* correlationId */
    REC_OPERATION_ID, /* operationId */
    REC_COUNT
} import_field;

typedef struct import_record {
    char f[REC_COUNT][RETSIM_IMPORT_FIELD_MAX];
    const char *bad; /* why the record is malformed while parsing it, or NULL */
    const char *bad_field;
} import_record;

/* Fold one record into the rows. RETSIM_EINPUT (err says why, naming record
 * number recno of path) for a malformed record; RETSIM_ENOMEM. */
int retsim_import_add(retsim_import *im, const import_record *r, uint64_t recno, const char *path,
                      retsim_error *err);
/* The options the importer was made with. */
const retsim_import_options *retsim_import_opts(const retsim_import *im);
/* A malformed record skipped (--skip-bad). */
void retsim_import_count_bad(retsim_import *im);

/* Read an Azure Activity Log (JSON array or JSON lines) into im. */
int retsim_import_read_azure(retsim_import *im, FILE *in, const char *path, retsim_error *err);

#endif

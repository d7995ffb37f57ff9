/* retsim/import.h — activity logs as traces: `retsim import FORMAT LOG -o TRACE`.
 *
 * A log is read once, front to back, with a streaming (SAX) JSON parser
 * (yajl), so the parser's memory does not grow with the log: a record's
 * fields are copied into fixed buffers and the record is dropped once seen.
 * The requests (one trace row each) are held in memory up to a budget
 * (buffer_rows, about 600 bytes each with their strings); then the finished
 * ones are sorted and written to a temporary file (tmpfile(): a sorted run),
 * and the trace is the merge of the runs in time order. What still grows is
 * 16 to 32 bytes per request and per name (64-bit hashes of the requests
 * written out, for collapsing their late records, and of the names, for
 * telling restores): a 700 MB log of 300,000 requests imports in 68 MB
 * (245 MB when every row was held). Cost: O(bytes) to read, O(rows log
 * buffer) to sort, O(rows x runs) to merge.
 *
 * Each record is read as a format-neutral request (time, operation, the
 * subscription, parent path and name, caller, the key that groups the records
 * of one request, final or not, failure code, trace options the record
 * carries). Its operation is looked up in a mapping table (retsim_import_map,
 * loaded from INI files: the shipped scenarios/import/<format>.ini, then any
 * --map file, whose entries add to or override it) giving the retsim op, kind
 * and trace options; the record's own options follow the table's. Records of
 * one request collapse into one row at the time of its first record, with the
 * answer of its last final record. Formats (retsim_import_format); in each the
 * first byte that is not white space tells an array ('[') from JSON lines
 * ('{', one record per line):
 *
 * - azure-activity: the JSON array `az monitor activity-log list` prints, or
 *   JSON lines as a diagnostic setting exports them. Key operationName. The
 *   subscription, parent path and name come from the resourceId
 *   (/subscriptions/S/.../providers/NS/t1/n1/t2/n2 -> parent "n1", name "n2";
 *   a "locations/<region>" pair is a region, not a parent). One request: the
 *   same correlationId (or operationId without one), operationName and
 *   resourceId; Succeeded and Failed are final, Started and Accepted not; the
 *   code is subStatus, else properties.statusCode.
 * - aws-cloudtrail: a file that begins {"Records": [ as CloudTrail delivers
 *   them (decompressed), or JSON lines of events. Key eventSource/eventName;
 *   subscription recipientAccountId; name requestParameters.secretId, .name,
 *   .keyId, .bucketName or responseElements.keyMetadata.keyId (an ARN gives
 *   its resource part; a secret's ARN loses its 6-character suffix); every
 *   event is final, failed when it has an errorCode (the code); one request:
 *   the same eventID. recoveryWindowInDays or pendingWindowInDays n adds
 *   retention=<n>d, forceDeleteWithoutRecovery true adds force=true.
 * - gcp-audit: audit-log LogEntry records, JSON lines or the JSON array
 *   `gcloud logging read --format=json` prints. Key protoPayload.methodName;
 *   subscription resource.labels.project_id; name and parent from
 *   protoPayload.resourceName (projects/P -> name P; projects/_/buckets/B/objects/O
 *   -> parent B, name O); failed when protoPayload.status.code is not 0 (the
 *   code); one request: the same operation.id (an operation.first record
 *   without .last is not final), else the same insertId.
 *
 * Not thread-safe per retsim_import; separate ones are independent. The
 * library never prints: unknown operations and counts come back in the stats. */
#ifndef RETSIM_IMPORT_H
#define RETSIM_IMPORT_H

#include "retsim/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Longest field kept from a record (resource ids included); longer is a bad record. */
#define RETSIM_IMPORT_FIELD_MAX 1024
/* Distinct unknown operations (the mapping key) listed in the stats (the rest only counted). */
#define RETSIM_IMPORT_UNKNOWN_MAX 32

typedef enum {
    RETSIM_IMPORT_AZURE_ACTIVITY,
    RETSIM_IMPORT_AWS_CLOUDTRAIL,
    RETSIM_IMPORT_GCP_AUDIT
} retsim_import_format;

/* Parse "azure-activity", "aws-cloudtrail" or "gcp-audit". 0 or RETSIM_EUSAGE. */
int retsim_import_format_parse(const char *text, retsim_import_format *out);
/* "azure-activity" etc.: the name of the format's shipped mapping file is <name>.ini. */
const char *retsim_import_format_name(retsim_import_format f);

typedef struct retsim_import retsim_import;

/* Requests held in memory before the finished ones are sorted and written to
 * a temporary file (a run): about 40 MB. */
#define RETSIM_IMPORT_BUFFER_ROWS 65536

typedef struct retsim_import_options {
    retsim_import_format format;
    bool skip_bad;            /* count and skip malformed records instead of failing on the first */
    size_t buffer_rows;       /* requests in memory before a run spills; 0: RETSIM_IMPORT_BUFFER_ROWS */
    const char *const *kinds; /* keep only requests of these kinds (n_kinds 0: every kind) */
    size_t n_kinds;
} retsim_import_options;

typedef struct retsim_import_unknown {
    char operation[128];
    uint64_t count;
} retsim_import_unknown;

typedef struct retsim_import_stats {
    uint64_t records;      /* records read */
    uint64_t rows;         /* requests (trace rows) */
    uint64_t collapsed;    /* records folded into an earlier one of the same request */
    uint64_t bad;          /* malformed records skipped (--skip-bad) */
    uint64_t unknown;      /* records whose operation has no mapping */
    uint64_t restores;     /* successful creates on a soft-deleted name written as restore */
    uint64_t other_kinds;  /* records of mapped operations of kinds not asked for (kinds) */
    uint64_t late;         /* records of a request already written to a run (of those collapsed) */
    size_t n_unknown;      /* distinct unknown operations listed below */
    uint64_t unknown_more; /* records of unknown operations beyond the list */
    retsim_import_unknown unknowns[RETSIM_IMPORT_UNKNOWN_MAX];
} retsim_import_stats;

/* A new, empty importer (no mappings yet); NULL when out of memory. */
retsim_import *retsim_import_create(const retsim_import_options *o);
void retsim_import_destroy(retsim_import *im);
/* Add the mappings of an INI file: section [operations], each line
 * `OPERATION = OP KIND [OPTIONS]` (OPERATION the format's key: an Azure
 * operationName, a CloudTrail eventSource/eventName, a Google methodName; OP
 * a trace op, OPTIONS the trace's options column). A later entry for the same
 * OPERATION (case-insensitive,
 * as Azure treats them) replaces the earlier one. 0 or RETSIM_EINPUT/EIO naming file and line. */
int retsim_import_map_load(retsim_import *im, const char *path, retsim_error *err);
/* Does a loaded mapping give kind? */
bool retsim_import_maps_kind(const retsim_import *im, const char *kind);
/* Read the log at path (a file or pipe). A malformed record is RETSIM_EINPUT
 * naming its number (1-based, in file order) unless skip_bad; a JSON syntax
 * error in an array cannot be skipped (the parser cannot find the next
 * record), in JSON lines it skips the line. 0 or a negative code. */
int retsim_import_read(retsim_import *im, const char *path, retsim_error *err);
/* Sort the rows by time (stable), turn successful creates on soft-deleted
 * names into restores, and write the trace (header included) to out with
 * retsim_csv_row: time (ISO-8601), op, kind, subscription, name, parent,
 * options, recorded_outcome (succeeded, failed or failed:<code>). The caller
 * owns out (commit it all or nothing). Fills st. 0, or RETSIM_ENOMEM. */
int retsim_import_write(retsim_import *im, FILE *out, retsim_import_stats *st, retsim_error *err);

#endif

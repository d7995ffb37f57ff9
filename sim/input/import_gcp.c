/* Google Cloud audit logs: the fields read from a LogEntry (JSON lines, or the
 * JSON array `gcloud logging read --format=json` prints) and their reading as
 * a format-neutral import_record; import_json.c streams.
 * Fields: "LogEntry", Cloud Logging API reference,
 * https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry, and
 * "AuditLog", https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog */
#include "retsim/import.h"

#include "import_record.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
    GC_TIME,     /* timestamp */
    GC_METHOD,   /* protoPayload.methodName */
    GC_RESOURCE, /* protoPayload.resourceName */
    GC_CODE,     /* protoPayload.status.code (google.rpc.Code; 0 OK) */
    GC_CALLER,   /* protoPayload.authenticationInfo.principalEmail */
    GC_PROJECT,  /* resource.labels.project_id */
    GC_INSERT,   /* insertId */
    GC_OP_ID,    /* operation.id: the records of one long-running operation */
    GC_OP_FIRST, /* operation.first */
    GC_OP_LAST,  /* operation.last */
};

static const import_path paths[] = {
    {"timestamp", GC_TIME, IMPORT_ANY},
    {"protoPayload.methodName", GC_METHOD, IMPORT_ANY},
    {"protoPayload.resourceName", GC_RESOURCE, IMPORT_ANY},
    {"protoPayload.status.code", GC_CODE, IMPORT_ANY},
    {"protoPayload.authenticationInfo.principalEmail", GC_CALLER, IMPORT_ANY},
    {"resource.labels.project_id", GC_PROJECT, IMPORT_ANY},
    {"insertId", GC_INSERT, IMPORT_ANY},
    {"operation.id", GC_OP_ID, IMPORT_ANY},
    {"operation.first", GC_OP_FIRST, IMPORT_ANY},
    {"operation.last", GC_OP_LAST, IMPORT_ANY},
};

/* "projects/P/buckets/B/objects/O" (or "//service.googleapis.com/projects/P"):
 * type/name pairs; the name is the last one's, the parent the others' except
 * projects/P (the project, the subscription) and locations/L (a region). An
 * object's name may hold '/': everything after "objects/" is the name.
 * 0, or -1 when it is not such a path. */
static int parse_resource(const char *id, import_record *r)
{
    char buf[RETSIM_IMPORT_FIELD_MAX];
    snprintf(buf, sizeof buf, "%s",
             strncmp(id, "//", 2) == 0 && strchr(id + 2, '/') != NULL ? strchr(id + 2, '/') + 1 : id);
    char *seg[64];
    int n = 0;
    char *save = NULL;
    for (char *s = strtok_r(buf, "/", &save); s != NULL; s = strtok_r(NULL, "/", &save)) {
        if (n == 64) {
            return -1; /* deeper than any resource retsim models: not cut short silently */
        }
        seg[n++] = s;
        if (strcmp(s, "objects") == 0 && save != NULL && *save != '\0') {
            seg[n++] = save; /* the rest, slashes and all */
            break;
        }
    }
    if (n < 2 || n % 2 != 0) {
        return -1;
    }
    size_t len = 0;
    for (int i = 0; i + 2 < n; i += 2) {
        bool project = i == 0 && strcmp(seg[i], "projects") == 0;
        if (!project && strcmp(seg[i], "locations") != 0) {
            len += (size_t)snprintf(r->parent + len, sizeof r->parent - len, "%s%s", len > 0 ? "/" : "",
                                    seg[i + 1]);
        }
    }
    if (strcmp(seg[0], "projects") == 0 && strcmp(seg[1], "_") != 0) {
        snprintf(r->sub, sizeof r->sub, "%s", seg[1]);
    }
    snprintf(r->name, sizeof r->name, "%s", seg[n - 1]);
    return len < sizeof r->parent ? 0 : -1;
}

static void convert(const import_raw *raw, import_record *r)
{
    if (raw->f[GC_TIME][0] == '\0' || retsim_import_parse_time(raw->f[GC_TIME], &r->t) != 0) {
        r->bad = "expected timestamp, an RFC 3339 UTC timestamp";
        r->bad_field = "timestamp";
    } else if (raw->f[GC_METHOD][0] == '\0') {
        r->bad = "missing protoPayload.methodName (not an audit log entry?)";
        r->bad_field = "protoPayload.methodName";
    }
    snprintf(r->operation, sizeof r->operation, "%s", raw->f[GC_METHOD]);
    if (parse_resource(raw->f[GC_RESOURCE], r) != 0) {
        r->late_bad = "expected protoPayload.resourceName such as projects/P or projects/_/buckets/B";
        r->late_field = "protoPayload.resourceName";
    }
    if (raw->f[GC_PROJECT][0] != '\0') {
        snprintf(r->sub, sizeof r->sub, "%s", raw->f[GC_PROJECT]);
    }
    snprintf(r->caller, sizeof r->caller, "%s", raw->f[GC_CALLER]);
    /* the first record of a long-running operation is not its answer: the last is */
    bool first_only = strcmp(raw->f[GC_OP_FIRST], "true") == 0 && strcmp(raw->f[GC_OP_LAST], "true") != 0;
    bool ok = raw->f[GC_CODE][0] == '\0' || strcmp(raw->f[GC_CODE], "0") == 0;
    r->status = first_only ? IMPORT_PENDING : (ok ? IMPORT_SUCCEEDED : IMPORT_FAILED);
    snprintf(r->code, sizeof r->code, "%.120s", ok ? "" : raw->f[GC_CODE]);
    /* one request: its operation's records, or one entry written twice (the same insertId) */
    if (raw->f[GC_OP_ID][0] != '\0') {
        snprintf(r->key, sizeof r->key, "op|%s|%s|%s", raw->f[GC_OP_ID], raw->f[GC_METHOD],
                 raw->f[GC_RESOURCE]);
    } else if (raw->f[GC_INSERT][0] != '\0') {
        snprintf(r->key, sizeof r->key, "in|%s|%s", raw->f[GC_INSERT], raw->f[GC_METHOD]);
    }
}

static const import_spec spec = {paths, sizeof paths / sizeof paths[0], false, convert};

int retsim_import_read_gcp(retsim_import *im, FILE *in, const char *path, retsim_error *err)
{
    return retsim_import_read_json(im, &spec, in, path, err);
}

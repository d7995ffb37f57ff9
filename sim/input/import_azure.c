/* The Azure Activity Log: the fields read from a record (either the
 * `az monitor activity-log list` form or a diagnostic setting's export) and
 * their reading as a format-neutral import_record; import_json.c streams. */
#include "retsim/import.h"

#include "import_record.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
    AZ_TIME,         /* time (diagnostic-setting export) */
    AZ_EVENT_TS,     /* eventTimestamp (az monitor activity-log list) */
    AZ_OPERATION,    /* operationName, or its .value */
    AZ_RESOURCE,     /* resourceId */
    AZ_STATUS,       /* status, or its .value */
    AZ_RESULT_TYPE,  /* resultType (export) */
    AZ_SUB_STATUS,   /* subStatus, or its .value */
    AZ_STATUS_CODE,  /* properties.statusCode */
    AZ_SUBSCRIPTION, /* subscriptionId */
    AZ_CALLER,       /* caller */
    AZ_CORRELATION,  /* correlationId */
    AZ_OPERATION_ID, /* operationId */
};

/* A field is a string, or an object {value, localizedValue} whose .value is read. */
#define AZ_FIELD(key, slot)                                                                                  \
    {key, slot, IMPORT_STRICT},                                                                              \
    {                                                                                                        \
        key ".value", slot, IMPORT_STRING                                                                    \
    }
static const import_path paths[] = {
    AZ_FIELD("time", AZ_TIME),
    AZ_FIELD("eventTimestamp", AZ_EVENT_TS),
    AZ_FIELD("operationName", AZ_OPERATION),
    AZ_FIELD("resourceId", AZ_RESOURCE),
    AZ_FIELD("status", AZ_STATUS),
    AZ_FIELD("resultType", AZ_RESULT_TYPE),
    AZ_FIELD("subStatus", AZ_SUB_STATUS),
    AZ_FIELD("subscriptionId", AZ_SUBSCRIPTION),
    AZ_FIELD("caller", AZ_CALLER),
    AZ_FIELD("correlationId", AZ_CORRELATION),
    AZ_FIELD("operationId", AZ_OPERATION_ID),
    /* the failure's code when subStatus is empty */
    {"properties.statusCode", AZ_STATUS_CODE, IMPORT_STRING},
};

typedef enum { ST_PENDING, ST_SUCCEEDED, ST_FAILED, ST_UNKNOWN } status_kind;

static status_kind classify(const char *s)
{
    static const char *const pending[] = {"Started", "Start", "Accepted", "Accept", "Active"};
    static const char *const ok[] = {"Succeeded", "Success"};
    static const char *const failed[] = {"Failed", "Failure", "Canceled", "Cancelled"};
    for (size_t i = 0; i < sizeof pending / sizeof pending[0]; i++) {
        if (strcasecmp(s, pending[i]) == 0) {
            return ST_PENDING;
        }
    }
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (strcasecmp(s, ok[i]) == 0) {
            return ST_SUCCEEDED;
        }
    }
    for (size_t i = 0; i < sizeof failed / sizeof failed[0]; i++) {
        if (strcasecmp(s, failed[i]) == 0) {
            return ST_FAILED;
        }
    }
    return ST_UNKNOWN;
}

/* A type/name pair in a resource id that is not a parent: a region
 * (locations/westus), or a service's single container between a resource and
 * its children (storageAccounts/a/blobServices/default/containers/c: the
 * container's parent is the account; vaults/v/backupFabrics/Azure/
 * protectionContainers/C/protectedItems/i: the item's parent is the vault). */
static bool not_a_parent(const char *type)
{
    static const char *const skip[] = {"locations", "blobServices", "backupFabrics", "protectionContainers"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) {
        if (strcasecmp(type, skip[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* The subscription, parent path and name of a resource id
 * (/subscriptions/S/.../providers/NS/t1/n1/t2/n2 -> parent "n1", name "n2";
 * not_a_parent's pairs are left out). 0, or -1 when it is not one. */
static int parse_resource(const char *id, import_record *r)
{
    char buf[RETSIM_IMPORT_FIELD_MAX];
    snprintf(buf, sizeof buf, "%s", id);
    char *save = NULL;
    char *seg[64];
    int n = 0;
    for (char *s = strtok_r(buf, "/", &save); s != NULL && n < 64; s = strtok_r(NULL, "/", &save)) {
        seg[n++] = s;
    }
    int p = 0;
    while (p < n && strcasecmp(seg[p], "providers") != 0) {
        if (strcasecmp(seg[p], "subscriptions") == 0 && p + 1 < n) {
            snprintf(r->sub, sizeof r->sub, "%s", seg[p + 1]);
        }
        p++;
    }
    /* after "providers": the namespace, then type/name pairs */
    if (p + 3 >= n || (n - p - 2) % 2 != 0) {
        return -1;
    }
    size_t len = 0;
    for (int i = p + 2; i + 1 < n - 1; i += 2) {
        if (!not_a_parent(seg[i])) {
            len += (size_t)snprintf(r->parent + len, sizeof r->parent - len, "%s%s", len > 0 ? "/" : "",
                                    seg[i + 1]);
        }
    }
    snprintf(r->name, sizeof r->name, "%s", seg[n - 1]);
    return len < sizeof r->parent ? 0 : -1;
}

static void convert(const import_raw *raw, import_record *r)
{
    const char *time = raw->f[AZ_TIME][0] != '\0' ? raw->f[AZ_TIME] : raw->f[AZ_EVENT_TS];
    const char *status = raw->f[AZ_STATUS][0] != '\0' ? raw->f[AZ_STATUS] : raw->f[AZ_RESULT_TYPE];
    status_kind k = classify(status);
    if (time[0] == '\0' || retsim_import_parse_time(time, &r->t) != 0) {
        r->bad = "expected time or eventTimestamp, an ISO-8601 UTC timestamp";
        r->bad_field = "time";
    } else if (raw->f[AZ_OPERATION][0] == '\0') {
        r->bad = "missing operationName";
        r->bad_field = "operationName";
    } else if (k == ST_UNKNOWN) {
        r->bad = "expected status or resultType: Started, Accepted, Succeeded, Failed (or Start, Success, "
                 "Failure)";
        r->bad_field = "status";
    }
    snprintf(r->operation, sizeof r->operation, "%s", raw->f[AZ_OPERATION]);
    r->status = k == ST_SUCCEEDED ? IMPORT_SUCCEEDED : (k == ST_FAILED ? IMPORT_FAILED : IMPORT_PENDING);
    if (parse_resource(raw->f[AZ_RESOURCE], r) != 0) {
        r->late_bad =
            "expected a resource id /subscriptions/S/resourceGroups/G/providers/NS/TYPE/NAME[/TYPE/NAME]...";
        r->late_field = "resourceId";
    }
    if (raw->f[AZ_SUBSCRIPTION][0] != '\0') {
        snprintf(r->sub, sizeof r->sub, "%s", raw->f[AZ_SUBSCRIPTION]);
    }
    snprintf(r->caller, sizeof r->caller, "%s", raw->f[AZ_CALLER]);
    /* Started / Accepted / Succeeded of one request share its correlationId (or operationId) */
    const char *id = raw->f[AZ_CORRELATION][0] != '\0' ? raw->f[AZ_CORRELATION] : raw->f[AZ_OPERATION_ID];
    if (id[0] != '\0') {
        snprintf(r->key, sizeof r->key, "%s|%s|%s", id, raw->f[AZ_OPERATION], raw->f[AZ_RESOURCE]);
    }
    const char *code = raw->f[AZ_SUB_STATUS][0] != '\0' ? raw->f[AZ_SUB_STATUS] : raw->f[AZ_STATUS_CODE];
    snprintf(r->code, sizeof r->code, "%.120s", code);
}

static const import_spec spec = {paths, sizeof paths / sizeof paths[0], false, convert};

int retsim_import_read_azure(retsim_import *im, FILE *in, const char *path, retsim_error *err)
{
    return retsim_import_read_json(im, &spec, in, path, err);
}

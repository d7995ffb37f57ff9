/* AWS CloudTrail: the fields read from an event record (a {"Records": [...]}
 * file as CloudTrail delivers it to S3, or JSON lines, one event per line) and
 * their reading as a format-neutral import_record; import_json.c streams.
 * Record fields: "CloudTrail record contents for management, data, and
 * network activity events", AWS CloudTrail User Guide,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
#include "retsim/import.h"

#include "import_record.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum {
    CT_TIME,      /* eventTime */
    CT_SOURCE,    /* eventSource: secretsmanager.amazonaws.com */
    CT_NAME,      /* eventName: DeleteSecret */
    CT_ACCOUNT,   /* recipientAccountId */
    CT_ERROR,     /* errorCode: absent when the request succeeded */
    CT_EVENT_ID,  /* eventID */
    CT_CALLER,    /* userIdentity.arn */
    CT_SECRET_ID, /* requestParameters.secretId (a name or an ARN) */
    CT_RP_NAME,   /* requestParameters.name (CreateSecret) */
    CT_KEY_ID,    /* requestParameters.keyId (a key id or ARN) */
    CT_NEW_KEY,   /* responseElements.keyMetadata.keyId (CreateKey) */
    CT_BUCKET,    /* requestParameters.bucketName */
    CT_RECOVERY,  /* requestParameters.recoveryWindowInDays */
    CT_FORCE,     /* requestParameters.forceDeleteWithoutRecovery */
    CT_PENDING,   /* requestParameters.pendingWindowInDays (KMS) */
};

static const import_path paths[] = {
    {"eventTime", CT_TIME, IMPORT_ANY},
    {"eventSource", CT_SOURCE, IMPORT_ANY},
    {"eventName", CT_NAME, IMPORT_ANY},
    {"recipientAccountId", CT_ACCOUNT, IMPORT_ANY},
    {"errorCode", CT_ERROR, IMPORT_ANY},
    {"eventID", CT_EVENT_ID, IMPORT_ANY},
    {"userIdentity.arn", CT_CALLER, IMPORT_ANY},
    {"requestParameters.secretId", CT_SECRET_ID, IMPORT_ANY},
    {"requestParameters.name", CT_RP_NAME, IMPORT_ANY},
    {"requestParameters.keyId", CT_KEY_ID, IMPORT_ANY},
    {"responseElements.keyMetadata.keyId", CT_NEW_KEY, IMPORT_ANY},
    {"requestParameters.bucketName", CT_BUCKET, IMPORT_ANY},
    {"requestParameters.recoveryWindowInDays", CT_RECOVERY, IMPORT_ANY},
    {"requestParameters.forceDeleteWithoutRecovery", CT_FORCE, IMPORT_ANY},
    {"requestParameters.pendingWindowInDays", CT_PENDING, IMPORT_ANY},
};

/* A secret's ARN ends in "-" and six random characters Secrets Manager adds to
 * the name (the SecretId parameter of "DeleteSecret", AWS Secrets Manager API
 * Reference, https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html).
 * A name given as an ARN loses them; a name given as a name is kept whole. */
static void strip_secret_suffix(char *name)
{
    size_t n = strlen(name);
    if (n > 7 && name[n - 7] == '-') {
        for (size_t i = n - 6; i < n; i++) {
            if (!isalnum((unsigned char)name[i])) {
                return;
            }
        }
        name[n - 7] = '\0';
    }
}

/* A name, or the name an ARN (arn:partition:service:region:account:resource) gives:
 * secret:NAME-xxxxxx -> NAME, key/ID -> ID. */
static void resource_name(const char *id, char *out, size_t size)
{
    const char *p = id;
    int colons = 0;
    if (strncmp(id, "arn:", 4) != 0) {
        snprintf(out, size, "%s", id);
        return;
    }
    while (*p != '\0' && colons < 5) {
        colons += *p++ == ':';
    }
    bool secret = strncmp(p, "secret:", 7) == 0;
    const char *slash = strchr(p, '/');
    const char *colon = strchr(p, ':');
    const char *cut = slash != NULL && (colon == NULL || slash < colon) ? slash : colon;
    snprintf(out, size, "%s", cut != NULL ? cut + 1 : p);
    if (secret) {
        strip_secret_suffix(out);
    }
}

/* "retention=<n>d" from a whole number of days; false when the text is not one. */
static bool add_days(import_record *r, const char *days)
{
    size_t n = strlen(days);
    if (n == 0 || n > 6 || strspn(days, "0123456789") != n) {
        return false;
    }
    size_t len = strlen(r->options);
    snprintf(r->options + len, sizeof r->options - len, "%sretention=%sd", len > 0 ? ";" : "", days);
    return true;
}

static void read_options(const import_raw *raw, import_record *r)
{
    const char *days = raw->f[CT_RECOVERY][0] != '\0' ? raw->f[CT_RECOVERY] : raw->f[CT_PENDING];
    if (days[0] != '\0' && !add_days(r, days)) {
        r->late_bad = "recoveryWindowInDays / pendingWindowInDays must be a whole number of days";
        r->late_field = "requestParameters";
    }
    if (strcmp(raw->f[CT_FORCE], "true") == 0) {
        size_t len = strlen(r->options);
        snprintf(r->options + len, sizeof r->options - len, "%sforce=true", len > 0 ? ";" : "");
    }
}

static void convert(const import_raw *raw, import_record *r)
{
    if (raw->f[CT_TIME][0] == '\0' || retsim_import_parse_time(raw->f[CT_TIME], &r->t) != 0) {
        r->bad = "expected eventTime, an ISO-8601 UTC timestamp";
        r->bad_field = "eventTime";
    } else if (raw->f[CT_SOURCE][0] == '\0' || raw->f[CT_NAME][0] == '\0') {
        r->bad = "missing eventSource or eventName";
        r->bad_field = "eventName";
    }
    snprintf(r->operation, sizeof r->operation, "%.500s/%.500s", raw->f[CT_SOURCE], raw->f[CT_NAME]);
    /* a CloudTrail event is the request's only record: its answer is final */
    r->status = raw->f[CT_ERROR][0] == '\0' ? IMPORT_SUCCEEDED : IMPORT_FAILED;
    snprintf(r->code, sizeof r->code, "%.120s", raw->f[CT_ERROR]);
    snprintf(r->sub, sizeof r->sub, "%s", raw->f[CT_ACCOUNT]);
    snprintf(r->caller, sizeof r->caller, "%s", raw->f[CT_CALLER]);
    /* the same event delivered twice (CloudTrail may) is one request */
    snprintf(r->key, sizeof r->key, "%s", raw->f[CT_EVENT_ID]);
    static const int names[] = {CT_SECRET_ID, CT_RP_NAME, CT_KEY_ID, CT_NEW_KEY, CT_BUCKET};
    for (size_t i = 0; i < sizeof names / sizeof names[0] && r->name[0] == '\0'; i++) {
        resource_name(raw->f[names[i]], r->name, sizeof r->name);
    }
    if (r->name[0] == '\0') {
        r->late_bad = "no resource name: expected requestParameters.secretId, name, keyId or bucketName "
                      "(or responseElements.keyMetadata.keyId)";
        r->late_field = "requestParameters";
    }
    read_options(raw, r);
}

static const import_spec spec = {paths, sizeof paths / sizeof paths[0], true, convert};

int retsim_import_read_cloudtrail(retsim_import *im, FILE *in, const char *path, retsim_error *err)
{
    return retsim_import_read_json(im, &spec, in, path, err);
}

/* Placeholders until the CloudTrail and Google Cloud readers land (next commits). */
#include "import_record.h"

int retsim_import_read_cloudtrail(retsim_import *im, FILE *in, const char *path, retsim_error *err)
{
    (void)im;
    (void)in;
    return retsim_error_set(err, RETSIM_EUSAGE, path, 0, "", "aws-cloudtrail is not read yet");
}

int retsim_import_read_gcp(retsim_import *im, FILE *in, const char *path, retsim_error *err)
{
    (void)im;
    (void)in;
    return retsim_error_set(err, RETSIM_EUSAGE, path, 0, "", "gcp-audit is not read yet");
}

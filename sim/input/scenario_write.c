/* A resolved scenario written back as INI: every key of every section with
 * the value in force (retsim check, the manifest). */
#include "retsim/scenario.h"

#include "scenario_keys.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void print_key(const void *base, const key_def *k, char *value, size_t size)
{
    value[0] = '\0';
    FILE *mem = fmemopen(value, size - 1, "w");
    if (mem != NULL) {
        scenario_key_print(base, k, mem);
        fclose(mem);
    }
}

/* A KEY_QUIET policy or workload key at its default value is left out. */
static bool quiet_default(const key_def *k, section_kind sec, const char *value)
{
    if (!(k->change_bit & KEY_QUIET)) {
        return false;
    }
    retsim_policy def;
    retsim_workload wdef;
    retsim_policy_init(&def, "");
    scenario_workload_init(&wdef);
    char dvalue[512];
    print_key(sec == SEC_WORKLOAD ? (const void *)&wdef : (const void *)&def, k, dvalue, sizeof dvalue);
    return strcmp(value, dvalue) == 0;
}

static void write_keys(const void *base, section_kind sec, unsigned only_bits, FILE *out)
{
    int n = 0;
    const key_def *keys = scenario_keys(sec, &n);
    for (int k = 0; k < n; k++) {
        unsigned bits = keys[k].change_bit & ~KEY_QUIET;
        if ((keys[k].type == K_NAME && ((const char *)base + keys[k].offset)[0] == '\0') ||
            (bits != 0 && !(bits & only_bits))) {
            continue;
        }
        char value[512];
        print_key(base, &keys[k], value, sizeof value);
        if (quiet_default(&keys[k], sec, value)) {
            continue;
        }
        int width = fprintf(out, "%s = %s", keys[k].name, value);
        int pad = width < 44 ? 44 - width : 1;
        if (width + pad + 2 + (int)strlen(keys[k].help) <=
            SCENARIO_LINE_MAX) { /* the comment only if it fits */
            fprintf(out, "%*s; %s", pad, "", keys[k].help);
        }
        fputc('\n', out);
    }
}

int retsim_scenario_write(const retsim_scenario *s, FILE *out)
{
    fprintf(out, "[scenario]\n");
    write_keys(s, SEC_SCENARIO, 0, out);
    for (int i = 0; i < s->n_policies; i++) {
        const retsim_policy *p = &s->policies[i];
        fprintf(out, "\n[policy.%s]\n", p->kind);
        write_keys(p, SEC_POLICY, 0, out);
        for (int r = 0; r < p->n_reservations; r++) {
            char buf[64];
            retsim_time_format(p->reservations[r].ms, buf, sizeof buf);
            fprintf(out, "reservation.%s = %s\n", p->reservations[r].sub_type, buf);
        }
    }
    if (retsim_scenario_has_workload(s)) {
        fprintf(out, "\n[simulation]\n");
        write_keys(&s->settings, SEC_SIMULATION, 0, out);
    } else if (strcmp(s->settings.currency, RETSIM_CURRENCY_DEFAULT) != 0) { /* replays print costs too */
        fprintf(out, "\n[simulation]\ncurrency = %s\n", s->settings.currency);
    }
    if (retsim_scenario_has_workload(s)) {
        fprintf(out, "\n[population]\n");
        write_keys(&s->population, SEC_POPULATION, 0, out);
        for (int i = 0; i < s->n_policies; i++) {
            if (s->workloads[i].enabled) {
                fprintf(out, "\n[workload.%s]\n", s->policies[i].kind);
                write_keys(&s->workloads[i], SEC_WORKLOAD, 0, out);
            }
        }
    }
    for (int c = 0; c < s->n_changes; c++) {
        fprintf(out, "\n[change.%s]\n", s->changes[c].label);
        write_keys(&s->changes[c], SEC_CHANGE, s->changes[c].change.set, out);
    }
    return ferror(out) ? RETSIM_EIO : 0;
}

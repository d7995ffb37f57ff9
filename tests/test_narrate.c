/* Rules and reasons in plain words: every reason code has its sentence, the
 * release sentence for each reuse rule, and the rules of two small scenarios
 * written here, each sentence worked out by hand from the keys
 * (docs/semantics.md). */
#include "helpers.h"

#include "retsim/narrate.h"

/* The rules of kind k as one string (sentences joined by newlines). */
static char *rules_of(const retsim_scenario *s, int k)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    assert_int_equal(retsim_narrate_rules(s, k, "| ", mem), 0);
    assert_int_equal(fclose(mem), 0);
    return text;
}

static void expect_line(const char *text, const char *line)
{
    char want[600];
    snprintf(want, sizeof want, "| %s.\n", line);
    if (strstr(text, want) == NULL) {
        fail_msg("no line '%s' in:\n%s", line, text);
    }
}

static void expect_no(const char *text, const char *part)
{
    if (strstr(text, part) != NULL) {
        fail_msg("'%s' should not be said in:\n%s", part, text);
    }
}

static void test_narrate_every_reason_has_a_sentence(void **state)
{
    (void)state;
    assert_string_equal(retsim_narrate_reason(RETSIM_WHY_NONE), "");
    for (int w = 1; w < RETSIM_WHY_COUNT; w++) {
        const char *s = retsim_narrate_reason((retsim_reason)w);
        if (s[0] == '\0') {
            fail_msg("reason %s has no sentence", retsim_reason_name((retsim_reason)w));
        }
        assert_true(s[strlen(s) - 1] != '.'); /* the caller ends the sentence */
    }
    assert_string_equal(retsim_narrate_reason((retsim_reason)RETSIM_WHY_COUNT), "");
}

static void test_narrate_release(void **state)
{
    (void)state;
    retsim_policy p;
    retsim_policy_init(&p, "apim");
    char buf[300];
    p.reuse_after_purge = RETSIM_REUSE_OWNER_SUBSCRIPTION;
    retsim_narrate_release(&p, 100, 100 + 7 * RETSIM_MS_PER_DAY, "7d", buf, sizeof buf);
    assert_string_equal(buf,
                        "the owner's subscription may take the name again at once; every other subscription "
                        "from 7d");
    p.reuse_after_purge = RETSIM_REUSE_OWNER_TENANT;
    retsim_narrate_release(&p, 100, 200, "x", buf, sizeof buf);
    assert_string_equal(buf, "the owner's tenant may take the name again at once; every other tenant from x");
    p.reuse_after_purge = RETSIM_REUSE_NOBODY;
    retsim_narrate_release(&p, 100, 200, "x", buf, sizeof buf);
    assert_string_equal(buf, "nobody may take the name until x");
    retsim_narrate_release(&p, 100, RETSIM_TIME_NEVER, "", buf, sizeof buf);
    assert_string_equal(buf, "the name is never free again");
    p.reuse_after_purge = RETSIM_REUSE_OWNER_SUBSCRIPTION;
    retsim_narrate_release(&p, 100, RETSIM_TIME_NEVER, "", buf, sizeof buf);
    assert_string_equal(buf, "the name is never free again (the owner's subscription excepted)");
    /* a window already over (or none): free at once, whoever the rule lets in first */
    retsim_narrate_release(&p, 100, 100, "", buf, sizeof buf);
    assert_string_equal(buf, "the name is free again at once");
    p.reuse_after_purge = RETSIM_REUSE_ANYONE;
    retsim_narrate_release(&p, 100, 900, "", buf, sizeof buf);
    assert_string_equal(buf, "the name is free again at once");
}

static const char apim[] =
    "[scenario]\nname = apim\n"
    "[simulation]\ncurrency = EUR\n"
    "[policy.apim]\n"
    "min_api_version = 2020-06-01-preview\n"
    "reuse_after_purge = owner_subscription\nreservation = 7d\nreservation.free = 30d\n"
    "purge_needs_permission = true\n"
    "replicas_active = 2\nreplicas_soft_deleted = 1\nprice_per_replica_hour = 0.1\n";

static void test_narrate_rules_apim(void **state)
{
    (void)state;
    retsim_scenario *s = load(apim);
    char *text = rules_of(s, 0);
    expect_line(text, "A name is unique worldwide: one instance per name, whatever the subscription");
    expect_line(text, "A delete is soft: the instance is kept 2d, restorable until then, and purged "
                      "automatically at the end");
    expect_line(text, "A delete with an API version older than 2020-06-01-preview is final (hard), not soft");
    expect_line(text,
                "While soft-deleted, the instance keeps its name: nobody may create that name until it is "
                "restored or purged");
    expect_line(text,
                "Once purged (or hard-deleted), the owner's subscription may take the name again at once; "
                "every other subscription waits 7d (30d if the owner's subscription is of type free)");
    expect_line(text, "A soft-deleted instance can be purged early, with the purge permission");
    expect_line(text, "It costs EUR 0.1 per replica-hour: 2 replicas per region live, 1 while soft-deleted");
    /* the text form holds the same sentences, unindented */
    char *plain = retsim_narrate_rules_text(s, 0);
    assert_non_null(plain);
    char *expect = malloc(strlen(text) + 1), *w = expect;
    for (const char *r = text; *r != '\0'; r++) {
        if (strncmp(r, "| ", 2) == 0 && (r == text || r[-1] == '\n')) {
            r++;
            continue;
        }
        *w++ = *r;
    }
    *w = '\0';
    assert_string_equal(plain, expect);
    free(expect);
    free(plain);
    /* defaults that change no answer are not said */
    expect_no(text, "force=true");
    expect_no(text, "grace");
    expect_no(text, "children");
    free(text);
    retsim_scenario_destroy(s);
}

static const char vault[] =
    "[scenario]\nname = vault\n"
    "[policy.vault]\n"
    "name_scope = subscription\nsoft_delete_can_disable = false\n"
    "retention_set_at = delete\nretention = 30d\nretention_min = 7d\nretention_max = 30d\n"
    "retention_mutable = false\n"
    "reuse_after_purge = nobody\nreservation = forever\n"
    "purge_supported = false\nrestore_needs_permission = true\n"
    "children_block_delete = active\n"
    "[policy.item]\nparent = vault\nname_scope = parent\nsoft_delete_supported = false\n"
    "parent_delete = hard\n";

static void test_narrate_rules_vault_and_child(void **state)
{
    (void)state;
    retsim_scenario *s = load(vault);
    char *text = rules_of(s, 0);
    expect_line(text, "A name is unique within its subscription: other subscriptions may use it too");
    expect_line(text, "A delete may ask for its own retention (retention=), from 7d to 30d");
    expect_line(text, "Soft delete cannot be turned off");
    expect_line(text, "Once purged (or hard-deleted), the name is never free again, for anyone");
    expect_line(text, "There is no early purge: a soft-deleted instance waits out its retention");
    expect_line(text, "A restore needs the restore permission");
    expect_line(text, "A delete is refused while the instance has live children (blocked_children)");
    expect_no(text, "The retention can be changed"); /* retention_mutable = false */
    free(text);
    text = rules_of(s, 1);
    expect_line(text, "A name is unique within its vault: other vault instances may use it too");
    expect_line(text, "A delete is final: this kind has no soft delete");
    expect_line(text, "It lives in a vault; when that is deleted, it is gone with it at once, for good");
    expect_no(text, "soft-deleted, the instance keeps"); /* no soft delete: no name rule while deleted */
    free(text);
    retsim_scenario_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_narrate_every_reason_has_a_sentence),
        cmocka_unit_test(test_narrate_release),
        cmocka_unit_test(test_narrate_rules_apim),
        cmocka_unit_test(test_narrate_rules_vault_and_child),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

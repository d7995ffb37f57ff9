/* retsim/narrate.h — retsim's rules and answers in plain words, for people.
 *
 * `retsim explain` is built on this: the rules of a kind as sentences a
 * newcomer reads ("a delete is soft: the instance is kept 2d ..."), and for
 * each reason code of retsim/registry.h the rule behind it as a sentence.
 * The codes and the outcomes they go with are listed in docs/semantics.md
 * ("Reasons"); the sentences here say the same for a reader of one answer.
 *
 * The library never prints on its own: text goes into the buffer or FILE*
 * given. Pure functions of their arguments; thread-safe. */
#ifndef RETSIM_NARRATE_H
#define RETSIM_NARRATE_H

#include "retsim/registry.h"
#include "retsim/scenario.h"

#include <stddef.h>
#include <stdio.h>

/* The rule behind a reason, as a sentence without its final period
 * ("a soft-deleted instance keeps its name until it is restored or purged").
 * Every code has one (static text); "" for RETSIM_WHY_NONE. */
const char *retsim_narrate_reason(retsim_reason w);

/* The rules of kind `kind` (an index into sc->policies) as it starts, one
 * sentence per line, each line begun with `indent` and ended with '\n':
 * where names are unique, what a delete does and for how long, the name
 * while soft-deleted and after purge (who waits, how long), purge, restore,
 * force delete, children and parent, and what it costs. Only the rules that
 * can change an answer for this kind are said. Returns 0 or RETSIM_EIO. */
int retsim_narrate_rules(const retsim_scenario *sc, int kind, const char *indent, FILE *out);
/* The same sentences (no indent) in one malloc'ed string, a '\n' after each,
 * for a caller that lays them out itself (explain wraps them, report lists
 * them); the caller frees it. NULL when out of memory. */
char *retsim_narrate_rules_text(const retsim_scenario *sc, int kind);

/* What a release at `now` (a purge, automatic or not, or a hard delete) of
 * a name of kind `p` does to the name, as a sentence without period ("the
 * owner's subscription may take the name again at once; every other one from
 * 7d"), `until` being the window's end as the registry computed it
 * (retsim_registry_reserved_until; RETSIM_TIME_NEVER: never free again) and
 * `until_text` that end as the reader's clock writes it. */
void retsim_narrate_release(const retsim_policy *p, retsim_time now, retsim_time until,
                            const char *until_text, char *buf, size_t size);

#endif

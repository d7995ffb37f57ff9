/* The simulation context. */
#include "retsim/sim.h"

#include "retsim/dist.h"
#include "retsim/error.h"
#include "retsim/rng.h"

#include <stdlib.h>
#include <string.h>

/* The random source of drawn reservation windows (distinct from the
 * generator's small source numbers). */
#define SRC_RELEASE 0x52454c53u

struct retsim_sim {
    const retsim_scenario *scenario;
    retsim_kernel *kernel;
    retsim_inventories *inventory;
    retsim_registry *registry;
    retsim_metrics *metrics;
    retsim_observer sink;
    void *sink_ctx;
    retsim_rng *rng;                    /* drawn reservations; NULL when no kind draws */
    retsim_dist draw[RETSIM_MAX_KINDS]; /* of kinds with reservation_drawn */
};

/* FNV-1a over a string and its terminator, continuing from h. */
static uint64_t hash_str(uint64_t h, const char *text)
{
    for (const char *c = text;; c++) {
        h = (h ^ (uint8_t)*c) * UINT64_C(0x100000001b3);
        if (*c == '\0') {
            return h;
        }
    }
}

/* A release's reservation window, drawn from the kind's distribution on the
 * stream keyed by the name (kind, parent path, name: the same in a run and
 * in the replay of its trace, whatever order names were interned in) and
 * the release number. */
static retsim_time release_draw(void *ctx, int kind, uint32_t slot, uint32_t release)
{
    retsim_sim *sim = ctx;
    char path[1024], name[RETSIM_REGISTRY_NAME_MAX];
    uint64_t h = hash_str(UINT64_C(0xcbf29ce484222325), sim->scenario->policies[kind].kind);
    h = hash_str(h, retsim_registry_parent_path(sim->registry, slot, path, sizeof path));
    h = hash_str(h, retsim_registry_slot_name(sim->registry, slot, name, sizeof name));
    return retsim_dist_sample(&sim->draw[kind], retsim_rng_stream(sim->rng, SRC_RELEASE, h, release));
}

/* The distributions of drawn reservations, parsed again from their specs
 * (checked when the scenario was loaded). 0 or a negative code. */
static int setup_release_draws(retsim_sim *sim, const retsim_scenario *sc)
{
    bool any = false;
    for (int k = 0; k < sc->n_policies; k++) {
        if (sc->policies[k].reservation_drawn) {
            if (retsim_dist_parse(sc->policies[k].reservation_draw, sc->dir, &sim->draw[k], NULL) != 0) {
                return RETSIM_EINPUT;
            }
            any = true;
        }
    }
    if (!any) {
        return 0;
    }
    sim->rng = retsim_rng_create(sc->settings.seed, 0);
    if (sim->rng == NULL) {
        return RETSIM_ENOMEM;
    }
    retsim_registry_set_release_draw(sim->registry, release_draw, sim);
    return 0;
}

static int observe(void *ctx, const retsim_registry *r, const retsim_result *res)
{
    retsim_sim *sim = ctx;
    int rc = retsim_metrics_observe(sim->metrics, r, res);
    if (rc == 0 && sim->sink != NULL) {
        rc = sim->sink(sim->sink_ctx, r, res);
    }
    return rc;
}

retsim_sim *retsim_sim_create(const retsim_scenario *sc)
{
    retsim_sim *sim = calloc(1, sizeof *sim);
    if (sim == NULL) {
        return NULL;
    }
    sim->scenario = sc;
    sim->kernel = retsim_kernel_create();
    sim->inventory = retsim_inventory_create(sc->n_policies);
    sim->registry = sim->kernel != NULL && sim->inventory != NULL
                        ? retsim_registry_create(sc->policies, sc->n_policies, sim->kernel, sim->inventory)
                        : NULL;
    sim->metrics = retsim_metrics_create(sc->n_policies);
    if (sim->registry == NULL || sim->metrics == NULL || setup_release_draws(sim, sc) != 0) {
        retsim_sim_destroy(sim);
        return NULL;
    }
    retsim_registry_set_observer(sim->registry, observe, sim);
    return sim;
}

void retsim_sim_destroy(retsim_sim *sim)
{
    if (sim != NULL) {
        retsim_registry_destroy(sim->registry);
        retsim_kernel_destroy(sim->kernel);
        retsim_inventory_destroy(sim->inventory);
        retsim_metrics_destroy(sim->metrics);
        retsim_rng_destroy(sim->rng);
        for (int k = 0; k < RETSIM_MAX_KINDS; k++) {
            retsim_dist_free(&sim->draw[k]);
        }
        free(sim);
    }
}

void retsim_sim_set_sink(retsim_sim *sim, retsim_observer fn, void *ctx)
{
    sim->sink = fn;
    sim->sink_ctx = ctx;
}

const retsim_scenario *retsim_sim_scenario(const retsim_sim *sim)
{
    return sim->scenario;
}

retsim_kernel *retsim_sim_kernel(retsim_sim *sim)
{
    return sim->kernel;
}

retsim_registry *retsim_sim_registry(retsim_sim *sim)
{
    return sim->registry;
}

retsim_inventories *retsim_sim_inventory(retsim_sim *sim)
{
    return sim->inventory;
}

retsim_inventory retsim_sim_inventory_now(retsim_sim *sim, int kind, retsim_inv which)
{
    return retsim_inventory_get(sim->inventory, kind, which, retsim_kernel_now(sim->kernel));
}

void retsim_sim_inventory_restart(retsim_sim *sim)
{
    retsim_inventory_restart(sim->inventory, retsim_kernel_now(sim->kernel));
}

retsim_metrics *retsim_sim_metrics(retsim_sim *sim)
{
    return sim->metrics;
}

int retsim_sim_set_release_seed(retsim_sim *sim, uint64_t seed, uint32_t replication)
{
    if (sim->rng == NULL) {
        return 0; /* no kind draws its reservations */
    }
    retsim_rng *rng = retsim_rng_create(seed, replication);
    if (rng == NULL) {
        return RETSIM_ENOMEM;
    }
    retsim_rng_destroy(sim->rng);
    sim->rng = rng;
    return 0;
}

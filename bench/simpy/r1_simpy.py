#!/usr/bin/env python3
"""An independent SimPy model of the reference workload R1 (bench/r1.ini).

Written from the rules (bench/r1.ini's comments, docs/semantics.md, the
workload keys of scenarios/README.md and the contract in
include/retsim/generator.h), not from retsim's code: its purpose is to check
retsim's numbers with a second, separately written model, and to time retsim
against the kind of model a planner might write by hand in SimPy.

SimPy 2 API (Debian's python3-simpy 2.3.1: `from SimPy.Simulation import`).
Time is in hours (a float); the clock is read as `sim._t`, the attribute
`sim.now()` returns, which saves a method call per read. Random numbers: Python's random.Random(seed), one
stream for everything, so the model agrees with retsim in distribution, never
draw for draw.

usage: r1_simpy.py [--scale S] [--seed N] [--horizon DAYS] [--csv [--header]]
"""

import argparse
import math
import random
import sys
import time

from SimPy.Simulation import Process, Simulation, hold

# --- R1's numbers (bench/r1.ini), in hours --------------------------------
DAY = 24.0
SUBSCRIPTIONS = 500
ARRIVALS_PER_DAY = 1000.0  # times --scale
LIFETIME_MEDIAN, LIFETIME_SIGMA = 30 * DAY, 1.0  # lognormal
ACCIDENT_MEAN = 365 * DAY  # exponential, from creation or the last restore
NOTICE_P = 1.0
RESTORE_MEDIAN, RESTORE_SIGMA = 24.0, 1.0  # lognormal
PURGE_P, PURGE_MEAN = 0.2, 2.0  # after an intentional delete, exp(2h)
RECREATE_P, RECREATE_MEAN = 0.3, 1.0  # independently, exp(1h)
RECREATE_OTHER_P = 0.1
RETRY_INTERVAL, RETRY_LIMIT = 6.0, 4
# APIM rules: global names, 48 h retention, owner may reuse after purge,
# everyone else waits 7 days from the purge.
RETENTION = 48.0
RESERVATION = 7 * DAY

ACTIVE, SOFT_DELETED, PURGED = 0, 1, 2
OK, UPDATED, CONFLICT_ACTIVE, CONFLICT_SOFT, CONFLICT_RESERVED = range(5)
EXPIRED, NOT_FOUND = 5, 6

COUNTERS = (
    "creates creates_ok conflicts_active conflicts_soft_deleted "
    "conflicts_reserved create_intents intents_refused deletes_soft "
    "accidental_deletes unnoticed_deletes restores restores_ok "
    "restores_expired purges_explicit purges_automatic recreates "
    "recreates_ok recreates_refused recreates_abandoned create_retries"
).split()


class Name:
    """What the service holds under one (global) name: at most one instance."""

    __slots__ = ("name", "state", "owner", "purge_at", "reserved_until", "epoch", "soft_owner")

    def __init__(self, name, owner):
        self.name = name
        self.state = ACTIVE
        self.owner = owner
        self.purge_at = 0.0
        self.reserved_until = -1.0
        self.epoch = 0  # bumped when a soft delete ends, so a stale auto purge does nothing
        self.soft_owner = -1  # the last subscription that soft-deleted it (for `expired`)


class Service:
    """The API Management name rules and the metrics.

    Time averages are kept exactly without sampling: each interval a name
    spends in a state adds (horizon - start) when it begins and takes back
    (horizon - end) when it ends, so the sums are the integrals over
    [0, horizon]."""

    def __init__(self, sim, horizon):
        self.sim = sim
        self.horizon = horizon
        self.names = {}
        self.c = dict.fromkeys(COUNTERS, 0)
        self.active_int = 0.0
        self.soft_int = 0.0
        self.reserved_int = 0.0
        self.active_now = 0

    def _to_purged(self, rec, t, automatic):
        """The soft-deleted instance is purged at t; the name is reserved."""
        self.soft_int -= self.horizon - t
        rec.state = PURGED
        rec.epoch += 1
        rec.reserved_until = t + RESERVATION
        self.reserved_int += min(rec.reserved_until, self.horizon) - t
        self.c["purges_automatic" if automatic else "purges_explicit"] += 1

    def settle(self, rec, now):
        """Half-open retention window: at or after purge_at the instance is
        already purged, whether or not the auto-purge event has run yet."""
        if rec.state == SOFT_DELETED and now >= rec.purge_at:
            self._to_purged(rec, rec.purge_at, True)

    def create(self, name, sub):
        now = self.sim._t
        c = self.c
        c["creates"] += 1
        rec = self.names.get(name)
        if rec is None:
            rec = self.names[name] = Name(name, sub)
        else:
            self.settle(rec, now)
            if rec.state == ACTIVE:
                if rec.owner == sub:
                    return rec, UPDATED
                c["conflicts_active"] += 1
                return rec, CONFLICT_ACTIVE
            if rec.state == SOFT_DELETED:
                c["conflicts_soft_deleted"] += 1
                return rec, CONFLICT_SOFT
            if now < rec.reserved_until:
                if sub != rec.owner:
                    c["conflicts_reserved"] += 1
                    return rec, CONFLICT_RESERVED
                # the owner is let in at once: that ends the window early
                self.reserved_int -= min(rec.reserved_until, self.horizon) - now
            rec.state = ACTIVE
            rec.owner = sub
            rec.reserved_until = -1.0
        c["creates_ok"] += 1
        self.active_int += self.horizon - now
        self.active_now += 1
        return rec, OK

    def delete(self, rec, sub):
        """A delete of the caller's ACTIVE instance: soft, 48 h retention."""
        now = self.sim._t
        if rec.state != ACTIVE or rec.owner != sub:
            return NOT_FOUND
        self.c["deletes_soft"] += 1
        self.active_int -= self.horizon - now
        self.active_now -= 1
        rec.state = SOFT_DELETED
        rec.purge_at = now + RETENTION
        rec.soft_owner = sub
        self.soft_int += self.horizon - now
        p = AutoPurge(sim=self.sim)
        self.sim.activate(p, p.run(self, rec, rec.epoch))
        return OK

    def restore(self, rec, sub):
        now = self.sim._t
        self.c["restores"] += 1
        self.settle(rec, now)
        if rec.state == SOFT_DELETED and rec.owner == sub:
            self.c["restores_ok"] += 1
            rec.state = ACTIVE
            rec.epoch += 1
            self.soft_int -= self.horizon - now
            self.active_int += self.horizon - now
            self.active_now += 1
            return OK
        if rec.soft_owner == sub:
            self.c["restores_expired"] += 1
            return EXPIRED
        return NOT_FOUND

    def purge(self, rec, sub):
        now = self.sim._t
        self.settle(rec, now)
        if rec.state == SOFT_DELETED and rec.owner == sub:
            self._to_purged(rec, now, False)
            return OK
        return NOT_FOUND


class AutoPurge(Process):
    def run(self, svc, rec, epoch):
        yield hold, self, RETENTION
        if rec.epoch == epoch:
            svc.settle(rec, self.sim._t)


class Model:
    def __init__(self, scale, seed, horizon_days):
        self.sim = Simulation()
        self.rng = random.Random(seed)
        self.horizon = horizon_days * DAY
        self.svc = Service(self.sim, self.horizon)
        self.arrival_mean = DAY / (ARRIVALS_PER_DAY * scale)
        self.recreate_delays = []

    def run(self):
        a = Arrivals(sim=self.sim)
        self.sim.activate(a, a.run(self))
        self.sim.simulate(until=self.horizon)

    def start_lifecycle(self, rec, sub):
        p = Lifecycle(sim=self.sim)
        self.sim.activate(p, p.run(self, rec, sub))

    def after_intentional_delete(self, rec, sub):
        rng = self.rng
        if rng.random() < PURGE_P:
            p = Purger(sim=self.sim)
            self.sim.activate(p, p.run(self, rec, sub, rng.expovariate(1.0 / PURGE_MEAN)))
        if rng.random() < RECREATE_P:
            r = Recreator(sim=self.sim)
            self.sim.activate(r, r.run(self, rec.name, sub, rng.expovariate(1.0 / RECREATE_MEAN)))


class Arrivals(Process):
    """New names, Poisson, each owned by a uniformly chosen subscription."""

    def run(self, m):
        rng, svc = m.rng, m.svc
        n = 0
        while True:
            yield hold, self, rng.expovariate(1.0 / m.arrival_mean)
            n += 1
            name = "apim-%06d" % n
            sub = rng.randrange(SUBSCRIPTIONS)
            svc.c["create_intents"] += 1
            rec, _ = svc.create(name, sub)  # a fresh name: always ok
            m.start_lifecycle(rec, sub)


class Lifecycle(Process):
    """One instance from its create to its owner's intentional delete."""

    def run(self, m, rec, sub):
        rng, svc, sim = m.rng, m.svc, self.sim
        end = sim._t + rng.lognormvariate(math.log(LIFETIME_MEDIAN), LIFETIME_SIGMA)
        while True:
            accident = sim._t + rng.expovariate(1.0 / ACCIDENT_MEAN)
            if accident >= end:
                yield hold, self, end - sim._t
                break
            yield hold, self, accident - sim._t
            svc.delete(rec, sub)
            svc.c["accidental_deletes"] += 1
            if rng.random() >= NOTICE_P:
                svc.c["unnoticed_deletes"] += 1
                return
            yield hold, self, rng.lognormvariate(math.log(RESTORE_MEDIAN), RESTORE_SIGMA)
            if svc.restore(rec, sub) != OK:
                return  # too late: data loss
            if sim._t >= end:
                break  # the original end of life has passed: delete at once
        svc.delete(rec, sub)
        m.after_intentional_delete(rec, sub)


class Purger(Process):
    def run(self, m, rec, sub, delay):
        yield hold, self, delay
        m.svc.purge(rec, sub)


class Recreator(Process):
    """The same name again after an intentional delete, retried on conflict."""

    def run(self, m, name, owner, delay):
        deleted_at = self.sim._t
        yield hold, self, delay
        rng, svc, sim = m.rng, m.svc, self.sim
        sub = owner
        if rng.random() < RECREATE_OTHER_P:
            sub = rng.randrange(SUBSCRIPTIONS - 1)
            if sub >= owner:
                sub += 1
        svc.c["recreates"] += 1
        svc.c["create_intents"] += 1
        for attempt in range(RETRY_LIMIT + 1):
            if attempt > 0:
                yield hold, self, RETRY_INTERVAL
                svc.c["create_retries"] += 1
            rec, out = svc.create(name, sub)
            if out == OK:
                svc.c["recreates_ok"] += 1
                m.recreate_delays.append(sim._t - deleted_at)
                m.start_lifecycle(rec, sub)
                return
            if attempt == 0:
                svc.c["recreates_refused"] += 1
                svc.c["intents_refused"] += 1
        svc.c["recreates_abandoned"] += 1


def percentile(sorted_values, q):
    """Nearest-rank-with-interpolation percentile of a sorted list (empty: nan)."""
    if not sorted_values:
        return float("nan")
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def results(m, wall, cpu):
    """The headline numbers, named as retsim's summary.csv columns."""
    svc, c = m.svc, m.svc.c
    out = dict(c)
    out["data_loss"] = c["restores_expired"]  # no accidental hard deletes in R1
    out["recovery_rate"] = c["restores_ok"] / c["restores"] if c["restores"] else float("nan")
    out["active_avg"] = svc.active_int / m.horizon
    out["soft_deleted_avg"] = svc.soft_int / m.horizon
    out["reserved_avg"] = svc.reserved_int / m.horizon
    out["active_end"] = svc.active_now
    delays = sorted(m.recreate_delays)
    out["recreate_delay_mean_h"] = sum(delays) / len(delays) if delays else float("nan")
    out["recreate_delay_p50_h"] = percentile(delays, 0.5)
    out["wall_s"] = wall
    out["cpu_s"] = cpu
    return out


FIELDS = COUNTERS + (
    "data_loss recovery_rate active_avg soft_deleted_avg reserved_avg active_end "
    "recreate_delay_mean_h recreate_delay_p50_h wall_s cpu_s"
).split()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the arrival rate (1000/d)")
    ap.add_argument("--seed", type=int, default=1, help="seed of Python's random (default 1)")
    ap.add_argument("--horizon", type=float, default=365.0, help="days simulated (default 365)")
    ap.add_argument("--csv", action="store_true", help="print one CSV row instead of a table")
    ap.add_argument("--header", action="store_true", help="with --csv: print the header row first")
    args = ap.parse_args(argv)
    if args.scale <= 0 or args.horizon <= 0:
        ap.error("--scale and --horizon must be > 0")
    t0, c0 = time.perf_counter(), time.process_time()
    m = Model(args.scale, args.seed, args.horizon)
    m.run()
    r = results(m, time.perf_counter() - t0, time.process_time() - c0)
    if args.csv:
        if args.header:
            print(",".join(["seed", "scale"] + FIELDS))
        print(",".join([str(args.seed), "%g" % args.scale] + ["%.10g" % r[f] for f in FIELDS]))
    else:
        print("R1 in SimPy: scale %g, seed %d, %g days" % (args.scale, args.seed, args.horizon))
        for f in FIELDS:
            v = r[f]
            print("  %-24s %s" % (f, ("%d" % v) if isinstance(v, int) else ("%.4f" % v)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

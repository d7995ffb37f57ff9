#!/usr/bin/env python3
"""Does the SimPy model of R1 agree with retsim? Means and 95% CIs side by side.

Runs `retsim run bench/r1.ini --replications N` (retsim's own replication
streams) and r1_simpy.py with seeds 1..N (Python's random), then prints, per
headline metric, both means with their 95% confidence intervals (Student t),
the difference and whether it is within noise: |difference| below the 95%
half-width of the difference (Welch). Prints a Markdown table.

usage: bench/simpy/agree.py RETSIM [--n N] [--scale S] [--out DIR] [--python PY]
"""

import argparse
import csv
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

METRICS = [
    "creates",
    "creates_ok",
    "conflicts_active",
    "conflicts_soft_deleted",
    "conflicts_reserved",
    "create_intents",
    "intents_refused",
    "deletes_soft",
    "accidental_deletes",
    "restores",
    "restores_ok",
    "restores_expired",
    "data_loss",
    "recovery_rate",
    "purges_explicit",
    "purges_automatic",
    "recreates",
    "recreates_ok",
    "recreates_abandoned",
    "create_retries",
    "recreate_delay_mean_h",
    "active_avg",
    "soft_deleted_avg",
    "reserved_avg",
]

# Student t, two-sided 95% (0.975 quantile), by degrees of freedom
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(df):
    if df < 1:
        return float("nan")
    if df <= len(T975):
        return T975[int(math.floor(df)) - 1]
    return 1.96 + 2.4 / df  # close enough beyond 30


def mean_sd(xs):
    n = len(xs)
    m = sum(xs) / n
    var = sum((x - m) ** 2 for x in xs) / (n - 1) if n > 1 else float("nan")
    return m, math.sqrt(var)


def retsim_rows(retsim, n, scale, out):
    subprocess.run([retsim, "run", os.path.join(ROOT, "bench", "r1.ini"), "--replications", str(n),
                    "--set", "simulation.scale=%g" % scale, "--out", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.csv")) as f:
        return [{k: float(v) for k, v in row.items() if k in METRICS} for row in csv.DictReader(f)]


def simpy_rows(python, n, scale, log):
    rows = []
    for seed in range(1, n + 1):
        res = subprocess.run([python, os.path.join(HERE, "r1_simpy.py"), "--scale", "%g" % scale,
                              "--seed", str(seed), "--csv", "--header"],
                             check=True, capture_output=True, text=True)
        header, line = res.stdout.strip().split("\n")[-2:]
        row = dict(zip(header.split(","), line.split(",")))
        log.write("simpy seed %d: %.1f s\n" % (seed, float(row["wall_s"])))
        log.flush()
        rows.append({k: float(v) for k, v in row.items() if k in METRICS})
    return rows


def fmt(x):
    if abs(x) >= 100:
        return "{:,.0f}".format(x)
    if abs(x) >= 1:
        return "%.2f" % x
    return "%.4f" % x


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("retsim", help="the retsim binary (a Release build)")
    ap.add_argument("--n", type=int, default=10, help="replications / seeds each (default 10)")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--out", default="/tmp/r1-agree", help="retsim's output folder")
    ap.add_argument("--python", default=sys.executable, help="the Python that has SimPy")
    args = ap.parse_args(argv)
    if args.n < 2:
        ap.error("--n must be at least 2")
    a = retsim_rows(args.retsim, args.n, args.scale, args.out)
    b = simpy_rows(args.python, args.n, args.scale, sys.stderr)
    print("R1 at scale %g: retsim over %d replications, SimPy over seeds 1..%d; mean [95%% CI]"
          % (args.scale, args.n, args.n))
    print()
    print("| metric | retsim | SimPy | SimPy - retsim | within noise |")
    print("|---|---|---|---|---|")
    for k in METRICS:
        ma, sa = mean_sd([r[k] for r in a])
        mb, sb = mean_sd([r[k] for r in b])
        ea, eb = sa / math.sqrt(len(a)), sb / math.sqrt(len(b))
        ha, hb = t975(len(a) - 1) * ea, t975(len(b) - 1) * eb
        se = math.sqrt(ea * ea + eb * eb)
        if se > 0:
            df = se ** 4 / (ea ** 4 / (len(a) - 1) + eb ** 4 / (len(b) - 1))
            half = t975(df) * se
        else:
            half = 0.0
        diff = mb - ma
        ok = abs(diff) <= half
        rel = (" (%+.2f%%)" % (100 * diff / ma)) if ma else ""
        print("| %s | %s [%s, %s] | %s [%s, %s] | %s +- %s%s | %s |"
              % (k, fmt(ma), fmt(ma - ha), fmt(ma + ha), fmt(mb), fmt(mb - hb), fmt(mb + hb),
                 fmt(diff), fmt(half), rel, "yes" if ok else "**no**"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

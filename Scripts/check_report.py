#!/usr/bin/env python3
"""Recompute what `i2f report --json` says from the result files alone, with numpy and scipy.

An independent check of i2f's statistics, to run by hand (never from the tests):

    i2f report results.jsonl --group-by init --json > report.json
    python3 Scripts/check_report.py results.jsonl --group-by init --report report.json

Reads JSON lines the way every reader of i2f results does: the last row per id wins, rows with
an "error" are counted and left out, a torn last line (no newline) is ignored. For each prediction
(predicted_rmse, expected_rmse, i2f_lb, i2f_norm) it computes Pearson's r and Spearman's rho with
the achieved value (scipy.stats.pearsonr / spearmanr, which ranks ties by their average), their
95% intervals by Fisher's z (se = 1/sqrt(n-3), and sqrt(1.06/(n-3)) for Spearman; for Pearson
this is also scipy's own interval), and least-squares fits (scipy.stats.linregress) on linear and
log10-log10 axes; and count, mean, standard deviation (n-1) and median of the metric per group.

Prints the recomputed numbers as JSON; with --report, compares them with i2f's and exits 1 when
any differs by more than --tolerance (relative, default 1e-9).
"""
import argparse
import json
import math
import sys

import numpy as np
from scipy import stats

PREDICTIONS = ["predicted_rmse", "expected_rmse", "i2f_lb", "i2f_norm"]
Z95 = 1.959963984540054


def read_rows(paths):
    """The last row per id over all files, in order of first appearance."""
    order, latest = [], {}
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            print(f"{path}: ignored a torn last line ({len(data) - end} bytes)", file=sys.stderr)
        for number, line in enumerate(data[:end].split(b"\n")[:-1], start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["id"] not in latest:
                order.append(row["id"])
            latest[row["id"]] = row
    return [latest[i] for i in order]


def number(row, key):
    """A finite number under key (booleans as 0 and 1, as i2f reads them), else None."""
    v = row.get(key)
    if isinstance(v, (int, float)) and math.isfinite(float(v)):
        return float(v)
    return None


def fisher(r, n, variance_factor):
    if r is None or n < 4:
        return None
    z = math.atanh(max(-1.0, min(1.0, r)))
    half = Z95 * math.sqrt(variance_factor / (n - 3))
    return [math.tanh(z - half), math.tanh(z + half)]


def correlation(x, y):
    n = len(x)
    constant = n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0
    pearson = None if constant else float(stats.pearsonr(x, y)[0])
    spearman = None if constant else float(stats.spearmanr(x, y)[0])
    return {"n": n, "pearson": pearson, "pearson_ci": fisher(pearson, n, 1.0),
            "spearman": spearman, "spearman_ci": fisher(spearman, n, 1.06)}


def fit(x, y):
    if len(x) < 2 or np.ptp(x) == 0:
        return None
    f = stats.linregress(x, y)
    return {"slope": float(f.slope), "intercept": float(f.intercept), "r_squared": float(f.rvalue ** 2), "n": len(x)}


def recompute(rows, group_by, metric, achieved):
    good = [r for r in rows if "error" not in r]
    correlations, fits = {}, {}
    for p in PREDICTIONS:
        if not any(number(r, p) is not None for r in good):
            continue
        pairs = [(number(r, p), number(r, achieved)) for r in good]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        x = np.array([a for a, _ in pairs]); y = np.array([b for _, b in pairs])
        correlations[p] = correlation(x, y)
        positive = (x > 0) & (y > 0)
        fits[p] = {"linear": fit(x, y), "log10": fit(np.log10(x[positive]), np.log10(y[positive]))}
    groups = {}
    for r in rows:
        key = json.dumps([r.get(k) for k in group_by])
        g = groups.setdefault(key, {"key": {k: r.get(k) for k in group_by}, "values": [], "errors": 0})
        if "error" in r:
            g["errors"] += 1
        elif number(r, metric) is not None:
            g["values"].append(number(r, metric))
    out_groups = []
    for g in groups.values():
        v = np.array(g["values"])
        out_groups.append({"key": g["key"], "count": len(v), "errors": g["errors"],
                           "mean": float(v.mean()) if len(v) else None,
                           "std": float(v.std(ddof=1)) if len(v) > 1 else None,
                           "median": float(np.median(v)) if len(v) else None})
    return {"rows": len(rows), "errors": len(rows) - len(good), "groups": out_groups,
            "correlations": correlations, "fit": fits}


def compare(mine, theirs, tolerance, path="report"):
    """Differences between two JSON values, numbers within a relative tolerance."""
    problems = []
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for k, v in mine.items():
            if k not in theirs:
                problems.append(f"{path}.{k}: missing in i2f's report")
            else:
                problems += compare(v, theirs[k], tolerance, f"{path}.{k}")
    elif isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        for i, (a, b) in enumerate(zip(mine, theirs)):
            problems += compare(a, b, tolerance, f"{path}[{i}]")
    elif isinstance(mine, (int, float)) and isinstance(theirs, (int, float)) and not isinstance(mine, bool):
        if abs(mine - theirs) > tolerance * max(1.0, abs(mine), abs(theirs)):
            problems.append(f"{path}: {mine!r} here, {theirs!r} in i2f's report")
    elif mine != theirs:
        problems.append(f"{path}: {mine!r} here, {theirs!r} in i2f's report")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="result files (JSON lines)")
    parser.add_argument("--group-by", default="init", help="comma-separated row keys, as for i2f report")
    parser.add_argument("--metric", default="rmse")
    parser.add_argument("--achieved", default="rmse")
    parser.add_argument("--report", help="the output of i2f report --json to compare with")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args()
    group_by = [k.strip() for k in args.group_by.split(",") if k.strip()]
    mine = recompute(read_rows(args.files), group_by, args.metric, args.achieved)
    print(json.dumps(mine, indent=1))
    if args.report:
        with open(args.report) as f:
            theirs = json.load(f)
        by_key = {json.dumps(g["key"], sort_keys=True): g for g in theirs.get("groups", [])}
        theirs_groups = [by_key.get(json.dumps(g["key"], sort_keys=True), {}) for g in mine["groups"]]
        problems = compare({k: v for k, v in mine.items() if k != "groups"}, theirs, args.tolerance)
        problems += compare(mine["groups"], theirs_groups, args.tolerance, "report.groups")
        if problems:
            print("\n".join(["i2f report disagrees:"] + problems), file=sys.stderr)
            sys.exit(1)
        print("i2f report agrees with numpy/scipy", file=sys.stderr)


if __name__ == "__main__":
    main()

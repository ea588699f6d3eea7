#!/usr/bin/env python3
"""Out-of-sample coverage of `mmm predict --plan`'s intervals on data with known future.

For each seed: `mmm simulate` (single market, or --segments S long data), `mmm fit` on the
first W - H weeks, then `mmm predict --plan` on the last H weeks' real spend and controls (the
KPI column is in the plan file and ignored). Against the actual KPI of those H weeks: the share
inside the prediction interval (kpi_pred_lower/upper: bootstrap draws plus residual noise) and
inside the coefficient band (kpi_coef_lower/upper: the model's uncertainty about its mean, not a
forecast range), and the MAPE of the point prediction. A 90% prediction interval should hold
about 90% of the weeks; the coefficient band is expected to hold fewer.

Usage: python3 bench/plan_coverage.py --mmm build/mmm [--seeds 1-5] [--weeks 156]
       [--horizon 26] [--channels 4] [--segments 0] [--fit-args '...']
Standard library only.
"""
import argparse
import csv
import os
import shlex
import statistics
import subprocess
import tempfile


def run(args):
    r = subprocess.run([str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))}: {r.stderr.strip().splitlines()[-1]}")
    return r


def seed_range(text):
    a, _, b = text.partition("-")
    return range(int(a), int(b or a) + 1)


def split(data_csv, head_csv, tail_csv, horizon, segment_column):
    """The first weeks of each market for the fit, its last `horizon` weeks for the plan."""
    with open(data_csv, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    key = header.index(segment_column) if segment_column else None
    markets = {}
    for r in body:
        markets.setdefault(r[key] if key is not None else "", []).append(r)
    head, tail = [header], [header]
    for rs in markets.values():
        head += rs[:-horizon]
        tail += rs[-horizon:]
    for path, out in ((head_csv, head), (tail_csv, tail)):
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(out)
    return {(r[key] if key is not None else "", r[0]): float(r[header.index("revenue")])
            for r in tail[1:]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mmm", default="build/mmm")
    p.add_argument("--seeds", default="1-5")
    p.add_argument("--weeks", type=int, default=156)
    p.add_argument("--horizon", type=int, default=26)
    p.add_argument("--channels", type=int, default=4)
    p.add_argument("--segments", type=int, default=0)
    p.add_argument("--fit-args", default="")
    a = p.parse_args()
    seg = "segment" if a.segments else None
    print(f"weeks={a.weeks} (fit on the first {a.weeks - a.horizon}, plan the last {a.horizon}) "
          f"channels={a.channels} segments={a.segments} seeds={a.seeds} fit args: "
          f"'{a.fit_args}'\n")
    print("| seed | weeks predicted | in 90% prediction interval | in 90% coefficient band "
          "| MAPE |")
    print("|---|---:|---:|---:|---:|")
    pred_in = band_in = total = 0
    mapes = []
    with tempfile.TemporaryDirectory() as tmp:
        for s in seed_range(a.seeds):
            d = os.path.join(tmp, f"s{s}")
            os.makedirs(d)
            data = os.path.join(d, "data.csv")
            sim = [a.mmm, "simulate", "--weeks", a.weeks, "--channels", a.channels, "--seed", s,
                   "--out", data, "--quiet"]
            if a.segments:
                sim += ["--segments", a.segments]
            run(sim)
            head, tail = os.path.join(d, "head.csv"), os.path.join(d, "tail.csv")
            actual = split(data, head, tail, a.horizon, seg)
            fit = [a.mmm, "fit", "--data", head, "--out", os.path.join(d, "fit"), "--seed", s,
                   "--quiet"] + shlex.split(a.fit_args)
            if seg:
                fit += ["--segments", seg]
            run(fit)
            run([a.mmm, "predict", "--model", os.path.join(d, "fit", "model.json"), "--plan",
                 tail, "--out", os.path.join(d, "pred"), "--quiet"])
            n = p_in = b_in = 0
            errors = []
            with open(os.path.join(d, "pred", "plan_predictions.csv"), newline="") as f:
                for row in csv.DictReader(f):
                    y = actual[(row.get("SEGMENT", ""), row["DATE"])]
                    n += 1
                    p_in += float(row["kpi_pred_lower"]) <= y <= float(row["kpi_pred_upper"])
                    b_in += float(row["kpi_coef_lower"]) <= y <= float(row["kpi_coef_upper"])
                    errors.append(abs(float(row["kpi"]) - y) / abs(y))
            mape = 100 * statistics.mean(errors)
            print(f"| {s} | {n} | {p_in} ({100 * p_in / n:.1f}%) | {b_in} ({100 * b_in / n:.1f}%) "
                  f"| {mape:.2f}% |")
            pred_in, band_in, total = pred_in + p_in, band_in + b_in, total + n
            mapes.append(mape)
    print(f"| all | {total} | {pred_in} ({100 * pred_in / total:.1f}%) | {band_in} "
          f"({100 * band_in / total:.1f}%) | {statistics.median(mapes):.2f}% (median) |")


if __name__ == "__main__":
    main()

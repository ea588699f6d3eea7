#!/usr/bin/env python3
"""Shared vs per-segment hyperparameters on simulated long data with known per-segment truth.

For each seed: `mmm simulate --segments S --weeks W --segment-hyper-spread H` (every segment
has its own θ, α, γ drawn around global ones), then three partial-pooling fits:
  shared       `mmm fit --segments segment` (one θ, α, γ per channel for all segments)
  per-segment  the same plus `--per-segment-hyperparameters --segment-budget N`
  truth        `--hyperparameters <truth file>` (each segment at its true θ, α, γ; no search)
and the per-segment ROAS of segment_performance.csv is scored against the truth's ROI
(median relative error) next to the pooled in-sample loss and wall time.

Usage: python3 bench/segment_hyperparameters.py --mmm build/mmm [--seeds 5] [--segments 20]
       [--weeks 104] [--hyper-spread 0.5] [--budget 1000] [--segment-budget 1000]
Standard library only.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import tempfile
import time


def run(args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def score(out_dir, truth):
    rels = []
    with open(os.path.join(out_dir, "segment_performance.csv")) as f:
        for row in csv.DictReader(f):
            true_roi = truth["segment_truth"][row["SEGMENT"]]["channels"][row["CHANNEL"]]["roi"]
            rels.append(abs(float(row["ROAS"]) - true_roi) / abs(true_roi))
    model = json.load(open(os.path.join(out_dir, "model.json")))
    return statistics.median(rels), model["metrics"]["loss"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mmm", default="build/mmm")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--segments", type=int, default=20)
    p.add_argument("--weeks", type=int, default=104)
    p.add_argument("--channels", type=int, default=4)
    p.add_argument("--noise", type=float, default=0.05)
    p.add_argument("--hyper-spread", type=float, default=0.5)
    p.add_argument("--budget", type=int, default=1000)
    p.add_argument("--segment-budget", type=int, default=1000)
    p.add_argument("--shrinkage", type=float, default=None,
                   help="--segment-shrinkage of the per-segment fit (default: mmm's)")
    p.add_argument("--first-seed", type=int, default=1)
    a = p.parse_args()
    modes = ["shared", "per-segment", "truth"]
    table = {m: [] for m in modes}
    print(f"segments={a.segments} weeks={a.weeks} channels={a.channels} noise={a.noise} "
          f"hyper_spread={a.hyper_spread} budget={a.budget} segment_budget={a.segment_budget} "
          f"shrinkage={a.shrinkage}")
    print(f"{'seed':>4} " + " ".join(f"{m + ' medrel':>18} {m + ' loss':>16} {'s':>6}"
                                     for m in modes))
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            data = os.path.join(tmp, f"d{seed}.csv")
            run([a.mmm, "simulate", "--segments", str(a.segments), "--weeks", str(a.weeks),
                 "--channels", str(a.channels), "--noise", str(a.noise),
                 "--segment-hyper-spread", str(a.hyper_spread), "--seed", str(seed),
                 "--out", data, "--quiet"])
            truth_path = data[:-4] + ".truth.json"
            truth = json.load(open(truth_path))
            cells = []
            for m in modes:
                out = os.path.join(tmp, f"o{seed}{m}")
                cmd = [a.mmm, "fit", "--data", data, "--segments", "segment", "--out", out,
                       "--budget", str(a.budget), "--seed", str(seed), "--bootstrap", "0",
                       "--quiet"]
                if m == "per-segment":
                    cmd += ["--per-segment-hyperparameters", "--segment-budget",
                            str(a.segment_budget)]
                    if a.shrinkage is not None:
                        cmd += ["--segment-shrinkage", str(a.shrinkage)]
                if m == "truth":
                    cmd += ["--hyperparameters", truth_path]
                t0 = time.perf_counter()
                run(cmd)
                secs = time.perf_counter() - t0
                medrel, loss = score(out, truth)
                table[m].append((medrel, loss, secs))
                cells.append(f"{medrel:18.4f} {loss:16.6f} {secs:6.2f}")
            print(f"{seed:4d} " + " ".join(cells))
    print(f"{'med':>4} " + " ".join(
        f"{statistics.median(x[0] for x in table[m]):18.4f} "
        f"{statistics.median(x[1] for x in table[m]):16.6f} "
        f"{statistics.median(x[2] for x in table[m]):6.2f}" for m in modes))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Per-segment ROI error of partial pooling vs no pooling (and complete) on simulated long data.

For each seed: `mmm simulate --segments S --weeks W` (θ, α, γ shared, segment coefficients
drawn around global ones), then `mmm fit --segments segment --pooling {none,partial,complete}`,
and the per-segment ROAS of segment_performance.csv is scored against the truth's ROI.
With --truth-hyper the fits use the true θ, α, γ (no search), isolating the pooling itself.

Usage: python3 bench/segment_pooling.py --mmm build/mmm [--seeds 5] [--segments 20]
       [--weeks 52] [--channels 4] [--budget 300] [--truth-hyper]
Standard library only.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import tempfile


def run(args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def score(out_dir, truth):
    errs, rels = [], []
    with open(os.path.join(out_dir, "segment_performance.csv")) as f:
        for row in csv.DictReader(f):
            true_roi = truth["segment_truth"][row["SEGMENT"]]["channels"][row["CHANNEL"]]["roi"]
            est = float(row["ROAS"])
            errs.append(abs(est - true_roi))
            rels.append(abs(est - true_roi) / abs(true_roi))
    return statistics.mean(errs), statistics.median(rels)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mmm", default="build/mmm")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--segments", type=int, default=20)
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--channels", type=int, default=4)
    p.add_argument("--noise", type=float, default=0.05)
    p.add_argument("--spread", type=float, default=0.3)
    p.add_argument("--budget", type=int, default=300)
    p.add_argument("--truth-hyper", action="store_true")
    a = p.parse_args()
    modes = ["none", "partial", "complete"]
    table = {m: [] for m in modes}
    print(f"segments={a.segments} weeks={a.weeks} channels={a.channels} noise={a.noise} "
          f"spread={a.spread} budget={a.budget} truth_hyper={a.truth_hyper}")
    print(f"{'seed':>4} " + " ".join(f"{m + ' MAE':>14} {m + ' medrel':>16}" for m in modes))
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, a.seeds + 1):
            data = os.path.join(tmp, f"d{seed}.csv")
            run([a.mmm, "simulate", "--segments", str(a.segments), "--weeks", str(a.weeks),
                 "--channels", str(a.channels), "--noise", str(a.noise), "--segment-spread",
                 str(a.spread), "--seed", str(seed), "--out", data, "--quiet"])
            truth_path = data[:-4] + ".truth.json"
            truth = json.load(open(truth_path))
            cells = []
            for m in modes:
                out = os.path.join(tmp, f"o{seed}{m}")
                cmd = [a.mmm, "fit", "--data", data, "--segments", "segment", "--pooling", m,
                       "--out", out, "--budget", str(a.budget), "--seed", str(seed), "--quiet"]
                if a.truth_hyper:
                    cmd += ["--hyperparameters", truth_path]
                run(cmd)
                mae, medrel = score(out, truth)
                table[m].append((mae, medrel))
                cells.append(f"{mae:14.4f} {medrel:16.4f}")
            print(f"{seed:4d} " + " ".join(cells))
    print(f"{'mean':>4} " + " ".join(
        f"{statistics.mean(x[0] for x in table[m]):14.4f} "
        f"{statistics.mean(x[1] for x in table[m]):16.4f}" for m in modes))


if __name__ == "__main__":
    main()

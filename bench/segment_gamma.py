#!/usr/bin/env python3
"""Per-segment ROI error of `mmm fit --segments --segment-gamma shared|scaled` on data whose
truth has γ shared in spend units or scaled with each segment's market size.

For each truth kind and seed: `mmm simulate --segments S --segment-gamma TRUTH` (segment
market sizes exp(U(-0.5, 0.5)), spend scaled with them), then `mmm fit --segments segment
--segment-gamma FIT` for both fit encodings and the floor (the same fit at the true θ, α, γ), scored on segment_performance.csv's ROAS against
the truth's per-segment ROI: median relative error and a spend-weighted error
(sum |ROAS - true| x spend / sum true contribution) over segments x channels, pooled over seeds.
Choose settings on some seeds, report others (--first-seed).

Usage: python3 bench/segment_gamma.py --mmm build/mmm [--seeds 5] [--first-seed 1]
       [--segments 10] [--weeks 104] [--channels 4] [--fit-args '...']
Standard library only.
"""
import argparse
import csv
import json
import os
import shlex
import statistics
import subprocess
import tempfile


def run(args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def score(out_dir, truth):
    """Relative errors and (|error| x spend, true contribution) per segment x channel."""
    rels, abs_spend, contrib = [], 0.0, 0.0
    with open(os.path.join(out_dir, "segment_performance.csv")) as f:
        for row in csv.DictReader(f):
            t = truth["segment_truth"][row["SEGMENT"]]["channels"][row["CHANNEL"]]
            est = float(row["ROAS"])
            rels.append(abs(est - t["roi"]) / abs(t["roi"]))
            abs_spend += abs(est - t["roi"]) * t["spend"]
            contrib += t["contribution"]
    return rels, abs_spend / contrib


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mmm", default="build/mmm")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--first-seed", type=int, default=1)
    p.add_argument("--segments", type=int, default=10)
    p.add_argument("--weeks", type=int, default=104)
    p.add_argument("--channels", type=int, default=4)
    p.add_argument("--fit-args", default="--bootstrap 0")
    a = p.parse_args()
    kinds = ["shared", "scaled"]
    seeds = range(a.first_seed, a.first_seed + a.seeds)
    print(f"segments={a.segments} weeks={a.weeks} channels={a.channels} seeds="
          f"{seeds.start}-{seeds.stop - 1} fit args: {a.fit_args}\n")
    print("| truth γ | fit --segment-gamma | median rel err | spend-weighted err (median over seeds) |")
    print("|---|---|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for truth_kind in kinds:
            fits = kinds + ["floor"]
            results = {k: ([], []) for k in fits}
            for seed in seeds:
                data = os.path.join(tmp, f"{truth_kind}{seed}.csv")
                run([a.mmm, "simulate", "--segments", str(a.segments), "--weeks", str(a.weeks),
                     "--channels", str(a.channels), "--seed", str(seed), "--segment-gamma",
                     truth_kind, "--out", data, "--quiet"])
                truth = json.load(open(data[:-4] + ".truth.json"))
                for fit_kind in fits:
                    out = os.path.join(tmp, f"o{truth_kind}{seed}{fit_kind}")
                    # The floor: the same pipeline at the true θ, α, γ (per segment where the
                    # truth has them), no search.
                    how = (["--hyperparameters", data[:-4] + ".truth.json"] if fit_kind == "floor"
                           else ["--segment-gamma", fit_kind])
                    run([a.mmm, "fit", "--data", data, "--segments", "segment", "--out", out,
                         "--seed", str(seed), "--quiet"] + how + shlex.split(a.fit_args))
                    rels, weighted = score(out, truth)
                    results[fit_kind][0].extend(rels)
                    results[fit_kind][1].append(weighted)
            for fit_kind in fits:
                rels, weighted = results[fit_kind]
                print(f"| {truth_kind} | {fit_kind} | {100 * statistics.median(rels):.1f}% | "
                      f"{100 * statistics.median(weighted):.1f}% |")


if __name__ == "__main__":
    main()

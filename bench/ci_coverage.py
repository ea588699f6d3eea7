#!/usr/bin/env python3
"""Bootstrap CI coverage of the true ROI on `mmm simulate` data (issue 2, "Uncertainty").

For each seed: simulate data with known truth, run `mmm fit` with the given budget and
bootstrap, and count the channels whose ROI interval [ROI_CI_LOWER, ROI_CI_UPPER] from
model_results.csv contains the true ROI from <data>.truth.json. Prints one row per seed and
the overall share. There is no pass/fail threshold: the figure is a baseline.

Example:
  python3 bench/ci_coverage.py --mmm build/mmm --seeds 10 --weeks 156 --channels 8
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return proc.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mmm", default="build/mmm")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--weeks", type=int, default=156)
    ap.add_argument("--channels", type=int, default=8)
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--budget", type=int, default=20000)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--ci", type=float, default=0.90)
    ap.add_argument("--nested-budget", type=int, default=0,
                    help="> 0: nested bootstrap, a search of this many evaluations per resample")
    ap.add_argument("--json-out")
    args = ap.parse_args()
    if not os.path.exists(args.mmm):
        sys.exit(f"mmm binary not found at {args.mmm}; build it first (tools/build.sh)")

    covered = total = 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'seed':>4} {'covered':>8} {'channels':>8}  per channel (true ROI in [lo, hi]?)")
        for seed in range(1, args.seeds + 1):
            data = os.path.join(tmp, f"sim{seed}.csv")
            out = os.path.join(tmp, f"fit{seed}")
            run([args.mmm, "simulate", "--weeks", str(args.weeks), "--channels", str(args.channels),
                 "--noise", str(args.noise), "--seed", str(seed), "--out", data, "--quiet"])
            run([args.mmm, "fit", "--data", data, "--out", out, "--budget", str(args.budget),
                 "--bootstrap", str(args.bootstrap), "--ci", str(args.ci), "--seed", str(seed),
                 "--nested-budget", str(args.nested_budget), "--quiet", "--json"])
            with open(data[:-4] + ".truth.json") as f:
                truth = json.load(f)["channels"]
            with open(os.path.join(out, "model_results.csv")) as f:
                results = list(csv.DictReader(f))
            hits = []
            for r in results:
                true_roi = truth[r["CHANNEL_KEY"]]["roi"]
                lo, hi = float(r["ROI_CI_LOWER"]), float(r["ROI_CI_UPPER"])
                hits.append((r["CHANNEL_KEY"], lo <= true_roi <= hi, true_roi, lo, hi, float(r["ROI"])))
            c = sum(h[1] for h in hits)
            covered += c
            total += len(hits)
            rows.append({"seed": seed, "covered": c, "channels": len(hits),
                         "detail": [dict(zip(["channel", "covered", "true_roi", "lo", "hi", "roi"], h)) for h in hits]})
            print(f"{seed:>4} {c:>8} {len(hits):>8}  " +
                  " ".join(f"{h[0]}:{'y' if h[1] else 'n'}" for h in hits))
    share = covered / total if total else float("nan")
    print(f"coverage of the true ROI by the {args.ci:.0%} bootstrap CI: {covered}/{total} = {share:.1%} "
          f"(weeks {args.weeks}, channels {args.channels}, noise {args.noise}, budget {args.budget}, "
          f"bootstrap {args.bootstrap}, nested budget {args.nested_budget})")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"covered": covered, "total": total, "share": share, "args": vars(args), "seeds": rows}, f, indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Recovery of flow and stock channels (SPEC §9) on simulated data with known truth.

For each seed: `mmm simulate --flow-channels 1 --stock-channels 1`, then `mmm fit` with a config
marking flow_1 as flow and stock_1 as stock (mu = the true mu), and a comparison of the fitted
a, b, lambda (flow), a, b, sigma (stock) with the .truth.json, plus the in-sample share of
periods whose KPI lies inside the ±2σ band. Standard library only.

  python3 bench/flow_stock_recovery.py --mmm build/mmm --seeds 10
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return r.stdout


def rel(fit, true):
    return fit / true - 1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mmm", default="build/mmm")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--weeks", type=int, default=156)
    ap.add_argument("--channels", type=int, default=2, help="Hill media channels besides them")
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--bootstrap", type=int, default=100)
    ap.add_argument("--extra", default="", help="extra `mmm fit` flags, space separated")
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            data = os.path.join(tmp, f"d{seed}.csv")
            run([args.mmm, "simulate", "--weeks", str(args.weeks), "--channels", str(args.channels),
                 "--flow-channels", "1", "--stock-channels", "1", "--noise", str(args.noise),
                 "--seed", str(seed), "--quiet", "--out", data])
            truth = json.load(open(os.path.join(tmp, f"d{seed}.truth.json")))
            ft, st = truth["flow_channels"]["flow_1"], truth["stock_channels"]["stock_1"]
            cfg = os.path.join(tmp, f"c{seed}.toml")
            with open(cfg, "w") as f:
                f.write('[channels.flow_1]\nkind = "flow"\n'
                        f'[channels.stock_1]\nkind = "stock"\nmu = {st["mu"]}\n')
            out = os.path.join(tmp, f"r{seed}")
            run([args.mmm, "fit", "--data", data, "--config", cfg, "--out", out, "--bootstrap",
                 str(args.bootstrap), "--seed", str(seed), "--quiet", "--json"]
                + args.extra.split())
            model = json.load(open(os.path.join(out, "model.json")))
            # Decision-grade figures: the marginal response at the mean input (steady state for
            # flow: E = s / (1 − λ); stock: per extra unit at the mean unit count).
            cols = open(data).readline().strip().split(",")
            vals = [line.strip().split(",") for line in open(data).readlines()[1:]]
            mean_of = lambda name: statistics.mean(float(v[cols.index(name)]) for v in vals)
            s_bar, u_bar = mean_of("flow_1"), mean_of("stock_1")
            fm = lambda a, b, l: a * b / (1 - l) / (1 + b * s_bar / (1 - l))
            sm = lambda a, b, mu: a * b * mu / (1 + b * mu * u_bar)
            fk, sk = model["kind_channels"]["flow_1"], model["kind_channels"]["stock_1"]
            rows.append(dict(
                seed=seed,
                lam_t=ft["lambda"], lam_f=fk["lambda"],
                fa=rel(fk["a"], ft["a"]), fb=rel(fk["b"], ft["b"]),
                a_in_ci=fk["a_ci"][0] <= ft["a"] <= fk["a_ci"][1] if "a_ci" in fk else None,
                fmr=rel(fm(fk["a"], fk["b"], fk["lambda"]), fm(ft["a"], ft["b"], ft["lambda"])),
                sa=rel(sk["a"], st["a"]), sb=rel(sk["b"], st["b"]),
                smr=rel(sm(sk["a"], sk["b"], sk["mu"]), sm(st["a"], st["b"], st["mu"])),
                sig_t=st["sigma"], sig_f=sk["sigma"],
                cov1=model["kind_fit"]["coverage_1sd"], cov2=model["kind_fit"]["coverage_2sd"],
                cov3=model["kind_fit"]["coverage_3sd"]))

    print(f"weeks {args.weeks}, {args.channels} Hill channels + flow_1 + stock_1, noise "
          f"{args.noise}, bootstrap {args.bootstrap}")
    print("columns: relative errors fit/true − 1; m = marginal response at the mean input")
    print(f"{'seed':>4} {'λ true':>7} {'λ fit':>7} {'flow a':>8} {'flow b':>8} {'a in CI':>7} "
          f"{'flow m':>8} {'stock a':>8} {'stock b':>8} {'stock m':>8} {'σ true':>7} {'σ fit':>7} {'±1σ':>6} {'±2σ':>6} {'±3σ':>6}")
    for r in rows:
        print(f"{r['seed']:>4} {r['lam_t']:7.3f} {r['lam_f']:7.3f} {100*r['fa']:+7.1f}% "
              f"{100*r['fb']:+7.1f}% {str(r['a_in_ci']):>7} {100*r['fmr']:+7.1f}% {100*r['sa']:+7.1f}% "
              f"{100*r['sb']:+7.1f}% {100*r['smr']:+7.1f}% "
              f"{r['sig_t']:7.2f} {r['sig_f']:7.2f} {100*r['cov1']:5.1f}% {100*r['cov2']:5.1f}% "
              f"{100*r['cov3']:5.1f}%")
    med = lambda k: statistics.median(abs(r[k]) for r in rows)
    print(f"median |λ error| {statistics.median(abs(r['lam_f'] - r['lam_t']) for r in rows):.3f}, "
          f"max {max(abs(r['lam_f'] - r['lam_t']) for r in rows):.3f}; "
          f"|λ error| ≤ 0.1 in {sum(abs(r['lam_f'] - r['lam_t']) <= 0.1 for r in rows)}/{len(rows)}")
    print(f"flow a inside its bootstrap CI in {sum(bool(r['a_in_ci']) for r in rows)}/{len(rows)}")
    print(f"median |rel error| of the marginal response at the mean input: flow "
          f"{100*med('fmr'):.1f}%, stock {100*med('smr'):.1f}%")
    print(f"median |rel error|: flow a {100*med('fa'):.1f}%, flow b {100*med('fb'):.1f}%, "
          f"stock a {100*med('sa'):.1f}%, stock b {100*med('sb'):.1f}%, "
          f"stock σ {100*statistics.median(abs(r['sig_f']/r['sig_t']-1) for r in rows):.1f}%")
    print(f"mean in-sample coverage: ±1σ {100*statistics.mean(r['cov1'] for r in rows):.1f}%, "
          f"±2σ {100*statistics.mean(r['cov2'] for r in rows):.1f}%, "
          f"±3σ {100*statistics.mean(r['cov3'] for r in rows):.1f}%")


if __name__ == "__main__":
    main()

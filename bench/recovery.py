#!/usr/bin/env python3
"""Recovery of known truth by `mmm fit`, for any set of extra fit arguments (issue 16).

Two sections, each a Markdown table on stdout ready for bench/RESULTS.md:

1. Simulated data. For each shape WxC and seed s: `mmm simulate --weeks W --channels C --seed s`
   (which writes data.truth.json: true ROI, theta, alpha, gamma per channel), then for each
   --config NAME='ARGS': `mmm fit --seed s --quiet --json ARGS`. Per channel: relative ROI error
   |ROI - true| / true and whether [ROI_CI_LOWER, ROI_CI_UPPER] covers the true ROI. The floor is
   the same data fitted at the true theta, alpha, gamma (`--hyperparameters data.truth.json`, no
   search; plus --floor-args). Per shape and config: median relative error (pooled over seeds
   and channels), the floor's, their ratio, the contribution-weighted error (sum |ROI - true| x
   spend / sum true contribution per fit, median over seeds; the simulator's small channels are
   not identifiable even at the true transforms, so the unweighted median is dominated by them),
   coverage, "bad" fits (mean BASELINE < 0 or total
   media contribution > total KPI, from decomposition.csv), median wall time per fit, and a trial
   spread when the fit exposes one (a `trial*` key in --json / model.json, or a *TRIAL* column in
   model_results.csv; "-" otherwise).

2. Third-party truths (--third-party DIR, the folder holding pymc-marketing/ and
   mmm-param-recovery/): PyMC-Marketing's mmm_example.csv (x1, x2), PyMC Labs' mmm-param-recovery
   input_data_RAW.csv (x1..x4, x2's truth corrected as in its README) and PyMC-Marketing's
   mmm_roas_data.csv (x2; x1 is confounded by the omitted z and is reported but not scored).
   Per channel: estimate, interval, relative error, covered, wall time; then per config and seed
   the coverage n/7 and the median relative error over the 7 scored channels, next to
   PyMC-Marketing's published figures (hard-coded below). The column arguments used for each
   file are in THIRD_PARTY.

A failed fit (non-zero exit) is reported with the last line of its stderr; it does not stop the
run. --out writes every per-channel row and per-fit record as JSON.

Example:
  python3 bench/recovery.py --mmm build/mmm --config default='' --config big='--budget 5000' \\
      --seeds 1-5 --shapes 156x8,104x20,260x12 --third-party ../shared/data --out recovery.json

Wall times are per `mmm fit` process (start to exit, measured here). With --jobs N > 1 several
fits share the CPU, so the times are not comparable with --jobs 1 runs; give configs
`--threads 1` when running many jobs. Standard library only.
"""

import argparse
import csv
import json
import math
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

# --------------------------------------------------------------------------------------------
# Third-party data sets: how each file is passed to `mmm fit`, its ground truth, and
# PyMC-Marketing's published estimates for it (the comparison row).
#
# mmm adds TREND, SIN_k/COS_k (k = 1..3 of the ISO week), Q1_FLAG, Q3_FLAG itself, so time-index
# and calendar columns are not passed (`t` in mmm_example is TREND exactly; `dayofyear` is a
# sawtooth whose smooth part the Fourier terms already carry). Channels are always named
# explicitly so that no other numeric column is taken as spend.
# --------------------------------------------------------------------------------------------
THIRD_PARTY = [
    {
        # 179 weeks; y = 1000 * (2 + trend + seasonality + 1.5 event_1 + 2.5 event_2
        # + 3 sat(adstock(x1)) + 2 sat(adstock(x2)) + eps). PyMC's example model uses controls
        # event_1, event_2, t and yearly_seasonality = 2.
        "name": "mmm_example",
        "file": "pymc-marketing/mmm_example.csv",
        "date": "date_week", "kpi": "y",
        "channels": ["x1", "x2"],
        "controls": ["event_1", "event_2"],
        "ignored": ["dayofyear", "t"],
        "truth": {"x1": 4967.8, "x2": 2274.9},   # contribution / spend, README (derived from the DGP)
        "scored": ["x1", "x2"],
        "anchor": {"x1": (5032.0, 4518.0, 5554.0), "x2": (2353.0, None, None)},
    },
    {
        # 159 weeks, spend MinMax-scaled; true_output_data.csv holds the per-week true media
        # contributions (x2's column is wrong there: y was built with x2 unsaturated, see README).
        "name": "param_recovery",
        "file": "mmm-param-recovery/input_data_RAW.csv",
        "date": "date_week", "kpi": "y",
        "channels": ["x1", "x2", "x3", "x4"],
        "controls": ["c1", "c2", "c3"],
        "ignored": [],
        "truth": {"x1": 1.511, "x2": 1.995, "x3": 1.881, "x4": 0.962},
        "truth_check": "true_output",   # x1, x3, x4 recomputed from true_output_data.csv
        "scored": ["x1", "x2", "x3", "x4"],
        "anchor": {"x1": (0.91, None, None), "x2": (2.22, None, None),
                   "x3": (1.91, None, None), "x4": (0.98, None, None)},
    },
    {
        # 131 weeks; y = 100 * (trend + seasonality + z + x1_effect + x2_effect + eps) with z
        # (omitted) driving x1. Like PyMC's mmm_roas notebook, only date, x1, x2, y are used;
        # every other column (trend, cs, cc, z, effects, counterfactuals y01/y02) is truth.
        "name": "roas_data",
        "file": "pymc-marketing/mmm_roas_data.csv",
        "date": "date", "kpi": "y",
        "channels": ["x1", "x2"],
        "controls": [],
        "ignored": ["dayofyear", "quarter", "trend", "cs", "cc", "seasonality", "z", "epsilon",
                    "x1_adstock", "x2_adstock", "x1_adstock_saturated", "x2_adstock_saturated",
                    "x1_effect", "x2_effect", "y01", "y02"],
        "truth": {"x1": 93.39, "x2": 171.41},    # (y - y0k).sum() / xk.sum(), checked below
        "truth_check": "counterfactual",
        "scored": ["x2"],                       # x1 is confounded: reported, not scored
        "anchor": {"x2": (181.8, None, None)},
    },
]
ANCHOR_NAME = "PyMC-Marketing (published)"
ANCHOR_COVERAGE = (6, 7)
ANCHOR_MEDIAN_ERR = 0.034


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            seeds.extend(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    if not seeds:
        raise argparse.ArgumentTypeError(f"no seeds in `{text}`")
    return seeds


def parse_shapes(text):
    shapes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        w, _, c = part.partition("x")
        if not (w.isdigit() and c.isdigit()):
            raise argparse.ArgumentTypeError(f"shape `{part}`: expected WEEKSxCHANNELS, e.g. 156x8")
        shapes.append((int(w), int(c)))
    return shapes


def parse_config(text):
    name, sep, extra = text.partition("=")
    if not sep or not name or name == "floor":
        raise argparse.ArgumentTypeError(f"--config `{text}`: expected NAME='extra fit args' (NAME not `floor`)")
    return name, shlex.split(extra)


def median(xs):
    xs = [x for x in xs if x is not None and not math.isnan(x)]
    return statistics.median(xs) if xs else float("nan")


def fmt_pct(x):
    return "-" if x is None or math.isnan(x) else f"{100 * x:.1f}%"


def fmt_num(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.1f}"
    if ax >= 10:
        return f"{x:.2f}"
    return f"{x:.3f}"


def fmt_s(x):
    return "-" if x is None or math.isnan(x) else (f"{x:.3f} s" if x < 10 else f"{x:.1f} s")


def last_line(text):
    """The last `error:` line of stderr (CLI11 follows it with a usage hint), else the last line."""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith("error")]
    return errors[-1] if errors else (lines[-1] if lines else "(no stderr)")


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def fnum(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return float("nan")


def find_trial_keys(obj, prefix="", depth=0, out=None):
    """Every key containing `trial` (case-insensitive) in a JSON object, up to 3 levels deep."""
    out = {} if out is None else out
    if isinstance(obj, dict) and depth < 3:
        for k, v in obj.items():
            path = f"{prefix}.{k}" if prefix else k
            if "trial" in k.lower():
                out[path] = v
            else:
                find_trial_keys(v, path, depth + 1, out)
    return out


def trial_spread(found, results):
    """One number summarising the spread across trials, if the fit exposes one: the median over
    channels of a per-channel *TRIAL* column of model_results.csv (e.g. an SD or a range), else
    max - min over a list of trial losses (a list of numbers, or of objects with `loss`)."""
    if results:
        cols = [c for c in results[0] if "TRIAL" in c.upper()]
        if cols:
            vals = [fnum(r[cols[0]]) for r in results]
            return median(vals), f"median {cols[0]}"
    for path, v in sorted(found.items()):
        # mmm's own `trials`: per channel the ROI's range over the trials relative to its
        # median, then the median over channels (the stability figure the fit prints).
        if isinstance(v, list) and len(v) > 1 and all(
                isinstance(x, dict) and isinstance(x.get("channels"), dict) for x in v):
            spreads = []
            for ch in v[0]["channels"]:
                rois = [x["channels"][ch].get("roi") for x in v]
                rois = [r for r in rois if isinstance(r, (int, float))]
                if len(rois) > 1 and median(rois):
                    spreads.append((max(rois) - min(rois)) / abs(median(rois)))
            if spreads:
                return median(spreads), f"median ROI range / ROI over {path}"
        if isinstance(v, list) and v:
            if all(isinstance(x, (int, float)) for x in v):
                nums = v
            elif all(isinstance(x, dict) and isinstance(x.get("loss"), (int, float)) for x in v):
                nums = [x["loss"] for x in v]
            else:
                continue
            return max(nums) - min(nums), f"max-min {path}"
        if isinstance(v, dict):
            for k in ("spread", "loss_spread", "roi_spread", "sd", "range"):
                if isinstance(v.get(k), (int, float)):
                    return float(v[k]), f"{path}.{k}"
    return None, None


# --------------------------------------------------------------------------------------------
# Running mmm
# --------------------------------------------------------------------------------------------
def run_fit(mmm, data, out, seed, base_args, extra, timeout):
    """One `mmm fit`; never raises on a failed fit. Returns a record with status, wall time, the
    --json object, model_results rows and decomposition figures."""
    cmd = [mmm, "fit", "--data", data, "--out", out, "--seed", str(seed), "--quiet", "--json"]
    cmd += base_args + extra
    rec = {"cmd": " ".join(shlex.quote(c) for c in cmd), "status": "ok"}
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        rec.update(status="failed", error=f"timed out after {timeout} s", wall=time.monotonic() - t0)
        return rec
    rec["wall"] = time.monotonic() - t0
    if p.returncode != 0:
        rec.update(status="failed", rc=p.returncode, error=last_line(p.stderr))
        return rec
    info = {}
    for line in reversed(p.stdout.strip().splitlines()):
        if line.lstrip().startswith("{"):
            try:
                info = json.loads(line)
            except ValueError:
                pass
            break
    rec["json"] = info
    try:
        results = read_csv(os.path.join(out, "model_results.csv"))
    except OSError as e:
        rec.update(status="failed", error=f"no model_results.csv: {e}")
        return rec
    rec["results"] = {r["CHANNEL_KEY"]: {"roi": fnum(r.get("ROI")), "lo": fnum(r.get("ROI_CI_LOWER")),
                                         "hi": fnum(r.get("ROI_CI_UPPER"))} for r in results}
    # Decomposition: BASELINE = intercept + controls per period; media = the channel columns.
    try:
        dec = read_csv(os.path.join(out, "decomposition.csv"))
        chans = [c for c in rec["results"] if dec and c in dec[0]]
        actual = sum(fnum(r["ACTUAL"]) for r in dec)
        media = sum(fnum(r[c]) for r in dec for c in chans)
        rec["baseline_mean"] = statistics.mean(fnum(r["BASELINE"]) for r in dec)
        rec["media_share"] = media / actual if actual else float("nan")
        rec["bad"] = rec["baseline_mean"] < 0 or rec["media_share"] > 1.0
    except (OSError, KeyError, statistics.StatisticsError) as e:
        rec["bad"] = None
        rec["decomposition_error"] = str(e)
    found = {}
    found.update({f"json.{k}": v for k, v in find_trial_keys(info).items()})
    try:
        with open(os.path.join(out, "model.json")) as f:
            found.update({f"model.{k}": v for k, v in find_trial_keys(json.load(f)).items()})
    except (OSError, ValueError):
        pass
    spread, how = trial_spread(found, results)
    if spread is not None:
        rec["trial_spread"], rec["trial_spread_from"] = spread, how
    return rec


def simulate(mmm, weeks, channels, seed, path, extra):
    cmd = [mmm, "simulate", "--weeks", str(weeks), "--channels", str(channels), "--seed", str(seed),
           "--out", path, "--quiet"] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, last_line(p.stderr)
    with open(path[:-4] + ".truth.json") as f:
        return json.load(f), None


# --------------------------------------------------------------------------------------------
# Third-party truths
# --------------------------------------------------------------------------------------------
def check_third_party_truth(ds, root):
    """Recompute what the files themselves carry of the truth; warn when it disagrees with the
    table (a changed file)."""
    path = os.path.join(root, ds["file"])
    got = {}
    if ds.get("truth_check") == "counterfactual":
        rows = read_csv(path)
        for k, c in (("x1", "y01"), ("x2", "y02")):
            got[k] = sum(fnum(r["y"]) - fnum(r[c]) for r in rows) / sum(fnum(r[k]) for r in rows)
    elif ds.get("truth_check") == "true_output":
        tpath = os.path.join(os.path.dirname(path), "true_output_data.csv")
        if os.path.exists(tpath):
            rows, trows = read_csv(path), read_csv(tpath)
            for k in ("x1", "x3", "x4"):    # x2's column in true_output_data.csv is wrong (README)
                got[k] = sum(fnum(r[k]) for r in trows) / sum(fnum(r[k]) for r in rows)
    for k, v in got.items():
        if abs(v / ds["truth"][k] - 1) > 0.005:
            print(f"warning: {ds['name']} {k}: truth recomputed from the files is {v:.4g}, "
                  f"table says {ds['truth'][k]}", file=sys.stderr)
    return got


def third_party_jobs(root, configs, seeds, work):
    jobs = []
    for ds in THIRD_PARTY:
        path = os.path.join(root, ds["file"])
        if not os.path.exists(path):
            print(f"warning: {path} missing; {ds['name']} skipped", file=sys.stderr)
            continue
        check_third_party_truth(ds, root)
        base = ["--date-col", ds["date"], "--kpi-col", ds["kpi"], "--channels", ",".join(ds["channels"])]
        if ds["controls"]:
            base += ["--controls", ",".join(ds["controls"])]
        for name, extra in configs:
            for seed in seeds:
                out = os.path.join(work, "third_party", ds["name"], f"s{seed}", f"fit_{name}")
                jobs.append({"section": "third_party", "dataset": ds["name"], "config": name,
                             "seed": seed, "data": path, "out": out, "base": base, "extra": extra})
    return jobs


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------
def table(header, rows, align=None):
    align = align or ["l"] * len(header)
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def simulated_rows(fits, truths):
    """Per-channel rows of the simulated section (one per fit and channel)."""
    rows = []
    for f in fits:
        truth = truths[(f["weeks"], f["channels"], f["seed"])]
        base = {k: f[k] for k in ("config", "weeks", "channels", "seed")}
        if f["status"] != "ok":
            continue
        for ch, t in truth["channels"].items():
            r = f["results"].get(ch)
            if r is None:
                rows.append(dict(base, channel=ch, true_roi=t["roi"], status="missing"))
                continue
            true = t["roi"]
            err = abs(r["roi"] - true) / abs(true) if true else float("nan")
            rows.append(dict(base, channel=ch, true_roi=true, roi=r["roi"], lo=r["lo"], hi=r["hi"],
                             rel_err=err, covered=r["lo"] <= true <= r["hi"], wall=f["wall"],
                             spend=t.get("spend"), true_contribution=t.get("contribution")))
    return rows


def weighted_errors(rows, name, shape):
    """Per fit (seed): sum_c |ROI_c - true_c| * spend_c / sum_c true contribution_c, the share of
    the true media contribution that is misattributed; small channels, whose ROI the data cannot
    pin down, weigh by what they matter."""
    out = []
    for seed in sorted({r["seed"] for r in rows}):
        rs = [r for r in rows if r["config"] == name and (r["weeks"], r["channels"]) == shape
              and r["seed"] == seed and "rel_err" in r and r.get("spend") is not None]
        den = sum(r["true_contribution"] for r in rs)
        if rs and den:
            out.append(sum(abs(r["roi"] - r["true_roi"]) * r["spend"] for r in rs) / den)
    return out


def summarize_simulated(fits, truths, configs, shapes, seeds):
    rows = simulated_rows(fits, truths)
    names = ["floor"] + [n for n, _ in configs]
    have_spread = any("trial_spread" in f for f in fits)
    header = ["config", "shape", "seeds", "fits ok", "median err", "floor", "ratio", "wtd err", "wtd floor",
              "coverage", "bad fits", "median wall"] + (["trial spread"] if have_spread else [])
    align = ["l", "l", "l"] + ["r"] * (len(header) - 3)
    out_rows, failures = [], []
    seed_text = (f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 and seeds == list(range(seeds[0], seeds[-1] + 1))
                 else ",".join(map(str, seeds)))
    for w, c in shapes:
        floor_err = median([r["rel_err"] for r in rows
                            if r["config"] == "floor" and (r["weeks"], r["channels"]) == (w, c) and "rel_err" in r])
        floor_w = median(weighted_errors(rows, "floor", (w, c)))
        for name in names:
            fs = [f for f in fits if f["config"] == name and (f["weeks"], f["channels"]) == (w, c)]
            ok = [f for f in fs if f["status"] == "ok"]
            failures += [f for f in fs if f["status"] != "ok"]
            rs = [r for r in rows if r["config"] == name and (r["weeks"], r["channels"]) == (w, c) and "rel_err" in r]
            err = median([r["rel_err"] for r in rs])
            cov = sum(r["covered"] for r in rs)
            bad = sum(1 for f in ok if f.get("bad"))
            ratio = err / floor_err if floor_err and not math.isnan(floor_err) else float("nan")
            row = [name, f"{w}x{c}", seed_text, f"{len(ok)}/{len(fs)}", fmt_pct(err), fmt_pct(floor_err),
                   "-" if math.isnan(ratio) else f"{ratio:.2f}",
                   fmt_pct(median(weighted_errors(rows, name, (w, c)))), fmt_pct(floor_w),
                   f"{cov}/{len(rs)} ({fmt_pct(cov / len(rs))})" if rs else "-",
                   f"{bad}/{len(ok)}", fmt_s(median([f["wall"] for f in ok]))]
            if have_spread:
                row.append(fmt_num(median([f.get("trial_spread") for f in ok])))
            out_rows.append(row)
    text = table(header, out_rows, align)
    if failures:
        text += "\n\n" + "\n".join(f"- failed: {f['config']} {f['weeks']}x{f['channels']} seed {f['seed']} "
                                    f"(exit {f.get('rc', '-')}): {f.get('error')}" for f in failures)
    return text, rows


def summarize_third_party(fits):
    detail, summary, rows = [], [], []
    by_ds = {d["name"]: d for d in THIRD_PARTY}
    cfg_order = []
    for f in fits:
        if f["config"] not in cfg_order:
            cfg_order.append(f["config"])
    keys = sorted({(f["config"], f["seed"]) for f in fits}, key=lambda k: (cfg_order.index(k[0]), k[1]))
    failures = []
    for cfg, seed in keys:
        errs, cov, n, walls, nfits, nok = [], 0, 0, [], 0, 0
        for ds in THIRD_PARTY:
            f = next((f for f in fits if f["config"] == cfg and f["seed"] == seed and f["dataset"] == ds["name"]), None)
            if f is None:
                continue
            nfits += 1
            if f["status"] != "ok":
                failures.append(f)
                continue
            nok += 1
            walls.append(f["wall"])
            for ch in ds["channels"]:
                true = ds["truth"][ch]
                r = f["results"].get(ch, {"roi": float("nan"), "lo": float("nan"), "hi": float("nan")})
                err = abs(r["roi"] - true) / true
                covered = r["lo"] <= true <= r["hi"]
                scored = ch in ds["scored"]
                if scored:
                    errs.append(err)
                    cov += covered
                    n += 1
                a = ds["anchor"].get(ch)
                anchor = "-" if a is None else fmt_num(a[0]) + (
                    f" [{fmt_num(a[1])}, {fmt_num(a[2])}]" if a[1] is not None else "")
                detail.append([cfg, seed, ds["name"], ch + ("" if scored else " (not scored)"), fmt_num(true),
                               fmt_num(r["roi"]), f"[{fmt_num(r['lo'])}, {fmt_num(r['hi'])}]", fmt_pct(err),
                               "yes" if covered else "no", fmt_s(f["wall"]), anchor])
                rows.append({"config": cfg, "seed": seed, "dataset": ds["name"], "channel": ch, "true_roi": true,
                             "roi": r["roi"], "lo": r["lo"], "hi": r["hi"], "rel_err": err, "covered": covered,
                             "scored": scored, "wall": f["wall"], "anchor": a[0] if a else None})
        summary.append([cfg, seed, f"{nok}/{nfits}", f"{cov}/{n}" if n else "-", fmt_pct(median(errs)),
                        fmt_s(median(walls))])
    # The comparison row: PyMC-Marketing's published estimates against the same truths.
    anchor_errs = [abs(ds["anchor"][ch][0] - ds["truth"][ch]) / ds["truth"][ch]
                   for ds in THIRD_PARTY for ch in ds["scored"]]
    summary.append([ANCHOR_NAME, "-", "-", f"{ANCHOR_COVERAGE[0]}/{ANCHOR_COVERAGE[1]}",
                    f"{fmt_pct(ANCHOR_MEDIAN_ERR)} (recomputed {fmt_pct(median(anchor_errs))})", "-"])
    text = table(["config", "seed", "dataset", "channel", "true ROI", "estimate", "90% CI", "rel err",
                  "covered", "wall", "PyMC-Marketing"], detail, ["l", "r", "l", "l"] + ["r"] * 7)
    text += ("\n\nScored: mmm_example x1, x2; param_recovery x1..x4; roas_data x2 (7 channels; coverage "
             "and median over the fits that ran).\n\n")
    text += table(["config", "seed", "fits ok", "coverage", "median rel err", "median wall"], summary,
                  ["l", "r", "r", "r", "r", "r"])
    if failures:
        text += "\n\n" + "\n".join(f"- failed: {f['config']} {f['dataset']} seed {f['seed']} "
                                    f"(exit {f.get('rc', '-')}): {f.get('error')}" for f in failures)
    return text, rows


# --------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mmm", default="build/mmm", help="the mmm binary (default build/mmm)")
    ap.add_argument("--config", action="append", type=parse_config, default=[], metavar="NAME='ARGS'",
                    help="a named set of extra `mmm fit` arguments (shell-quoted), e.g. default='' or "
                         "big='--budget 5000 --bootstrap 200'; repeatable (default: default='')")
    ap.add_argument("--seeds", type=parse_seeds, default=parse_seeds("1-5"),
                    help="seeds for simulate and fit: 1-5, 1,3,8 or 1-3,7 (default 1-5)")
    ap.add_argument("--shapes", type=parse_shapes, default=parse_shapes("156x8,104x20,260x12"),
                    help="simulated shapes WEEKSxCHANNELS, comma separated (default 156x8,104x20,260x12); "
                         "'' skips the simulated section")
    ap.add_argument("--simulate-args", default="",
                    help="extra `mmm simulate` arguments for every data set, e.g. '--noise 0.1'")
    ap.add_argument("--floor-args", default="--ridge-lambda 1",
                    help="extra `mmm fit` arguments of the floor fit (at the true theta, alpha, gamma; "
                         "search flags do not apply there and --nested-budget is refused with "
                         "--hyperparameters, so the configs' arguments are not reused). Default "
                         "'--ridge-lambda 1': the default estimator's lambda, so the floor is the same "
                         "fit at the true transforms (without it the truth file's lambda, 10, applies; "
                         "before 2026-12-03 that was the floor)")
    ap.add_argument("--no-floor", action="store_true", help="skip the floor fits")
    ap.add_argument("--third-party", metavar="DIR",
                    help="folder with pymc-marketing/ and mmm-param-recovery/ (e.g. ../shared/data); "
                         "omitted: the third-party section is skipped")
    ap.add_argument("--third-party-seeds", type=parse_seeds,
                    help="fit seeds of the third-party section (default: the first of --seeds)")
    ap.add_argument("--out", metavar="FILE.json", help="write the per-channel rows and per-fit records here")
    ap.add_argument("--jobs", type=int, default=1, help="fits run in parallel (default 1)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a fit counts as failed (3600)")
    ap.add_argument("--workdir", help="keep data and fit folders here (default: a temporary folder, removed)")
    args = ap.parse_args()

    if not (os.path.isfile(args.mmm) and os.access(args.mmm, os.X_OK)):
        sys.exit(f"mmm binary not found at {args.mmm}; build it first (tools/build.sh)")
    mmm = os.path.abspath(args.mmm)
    configs = args.config or [("default", [])]
    if len({n for n, _ in configs}) != len(configs):
        sys.exit("--config names must differ")
    work = args.workdir or tempfile.mkdtemp(prefix="mmm_recovery_")
    os.makedirs(work, exist_ok=True)
    sim_extra = shlex.split(args.simulate_args)
    floor_extra = shlex.split(args.floor_args)
    tp_seeds = args.third_party_seeds or args.seeds[:1]

    try:
        # 1. simulate every (shape, seed); quick, run in the same pool.
        truths, jobs = {}, []
        sim_specs = [(w, c, s) for w, c in args.shapes for s in args.seeds]
        def sim_one(key):
            w, c, s = key
            d = os.path.join(work, f"sim_{w}x{c}_s{s}")
            os.makedirs(d, exist_ok=True)
            return key, simulate(mmm, w, c, s, os.path.join(d, "data.csv"), sim_extra)

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            sims = list(pool.map(sim_one, sim_specs))
        for (w, c, s), (truth, err) in sims:
            if truth is None:
                print(f"failed: simulate {w}x{c} seed {s}: {err}", file=sys.stderr)
                continue
            truths[(w, c, s)] = truth
            d = os.path.join(work, f"sim_{w}x{c}_s{s}")
            data = os.path.join(d, "data.csv")
            base = ["--date-col", truth.get("date_column", "date"), "--kpi-col", truth.get("kpi_column", "revenue"),
                    "--channels", ",".join(truth["channels"])]
            if truth.get("controls"):
                base += ["--controls", ",".join(truth["controls"])]
            common = {"section": "simulated", "weeks": w, "channels": c, "seed": s, "data": data, "base": base}
            if not args.no_floor:
                jobs.append(dict(common, config="floor", out=os.path.join(d, "floor"),
                                 extra=["--hyperparameters", os.path.join(d, "data.truth.json")] + floor_extra))
            for name, extra in configs:
                jobs.append(dict(common, config=name, out=os.path.join(d, f"fit_{name}"), extra=extra))
        if args.third_party:
            jobs += third_party_jobs(args.third_party, configs, tp_seeds, work)

        # 2. every fit.
        done = [0]

        def one(job):
            rec = run_fit(mmm, job["data"], job["out"], job["seed"], job["base"], job["extra"], args.timeout)
            rec.update({k: v for k, v in job.items() if k not in ("base", "extra", "out")})
            done[0] += 1
            where = (f"{job['weeks']}x{job['channels']}" if job["section"] == "simulated" else job["dataset"])
            print(f"[{done[0]}/{len(jobs)}] {job['config']} {where} seed {job['seed']}: {rec['status']} "
                  f"{rec['wall']:.2f} s" + (f" ({rec['error']})" if rec["status"] != "ok" else ""),
                  file=sys.stderr, flush=True)
            return rec

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            fits = list(pool.map(one, jobs))

        # 3. tables.
        report = {"args": {k: v for k, v in vars(args).items() if k != "config"},
                  "configs": {n: e for n, e in configs}, "fits": [], "simulated": [], "third_party": []}
        sim_fits = [f for f in fits if f["section"] == "simulated"]
        tp_fits = [f for f in fits if f["section"] == "third_party"]
        if args.shapes:
            names = ", ".join(f"{n} = `{' '.join(e) or '(none)'}`" for n, e in configs)
            print(f"## Recovery on simulated data (`mmm simulate{(' ' + args.simulate_args) if sim_extra else ''}`)\n")
            print(f"Configs: {names}; floor = `--hyperparameters data.truth.json"
                  f"{(' ' + args.floor_args) if floor_extra else ''}`. Median relative ROI error "
                  "over seeds x channels; wtd err = median over seeds of sum |ROI - true| x spend / "
                  "sum true contribution; coverage of the true ROI by [ROI_CI_LOWER, ROI_CI_UPPER]; "
                  "bad = mean BASELINE < 0 or media contribution > KPI.\n")
            text, rows = summarize_simulated(sim_fits, truths, configs, args.shapes, args.seeds)
            print(text + "\n")
            report["simulated"] = rows
        if tp_fits:
            print("## Third-party truths\n")
            text, rows = summarize_third_party(tp_fits)
            print(text + "\n")
            report["third_party"] = rows
        if args.out:
            for f in fits:
                report["fits"].append({k: v for k, v in f.items() if k not in ("data",)})
            with open(args.out, "w") as fh:
                json.dump(report, fh, indent=1, default=str)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

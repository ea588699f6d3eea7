#!/usr/bin/env python3
"""Side-by-side benchmark: `mmm fit` against the sklearn + nevergrad reference (SPEC §13).

Tooling only. For each of --seeds seeds, runs on the same data and budget

    <mmm> fit --data D --out <tmp>/mmm_seed<S> --budget N --bootstrap 0 --seed S --json --quiet
          [column flags] [--mmm-arg ...]
    python3 bench/reference_pipeline.py --data D --budget N --seed S [column flags]

and prints a table per seed (loss of each, evaluations per second of each), the medians and
the ratio of the median evaluation rates (mmm / reference). mmm's rate uses search_seconds
from its --json line (falling back to seconds); the reference's rate is over its optimization
loop only (see reference_pipeline.py), so neither side counts loading or start-up.

Without --data (or with --simulate) it first generates data with
    <mmm> simulate --weeks 156 --channels 8 --seed 1 --out <tmp>/sim.csv
(columns date, ch_1..ch_8, revenue; both sides auto-detect them).

Column flags (--date-col, --kpi-col, --channels, --controls, --lambda) go to both sides, and to
mmm only when given, under the names in MMM_FLAGS below (adjust there if the CLI differs).
A machine-readable summary is written with --json-out FILE.

Exit status: 0 all runs succeeded, 1 a run failed, 2 bad usage / mmm binary missing.

Example:
  python3 bench/compare_reference.py --mmm build/mmm \
      --data ../shared/data/robyn/dt_simulated_weekly.csv --kpi-col revenue \
      --channels tv_S,ooh_S,print_S,facebook_S,search_S --controls competitor_sales_B \
      --budget 500 --seeds 5 --json-out bench/compare_robyn.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE_SCRIPT = os.path.join(HERE, "reference_pipeline.py")

# How each shared option is spelled on the mmm command line.
MMM_FLAGS = {
    "date_col": "--date-col",
    "kpi_col": "--kpi-col",
    "channels": "--channels",
    "controls": "--controls",
    "lam": "--ridge-lambda",
}
# Options forwarded to reference_pipeline.py (its own spelling).
REFERENCE_FLAGS = {
    "date_col": "--date-col",
    "kpi_col": "--kpi-col",
    "channels": "--channels",
    "controls": "--controls",
    "lam": "--ridge-lambda",
}


class RunError(RuntimeError):
    """A child process failed or printed no usable JSON."""


# ----------------------------------------------------------------------------- helpers

def resolve_binary(path: str) -> str | None:
    """Absolute path of an executable mmm binary, or None."""
    if os.sep not in path and not os.path.exists(path):
        found = shutil.which(path)
        return os.path.abspath(found) if found else None
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return os.path.abspath(path)
    return None


def shared_flags(args: argparse.Namespace, spelling: dict) -> list[str]:
    """Flags for the options the user gave, in the given spelling."""
    out: list[str] = []
    for key, flag in spelling.items():
        value = getattr(args, key)
        if value is not None:
            out += [flag, repr(value) if isinstance(value, float) else str(value)]
    return out


def run_json(cmd: list[str], timeout: float, what: str) -> dict:
    """Run cmd; return the last stdout line that parses as a JSON object."""
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RunError(f"{what} timed out after {timeout:g} s: {' '.join(cmd)}") from None
    except OSError as exc:
        raise RunError(f"{what} could not start: {exc}") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise RunError(f"{what} exited with {proc.returncode}: {' '.join(cmd)}\n{tail}")
    for line in reversed(proc.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                return obj
    raise RunError(f"{what} printed no JSON line: {' '.join(cmd)}\n"
                   f"stdout tail: {proc.stdout.strip()[-1000:]}")


def rate(result: dict, seconds_keys: tuple[str, ...]) -> float | None:
    """evaluations / first positive seconds value found under seconds_keys."""
    evals = result.get("evaluations")
    for key in seconds_keys:
        secs = result.get(key)
        if isinstance(secs, (int, float)) and secs > 0 and isinstance(evals, (int, float)):
            return evals / secs
    return None


def median(values: list) -> float | None:
    vals = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(vals) if vals else None


def fmt(value, spec: str = ".6g") -> str:
    return "-" if value is None else format(value, spec)


# ----------------------------------------------------------------------------- runs

def simulate(mmm: str, args: argparse.Namespace, workdir: str) -> str:
    """Generate a CSV with `mmm simulate`; return its path."""
    path = os.path.join(workdir, "sim.csv")
    cmd = [mmm, "simulate", "--weeks", str(args.sim_weeks), "--channels", str(args.sim_channels),
           "--seed", str(args.sim_seed), "--out", path]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=args.timeout)
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise RunError(f"mmm simulate failed: {exc}") from None
    if proc.returncode != 0 or not os.path.isfile(path):
        raise RunError(f"mmm simulate failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                       f"{(proc.stderr or proc.stdout).strip()[-2000:]}")
    return path


def run_mmm(mmm: str, data: str, seed: int, args: argparse.Namespace, workdir: str) -> dict:
    out_dir = os.path.join(workdir, f"mmm_seed{seed}")
    # --reference: the reference pipeline's objective and γ box, what the notebook computes.
    cmd = [mmm, "fit", "--reference", "--data", data, "--out", out_dir, "--budget",
           str(args.budget), "--bootstrap", "0", "--seed", str(seed), "--json", "--quiet"]
    cmd += shared_flags(args, MMM_FLAGS) + list(args.mmm_arg or [])
    result = run_json(cmd, args.timeout, "mmm fit")
    if not isinstance(result.get("loss"), (int, float)):
        raise RunError(f"mmm fit JSON has no numeric 'loss': {result}")
    result["evals_per_second"] = rate(result, ("search_seconds", "seconds"))
    result["command"] = cmd
    return result


def run_reference(data: str, seed: int, args: argparse.Namespace) -> dict:
    cmd = [args.python, REFERENCE_SCRIPT, "--data", data, "--budget", str(args.budget),
           "--seed", str(seed)] + shared_flags(args, REFERENCE_FLAGS)
    result = run_json(cmd, args.timeout, "reference pipeline")
    result["evals_per_second"] = rate(result, ("seconds",))
    result["command"] = cmd
    return result


def print_table(rows: list[dict], summary: dict) -> None:
    head = (f"{'seed':>6} {'loss mmm':>16} {'loss reference':>16} "
            f"{'mmm evals/s':>14} {'ref evals/s':>12} {'mmm evals':>10} {'ref evals':>10}")
    print(head)
    print("-" * len(head))
    for r in rows:
        m, ref = r.get("mmm") or {}, r.get("reference") or {}
        print(f"{r['seed']:>6} {fmt(m.get('loss'), '.10g'):>16} {fmt(ref.get('loss'), '.10g'):>16} "
              f"{fmt(m.get('evals_per_second'), '.1f'):>14} "
              f"{fmt(ref.get('evals_per_second'), '.1f'):>12} "
              f"{fmt(m.get('evaluations'), 'd'):>10} {fmt(ref.get('evaluations'), 'd'):>10}")
        for side in ("mmm", "reference"):
            if r.get(f"{side}_error"):
                print(f"{'':>6} {side} failed: {r[f'{side}_error'].splitlines()[0]}")
    print("-" * len(head))
    med = summary["median"]
    print(f"{'median':>6} {fmt(med['loss_mmm'], '.10g'):>16} "
          f"{fmt(med['loss_reference'], '.10g'):>16} {fmt(med['evals_per_second_mmm'], '.1f'):>14} "
          f"{fmt(med['evals_per_second_reference'], '.1f'):>12}")
    ratio = summary["ratio_evals_per_second"]
    print(f"evaluation rate ratio mmm / reference (medians): {fmt(ratio, '.1f')}x"
          + (f"   (mmm backend: {summary['mmm_backend']})" if summary.get("mmm_backend") else ""))


def machine_info() -> dict:
    info = {"platform": platform.platform(), "processor": platform.processor(),
            "cpu_count": os.cpu_count(), "python": platform.python_version()}
    for mod in ("numpy", "sklearn", "nevergrad"):
        try:
            info[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - versions are informative only
            info[mod] = None
    return info


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Run mmm fit and the sklearn+nevergrad reference side by side.")
    p.add_argument("--mmm", default=os.path.join("build", "mmm"),
                   help="mmm binary (default: %(default)s)")
    p.add_argument("--data", help="wide CSV; without it, data is simulated with mmm simulate")
    p.add_argument("--simulate", action="store_true",
                   help="simulate data with mmm simulate (implied without --data)")
    p.add_argument("--sim-weeks", type=int, default=156)
    p.add_argument("--sim-channels", type=int, default=8)
    p.add_argument("--sim-seed", type=int, default=1)
    p.add_argument("--date-col")
    p.add_argument("--kpi-col")
    p.add_argument("--channels", help="comma-separated spend columns")
    p.add_argument("--controls", help="comma-separated user control columns")
    p.add_argument("--lambda", dest="lam", type=float, default=None,
                   help="ridge penalty for both sides (default: each side's default, 10)")
    p.add_argument("--budget", type=int, default=1000, help="evaluations (default: %(default)s)")
    p.add_argument("--seeds", type=int, default=5, help="number of seeds (default: %(default)s)")
    p.add_argument("--seed-start", type=int, default=0, help="first seed (default: %(default)s)")
    p.add_argument("--mmm-arg", action="append", metavar="ARG",
                   help="extra argument for mmm fit (repeatable), e.g. --mmm-arg=--backend "
                        "--mmm-arg=cuda")
    p.add_argument("--python", default=sys.executable, help="Python for the reference side")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    p.add_argument("--json-out", help="write a machine-readable summary here")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder")
    args = p.parse_args(argv)
    if args.budget < 1 or args.seeds < 1:
        p.error("--budget and --seeds must be >= 1")
    if args.data and args.simulate:
        p.error("give either --data or --simulate, not both")
    if args.data and not os.path.isfile(args.data):
        p.error(f"data file not found: {args.data}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mmm = resolve_binary(args.mmm)
    if mmm is None:
        print(f"error: mmm binary not found or not executable: {args.mmm}\n"
              f"       build it first (e.g. cmake -S . -B build && cmake --build build) "
              f"or pass --mmm PATH", file=sys.stderr)
        return 2

    workdir = tempfile.mkdtemp(prefix="mmm_compare_")
    try:
        try:
            data = os.path.abspath(args.data) if args.data else simulate(mmm, args, workdir)
        except RunError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"data: {data}   budget: {args.budget}   seeds: "
              f"{args.seed_start}..{args.seed_start + args.seeds - 1}   mmm: {mmm}", flush=True)

        rows: list[dict] = []
        started = time.time()
        for seed in range(args.seed_start, args.seed_start + args.seeds):
            row: dict = {"seed": seed}
            for side, fn in (("mmm", lambda: run_mmm(mmm, data, seed, args, workdir)),
                             ("reference", lambda: run_reference(data, seed, args))):
                try:
                    row[side] = fn()
                except RunError as exc:
                    row[side] = None
                    row[f"{side}_error"] = str(exc)
                    print(f"seed {seed}: {exc}", file=sys.stderr)
            rows.append(row)

        ok_mmm = [r["mmm"] for r in rows if r.get("mmm")]
        ok_ref = [r["reference"] for r in rows if r.get("reference")]
        med_mmm_rate = median([r.get("evals_per_second") for r in ok_mmm])
        med_ref_rate = median([r.get("evals_per_second") for r in ok_ref])
        summary = {
            "data": data,
            "simulated": not args.data,
            "budget": args.budget,
            "seeds": [r["seed"] for r in rows],
            "mmm_binary": mmm,
            "mmm_backend": next((r.get("backend") for r in ok_mmm if r.get("backend")), None),
            "median": {
                "loss_mmm": median([r.get("loss") for r in ok_mmm]),
                "loss_reference": median([r.get("loss") for r in ok_ref]),
                "evals_per_second_mmm": med_mmm_rate,
                "evals_per_second_reference": med_ref_rate,
            },
            "ratio_evals_per_second": (med_mmm_rate / med_ref_rate
                                       if med_mmm_rate and med_ref_rate else None),
            "machine": machine_info(),
            "wall_seconds": time.time() - started,
            "runs": rows,
        }
        print_table(rows, summary)
        if args.json_out:
            with open(args.json_out, "w", encoding="utf-8") as f:
                json.dump(summary, f, indent=1)
                f.write("\n")
            print(f"summary written to {args.json_out}")
        failed = any(r.get("mmm_error") or r.get("reference_error") for r in rows)
        return 1 if failed else 0
    finally:
        if args.keep_tmp:
            print(f"temporary files kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

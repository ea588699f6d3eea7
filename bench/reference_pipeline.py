#!/usr/bin/env python3
"""The "sklearn + nevergrad notebook" reference pipeline the project compares itself with.

Tooling only (SPEC §13): what a data scientist would write in a notebook. For every candidate
the optimizer asks for, the spend is transformed (geometric adstock, Hill), a scikit-learn
Pipeline(StandardScaler, Ridge) is fitted on the full design and scored with r2_score; one fit
per candidate, no batching, no Gram-matrix tricks. The search is nevergrad's TwoPointsDE on
ng.p.Array(shape=(3C,)).set_bounds(-5, 5).

Objective (SPEC §4/§5), identical to the engine's default:
  u ∈ [-5, 5]^{3C}, per channel c: u[3c] → theta, u[3c+1] → alpha, u[3c+2] → gamma,
  s = 1 / (1 + e^-u), theta = 0.95 s, alpha = 0.5 + 2.5 s, gamma = s · max_t x_c[t];
  adstock a[0] = x[0], a[t] = x[t] + theta a[t-1]; Hill h = a^alpha / (a^alpha + gamma^alpha);
  X = [h_1..h_C, TREND, SIN_1, COS_1, SIN_2, COS_2, SIN_3, COS_3, Q1_FLAG, Q3_FLAG, controls];
  loss = (1 - R²) + 10 · Σ_media min(ridge.coef_[c], 0)².

Prints one JSON line on stdout:
  {"tool": "sklearn+nevergrad", "loss": best, "evaluations": N, "seconds": wall,
   "evals_per_second": N / wall, "best": {channel: {"theta", "alpha", "gamma"}}, ...}
"seconds" is the wall time of the optimization loop (ask, objective, tell), not of loading
the CSV or importing libraries, comparable to the engine's search_seconds.

Column auto-detection (like the engine): date is the first column named date / week_start /
week (case-insensitive), the KPI the first named revenue / kpi / sales / y, channels are all
other numeric columns (minus --controls).

Example:
  python3 bench/reference_pipeline.py --data ../shared/data/robyn/dt_simulated_weekly.csv \
      --kpi-col revenue --channels tv_S,ooh_S,print_S,facebook_S,search_S \
      --controls competitor_sales_B --budget 500 --seed 0
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings

import numpy as np
import pandas as pd

DATE_NAMES = ("date", "week_start", "week")
KPI_NAMES = ("revenue", "kpi", "sales", "y")
NEGATIVE_COEF_PENALTY = 10.0


# ----------------------------------------------------------------------------- data

def split_names(text: str | None) -> list[str]:
    """'a,b , c' -> ['a', 'b', 'c']; None or '' -> []."""
    return [s.strip() for s in text.split(",") if s.strip()] if text else []


def pick_column(columns: list[str], wanted: tuple[str, ...], what: str) -> str:
    """First column whose lower-cased name is in `wanted` (in the order of `wanted`)."""
    lower = {c.lower(): c for c in reversed(columns)}
    for name in wanted:
        if name in lower:
            return lower[name]
    raise SystemExit(f"error: no {what} column found (looked for {', '.join(wanted)}); "
                     f"name it with --{what}-col")


def load_wide_csv(path: str, date_col: str | None, kpi_col: str | None,
                  channels: list[str], controls: list[str]) -> dict:
    """Read the CSV and resolve columns; returns dates, spend (T×C), controls (T×K), y."""
    df = pd.read_csv(path)
    cols = list(df.columns)
    date_col = date_col or pick_column(cols, DATE_NAMES, "date")
    kpi_col = kpi_col or pick_column(cols, KPI_NAMES, "kpi")
    for name in [date_col, kpi_col, *channels, *controls]:
        if name not in df.columns:
            raise SystemExit(f"error: column '{name}' not in {path}")
    if not channels:
        taken = {date_col, kpi_col, *controls}
        channels = [c for c in cols if c not in taken and pd.api.types.is_numeric_dtype(df[c])]
        if not channels:
            raise SystemExit(f"error: no numeric spend columns found in {path}")
    dates = pd.to_datetime(df[date_col])
    return {
        "date_col": date_col, "kpi_col": kpi_col, "channels": channels, "controls": controls,
        "dates": dates,
        "spend": df[channels].fillna(0.0).to_numpy(dtype=np.float64),
        "user_controls": df[controls].to_numpy(dtype=np.float64),
        "y": df[kpi_col].to_numpy(dtype=np.float64),
    }


def default_controls(dates: pd.Series) -> np.ndarray:
    """TREND, SIN_1, COS_1, SIN_2, COS_2, SIN_3, COS_3, Q1_FLAG, Q3_FLAG."""
    trend = (dates - dates.iloc[0]).dt.days.to_numpy(dtype=np.float64) / 365.25
    week = dates.dt.isocalendar().week.to_numpy(dtype=np.float64)
    month = dates.dt.month.to_numpy()
    cols = [trend]
    for k in (1, 2, 3):
        cols += [np.sin(2 * math.pi * k * week / 52), np.cos(2 * math.pi * k * week / 52)]
    cols += [((month >= 1) & (month <= 3)).astype(float), ((month >= 7) & (month <= 9)).astype(float)]
    return np.column_stack(cols)


# ----------------------------------------------------------------------------- model

def geometric_adstock(x: np.ndarray, theta: float) -> np.ndarray:
    """a[0] = x[0]; a[t] = x[t] + theta * a[t-1] (a plain loop, as in a notebook)."""
    a = np.empty_like(x)
    carry = 0.0
    for t in range(len(x)):
        carry = x[t] + theta * carry
        a[t] = carry
    return a


def hill(a: np.ndarray, alpha: float, gamma: float) -> np.ndarray:
    """a^alpha / (a^alpha + gamma^alpha); 0 where a = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        aa = np.power(a, alpha)
        h = aa / (aa + gamma ** alpha)
    return np.where(a > 0, h, 0.0)


def decode(u: np.ndarray, max_spend: np.ndarray) -> list[dict]:
    """Search vector u (3C) -> per-channel {theta, alpha, gamma}."""
    s = 1.0 / (1.0 + np.exp(-np.asarray(u, dtype=np.float64)))
    return [{"theta": 0.95 * s[3 * c], "alpha": 0.5 + 2.5 * s[3 * c + 1],
             "gamma": s[3 * c + 2] * max_spend[c]} for c in range(len(max_spend))]


def make_objective(data: dict, lam: float):
    """The notebook objective: transform spend, fit StandardScaler+Ridge, score."""
    from sklearn.linear_model import Ridge
    from sklearn.metrics import r2_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    spend, y = data["spend"], data["y"]
    controls = np.column_stack([default_controls(data["dates"]), data["user_controls"]])
    max_spend = spend.max(axis=0)
    n_media = spend.shape[1]

    def objective(u: np.ndarray) -> float:
        hp = decode(u, max_spend)
        media = [hill(geometric_adstock(spend[:, c], p["theta"]), p["alpha"], p["gamma"])
                 for c, p in enumerate(hp)]
        X = np.column_stack(media + [controls])
        model = make_pipeline(StandardScaler(), Ridge(alpha=lam))
        model.fit(X, y)
        r2 = r2_score(y, model.predict(X))
        coef = model[-1].coef_[:n_media]
        return float((1.0 - r2) + NEGATIVE_COEF_PENALTY * np.sum(np.minimum(coef, 0.0) ** 2))

    return objective, max_spend


# ----------------------------------------------------------------------------- search

def run_search(data: dict, budget: int, seed: int, lam: float) -> dict:
    """TwoPointsDE over u ∈ [-5,5]^{3C}; one objective call per candidate."""
    import nevergrad as ng

    objective, max_spend = make_objective(data, lam)
    dim = 3 * len(data["channels"])
    param = ng.p.Array(shape=(dim,)).set_bounds(-5.0, 5.0)
    param.random_state = np.random.RandomState(seed)
    optimizer = ng.optimizers.TwoPointsDE(parametrization=param, budget=budget, num_workers=1)

    best_loss, best_u = math.inf, None
    objective_seconds = 0.0
    start = time.perf_counter()
    for _ in range(budget):
        cand = optimizer.ask()
        t0 = time.perf_counter()
        loss = objective(cand.value)
        objective_seconds += time.perf_counter() - t0
        optimizer.tell(cand, loss)
        if loss < best_loss:
            best_loss, best_u = loss, np.array(cand.value, dtype=np.float64)
    wall = time.perf_counter() - start

    best = decode(best_u, max_spend)
    return {
        "tool": "sklearn+nevergrad",
        "loss": best_loss,
        "evaluations": budget,
        "seconds": wall,
        "evals_per_second": budget / wall if wall > 0 else None,
        "objective_seconds": objective_seconds,
        "best": {ch: {k: float(v) for k, v in p.items()}
                 for ch, p in zip(data["channels"], best)},
        "seed": seed,
        "ridge_lambda": lam,
        "rows": int(len(data["y"])),
        "channels": data["channels"],
        "controls": data["controls"],
        "date_col": data["date_col"],
        "kpi_col": data["kpi_col"],
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="sklearn + nevergrad reference MMM search "
                                            "(prints one JSON line)")
    p.add_argument("--data", required=True, help="wide CSV file")
    p.add_argument("--date-col", help="date column (default: auto-detect)")
    p.add_argument("--kpi-col", help="KPI column (default: auto-detect)")
    p.add_argument("--channels", help="comma-separated spend columns "
                                      "(default: all other numeric columns)")
    p.add_argument("--controls", help="comma-separated user control columns (default: none)")
    p.add_argument("--budget", type=int, default=1000, help="evaluations (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    p.add_argument("--lambda", dest="lam", type=float, default=10.0,
                   help="ridge penalty (default: %(default)s)")
    args = p.parse_args(argv)
    if args.budget < 1:
        p.error("--budget must be >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    warnings.filterwarnings("ignore")   # keep stdout/stderr clean for the one JSON line
    data = load_wide_csv(args.data, args.date_col, args.kpi_col,
                         split_names(args.channels), split_names(args.controls))
    result = run_search(data, args.budget, args.seed, args.lam)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

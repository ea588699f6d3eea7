#!/usr/bin/env python3
"""Reference numbers for the default ridge model at fixed hyperparameters (SPEC §4).

Tooling only: the engine never runs Python. This script computes, with scikit-learn's
StandardScaler + Ridge, the numbers the C++ engine must reproduce (~1e-9 relative) for a few
fixed hyperparameter sets on the bundled public data sets, and writes them to
tests/reference/sklearn_parity.json (committed, so the C++ tests need no Python).

Model, exactly as the engine implements it:
  * geometric adstock   a[0] = x[0]; a[t] = x[t] + theta * a[t-1]
  * Hill saturation     h = a^alpha / (a^alpha + gamma^alpha)   (h = 0 where a = 0)
  * default controls    TREND, SIN_1, COS_1, SIN_2, COS_2, SIN_3, COS_3, Q1_FLAG, Q3_FLAG,
                        then the user controls in the given order
  * design              X = [h_1..h_C, default controls, user controls]
  * fit                 StandardScaler() then Ridge(alpha=lambda), with intercept
  * loss                (1 - R^2) + 10 * sum_c min(ridge.coef_[c], 0)^2 over media entries

Hyperparameters are drawn deterministically (numpy default_rng with a fixed seed per case):
theta ~ U[0.1, 0.8], alpha ~ U[0.7, 2.8], gamma = frac * max spend with frac ~ U[0.1, 0.9].

As an independent check, every fit is repeated with a plain numpy closed-form ridge solve on the
standardized design; the largest relative difference to sklearn is printed and recorded under
"crosscheck" in the JSON (a hint for the tolerance the C++ tests can use).

Usage (from the repository root):
    python3 tests/reference/sklearn_parity.py [--out tests/reference/sklearn_parity.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.preprocessing import StandardScaler

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join("tests", "reference", "sklearn_parity.json")
GENERATOR = "tests/reference/sklearn_parity.py"

DEFAULT_CONTROLS = ["TREND", "SIN_1", "COS_1", "SIN_2", "COS_2", "SIN_3", "COS_3",
                    "Q1_FLAG", "Q3_FLAG"]
NEGATIVE_COEF_PENALTY = 10.0

# Data sets (paths relative to the repository root) and the hyperparameter draws per data set.
DATASETS = [
    {
        "name": "robyn",
        "data": "tests/data/dt_simulated_weekly.csv",
        "date_col": "DATE",
        "kpi_col": "revenue",
        "channels": ["tv_S", "ooh_S", "print_S", "facebook_S", "search_S"],
        "controls": ["competitor_sales_B"],
        "seed": 1001,
        "lambdas": [10.0, 10.0, 1.0],   # two sets with lambda = 10, one extra with lambda = 1
    },
    {
        "name": "pymc_example",
        "data": "tests/data/mmm_example.csv",
        "date_col": "date_week",
        "kpi_col": "y",
        "channels": ["x1", "x2"],
        "controls": ["event_1", "event_2"],
        "seed": 2002,
        "lambdas": [10.0, 10.0],
    },
    {
        "name": "meridian_national",
        "data": "tests/data/national_all_channels.csv",
        "date_col": "time",
        "kpi_col": "conversions",
        "channels": [f"Channel{i}_spend" for i in range(5)],
        "controls": ["competitor_sales_control", "sentiment_score_control", "Promo"],
        "seed": 3003,
        "lambdas": [10.0, 10.0],
    },
]


# ----------------------------------------------------------------------------- data

def load_case_data(path: str, date_col: str, kpi_col: str, channels: list[str],
                   controls: list[str]) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Read a wide CSV; return (dates, spend T×C, user controls T×K, y T).

    Cells are read as text and converted with Python's float(), which rounds correctly like
    strtod / from_chars in the engine (no reliance on pandas' own float parser).
    Dates are checked (strictly increasing, 7 days apart) but never "fixed".
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    dates = pd.to_datetime(df[date_col], format="%Y-%m-%d")
    steps = dates.diff().dt.days.iloc[1:]
    if not (steps == 7).all():
        bad = steps[steps != 7]
        raise SystemExit(f"{path}: dates are not weekly-regular at rows {list(bad.index)} "
                         f"(steps {list(bad.values)}); report this, do not fix the data")

    def numbers(cols: list[str]) -> np.ndarray:
        out = np.empty((len(df), len(cols)), dtype=np.float64)
        for j, col in enumerate(cols):
            out[:, j] = [float(v) for v in df[col]]
        return out

    spend = numbers(channels)
    user = numbers(controls)
    y = numbers([kpi_col])[:, 0]
    for name, arr in (("spend", spend), ("controls", user), ("kpi", y)):
        if not np.all(np.isfinite(arr)):
            raise SystemExit(f"{path}: non-finite values in {name}")
    return dates.reset_index(drop=True), spend, user, y


def default_controls(dates: pd.Series) -> np.ndarray:
    """TREND, SIN_1, COS_1, SIN_2, COS_2, SIN_3, COS_3, Q1_FLAG, Q3_FLAG (T×9)."""
    trend = (dates - dates.iloc[0]).dt.days.to_numpy(dtype=np.float64) / 365.25
    week = np.array([d.isocalendar().week for d in dates], dtype=np.float64)
    month = dates.dt.month.to_numpy()
    cols = [trend]
    for k in (1, 2, 3):
        cols.append(np.sin(2.0 * math.pi * k * week / 52.0))
        cols.append(np.cos(2.0 * math.pi * k * week / 52.0))
    cols.append(((month >= 1) & (month <= 3)).astype(np.float64))
    cols.append(((month >= 7) & (month <= 9)).astype(np.float64))
    return np.column_stack(cols)


# ----------------------------------------------------------------------------- model

def geometric_adstock(x: np.ndarray, theta: float) -> np.ndarray:
    """a[0] = x[0]; a[t] = x[t] + theta * a[t-1]."""
    a = np.empty_like(x)
    carry = 0.0
    for t in range(len(x)):
        carry = x[t] + theta * carry
        a[t] = carry
    return a


def hill(a: np.ndarray, alpha: float, gamma: float) -> np.ndarray:
    """h = a^alpha / (a^alpha + gamma^alpha), exactly 0 where a = 0."""
    h = np.zeros_like(a)
    pos = a > 0
    aa = a[pos] ** alpha
    h[pos] = aa / (aa + gamma ** alpha)
    return h


def build_design(spend: np.ndarray, controls: np.ndarray, hp: list[dict]) -> np.ndarray:
    """X = [h_1..h_C, controls] for per-channel hyperparameters hp[c] = {theta, alpha, gamma}."""
    media = [hill(geometric_adstock(spend[:, c], p["theta"]), p["alpha"], p["gamma"])
             for c, p in enumerate(hp)]
    return np.column_stack(media + [controls])


def fit_sklearn(X: np.ndarray, y: np.ndarray, lam: float, n_media: int) -> dict:
    """StandardScaler + Ridge(alpha=lam); everything the engine must reproduce."""
    scaler = StandardScaler()
    Xs = scaler.fit_transform(X)
    ridge = Ridge(alpha=lam)
    ridge.fit(Xs, y)
    pred = ridge.predict(Xs)
    r2 = r2_score(y, pred)
    coef = ridge.coef_ / scaler.scale_
    intercept = ridge.intercept_ - float(np.sum(coef * scaler.mean_))
    penalty = NEGATIVE_COEF_PENALTY * float(np.sum(np.minimum(ridge.coef_[:n_media], 0.0) ** 2))
    return {
        "coef": coef, "coef_scaled": ridge.coef_, "scaler_mean": scaler.mean_,
        "scaler_scale": scaler.scale_, "intercept": float(intercept), "r2": float(r2),
        "loss": float((1.0 - r2) + penalty),
    }


def fit_numpy(X: np.ndarray, y: np.ndarray, lam: float, n_media: int) -> dict:
    """Independent closed form: b = (Xsᵀ Xs + lam I)⁻¹ Xsᵀ (y − ȳ) on the standardized design."""
    mean = X.mean(axis=0)
    scale = X.std(axis=0)               # population std (ddof = 0)
    scale[scale == 0.0] = 1.0
    Xs = (X - mean) / scale
    yc = y - y.mean()
    b = np.linalg.solve(Xs.T @ Xs + lam * np.eye(X.shape[1]), Xs.T @ yc)
    resid = yc - Xs @ b
    r2 = 1.0 - float(resid @ resid) / float(yc @ yc)
    coef = b / scale
    penalty = NEGATIVE_COEF_PENALTY * float(np.sum(np.minimum(b[:n_media], 0.0) ** 2))
    return {"coef": coef, "coef_scaled": b, "intercept": float(y.mean() - coef @ mean),
            "r2": r2, "loss": (1.0 - r2) + penalty}


def max_rel_diff(a, b) -> float:
    a = np.atleast_1d(np.asarray(a, dtype=np.float64))
    b = np.atleast_1d(np.asarray(b, dtype=np.float64))
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


# ----------------------------------------------------------------------------- cases

def draw_hyperparameters(rng: np.random.Generator, channels: list[str],
                         spend: np.ndarray) -> dict:
    """theta ~ U[0.1,0.8], alpha ~ U[0.7,2.8], gamma = U[0.1,0.9] * max spend, per channel."""
    hp = {}
    for c, name in enumerate(channels):
        theta = float(rng.uniform(0.1, 0.8))
        alpha = float(rng.uniform(0.7, 2.8))
        frac = float(rng.uniform(0.1, 0.9))
        hp[name] = {"theta": theta, "alpha": alpha, "gamma": frac * float(spend[:, c].max())}
    return hp


def build_cases() -> tuple[list[dict], dict]:
    cases = []
    worst = {"coef": 0.0, "coef_scaled": 0.0, "intercept": 0.0, "r2": 0.0, "loss": 0.0}
    for ds in DATASETS:
        path = os.path.normpath(os.path.join(REPO_ROOT, ds["data"]))
        dates, spend, user, y = load_case_data(path, ds["date_col"], ds["kpi_col"],
                                               ds["channels"], ds["controls"])
        controls = np.column_stack([default_controls(dates), user])
        columns = ds["channels"] + DEFAULT_CONTROLS + ds["controls"]
        rng = np.random.default_rng(ds["seed"])
        for i, lam in enumerate(ds["lambdas"]):
            hp = draw_hyperparameters(rng, ds["channels"], spend)
            X = build_design(spend, controls, [hp[c] for c in ds["channels"]])
            n_media = len(ds["channels"])
            ref = fit_sklearn(X, y, lam, n_media)
            chk = fit_numpy(X, y, lam, n_media)
            for key in worst:
                worst[key] = max(worst[key], max_rel_diff(chk[key], ref[key]))
            cases.append({
                "name": f"{ds['name']}_{i}",
                "data": ds["data"],
                "date_col": ds["date_col"],
                "kpi_col": ds["kpi_col"],
                "channels": ds["channels"],
                "controls": ds["controls"],
                "ridge_lambda": float(lam),
                "hyperparameters": hp,
                "expected": {
                    "columns": columns,
                    "coef": [float(v) for v in ref["coef"]],
                    "coef_scaled": [float(v) for v in ref["coef_scaled"]],
                    "scaler_mean": [float(v) for v in ref["scaler_mean"]],
                    "scaler_scale": [float(v) for v in ref["scaler_scale"]],
                    "intercept": ref["intercept"],
                    "r2": ref["r2"],
                    "loss": ref["loss"],
                    "rows": int(len(y)),
                },
            })
            print(f"{cases[-1]['name']:<22} lambda={lam:<5g} rows={len(y):<4d} "
                  f"r2={ref['r2']:.12f} loss={ref['loss']:.12f} "
                  f"min(coef_scaled media)={min(ref['coef_scaled'][:n_media]):.6g}")
    return cases, worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, DEFAULT_OUT),
                        help="output JSON (default: %(default)s)")
    args = parser.parse_args(argv)

    cases, worst = build_cases()
    doc = {
        "generator": GENERATOR,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "crosscheck": {
            "method": "numpy closed-form ridge on the standardized design vs sklearn",
            "max_rel_diff": worst,
        },
        "cases": cases,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("crosscheck max relative difference numpy vs sklearn:",
          ", ".join(f"{k}={v:.2e}" for k, v in worst.items()))
    print(f"wrote {len(cases)} cases to {os.path.relpath(args.out, os.getcwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""mmm in a notebook: the engine of the ``mmm`` CLI as a Python module (docs/python.md).

    import mmm
    data = mmm.simulate(weeks=104, channels=3, seed=7)
    result = mmm.fit(data, date="date", kpi="revenue", channels=["tv", "search", "social"])
    result.model_results            # model_results.csv as a DataFrame
    result.optimize(total_budget=50_000)
    result.predict(plan)            # a DataFrame: date, one spend column per channel
    result.save("out/")             # the folder `mmm fit --out out/` writes
    mmm.load("out/").optimize(total_budget=60_000)

Every call runs the same library as the CLI (no subprocess); tables are the CLI's CSV files
read into DataFrames with the same column names. Bad input raises mmm.InputError (a
ValueError) with the CLI's message; long calls release the GIL and stop on Ctrl-C
(KeyboardInterrupt).
"""

import json
import os
import tempfile
import warnings

import pandas as pd

from . import _engine
from ._frames import read_table, table_arguments

__version__ = _engine.version
InputError = _engine.InputError

__all__ = ["InputError", "ModelWarning", "FitResult", "SweepResult", "fit", "sweep", "load",
           "simulate", "__version__"]


class ModelWarning(UserWarning):
    """A plausibility warning about a fitted model (the CLI's `warning:` lines)."""


def _columns(date, kpi, channels, controls):
    return {"date": date, "kpi": kpi, "channels": channels, "controls": controls}


class _Tables:
    """An output set: file name → CSV/JSON text, with the tables as DataFrames."""

    def __init__(self, files, notices=(), summary=None):
        self.files = dict(files)
        self.notices = list(notices)
        self.summary = summary or {}
        self._frames = {}

    def table(self, name):
        """The output file `name` (e.g. "segment_performance.csv") as a DataFrame."""
        if name not in self.files:
            raise KeyError(f"{name} is not among this run's files: {sorted(self.files)}")
        if name not in self._frames:
            self._frames[name] = read_table(self.files[name])
        return self._frames[name].copy()

    def _save(self, path, command):
        _engine.save_outputs(os.fspath(path), list(self.files.items()), command)


class FitResult(_Tables):
    """The result of mmm.fit or mmm.load: the tables `mmm fit` writes, as DataFrames."""

    @property
    def model(self):
        """model.json as a dict."""
        return json.loads(self.files["model.json"])

    @property
    def segmented(self):
        return "segment_performance.csv" in self.files

    @property
    def model_results(self):
        return self.table("model_results.csv")

    @property
    def response_curves(self):
        return self.table("response_curves.csv")

    @property
    def allocation(self):
        """budget_allocation.csv: the fit's plan at the current total spend."""
        return self.table("budget_allocation.csv")

    @property
    def decomposition(self):
        return self.table("decomposition.csv")

    @property
    def cv_folds(self):
        return self.table("cv_folds.csv")

    @property
    def search_trace(self):
        return self.table("search_trace.csv")

    @property
    def segment_performance(self):
        return self.table("segment_performance.csv")

    @property
    def warnings(self):
        """The plausibility warnings (model.json's `diagnostics`)."""
        return self.model.get("diagnostics", [])

    def save(self, path):
        """Writes the folder `mmm fit --out path` writes (atomically; mmm's own files that this
        fit did not write are removed, other files stay)."""
        self._save(path, "fit")

    def optimize(self, total_budget=None, **options):
        """`mmm optimize` on this model: budget_allocation.csv as a DataFrame.

        Options as the CLI's flags: total_budget, budget_levels (a list: then the DataFrame is
        budget_levels.csv and .attrs["plans"] holds budget_plans.csv), target_roi, target_mroi,
        limits ("tv=0.5:2,radio=abs:1000:5000" or {"tv": (0.5, 2)}), budget_change_limit,
        window ("START:END" or a pair of dates)."""
        if total_budget is not None:
            options["total_budget"] = float(total_budget)
        if "budget_levels" in options:
            options["budget_levels"] = [repr(float(b)) for b in options["budget_levels"]]
        if isinstance(options.get("limits"), dict):
            options["limits"] = ",".join(
                f"{ch}=" + ":".join(str(v) for v in bounds)
                for ch, bounds in options["limits"].items())
        if isinstance(options.get("window"), (tuple, list)):
            options["window"] = ":".join(str(pd.Timestamp(d).date()) for d in options["window"])
        for key in ("target_roi", "target_mroi", "budget_change_limit"):
            if key in options:
                options[key] = float(options[key])
        r = _engine.optimize(self.files["model.json"], "model.json", options)
        files = dict(r["files"])
        if "budget_levels.csv" in files:
            frame = read_table(files["budget_levels.csv"])
            frame.attrs["plans"] = read_table(files["budget_plans.csv"])
        else:
            frame = read_table(files["budget_allocation.csv"])
        frame.attrs["current_note"] = r["current_note"]
        if r["note"]:
            frame.attrs["note"] = r["note"]
        return frame

    def predict(self, plan, ci=0.90):
        """`mmm predict --plan` on this model: plan_predictions.csv as a DataFrame. `plan`: a
        DataFrame with the date column and one spend column per channel (controls optional)."""
        label, header, cells = table_arguments(plan, self.model["config"].get("date_col"))
        if header is None:
            plan = pd.read_csv(label, dtype=str, keep_default_na=False)
            header, cells = list(plan.columns), [plan[c].tolist() for c in plan.columns]
        r = _engine.predict(self.files["model.json"], "model.json", label, header, cells,
                            float(ci))
        frame = read_table(dict(r["files"])["plan_predictions.csv"])
        frame.attrs["notices"] = list(r["notices"])
        return frame


class SweepResult(_Tables):
    """The result of mmm.sweep: sweep_top.csv, sweep_summary.csv and the state."""

    @property
    def top(self):
        return self.table("sweep_top.csv")

    @property
    def profile(self):
        return self.table("sweep_summary.csv")

    def save(self, path):
        """Writes the folder `mmm sweep --out path` writes (`mmm fit --init-from` reads its
        sweep_top.csv)."""
        self._save(path, "sweep")


def _warn(summary):
    for w in summary.get("warnings", []) or []:
        warnings.warn(w.get("message", str(w)), ModelWarning, stacklevel=3)


def fit(data, date=None, kpi=None, channels=None, controls=None, **options):
    """`mmm fit` on a DataFrame (or a CSV path): a FitResult.

    Columns are found as the CLI finds them when not named. Options are the CLI's flags
    without `--`, `-` written `_`: evaluations, trials, objective, select, population,
    bootstrap, nested_evaluations, point_estimate, block_length, ci, ridge_lambda (a number or "auto"),
    saturation ("hill", "logistic" or a dict {channel: shape}),
    lambda_grid, cv_train, cv_test, cv_step, date_format, missing_controls, format ("wide" or
    "long"), min_spend, geo_level, product_level, long_revenue,
    budget_change_limit, hyperparameters (a file), init_from (a sweep_top.csv), seed, device,
    threads, conservative, deseasonalize, revenue_per_kpi, reference, quiet, config (a TOML
    file, the options win over it); segmented fits: segments (a column or a list), pooling,
    lambda_global, lambda_segment, global_channels, per_segment_hyperparameters,
    segment_budget, segment_shrinkage, segment_gamma, segment_filter (a list of (column,
    value))."""
    label, header, cells = table_arguments(data, date)
    r = _engine.fit(label, header, cells, _columns(date, kpi, channels, controls), options)
    summary = json.loads(r["summary"])
    _warn(summary)
    return FitResult(r["files"], r["notices"], summary)


def sweep(data, date=None, kpi=None, channels=None, controls=None, **options):
    """`mmm sweep` on a DataFrame (or a CSV path): a SweepResult. Options: design (sobol, lhs,
    grid), n, top, grid_points, ridge_lambda, seed, device, threads, quiet, chunk."""
    label, header, cells = table_arguments(data, date)
    r = _engine.sweep(label, header, cells, _columns(date, kpi, channels, controls), options)
    return SweepResult(r["files"], r["notices"], json.loads(r["summary"]))


def load(path):
    """A FitResult from a folder `mmm fit --out` (or FitResult.save) wrote, or from its
    model.json alone (then only .model, .optimize and .predict)."""
    path = os.fspath(path)
    folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
    model_file = os.path.join(folder, "model.json") if os.path.isdir(path) else path
    files = {}
    with open(model_file, encoding="utf-8", newline="") as f:
        files["model.json"] = f.read()
    if os.path.isdir(path):
        for name in _engine.fit_output_files():
            full = os.path.join(folder, name)
            if name != "model.json" and name.endswith(".csv") and os.path.isfile(full):
                with open(full, encoding="utf-8", newline="") as f:
                    files[name] = f.read()
    return FitResult(files)


def simulate(**options):
    """`mmm simulate`: a DataFrame of weekly data with known truth (in .attrs["truth"]).
    Options: weeks, channels, controls, flow_channels, stock_channels, noise, seed, segments
    (long data with a `segment` column), segment_spread, segment_hyper_spread."""
    with tempfile.TemporaryDirectory(prefix="mmm-simulate-") as folder:
        csv_path = os.path.join(folder, "data.csv")
        _engine.simulate_to(options, csv_path)
        frame = pd.read_csv(csv_path, float_precision="round_trip")
        with open(_engine.truth_path_for(csv_path), encoding="utf-8") as f:
            frame.attrs["truth"] = json.load(f)
    return frame

"""Shared fixtures: the `mmm` program of the same build (the CLI comparisons) and small data.

MMM_BINARY and MMM_SOURCE_DIR are set by the ctest entry (python/CMakeLists.txt) and by
tools/test.sh; without them the repository's build/mmm is used."""

import os
import pathlib
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("MMM_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
MMM_BINARY = os.environ.get("MMM_BINARY", str(SOURCE_DIR / "build" / "mmm"))

# Small and quick: every test fits in seconds on 2 cores.
FAST = {"evaluations": 300, "population": 12, "bootstrap": 20, "nested_evaluations": 0,
        "seed": 3, "threads": 2}
FAST_FLAGS = ["--evaluations", "300", "--population", "12", "--bootstrap", "20",
              "--nested-evaluations", "0", "--seed", "3", "--threads", "2"]


def pytest_configure(config):
    # The fits here are small and quick: their plausibility warnings are expected noise
    # (test_fit.py checks that they are issued).
    config.addinivalue_line("filterwarnings", "ignore::mmm.ModelWarning")


def run_cli(*args, check=True):
    """Runs `mmm args…`; returns the CompletedProcess (text)."""
    r = subprocess.run([MMM_BINARY, *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"mmm {' '.join(map(str, args))} failed ({r.returncode}): {r.stderr}")
    return r


@pytest.fixture(scope="session")
def data_csv(tmp_path_factory):
    """104 weeks, 3 channels, written by `mmm simulate`."""
    path = tmp_path_factory.mktemp("data") / "data.csv"
    run_cli("simulate", "--weeks", 104, "--channels", 3, "--seed", 5, "--out", path, "--quiet")
    return path


@pytest.fixture(scope="session")
def data_frame(data_csv):
    import pandas as pd
    return pd.read_csv(data_csv, float_precision="round_trip")


@pytest.fixture(scope="session")
def fitted(data_frame):
    import mmm
    return mmm.fit(data_frame, date="date", kpi="revenue", quiet=True, **FAST)

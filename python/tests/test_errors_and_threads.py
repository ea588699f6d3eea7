"""Errors as Python exceptions with the CLI's messages; the GIL released; Ctrl-C."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import mmm
from conftest import run_cli


def test_bad_cell_is_an_input_error_with_the_cli_message(tmp_path, data_frame):
    bad = data_frame.copy()
    bad["tv"] = bad["tv"].astype(object)
    bad.loc[4, "tv"] = "12o"
    csv = tmp_path / "bad.csv"
    bad.to_csv(csv, index=False)
    cli = run_cli("fit", "--data", csv, "--out", tmp_path / "out", check=False)
    assert cli.returncode == 2
    cli_message = cli.stderr.strip().removeprefix("error: ")
    with pytest.raises(mmm.InputError) as caught:
        mmm.fit(bad, evaluations=50, bootstrap=0)
    assert str(caught.value) == cli_message.replace(str(csv), "DataFrame")
    assert "DataFrame:6:" in str(caught.value)  # row 4 is line 6 of df.to_csv(index=False)
    assert isinstance(caught.value, ValueError)
    assert not (tmp_path / "out").exists()


def test_bad_option_value_is_the_cli_message(data_frame, tmp_path, data_csv):
    cli = run_cli("fit", "--data", data_csv, "--out", tmp_path / "o", "--population", 2,
                  check=False)
    with pytest.raises(mmm.InputError) as caught:
        mmm.fit(data_frame, population=2)
    assert "error: " + str(caught.value) == cli.stderr.strip()
    # The bagged point estimate needs the nested bootstrap's searches.
    cli = run_cli("fit", "--data", data_csv, "--out", tmp_path / "p", "--point-estimate",
                  "bagged", "--bootstrap", 0, check=False)
    with pytest.raises(mmm.InputError) as caught:
        mmm.fit(data_frame, point_estimate="bagged", bootstrap=0)
    assert "error: " + str(caught.value) == cli.stderr.strip()


def test_a_segmented_model_cannot_be_optimized(tmp_path):
    long = mmm.simulate(weeks=60, channels=2, seed=4, segments=2)
    result = mmm.fit(long, segments="segment", evaluations=60, bootstrap=0, quiet=True)
    with pytest.raises(mmm.InputError, match="segmented"):
        result.optimize(total_budget=1000)


def test_other_threads_run_during_a_fit(data_frame):
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=ticker)
    thread.start()
    start = time.perf_counter()
    try:
        mmm.fit(data_frame, evaluations=200_000, bootstrap=0, nested_evaluations=0, threads=1,
                quiet=True)
    finally:
        elapsed = time.perf_counter() - start
        done.set()
        thread.join()
    during = [t for t in ticks if start < t < start + elapsed]
    # With the GIL held for the whole fit the ticker would not tick at all; released, it
    # ticks about once a millisecond (a quarter of that is plenty on a loaded machine).
    assert elapsed > 0.2, "the fit was too short to tell"
    assert len(during) > 0.25 * elapsed * 1000 * 0.25


def test_fits_in_two_threads_at_once_give_the_sequential_results(data_frame, fitted):
    from conftest import FAST
    results = [None, None]

    def run(i):
        results[i] = mmm.fit(data_frame, date="date", kpi="revenue", quiet=True, **FAST)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        assert r.files["model_results.csv"] == fitted.files["model_results.csv"]


def test_ctrl_c_stops_a_long_fit_with_keyboard_interrupt():
    script = textwrap.dedent("""
        import sys, time
        import mmm
        data = mmm.simulate(weeks=156, channels=6, seed=1)
        print("started", flush=True)
        try:
            mmm.fit(data, evaluations=10_000_000, bootstrap=0, nested_evaluations=0,
                    threads=1, quiet=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(0)
        sys.exit(3)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert child.stdout.readline().strip() == "started"
        time.sleep(1.0)  # inside the search
        assert child.poll() is None
        sent = time.perf_counter()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
        stopped_after = time.perf_counter() - sent
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "interrupted" in out
    assert stopped_after < 5.0


def test_ctrl_c_stops_a_sweep_too():
    script = textwrap.dedent("""
        import sys
        import mmm
        data = mmm.simulate(weeks=156, channels=6, seed=1)
        print("started", flush=True)
        try:
            mmm.sweep(data, n=50_000_000, top=5, threads=1, chunk=256, quiet=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(0)
        sys.exit(3)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert child.stdout.readline().strip() == "started"
        time.sleep(1.0)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "interrupted" in out

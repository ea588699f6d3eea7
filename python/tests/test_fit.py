"""mmm.fit, mmm.simulate, segments and sweeps against the CLI on the same data."""

import json

import pandas as pd
import pytest

import mmm
from _frames_for_tests import read_csv_table
from conftest import FAST, FAST_FLAGS, run_cli


def test_simulate_is_the_cli_data(data_csv):
    frame = mmm.simulate(weeks=104, channels=3, seed=5)
    expected = pd.read_csv(data_csv, float_precision="round_trip")
    pd.testing.assert_frame_equal(frame, expected)
    truth = json.loads(data_csv.with_suffix(".truth.json").read_text())
    assert frame.attrs["truth"] == truth


def test_fit_on_a_dataframe_equals_the_cli(tmp_path, data_csv, fitted):
    out = tmp_path / "cli"
    run_cli("fit", "--data", data_csv, "--date-col", "date", "--kpi-col", "revenue", "--out", out,
            "--quiet", *FAST_FLAGS)
    # The same engine on the same numbers: the tables are the same text.
    for name in ("model_results.csv", "response_curves.csv", "budget_allocation.csv",
                 "cv_folds.csv", "decomposition.csv"):
        assert fitted.files[name] == (out / name).read_text(), name
    # search_trace.csv also has each generation's SECONDS.
    trace = read_csv_table(out / "search_trace.csv").drop(columns=["SECONDS"])
    pd.testing.assert_frame_equal(fitted.search_trace.drop(columns=["SECONDS"]), trace)
    cli_model = json.loads((out / "model.json").read_text())
    for key in ("hyperparameters", "coefficients", "metrics", "scaler"):
        assert fitted.model[key] == cli_model[key], key
    assert fitted.model["config"]["data"] == "DataFrame"


def test_result_tables_are_dataframes_with_the_csv_columns(fitted):
    results = fitted.model_results
    assert list(results["CHANNEL_KEY"]) == fitted.model["config"]["channels"]
    assert results.columns[:6].tolist() == ["CHANNEL_KEY", "CHANNEL_CODE", "GEO_CODE",
                                            "PRODUCT_CODE", "COEFFICIENT_WEIGHT", "ROI"]
    assert (results["MODEL_R2_INSAMPLE"] > 0.5).all()
    assert len(fitted.response_curves) == 100 * len(results)
    assert fitted.allocation["CHANNEL"].iloc[-1] == "TOTAL"
    assert len(fitted.decomposition) == 104
    assert {"MEAN", "STD", "IN_SAMPLE"} <= set(fitted.cv_folds.iloc[:, 0])


def test_fit_reads_a_csv_path_too(data_csv, fitted):
    again = mmm.fit(data_csv, date="date", kpi="revenue", quiet=True, **FAST)
    assert again.files["model_results.csv"] == fitted.files["model_results.csv"]


def test_segments_equal_the_cli(tmp_path):
    long = mmm.simulate(weeks=60, channels=2, seed=4, segments=3)
    csv = tmp_path / "long.csv"
    run_cli("simulate", "--weeks", 60, "--channels", 2, "--seed", 4, "--segments", 3,
            "--out", csv, "--quiet")
    options = {"evaluations": 120, "bootstrap": 10, "seed": 2, "threads": 2}
    result = mmm.fit(long, segments="segment", quiet=True, **options)
    out = tmp_path / "cli"
    run_cli("fit", "--data", csv, "--segments", "segment", "--evaluations", 120, "--bootstrap", 10,
            "--seed", 2, "--threads", 2, "--out", out, "--quiet")
    assert result.segmented
    for name in ("model_results.csv", "segment_performance.csv", "budget_allocation.csv"):
        assert result.files[name] == (out / name).read_text(), name
    performance = result.segment_performance
    assert sorted(set(performance["SEGMENT"])) == ["seg_01", "seg_02", "seg_03"]
    assert len(performance) == 3 * 2
    assert set(result.model_results["GEO_CODE"]) == {"GLOBAL", "seg_01", "seg_02", "seg_03"}


def test_sweep_equals_the_cli(tmp_path, data_csv, data_frame):
    result = mmm.sweep(data_frame, n=256, top=10, seed=2, threads=2, quiet=True)
    out = tmp_path / "sweep"
    run_cli("sweep", "--data", data_csv, "--n", 256, "--top", 10, "--seed", 2, "--threads", 2,
            "--out", out, "--quiet")
    assert result.files["sweep_top.csv"] == (out / "sweep_top.csv").read_text()
    assert len(result.top) == 10
    assert result.top["loss"].is_monotonic_increasing
    result.save(tmp_path / "saved")
    again = mmm.fit(data_frame, init_from=str(tmp_path / "saved" / "sweep_top.csv"), quiet=True,
                    **FAST)
    assert len(again.model_results) == 3


def test_plausibility_warnings_are_python_warnings(data_frame, fitted):
    assert fitted.warnings, "the fixture's fit has warnings (a plan at the change limit)"
    with pytest.warns(mmm.ModelWarning) as caught:
        mmm.fit(data_frame, quiet=True, **FAST)
    assert [str(w.message) for w in caught] == [w["message"] for w in fitted.warnings]


def test_unknown_option_is_a_type_error(data_frame):
    with pytest.raises(TypeError, match="unexpected option `evalutions`"):
        mmm.fit(data_frame, evalutions=10)
    with pytest.raises(TypeError, match="option `evaluations` has the wrong type"):
        mmm.fit(data_frame, evaluations="many")


def test_dates_as_datetime64_or_as_the_index_give_the_same_model(data_frame, fitted):
    frame = data_frame.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    as_dates = mmm.fit(frame, date="date", kpi="revenue", quiet=True, **FAST)
    assert as_dates.files["model_results.csv"] == fitted.files["model_results.csv"]
    as_index = mmm.fit(frame.set_index("date"), date="date", kpi="revenue", quiet=True, **FAST)
    assert as_index.files["model_results.csv"] == fitted.files["model_results.csv"]


def test_a_missing_spend_value_is_an_empty_cell_as_in_a_csv(tmp_path, data_frame):
    frame = data_frame.copy()
    frame.loc[3, "tv"] = float("nan")
    csv = tmp_path / "gap.csv"
    frame.to_csv(csv, index=False)
    out = tmp_path / "cli"
    run_cli("fit", "--data", csv, "--date-col", "date", "--kpi-col", "revenue", "--out", out,
            "--quiet", *FAST_FLAGS)
    result = mmm.fit(frame, date="date", kpi="revenue", quiet=True, **FAST)
    assert result.files["model_results.csv"] == (out / "model_results.csv").read_text()
    assert any("empty" in n and "tv" in n for n in result.notices), result.notices


def test_options_added_to_the_cli_work_here_too(tmp_path, data_csv):
    # ridge_lambda="auto" chooses λ by rolling CV and equals the CLI's --ridge-lambda auto.
    out = tmp_path / "auto"
    run_cli("fit", "--data", data_csv, "--date-col", "date", "--kpi-col", "revenue", "--out", out,
            "--quiet", "--ridge-lambda", "auto", *FAST_FLAGS)
    auto = mmm.fit(data_csv, date="date", kpi="revenue", quiet=True, ridge_lambda="auto", **FAST)
    assert auto.model["search"]["lambda_selection"]["chosen"] in (0.1, 0.3, 1.0, 3.0, 10.0)
    assert auto.files["model_results.csv"] == (out / "model_results.csv").read_text()
    # Dates written day/month/year read with date_format, to the same model.
    frame = pd.read_csv(data_csv, float_precision="round_trip")
    iso = mmm.fit(frame, date="date", kpi="revenue", quiet=True, **FAST)
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%d/%m/%Y")
    dmy = mmm.fit(frame, date="date", kpi="revenue", quiet=True, date_format="%d/%m/%Y", **FAST)
    assert dmy.model["coefficients"] == iso.model["coefficients"]
    with pytest.raises(mmm.InputError, match="expected shared or scaled"):
        mmm.fit(mmm.simulate(weeks=60, channels=2, seed=4, segments=2), date="date",
                kpi="revenue", segments="segment", segment_gamma="sometimes", **FAST)


def test_saturation_logistic_equals_the_cli_and_takes_a_per_channel_dict(tmp_path, data_csv):
    out = tmp_path / "logistic"
    run_cli("fit", "--data", data_csv, "--date-col", "date", "--kpi-col", "revenue", "--out", out,
            "--quiet", "--saturation", "logistic", *FAST_FLAGS)
    fit = mmm.fit(data_csv, date="date", kpi="revenue", quiet=True, saturation="logistic", **FAST)
    assert fit.files["model_results.csv"] == (out / "model_results.csv").read_text()
    channels = fit.model["hyperparameters"]["channels"]
    assert {c["saturation"] for c in channels.values()} == {"logistic"}
    first = next(iter(channels))
    # A dict names some channels' shapes; the others keep the default, the logistic.
    mixed = mmm.fit(data_csv, date="date", kpi="revenue", quiet=True,
                    saturation={first: "hill"}, **FAST)
    shapes = {name: c["saturation"] for name, c in mixed.model["hyperparameters"]["channels"].items()}
    assert shapes[first] == "hill"
    assert [s for name, s in shapes.items() if name != first] == ["logistic"] * (len(shapes) - 1)
    with pytest.raises(mmm.InputError, match="expected one of: hill, logistic"):
        mmm.fit(data_csv, date="date", kpi="revenue", saturation="s-curve", **FAST)

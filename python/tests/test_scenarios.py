"""optimize, predict, save and load against `mmm optimize` and `mmm predict --plan`."""

import pandas as pd

import mmm
from _frames_for_tests import read_csv_table
from conftest import run_cli


def cli_prediction(tmp_path, model_json, plan):
    """`mmm predict --plan` on the plan DataFrame written as CSV: plan_predictions.csv."""
    plan_csv = tmp_path / "plan.csv"
    plan.to_csv(plan_csv, index=False)
    run_cli("predict", "--model", model_json, "--plan", plan_csv, "--out", tmp_path / "pred",
            "--quiet")
    return read_csv_table(tmp_path / "pred" / "plan_predictions.csv")


def test_save_writes_the_cli_folder_and_load_reads_it_back(tmp_path, fitted):
    folder = tmp_path / "model"
    fitted.save(folder)
    for name, text in fitted.files.items():
        assert (folder / name).read_text() == text, name
    loaded = mmm.load(folder)
    assert loaded.files == fitted.files
    pd.testing.assert_frame_equal(loaded.model_results, fitted.model_results)
    assert mmm.load(folder / "model.json").model == fitted.model


def test_optimize_equals_the_cli(tmp_path, fitted):
    folder = tmp_path / "model"
    fitted.save(folder)
    budget = 1.2 * fitted.allocation["CURRENT_SPEND"].iloc[-1]
    run_cli("optimize", "--model", folder / "model.json", "--total-budget", repr(budget),
            "--out", tmp_path / "opt", "--quiet")
    expected = read_csv_table(tmp_path / "opt" / "budget_allocation.csv")
    plan = fitted.optimize(total_budget=budget)
    pd.testing.assert_frame_equal(plan, expected)
    assert abs(plan["RECOMMENDED_SPEND"].iloc[-1] - budget) < 1e-6 * budget
    # A model the CLI wrote, loaded: the same plan.
    cli_fit = mmm.load(folder)
    pd.testing.assert_frame_equal(cli_fit.optimize(total_budget=budget), expected)


def test_budget_levels_and_limits_equal_the_cli(tmp_path, fitted):
    folder = tmp_path / "model"
    fitted.save(folder)
    run_cli("optimize", "--model", folder / "model.json", "--budget-levels", "20000,40000",
            "--limits", "tv=0.5:2", "--out", tmp_path / "levels", "--quiet")
    assert fitted.model_results["CHANNEL_KEY"].iloc[0] == "tv"  # mmm simulate's first channel
    levels = fitted.optimize(budget_levels=[20000, 40000], limits={"tv": (0.5, 2)})
    pd.testing.assert_frame_equal(levels, read_csv_table(tmp_path / "levels" / "budget_levels.csv"))
    pd.testing.assert_frame_equal(levels.attrs["plans"],
                                  read_csv_table(tmp_path / "levels" / "budget_plans.csv"))


def test_predict_equals_the_cli(tmp_path, fitted, data_frame):
    folder = tmp_path / "model"
    fitted.save(folder)
    plan = data_frame.drop(columns=["revenue"]).tail(8).copy()
    channels = list(fitted.model_results["CHANNEL_KEY"])
    plan[channels] = plan[channels] * 1.1
    expected = cli_prediction(tmp_path, folder / "model.json", plan)
    predicted = fitted.predict(plan)
    pd.testing.assert_frame_equal(predicted, expected)
    assert len(predicted) == 8
    # Dates as datetime64 work as well as text.
    plan["date"] = pd.to_datetime(plan["date"])
    pd.testing.assert_frame_equal(fitted.predict(plan), expected)


def test_segmented_predict_equals_the_cli(tmp_path):
    long = mmm.simulate(weeks=60, channels=2, seed=4, segments=3)
    result = mmm.fit(long, segments="segment", evaluations=60, bootstrap=10, quiet=True)
    folder = tmp_path / "model"
    result.save(folder)
    # Each segment's last 6 weeks, spend +10%: a plan with the fit's segment column.
    plan = long.drop(columns=["revenue"]).groupby("segment").tail(6).copy()
    channels = [c for c in plan.columns if c not in ("date", "segment")]
    plan[channels] = plan[channels] * 1.1
    expected = cli_prediction(tmp_path, folder / "model.json", plan)
    predicted = result.predict(plan)
    pd.testing.assert_frame_equal(predicted, expected)
    assert list(predicted["SEGMENT"].unique()) == list(plan["segment"].unique())
    assert len(predicted) == 18

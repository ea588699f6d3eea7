"""DataFrames in and out of the engine.

In: every column becomes text cells the way a CSV file holds them — numbers in their shortest
round-trip form (so the engine reads back the exact float64), missing values as empty cells,
dates as ISO 8601, booleans as 1/0 — and the engine loads them with the same loader and
validation as a CSV file. Rows are numbered as in ``df.to_csv(index=False)``: an error names
the line and column that file would have, under the label ``DataFrame``.

Out: the engine's tables are the CSV text the CLI writes; they are read with the CSV's column
names, only an empty cell being missing.
"""

import io
import math
import os

import numpy as np
import pandas as pd

DATAFRAME_LABEL = "DataFrame"


def _cell(value):
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, pd.Timestamp):
        return _timestamp(value)
    if hasattr(value, "isoformat"):  # datetime.date / datetime.datetime
        return value.isoformat()
    return str(value)


def _timestamp(ts):
    if ts is pd.NaT:
        return ""
    if ts == ts.normalize() and ts.tzinfo is None:
        return ts.strftime("%Y-%m-%d")
    return ts.isoformat()


def column_cells(series):
    """The text cells of one column."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return [_timestamp(v) for v in series]
    return [_cell(v) for v in series.tolist()]


def with_date_column(df, date):
    """A DatetimeIndex (or an index named `date`) becomes the first column."""
    if date is not None and date in df.columns:
        return df
    if isinstance(df.index, pd.DatetimeIndex) or (date is not None and df.index.name == date):
        name = df.index.name or date or "date"
        return df.reset_index(names=name)
    return df


def table_arguments(data, date=None):
    """(label, header, cells) for the engine: a DataFrame's text columns, or a CSV path
    (header None) that the engine reads itself."""
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data), None, []
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame or a CSV path, got {type(data).__name__}")
    df = with_date_column(data, date)
    header = [str(c) for c in df.columns]
    cells = [column_cells(df.iloc[:, j]) for j in range(df.shape[1])]
    return DATAFRAME_LABEL, header, cells


def read_table(text):
    """A CSV table the engine wrote, as a DataFrame with its column names."""
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""],
                       float_precision="round_trip")

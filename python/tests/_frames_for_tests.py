"""Reading a CSV file the CLI wrote the way the module reads its tables."""

from mmm._frames import read_table


def read_csv_table(path):
    with open(path, encoding="utf-8") as f:
        return read_table(f.read())

"""Runs every ```python block of docs/python.md in order, in one namespace."""

import re
import warnings

from conftest import SOURCE_DIR


def test_docs_example_runs(tmp_path, monkeypatch, capsys):
    page = (SOURCE_DIR / "docs" / "python.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for block in blocks:
            exec(compile(block, "docs/python.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "CHANNEL_KEY" in printed and "RECOMMENDED_SPEND" in printed and "kpi" in printed
    assert len(namespace["forecast"]) == 4

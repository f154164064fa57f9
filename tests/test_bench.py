"""The benchmark still runs (a tiny size only: it is a benchmark, not a test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_benchmark_smoke_run_reports_figures(tmp_path: Path) -> None:
    out = tmp_path / "smoke.json"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--json", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Targets" in result.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["demo"]["pages"] > 60 and figures["demo"]["warm_s"] > 0
    assert figures["preview_s"] and all(0 < s < 60 for s in figures["preview_s"])
    assert [t["target"] for t in figures["targets"]][:2] == ["demo build, warm image store ≤ 3 s",
                                                              "preview: save → new page ≤ 1 s (median)"]

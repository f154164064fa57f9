"""A copy of the project to build: what tests and the benchmark (bench/run.py) both start from.

Plain Python, no pytest: the benchmark imports it too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("build.py", "mkdocs.yml", "publisher", "templates", "content", "cases", "schemas", "admin")  # what a build reads


def copy_project(target: Path, source_root: Path = ROOT) -> Path:
    """A copy of everything a build reads, so a build can change entries without touching the source."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = source_root / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / part)
    return target

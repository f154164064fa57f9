"""Shared fixtures: a private copy of the project to change, and the demo site built once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("build.py", "mkdocs.yml", "publisher", "templates", "content", "cases", "schemas")


def copy_project(target: Path) -> Path:
    """A copy of everything a build reads, so a test can change entries without touching the repo."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / part)
    return target


def run_build_py(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python build.py …` in `project` with this interpreter (the project's .venv)."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project, capture_output=True,
                          text=True, env=environment, timeout=600)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site, built once per test session with `build.py build`."""
    project = copy_project(tmp_path_factory.mktemp("demo") / "project")
    result = run_build_py(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"

"""Shared fixtures: a private copy of the project to change, and the demo site built once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from projects import ROOT, copy_project  # noqa: F401 (tests import both from here)

# One browser and one set of servers for every browser test module (a fixture imported into two modules
# would be two session fixtures: two Playwright instances, which Playwright refuses)
from browser_support import chromium_browser, site_server_factory  # noqa: E402, F401


def run_build_py(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python build.py …` in `project` with this interpreter (the project's .venv)."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project, capture_output=True,
                          text=True, env=environment, timeout=600)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


SUB_URL = "https://example.org/campaign/"  # a site published under a sub-path of its host


def built_demo(tmp_path_factory: pytest.TempPathFactory, *build_args: str) -> Path:
    project = copy_project(tmp_path_factory.mktemp("demo") / "project")
    result = run_build_py(project, "build", *build_args)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site, built once per test session with `build.py build`."""
    return built_demo(tmp_path_factory)


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site built for SUB_URL, once per test session."""
    return built_demo(tmp_path_factory, "--site-url", SUB_URL)

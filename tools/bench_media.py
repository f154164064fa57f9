"""What media costs a build of the demo: the media step alone and the whole build, cold and warm, median of 3.

    .venv/bin/python tools/bench_media.py [--runs 3]

"cold": no .cache/ (a fresh checkout: every picture resized, the audio transcoded);
"warm": the cache of the run before (nothing to make). Works on a copy of the project in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from projects import copy_project  # noqa: E402  (tests/projects.py: the copy tests and bench/ build)

from publisher import media_variants  # noqa: E402
from publisher.pipeline import CASES_DIR, STORE_DIR, load  # noqa: E402
from publisher.store import Store  # noqa: E402


def media_step(project: Path) -> float:
    """Seconds for describe() and the Store making every media drawing, as pipeline.prepare runs them."""
    catalog = load(project)
    media_variants._upright.cache_clear()
    media_variants._resized.cache_clear()
    started = time.perf_counter()
    media_variants._read.cache_clear()  # as a new `build` process starts
    media = media_variants.describe(catalog.media, project / CASES_DIR)
    Store(project / STORE_DIR).files(media.drawings)
    return time.perf_counter() - started


def whole_build(project: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(project / "build.py"), "build"], cwd=project, check=True,
                   capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    return time.perf_counter() - started


def measure(runs: int, step, project: Path) -> tuple[list[float], list[float]]:
    cold, warm = [], []
    for _ in range(runs):
        shutil.rmtree(project / ".cache", ignore_errors=True)
        cold.append(step(project))
        warm.append(step(project))
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="bench-media-") as scratch:
        project = copy_project(Path(scratch) / "project")
        catalog = load(project)
        media = media_variants.describe(catalog.media, project / CASES_DIR)
        print(f"demo media: {len(catalog.media)} files, {len(media.pictures)} pictures, {len(media.sounds)} audio, "
              f"{len(media.drawings)} files made")
        for name, step in (("media step", media_step), ("whole build", whole_build)):
            cold, warm = measure(runs, step, project)
            print(f"{name:12s} cold median {statistics.median(cold):6.2f} s {['%.2f' % t for t in cold]}   "
                  f"warm median {statistics.median(warm):6.2f} s {['%.2f' % t for t in warm]}")


if __name__ == "__main__":
    main()

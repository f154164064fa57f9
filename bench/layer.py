"""Child process of bench/run.py: our own layer, measured in-process inside one project copy.

    python layer.py build PROJECT
        Runs `build.py build` in-process (publisher.cli.main(root, ["build"])) and times,
        wall and CPU, every piece of our code it runs: the check before MkDocs starts
        (publisher.cli.check) and each event of our MkDocs hook (on_config reads, validates,
        renders and makes share tags/QR codes/images; on_files hands pages over; on_post_build
        refines the search index; …). Only MkDocs' public plugin event lists are touched:
        nothing depends on how publisher/ is organised inside. Imports are timed apart.
    python layer.py export PROJECT --site-url URL DOCS_DIR
        Runs pipeline.run(root, site_url) as the hook does and writes every generated page as
        a real Markdown file (Page.markdown(): front matter + the pre-rendered HTML), plus
        content/, media, QR codes, share images and other generated files, into DOCS_DIR, and
        the nav our hook would set into DOCS_DIR/../plain-nav.json: the plain-MkDocs baseline.

Prints one JSON object on stdout (the build's own messages go to stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable


class Clock:
    """Accumulates wall and CPU seconds per name."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - wall
                self.cpu[name] += time.process_time() - cpu
                self.calls[name] += 1

        return timed


def _defined_in(function: Callable[..., Any], folder: Path) -> bool:
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    return code is not None and Path(code.co_filename).resolve().is_relative_to(folder)


def build(root: Path) -> dict[str, object]:
    clock = Clock()
    started = (time.perf_counter(), time.process_time())
    import mkdocs.commands.build
    from publisher import cli

    imported = (time.perf_counter(), time.process_time())
    original_build = mkdocs.commands.build.build
    ours = (root / "publisher").resolve()

    def instrumented_build(config: Any, *args: Any, **kwargs: Any) -> Any:
        for event, methods in config.plugins.events.items():  # our hook's handlers, timed
            methods[:] = [clock.wrap(f"hook on_{event}", m) if _defined_in(m, ours) else m for m in methods]
        return original_build(config, *args, **kwargs)

    mkdocs.commands.build.build = instrumented_build  # cli.build imports it when it runs
    cli.check = clock.wrap("check before MkDocs", cli.check)
    with contextlib.redirect_stdout(sys.stderr):
        status = clock.wrap("total", cli.main)(root, ["build"])
    if status != 0:
        raise SystemExit(f"build failed ({status})")
    ours_wall = sum(v for k, v in clock.wall.items() if k != "total")
    ours_cpu = sum(v for k, v in clock.cpu.items() if k != "total")
    return {
        "import_s": imported[0] - started[0], "total_s": clock.wall["total"], "total_cpu_s": clock.cpu["total"],
        "ours_s": ours_wall, "ours_cpu_s": ours_cpu,
        "parts": {k: {"s": clock.wall[k], "cpu_s": clock.cpu[k], "calls": clock.calls[k]} for k in clock.wall
                  if k != "total"},
    }


def export(root: Path, site_url: str, docs: Path) -> dict[str, object]:
    from publisher import pipeline

    result = pipeline.run(root, site_url=site_url)
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(root / "content", docs)
    for page in result.pages:
        _write(docs / page.src_uri, page.markdown().encode("utf-8"))
    for site_path, source in result.files.items():
        _write(docs / site_path, Path(source).read_bytes())
    for site_path, content in getattr(result, "generated", {}).items():
        _write(docs / site_path, content if isinstance(content, bytes) else content.encode("utf-8"))
    nav = pipeline.default_nav(result.catalog, docs)
    (docs.parent / "plain-nav.json").write_text(json.dumps(nav, ensure_ascii=False), encoding="utf-8")
    catalog = result.catalog
    return {
        "pages": len(result.pages), "files": len(result.files) + len(getattr(result, "generated", {})),
        "entries": sum(len(e.cases) + len(e.people) for e in catalog.editions) + len(catalog.ambassadors),
        "kinds": {page.src_uri: page.kind for page in result.pages},
    }


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build").add_argument("project", type=Path)
    exporting = commands.add_parser("export")
    exporting.add_argument("project", type=Path)
    exporting.add_argument("--site-url", required=True)
    exporting.add_argument("docs", type=Path)
    args = parser.parse_args()
    root = args.project.resolve()
    sys.path.insert(0, str(root))  # the project copy's own publisher/, as build.py would import it
    result = build(root) if args.command == "build" else export(root, args.site_url, args.docs)
    json.dump(result, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

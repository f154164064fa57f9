"""Child process of bench/run.py: time our own layer in-process, inside one project copy.

    python layer.py pipeline PROJECT [--export DOCS_DIR]
        time publisher.pipeline's read+validate (load) and render, and Page.markdown()
        (what the hook hands to MkDocs); with --export, write every page as a real .md
        file (plus content/ and the media pages use) into DOCS_DIR and the nav our hook
        would set into DOCS_DIR/../plain-nav.json, for the plain-MkDocs baseline.
    python layer.py refine PROJECT INDEX
        time publisher.search.refine_index on INDEX (a copy of Material's own index),
        with jieba already initialised as it is inside a build.

Prints one JSON object on stdout. Imports are timed separately: they are not the
pipeline, but `build.py check` pays them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any


def pipeline(root: Path, export: Path | None) -> dict[str, object]:
    start = time.perf_counter()
    from publisher import pipeline as pipe
    from publisher.render import render_pages

    imported = time.perf_counter()
    catalog = pipe.load(root)
    loaded = time.perf_counter()
    pages = render_pages(catalog, root / pipe.TEMPLATES_DIR)
    rendered = time.perf_counter()
    texts = [page.markdown() for page in pages]
    serialised = time.perf_counter()
    figures: dict[str, object] = {
        "import_s": imported - start, "load_s": loaded - imported, "render_s": rendered - loaded,
        "pipeline_s": rendered - imported, "markdown_s": serialised - rendered, "pages": len(pages),
        "entries": sum(len(e.cases) + len(e.people) for e in catalog.editions) + len(catalog.ambassadors),
        "kinds": {page.src_uri: page.kind for page in pages},
    }
    if export is not None:
        _export(root, export, pages, texts, catalog, pipe)
    return figures


def _export(root: Path, docs: Path, pages: list[Any], texts: list[str], catalog: Any, pipe: Any) -> None:
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(root / "content", docs)
    for page, text in zip(pages, texts):
        target = docs / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for rel in catalog.media:
        target = docs / "files" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / pipe.CASES_DIR / rel, target)
    nav = pipe.default_nav(catalog, docs)
    (docs.parent / "plain-nav.json").write_text(json.dumps(nav, ensure_ascii=False), encoding="utf-8")


def refine(index: Path) -> dict[str, object]:
    import jieba

    from publisher import search

    jieba.initialize()  # Material's search plugin has loaded the dictionary before our hook runs
    start = time.perf_counter()
    search.refine_index(index)
    return {"refine_s": time.perf_counter() - start}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("pipeline")
    run.add_argument("project", type=Path)
    run.add_argument("--export", type=Path, default=None)
    ref = commands.add_parser("refine")
    ref.add_argument("project", type=Path)
    ref.add_argument("index", type=Path)
    args = parser.parse_args()
    root = args.project.resolve()
    sys.path.insert(0, str(root))  # the project copy's own publisher/, as build.py would import it
    result = pipeline(root, args.export) if args.command == "pipeline" else refine(args.index)
    json.dump(result, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

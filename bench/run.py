#!/usr/bin/env python3
"""How fast the publisher is where users feel it: the editor's build and preview, at realistic sizes.

    .venv/bin/python bench/run.py            demo, 100, 500 and 1,000 entries; preview latency; plain MkDocs
    .venv/bin/python bench/run.py --smoke    the demo only, one run each (seconds; the test suite runs it)

Every figure is the median of several runs (the machines here are noisy); see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(BENCH)]

from projects import copy_project  # noqa: E402
from synth import generate  # noqa: E402

Json = dict


CPU: list[float] = []  # CPU seconds (user + system) of every timed command: steadier than wall time under load


def timed(command: list[str], cwd: Path) -> float:
    """Wall seconds of one command, which must succeed; its CPU seconds go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return time.perf_counter() - started


def build_times(project: Path, runs: int) -> Json:
    """A cold build (no stored images), then `runs` builds with the image store warm."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    command = [sys.executable, "build.py", "build"]
    cold = timed(command, project)
    warm = [timed(command, project) for _ in range(runs)]
    warm_cpu = statistics.median(CPU[-runs:])
    pages = sum(1 for _ in (project / "site").rglob("index.html"))
    return {"pages": pages, "cold_s": round(cold, 2), "warm_s": round(statistics.median(warm), 2),
            "warm_cpu_s": round(warm_cpu, 2),
            "ms_per_page": round(1000 * statistics.median(warm) / pages, 2)}


def plain_mkdocs_time(project: Path, runs: int) -> tuple[float, float]:
    """Plain MkDocs + Material building the very pages our build makes (exported as Markdown files
    holding their HTML), with no pipeline: the baseline for our whole layer."""
    from publisher import pipeline

    docs = project / "plain-docs"
    shutil.copytree(project / "content", docs, dirs_exist_ok=True)
    build = pipeline.prepare(project, site_url="https://example.org/")
    for page in build.pages:
        (docs / page.source).parent.mkdir(parents=True, exist_ok=True)
        (docs / page.source).write_text(page.front_matter() + "\n" + page.html + "\n", encoding="utf-8")
    for site_path, source in [*build.files.items()]:
        (docs / site_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, docs / site_path)
    for site_path, content in build.generated.items():
        (docs / site_path).write_bytes(content)
    build.close()
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: content", "docs_dir: plain-docs").replace("site_dir: site",
                                                                                 "site_dir: plain-site")
    config = config.replace("  - publisher/mkdocs_hook.py", "  - plain_hook.py")
    nav = pipeline.default_nav(build.catalog, project / "content")
    (project / "plain.yml").write_text(config + "\nnav: " + json.dumps(nav, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    shutil.copy2(BENCH / "plain_hook.py", project / "plain_hook.py")
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    wall = statistics.median(timed([mkdocs, "build", "-q", "-f", "plain.yml"], project) for _ in range(runs))
    return wall, statistics.median(CPU[-runs:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8", "replace")


def preview_latency(project: Path, runs: int) -> list[float]:
    """Seconds from saving an entry to the preview answering with the changed page."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "build.py", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = f"http://127.0.0.1:{port}/2022/top-cases/treat-first-pay-later/"
    entry = project / "cases/2022/top-cases/treat-first-pay-later.yaml"
    original = entry.read_text(encoding="utf-8")
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                fetch(page)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the preview did not start")
                time.sleep(0.1)
        latencies = []
        for run in range(runs):
            marker = f"改过第{run}次"
            time.sleep(1.0)  # let the watcher settle
            started = time.perf_counter()
            entry.write_text(original.replace("先诊疗后付费，让看病少排一次队", f"先诊疗后付费{marker}"),
                             encoding="utf-8")
            while marker not in fetch(page):
                if time.perf_counter() - started > 60:
                    raise SystemExit("the preview never showed the change")
                time.sleep(0.02)
            latencies.append(time.perf_counter() - started)
        return latencies
    finally:
        entry.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="the demo only, one run each")
    parser.add_argument("--sizes", default="100,500,1000", help="synthetic site sizes (entries)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    runs = 1 if args.smoke else args.runs
    sizes = [] if args.smoke else [int(n) for n in args.sizes.split(",") if n]
    report: Json = {"machine": {"cpus": os.cpu_count(), "load": os.getloadavg()[0]}, "sizes": []}
    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as work:
        demo = copy_project(Path(work) / "demo")
        report["demo"] = build_times(demo, max(runs, 1 if args.smoke else 5))
        report["preview_s"] = [round(s, 2) for s in preview_latency(demo, 1 if args.smoke else 5)]
        for entries in sizes:
            project = copy_project(Path(work) / f"n{entries}")
            generate(project / "cases", entries)
            figures = {"entries": entries, **build_times(project, runs)}
            if entries == max(sizes):
                wall, cpu = plain_mkdocs_time(project, runs)
                figures["plain_mkdocs_s"], figures["plain_mkdocs_cpu_s"] = round(wall, 2), round(cpu, 2)
            report["sizes"].append(figures)
            shutil.rmtree(project)
    report["targets"] = targets(report)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def targets(report: Json) -> list[Json]:
    """Issue 9's speed targets, each with the figure that meets or misses it."""
    found = [{"target": "demo build, warm image store ≤ 3 s", "figure": report["demo"]["warm_s"],
              "met": report["demo"]["warm_s"] <= 3},
             {"target": "preview: save → new page ≤ 1 s (median)", "figure": statistics.median(report["preview_s"]),
              "met": statistics.median(report["preview_s"]) <= 1}]
    sizes = {s["entries"]: s for s in report["sizes"]}
    if 1000 in sizes and "plain_mkdocs_s" in sizes[1000]:
        ratio = sizes[1000]["warm_s"] / sizes[1000]["plain_mkdocs_s"]
        found.append({"target": "1,000 entries ≤ 0.5 × plain MkDocs + Material", "figure": round(ratio, 2),
                      "met": ratio <= 0.5})
    if 100 in sizes and 1000 in sizes:
        growth = sizes[1000]["ms_per_page"] / sizes[100]["ms_per_page"]
        found.append({"target": "time per page 100 → 1,000 entries ≤ 1.2×", "figure": round(growth, 2),
                      "met": growth <= 1.2})
    return found


def print_report(report: Json) -> None:
    demo = report["demo"]
    print(f"machine: {report['machine']['cpus']} cores, load {report['machine']['load']:.1f}\n")
    print("| site | pages | cold build s | warm build s | warm CPU s | ms/page | plain MkDocs s (CPU s) |\n"
          "|---|---|---|---|---|---|---|")
    for name, size in [("demo", demo), *((f"{s['entries']} entries", s) for s in report["sizes"])]:
        plain = f"{size['plain_mkdocs_s']} ({size['plain_mkdocs_cpu_s']})" if "plain_mkdocs_s" in size else ""
        print(f"| {name} | {size['pages']} | {size['cold_s']} | {size['warm_s']} | {size['warm_cpu_s']} | "
              f"{size['ms_per_page']} | {plain} |")
    print(f"\npreview, save → new page (s): {report['preview_s']}\n\nTargets")
    for target in report["targets"]:
        print(f"- {'met' if target['met'] else 'MISSED'}: {target['target']}: {target['figure']}")


if __name__ == "__main__":
    sys.exit(main())

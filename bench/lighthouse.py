"""Lighthouse on a built site, as an auditor would run it: mobile, simulated throttling, served with gzip.

    .venv/bin/python bench/lighthouse.py                 # build the demo into a temporary copy, 3 runs a page
    .venv/bin/python bench/lighthouse.py --site site     # an already built site
    .venv/bin/python bench/lighthouse.py --runs 5 --pages home,case

Prints, per page, the median performance and accessibility scores and Largest Contentful Paint of
`--runs` runs (and each run's figures), the failing accessibility audits, and the machine's 1-minute load
average when the page's runs ended (Lighthouse's CPU-bound figures depend on it). A benchmark: it measures
and exits 0 whatever the scores. On a shared 2-core machine Lighthouse's CPU rating swings widely from
run to run, hence medians.

Lighthouse 12.2.3 is pinned in tests/js/package.json (`npm ci` there installs it); Chromium is the
system one at /usr/bin/chromium, never a downloaded browser.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JS_DIR = ROOT / "tests" / "js"
LIGHTHOUSE = JS_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
                "--disable-component-update --disable-sync")
PAGES = {  # every page kind the issue names
    "home": "",
    "ranking": "2022/top-cases/",
    "case": "2022/top-cases/treat-first-pay-later/",
    "person": "2022/top-people/chen-jingyi/",
    "wall": "ambassadors/",
    "ambassador": "ambassadors/thomas-schmidt/",
    "about": "about/",
}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


def gzip_handler(root: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    """A static handler that gzips text responses, as any production host does."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if not (path.suffix in COMPRESSIBLE and path.is_file()
                    and "gzip" in self.headers.get("Accept-Encoding", "")) or not self.path.split("?")[0].endswith(
                    ("/", *COMPRESSIBLE)):
                return super().send_head()
            body = gzip.compress(path.read_bytes(), compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            return _Body(body)

        def log_message(self, format, *args):
            pass

    return Handler


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):  # the browser cancelled media
            super().handle_error(request, client_address)


class _Body:
    """The file-like object SimpleHTTPRequestHandler copies to the socket."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        pass


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True)


def run_lighthouse(url: str, out: Path) -> dict:
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    "--only-categories=performance,accessibility", f"--chrome-flags={CHROME_FLAGS}",
                    "--max-wait-for-load=30000"],
                   check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    failing = sorted(key for key, audit in audits.items()
                     if key in {ref["id"] for ref in report["categories"]["accessibility"]["auditRefs"]}
                     and audit.get("score") == 0)
    return {"performance": round(report["categories"]["performance"]["score"] * 100),
            "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
            "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
            "failing_accessibility": failing}


def build_demo(into: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from projects import copy_project

    project = copy_project(into / "project")
    subprocess.run([sys.executable, str(project / "build.py"), "build"], cwd=project, check=True,
                   env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}, stdout=subprocess.DEVNULL)
    return project / "site"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the demo into a temporary copy)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, of: {', '.join(PAGES)}")
    parser.add_argument("--keep", type=Path, help="keep each run's JSON report in this folder, to read its audits")
    args = parser.parse_args(argv)
    ensure_lighthouse()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
        site = args.site.resolve() if args.site else build_demo(Path(scratch))
        server = QuietServer(("127.0.0.1", 0), gzip_handler(site))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        reports = args.keep.resolve() if args.keep else Path(scratch)
        reports.mkdir(parents=True, exist_ok=True)
        print(f"{'page':<11} {'perf':>5} {'a11y':>5} {'LCP s':>6} {'FCP s':>6} {'TBT ms':>7} {'CLS':>6} {'load':>5}   "
              "runs (perf/a11y/LCP)   failing a11y audits")
        try:
            for name in args.pages.split(","):
                runs = [run_lighthouse(base + PAGES[name], reports / f"{name}-{i}.json") for i in range(args.runs)]
                each = " ".join(f"{r['performance']}/{r['accessibility']}/{r['lcp_s']:.2f}" for r in runs)
                failing = sorted({a for r in runs for a in r["failing_accessibility"]})
                print(f"{name:<11} {statistics.median([r['performance'] for r in runs]):>5} "
                      f"{statistics.median([r['accessibility'] for r in runs]):>5} "
                      f"{statistics.median([r['lcp_s'] for r in runs]):>6.2f} {statistics.median([r['fcp_s'] for r in runs]):>6.2f} "
                      f"{statistics.median([r['tbt_ms'] for r in runs]):>7.0f} {statistics.median([r['cls'] for r in runs]):>6.3f} "
                      f"{os.getloadavg()[0]:>5.1f}   "
                      f"{each}   {', '.join(failing) or '-'}", flush=True)
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Data is text, never code; builds are atomic and reproducible; private data stays private."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_build_py
from publisher import schema, search
from publisher.export import derived_files
from publisher.render import render_markdown

# Longest first: each field gets the longest payload its length limit allows.
PAYLOADS = ['<script>alert("x")</script><img src=x onerror=alert(1)>"\'><b onmouseover=alert(2)>x</b>',
            '<img src=x onerror=alert(1)>', '<b onmouseover=a()>', "<i>x</i>"]
CASE = "cases/2022/top-cases/smart-form-registration.yaml"
PERSON = "cases/2022/top-people/zhang-mingyuan.yaml"
AMBASSADOR = "cases/ambassadors/gao-zhenyu.yaml"


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_yaml(path: Path, data: dict) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(first + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _limit(model: type, field: str) -> int:
    info = model.model_fields[field]
    limits = [m.max_length for m in info.metadata if getattr(m, "max_length", None)]
    return min(limits) if limits else 10_000


def _payload(model: type, field: str) -> str:
    return next(p for p in PAYLOADS if len(p) <= _limit(model, field))


def poison(path: Path, model: type, fields: list[str], nested: dict[str, tuple[type, list[str]]] | None = None) -> None:
    """Put markup into every text field of an entry (links stay valid: those are rejected by check)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for field in fields:
        data[field] = _payload(model, field)
    for field, (part, keys) in (nested or {}).items():
        for item in data.get(field) or []:
            for key in keys:
                item[key] = _payload(part, key)
    if "tags" in data:
        data["tags"] = ["<i>x</i>"]
    write_yaml(path, data)


class LiveMarkup(HTMLParser):
    """Collects elements and attributes a browser would treat as live markup injected by the payload."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src") and value and value.strip().lower().startswith(("javascript:", "data:text")):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        if tag == "b" and any(n == "onmouseover" for n, _ in attrs):
            self.found.append("<b onmouseover>")
        self.in_script = tag == "script"

    def handle_data(self, data: str) -> None:
        if self.in_script and 'alert("x")' in data:
            self.found.append("<script>alert")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def test_markup_in_every_text_field_is_never_live(project: Path) -> None:
    poison(project / CASE, schema.Case, ["title", "summary", "unit", "body", "image_alt"],
           {"highlights": (schema.Highlight, ["label", "value"]), "sources": (schema.Source, ["title"])})
    poison(project / PERSON, schema.Person, ["name", "role", "organization", "citation", "body"])
    poison(project / AMBASSADOR, schema.Ambassador, ["name", "name_en", "region", "organization", "quote", "bio"])
    result = run_build_py(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    offenders = {}
    for page in sorted(site.rglob("*.html")):
        parser = LiveMarkup()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.found:
            offenders[page.relative_to(site).as_posix()] = parser.found
    assert not offenders, offenders
    # the search index holds plain text; the worker escapes what it shows
    # (tests/test_search_browser.py::test_worker_escapes_markup_it_shows)
    assert 'alert("x")' in search.indexed_text(site)
    case_page = (site / "2022/top-cases/smart-form-registration/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in case_page  # shown as text, not dropped silently


def test_markdown_bodies_are_sanitised() -> None:
    html = str(render_markdown('<script>alert(1)</script>\n\n[a](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n'
                               '<a href="data:text/html,x" onclick="y">b</a>\n\n## 小标题'))
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html and "data:text" not in html
    assert '<h2 id="小标题">' in html


def test_private_contacts_are_never_published(demo_site: Path) -> None:
    private, public = [], []
    for path in sorted((ROOT / "cases" / "ambassadors").glob("*.yaml")):
        contact = yaml.safe_load(path.read_text(encoding="utf-8")).get("contact")
        if contact:
            values = [str(v) for k, v in contact.items() if k != "public"]
            (public if contact.get("public") else private).extend(values)
    assert private and public, "the demo has both private and public contacts"
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in demo_site.rglob("*") if p.is_file()
                     and p.suffix in (".html", ".json", ".xml", ".txt"))
    for value in private:
        assert value not in text, f"private contact {value} was published"
    for value in public:
        assert value in text


def test_failed_build_leaves_previous_site_untouched(project: Path) -> None:
    assert run_build_py(project, "build").returncode == 0
    before = tree_digest(project / "site")
    path = project / CASE
    path.write_text(path.read_text(encoding="utf-8").replace("rank: 1\n", "rank: 十一\n"), encoding="utf-8")
    result = run_build_py(project, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "site/ 保持原样" in result.stdout
    assert tree_digest(project / "site") == before


def test_template_error_names_template_and_line_and_keeps_site(project: Path) -> None:
    assert run_build_py(project, "build").returncode == 0
    before = tree_digest(project / "site")
    template = project / "templates" / "case.html"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "<p>{{ e.no_such_field }}</p>")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_build_py(project, "build")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "templates/case.html:6" in output and "no_such_field" in output, output
    assert "Traceback" not in output
    assert tree_digest(project / "site") == before


def test_mkdocs_failure_keeps_site(project: Path) -> None:
    assert run_build_py(project, "build").returncode == 0
    before = tree_digest(project / "site")
    # A broken link in a hand-written page is a warning, which strict mode turns into an error.
    (project / "content" / "about.md").write_text("# 关于\n\n[坏链接](missing.md)\n", encoding="utf-8")
    result = run_build_py(project, "build")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_digest(project / "site") == before


def test_interrupted_build_keeps_site(project: Path) -> None:
    assert run_build_py(project, "build").returncode == 0
    before = tree_digest(project / "site")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    child = subprocess.Popen([sys.executable, str(project / "build.py"), "build"], cwd=project, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.2)  # past the check, inside MkDocs
    child.send_signal(signal.SIGINT)
    child.communicate(timeout=60)
    assert tree_digest(project / "site") == before
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".site-")]
    assert not leftovers, leftovers


def test_committed_schema_files_match_the_schema() -> None:
    for relative, content in derived_files().items():
        path = ROOT / relative
        assert path.exists(), f"{relative} missing: run python build.py schemas"
        assert path.read_text(encoding="utf-8") == content, f"{relative} drifted: run python build.py schemas"


def test_every_entry_file_points_at_its_committed_schema() -> None:
    for path in sorted((ROOT / "cases").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file() and target.parent == (ROOT / "schemas").resolve(), (path, target)


@pytest.mark.parametrize("kind", ["case", "person", "ambassador"])
def test_new_entry_is_valid_and_points_at_its_schema(project: Path, kind: str) -> None:
    result = run_build_py(project, "new", kind, "--year", "2023")
    assert result.returncode == 0, result.stderr
    created = project / result.stdout.split()[0].removeprefix("已新建")
    written = next(p for p in (project / "cases").rglob("new-*.yaml"))
    first = written.read_text(encoding="utf-8").splitlines()[0]
    assert (written.parent / first.split("$schema=", 1)[1]).resolve() == (project / "schemas" / f"{kind}.schema.json").resolve()
    if kind == "person":  # a person must point at an existing case of the same year: the editor fills it in
        text = written.read_text(encoding="utf-8").replace("cases:\n", "cases: []\n# ", 1)
        written.write_text(text, encoding="utf-8")
    check = run_build_py(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert created is not None

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
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # even if CI ignores it
    time.sleep(1.2)  # past the check, inside MkDocs
    child.send_signal(signal.SIGINT)
    child.communicate(timeout=60)
    assert child.returncode == 130  # stopped, not finished
    assert tree_digest(project / "site") == before
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".site-")]
    assert not leftovers, leftovers


def test_a_build_stopped_while_work_runs_beside_it_leaves_nothing_behind(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the search index is made beside the rendering (publisher/beside.py): that process must
    end with the build, or it writes into the build's folder after the build removed it."""
    import threading

    from publisher.cli import main as cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli(project, ["build"]) == 0
    before = tree_digest(project / "site")
    build_process, index_here, started = os.getpid(), search._index_rendered, project / "beside-started"

    def slow_beside(*args: object) -> dict:
        if os.getpid() != build_process:
            started.touch()
            time.sleep(3)
        return index_here(*args)

    def press_ctrl_c() -> None:
        deadline = time.monotonic() + 120
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(build_process, signal.SIGINT)

    monkeypatch.setattr(search, "_index_rendered", slow_beside)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even where CI ignores it
    try:
        threading.Thread(target=press_ctrl_c, daemon=True).start()
        assert cli(project, ["build"]) == 130
    finally:
        signal.signal(signal.SIGINT, previous)
    time.sleep(4)  # past the moment the process beside would write, were it still there
    assert tree_digest(project / "site") == before
    assert not [p.name for p in project.iterdir() if p.name.startswith(".site-")]


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


# --- issue 10: nothing put into the repository can harm readers, the machine or the site ---

import re  # noqa: E402

from publisher import content_pages, media, offline, problems  # noqa: E402
from publisher.linkcheck import check_site  # noqa: E402

MATERIAL_ASSETS = Path(__import__("material").__file__).parent / "templates" / "assets"
# XML namespaces inside CSS data: URIs name things; nothing is fetched from them.
_NAMESPACE = re.compile(r"^https?://www\.w3\.org/")
_JS_STRING_URL = re.compile(r"""["'`]((?:https?:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+[^"'`\s]*)""", re.I)
_CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])((?:https?:)?//[^"')\s]+)""", re.I)
_HTML_LOAD = re.compile(r"""\b(?:src|srcset|poster|data|imagesrcset)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.I)
_HTML_LINK_TAG = re.compile(r"<link\b[^>]*>", re.I)


def _other_hosts(site: Path, own: str) -> dict[str, list[str]]:
    """Every URL of another host that a file of the built site could load, by file."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in site.rglob("*") if p.suffix in (".html", ".css", ".js")):
        text = path.read_text(encoding="utf-8", errors="replace")
        urls = _CSS_URL.findall(text)
        if path.suffix != ".css":
            urls += _JS_STRING_URL.findall(text) if path.suffix == ".js" else []
        if path.suffix == ".html":
            urls += _HTML_LOAD.findall(text)
            urls += [u for tag in _HTML_LINK_TAG.findall(text) if re.search(r"rel=\"?[^\"]*(stylesheet|icon|preload|"
                                                                               r"modulepreload|manifest)", tag)
                     for u in re.findall(r"href=\"?((?:https?:)?//[^\"\s>]+)", tag)]
            for script in re.findall(r"<script\b(?![^>]*application/ld\+json)[^>]*>(.*?)</script>", text, re.S):
                urls += _JS_STRING_URL.findall(script)
        urls = [u for u in urls if not _NAMESPACE.match(u) and not u.startswith(own)]
        if urls:
            found[path.relative_to(site).as_posix()] = sorted(set(urls))
    return found


def test_the_built_site_loads_nothing_from_another_host(demo_site: Path) -> None:
    assert _other_hosts(demo_site, "https://example.org/") == {}
    assert not [str(p) for p in check_site(demo_site) if "another host" in p.reason]


def test_materials_bundle_would_load_from_other_hosts_without_the_offline_step() -> None:
    bundle = next((MATERIAL_ASSETS / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    before = offline.loaded_urls(bundle, ".js")
    assert any("unpkg.com" in url and "mermaid" in url for url in before), before  # what the step exists for
    after = offline.neutralise_text(bundle, ".js")
    assert offline.loaded_urls(after, ".js") == []
    assert _JS_STRING_URL.findall(after) == []
    assert len(after) < len(bundle) and after.count("about:invalid") == len(before)


def test_link_checker_reads_javascript_and_css(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<link rel="stylesheet" href="a.css"><script src="a.js"></script>'
                                         '<script>fetch("https://cdn.example.net/x.json")</script>', encoding="utf-8")
    (tmp_path / "a.js").write_text('/* see https://docs.example.com/ */ load("https://unpkg.com/x.js")', encoding="utf-8")
    (tmp_path / "a.css").write_text("@import url(//fonts.example.com/a.css);", encoding="utf-8")
    found = {(p.page, p.target) for p in check_site(tmp_path) if "another host" in p.reason}
    assert found == {("index.html", "https://cdn.example.net/x.json"), ("a.js", "https://unpkg.com/x.js"),
                     ("a.css", "//fonts.example.com/a.css")}


def test_content_page_html_is_sanitised_with_the_entry_allow_list_and_extensions_kept() -> None:
    html = content_pages.sanitise(
        '<h1 id="t">T <img src=x onerror=alert(1)><a class="headerlink" href="#t">¶</a></h1>'
        '<script>alert(2)</script><iframe src="https://evil.example/"></iframe>'
        '<div class="admonition note mermaid" onclick="x()"><p class="admonition-title">注意</p></div>'
        '<table><tr><td style="text-align: right; background: url(https://evil.example/)">1</td></tr></table>'
        '<img src="https://evil.example/p.png" alt="外"><img src="images/p.png" alt="本站">'
        '<a href="javascript:alert(3)">j</a><pre class="mermaid">graph</pre>')
    for gone in ("onerror", "<script", "<iframe", "onclick", "mermaid", "evil.example", "javascript:", "background"):
        assert gone not in html, (gone, html)
    for kept in ('class="headerlink"', 'class="admonition note"', 'class="admonition-title"', "text-align:right",
                 'src="images/p.png"', '<h1 id="t">'):
        assert kept in html, (kept, html)


def test_front_matter_is_escaped_once() -> None:
    meta, title = content_pages.escape_front_matter(
        {"title": "<img src=x onerror=alert(1)>", "description": '"><script>', "search": {"boost": 2},
         "tags": ["<b>"]}, "<img src=x onerror=alert(1)>")
    assert title == "&lt;img src=x onerror=alert(1)&gt;" == meta["title"]
    assert meta["description"] == "&#34;&gt;&lt;script&gt;" and meta["tags"] == ["&lt;b&gt;"]
    assert meta["search"] == {"boost": 2}


def test_hostile_content_page_never_reaches_the_site(project: Path) -> None:
    """A page that passes check (nothing in it runs) still reaches the site only sanitised and escaped."""
    (project / "content" / "extra.md").write_text(
        '---\ntitle: "<img src=x>标题"\ndescription: "\\"><b>x</b>"\n---\n\n# 页 <u>下划线</u>\n\n'
        '<span class="md-button" style="color:red">按钮</span>\n', encoding="utf-8")
    result = run_build_py(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (project / "site" / "extra" / "index.html").read_text(encoding="utf-8")
    assert "<title>&lt;img src=x&gt;标题 - " in page
    assert 'content="&#34;&gt;&lt;b&gt;x&lt;/b&gt;"' in page
    assert "<u>" not in page and "md-button" not in page and "color:red" not in page
    assert "<img src=x" not in page and '<img src="x"' not in page


@pytest.mark.parametrize("fault", ["deep_nesting", "media_symlink", "content_script", "yaml_octal"])
def test_new_faults_refuse_the_build_and_keep_the_site(project: Path, fault: str) -> None:
    assert run_build_py(project, "build").returncode == 0
    before = tree_digest(project / "site")
    if fault == "deep_nesting":  # crashed with SIGSEGV: a separate process shows it no longer does
        (project / "cases/2022/top-cases/deep.yaml").write_text("x: " + "[" * 50_000, encoding="utf-8")
    elif fault == "media_symlink":
        (project / "cases/media/images").mkdir(parents=True, exist_ok=True)
        (project / "cases/media/images/p.png").symlink_to("/etc/passwd")
        path = project / CASE
        text = re.sub(r"^image: .*$", "image: media/images/p.png", path.read_text(encoding="utf-8"), flags=re.M)
        assert "image: media/images/p.png" in text
        path.write_text(text, encoding="utf-8")
    elif fault == "content_script":
        (project / "content/about.md").write_text("# 关于\n\n<script>alert(1)</script>\n", encoding="utf-8")
    else:
        path = project / CASE
        path.write_text(path.read_text(encoding="utf-8").replace("rank: 1\n", "rank: 010\n"), encoding="utf-8")
    result = run_build_py(project, "build")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "site/ 保持原样" in output, output
    if fault == "media_symlink":
        assert "符号链接" in output and "p.png" in output, output  # refused for the link, not another fault
    assert tree_digest(project / "site") == before
    assert not (project / "site" / "files" / "media" / "images" / "p.png").exists()


def test_every_message_code_in_the_code_has_a_chinese_and_english_message() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "publisher").glob("*.py"))
    used = set(re.findall(r"""(?:Problem\([^"'\n]*?,\s*|Fault\(|_Reject\(|PydanticCustomError\(|\badd\(|\bproblem\(|return (?=["'][a-z_]+["'], \{))"""
                          r"""["']([a-z_]+)["']""", source))
    assert {"symlink", "yaml_octal", "media_svg", "content_cdn", "name_taken"} <= used, used  # the pattern finds codes
    missing = sorted(code for code in used if code not in problems.MESSAGES)
    assert not missing, missing
    for code, texts in problems.MESSAGES.items():
        assert set(texts) == {"zh", "en"} and all(message and hint for message, hint in texts.values()), code


@pytest.mark.parametrize("head, expected", [
    (b"\x89PNG\r\n\x1a\n\0\0", "png"), (b"\xff\xd8\xff\xe0\0\x10JFIF", "jpeg"), (b"GIF89a\x01\0", "gif"),
    (b"RIFF\x10\0\0\0WEBPVP8 ", "webp"), (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1", "avif"),
    (b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2", "mp4"), (b"\0\0\0\x20ftypM4A \0\0\0\0M4A mp42", "mp4"),
    (b"OggS\0\x02", "ogg"), (b"ID3\x04\0", "mp3"), (b"\xff\xfb\x90\x44", "mp3"), (b"\xff\xf1\x50\x80", "aac"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "webm"), (b"\x1a\x45\xdf\xa3\x42\x82\x88matroska", "unknown"),
    (b'\xef\xbb\xbf  <?xml version="1.0"?><svg>', "svg"), (b"<!DOCTYPE html><p>", "html"), (b"  <script>x", "html"),
    (b"just text", "unknown"), (b"", "unknown"),
])
def test_media_type_is_told_by_content(head: bytes, expected: str) -> None:
    assert media.sniff(head) == expected


def test_the_preview_survives_hostile_files_and_recovers(project: Path) -> None:
    """The inputs that crashed the process (deep nesting: SIGSEGV) or gave tracebacks (a dangling link)
    show on the preview's problem page; the page comes back once they are removed."""
    from test_preview import CASE_PAGE, TITLE, get, preview, wait_for
    from publisher.preview import MARK

    deep = project / "cases/2022/top-cases/deep.yaml"
    dangling = project / "cases/2022/top-cases/gone.yaml"
    with preview(project) as base:
        assert TITLE in get(base + CASE_PAGE)
        deep.write_text("x: " + "[" * 50_000, encoding="utf-8")
        dangling.symlink_to("/nonexistent/gone.yaml")
        wait_for(lambda: MARK in get(base + CASE_PAGE), 30, "the problem page shows the hostile files")
        body = get(base + CASE_PAGE)
        assert "deep.yaml" in body and "gone.yaml" in body, body
        deep.unlink()
        dangling.unlink()
        wait_for(lambda: TITLE in get(base + CASE_PAGE), 30, "the case page comes back after the fix")

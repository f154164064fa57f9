"""What the preview (`build.py serve`) shows while the entries or templates have a problem.

Editors look at the browser, not the terminal: every address of the preview answers at once with
one page that lists every problem (file, line, field, what to do, a link that opens the file in
VS Code) and reloads by itself as soon as a save fixes or changes them. It is plain HTML made
here, not through the templates, which may be what is broken.
"""

from __future__ import annotations

import hashlib
import html
import shutil
import urllib.parse
from pathlib import Path

from .problems import ContentError, Problem

MARK = "publisher-problems"  # the page names its problems' digest here; the reload script compares it


def problem_page(error: Exception, root: Path, lang: str = "zh") -> str:
    """The page listing what `error` (a ContentError, or any build failure) found."""
    if isinstance(error, ContentError):
        items = [_item(problem, root, lang) for problem in error.problems]
        count = len(error.problems)
    else:
        items = [f'<li><pre class="detail">{html.escape(str(error) or type(error).__name__)}</pre></li>']
        count = 1
    digest = hashlib.sha256("".join(items).encode("utf-8")).hexdigest()[:16]
    title = f"有 {count} 个问题需要修改" if lang == "zh" else f"{count} problem(s) to fix"
    intro = ("网站预览暂停了：下面的文件有问题。改好并保存后，本页会自动刷新为网站。"
             if lang == "zh" else "The preview is paused until these are fixed; this page reloads by itself.")
    return _PAGE.format(lang="zh-CN" if lang == "zh" else "en", mark=MARK, digest=digest, title=html.escape(title),
                        intro=html.escape(intro), items="\n".join(items))


def _item(problem: Problem, root: Path, lang: str) -> str:
    where, field, message, hint = problem.parts(lang, root)
    path = problem.path if problem.path.is_absolute() else root / problem.path
    target = urllib.parse.quote(path.resolve().as_posix().lstrip("/")) + (f":{problem.line}:{problem.column or 1}"
                                                              if problem.line else "")
    file = where.split(":", 1)[0]
    line = (f"第 {problem.line} 行" if lang == "zh" else f"line {problem.line}") if problem.line else ""
    label = ("字段 " if lang == "zh" else "field ") + field if field != "-" else ""
    return (f'<li><p class="where"><code>{html.escape(file)}</code> {line} <span class="field">{html.escape(label)}'
            f'</span> <a href="vscode://file/{html.escape(target)}">{"用 VS Code 打开" if lang == "zh" else "Open"}'
            f'</a></p><p class="message">{html.escape(message)}</p>'
            f'<p class="hint">{"怎么改" if lang == "zh" else "What to do"}：{html.escape(hint)}</p></li>')


def write_problem_site(site_dir: Path, page: str) -> None:
    """Replace the preview's files with the problem page, served for every address (index and 404)."""
    for child in site_dir.iterdir() if site_dir.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    site_dir.mkdir(parents=True, exist_ok=True)
    for name in ("index.html", "404.html"):
        (site_dir / name).write_text(page, encoding="utf-8")


# Polls its own address: reloads when the answer is no longer this page (fixed) or lists other problems.
_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="{mark}" content="{digest}">
<title>{title}</title>
<style>
body{{font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:0;background:#f4f7fb;color:#1d2733}}
header{{background:#083f7a;color:#fff;padding:1.2rem 1.5rem}} h1{{margin:0;font-size:1.4rem}}
header p{{margin:.4rem 0 0}} ol{{max-width:60rem;margin:1.5rem auto;padding:0 1.5rem 0 3rem}}
li{{background:#fff;border-left:4px solid #c62828;border-radius:6px;margin:0 0 1rem;padding:.8rem 1rem}}
.where{{margin:0}} code{{font-size:.95rem;background:#eef2f7;padding:.1rem .3rem;border-radius:3px}}
.field{{color:#5a6b7d;margin:0 .4rem}} .message{{margin:.4rem 0;font-weight:600}} .hint{{margin:0;color:#2c3e50}}
a{{color:#0b5cad}} pre{{white-space:pre-wrap;margin:0}}
</style></head>
<body data-{mark}="{digest}">
<header><h1>{title}</h1><p>{intro}</p></header>
<main><ol>
{items}
</ol></main>
<script>
(function () {{
  var mine = "{digest}";
  function check() {{
    fetch(location.href, {{cache: "no-store"}}).then(function (r) {{ return r.text(); }}).then(function (text) {{
      var found = text.match(/name="{mark}" content="([0-9a-f]+)"/);
      if (!found || found[1] !== mine) location.reload();
      else setTimeout(check, 1000);
    }}, function () {{ setTimeout(check, 2000); }});
  }}
  setTimeout(check, 1000);
}})();
</script>
</body></html>
"""

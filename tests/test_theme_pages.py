"""Material's own pages as our templates dress them (templates/theme/): the share block of hand-written pages,
the skip link of every page, and the 404 page a host serves for a mistyped address, in both languages.

The share block's paths come from publisher/urls.py and its words from publisher/i18n.py, as a generated
page's do: a project whose QR-code file name and share sentence are changed in those two places shows the
change on its hand-written pages too. The rest runs in headless Chromium at phone size (390 × 844).
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_build_py

SITE_URL = "https://x.example.cn/campaign/"


def share_block(html: str) -> str:
    return re.search(r'<aside class="pub-share[^"]*".*?</aside>', html, re.S).group(0)


def test_hand_written_pages_share_like_generated_ones_from_urls_and_i18n(project: Path) -> None:
    changed = {"publisher/urls.py": [('QR_FILE = "qr.svg"', 'QR_FILE = "scan-me.svg"')],
               "publisher/i18n.py": [("用手机扫一扫，打开或转发本页。", "扫一扫，转给朋友。"),
                                     ("Scan with a phone to open or pass on this page.", "Scan it, pass it on.")]}
    for name, replacements in changed.items():
        path = project / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert text.count(old) == 1, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    result = run_build_py(project, "build", "--site-url", SITE_URL)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    for page, sentence in (("about/", "扫一扫，转给朋友。"), ("en/about/", "Scan it, pass it on.")):
        block = share_block((site / page / "index.html").read_text(encoding="utf-8"))
        assert '<img class="pub-share__qr" src="scan-me.svg"' in block and (site / page / "scan-me.svg").is_file()
        assert f"<p>{sentence}</p>" in block
        assert f'<p class="pub-share__url">{SITE_URL}{page}</p>' in block
        generated = share_block((site / page.replace("about/", "2022/top-cases/") / "index.html").read_text(encoding="utf-8"))
        assert f"<p>{sentence}</p>" in generated  # the very same words as a generated page's

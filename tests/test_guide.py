"""docs/editing.md promises only what exists: its commands parse, its files and folders are there."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT
from publisher.cli import parse_arguments

GUIDE = (ROOT / "docs/editing.md").read_text(encoding="utf-8")


def test_every_command_in_the_guide_is_one_build_py_understands() -> None:
    commands = re.findall(r"(?:py|python3?) build\.py ([^`#\n]+)", GUIDE)
    assert len(commands) >= 4
    for command in commands:
        args = parse_arguments(ROOT, command.split())
        assert args.command in ("new", "check", "serve", "build"), command


def test_files_and_folders_the_guide_names_exist() -> None:
    for name in ("预览.cmd", "预览.sh", ".venv/setup.log", "cases/media/images/", "cases/ambassadors/",
                 "fields.md", "messages.md"):
        assert name in GUIDE, name
    for path in ("预览.cmd", "预览.sh", "cases/media/images", "cases/ambassadors", "docs/fields.md", "docs/messages.md",
                 ".vscode/tasks.json", ".vscode/extensions.json"):
        assert (ROOT / path).exists(), path
    for label in re.findall(r"\*\*(检查全部条目|预览网站|新建案例|新建人物|新建大使)\*\*", GUIDE):
        assert f'"label": "{label}"' in (ROOT / ".vscode/tasks.json").read_text(encoding="utf-8"), label


def test_the_guide_starts_from_installing_python_and_ends_with_publishing() -> None:
    headings = re.findall(r"^## (.+)$", GUIDE, re.M)
    assert "安装 Python" in headings[0] and "发布" in " ".join(headings)
    assert "Add python.exe to PATH" in GUIDE and "Download ZIP" in GUIDE and "GitHub Desktop" in GUIDE


def test_the_images_folder_is_explained_but_never_published(demo_site: Path) -> None:
    readme = ROOT / "cases/media/images/README.txt"
    assert "media/images/" in readme.read_text(encoding="utf-8")
    assert not [p for p in demo_site.rglob("README.txt")]

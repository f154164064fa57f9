#!/usr/bin/env python3
"""营商创新榜单网站的命令 / The publisher's commands.

    python3 build.py check                 检查全部条目 / validate every entry
    python3 build.py build                 检查并生成网站到 site/ / check, then build site/
    python3 build.py serve                 本地预览 http://127.0.0.1:8000 / live preview
    python3 build.py new case|person|ambassador [slug] [--year 2023]
    python3 build.py links [site]          检查链接与资源 / check links and assets
    python3 build.py schemas               重新生成 JSON Schema 与字段说明 / regenerate schema files
    python3 build.py test [pytest args]    运行全部测试 / run the whole test suite

On first use it creates .venv/ beside this file and installs the pinned
requirements into it, then runs itself inside it: nothing is installed by hand.

The pipeline: publisher/load.py (read YAML) → validate.py (one schema, schema.py)
→ render.py (Jinja templates in templates/) → MkDocs (publisher/mkdocs_hook.py).
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _ensure_environment(requirements: str) -> None:
    """Create .venv and install `requirements` (pinned) once; re-run this script inside it."""
    inside = Path(sys.prefix).resolve() == VENV.resolve()
    if not inside and sys.prefix != sys.base_prefix:
        return  # another virtual environment is active (tests, benchmarks): use it as it is
    wanted = (ROOT / requirements).read_bytes() + (ROOT / "requirements.txt").read_bytes()
    stamp = VENV / f".installed-{requirements}"
    digest = hashlib.sha256(wanted).hexdigest()
    if inside and stamp.exists() and stamp.read_text() == digest:
        return
    if not _venv_python().exists():
        print("首次运行：正在创建 .venv 并安装依赖（需要几分钟）… / setting up .venv …", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    if not stamp.exists() or stamp.read_text() != digest:
        pip = [str(_venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.check_call(pip + ["-r", str(ROOT / requirements)])
        stamp.write_text(digest)
    if not inside:
        os.execv(str(_venv_python()), [str(_venv_python()), str(Path(__file__).resolve()), *sys.argv[1:]])


def main() -> int:
    if sys.argv[1:2] == ["test"]:
        _ensure_environment("requirements-dev.txt")
        return subprocess.call([sys.executable, "-m", "pytest", *sys.argv[2:]], cwd=ROOT)
    _ensure_environment("requirements.txt")
    from publisher.cli import main as cli

    return cli(ROOT)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""营商创新榜单网站的命令 / The publisher's commands.

    python3 build.py check                 检查全部条目 / validate every entry
    python3 build.py build                 检查并生成网站到 site/ / check, then build site/
    python3 build.py serve                 本地预览 http://127.0.0.1:8000 / live preview
    python3 build.py new case|person|ambassador [slug] [--year 2023]
    python3 build.py links [site]          检查链接与资源 / check links and assets
    python3 build.py schemas               重新生成 JSON Schema 与字段说明 / regenerate schema files
    python3 build.py test [pytest args]    运行全部测试 / run the whole test suite

On Windows type `py build.py …` (or `python build.py …`); editors double-click 预览.cmd instead.

On first use it creates .venv/ beside this file and installs the pinned
requirements into it, then runs itself inside it: nothing is installed by hand.
A set-up that fails (no network, no venv module, an old Python) ends in a
sentence saying what to do, never in a traceback.

No syntax newer than Python 3.6 in this file: an old Python must get to the
sentence that says it is too old.

The pipeline: publisher/load.py (read YAML) → validate.py (one schema, schema.py)
→ render.py (Jinja templates in templates/) → MkDocs (publisher/mkdocs_hook.py).
"""

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from publisher.launch import build_command

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
OLDEST_PYTHON = (3, 11)  # what CI tests; the pinned packages and the code need 3.10 at the very least
SETUP_LOG = VENV / "setup.log"
PYTHON_DOWNLOAD = "https://www.python.org/downloads/"


class SetupFailed(Exception):
    """Setting up .venv failed; the message tells the editor what to do."""


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _again(then: str = "然后") -> str:
    """How to try again, in the words of the editor's system."""
    return "{}重新运行 {}（或再次双击“预览”）。".format(then, build_command(" ".join(sys.argv[1:])))


def _install_python_hint() -> str:
    if os.name == "nt":
        return ("请从 {} 下载并安装最新版 Python；安装程序的第一页务必勾选“Add python.exe to PATH”，"
                "再点“Install Now”。".format(PYTHON_DOWNLOAD))
    return "请用系统的软件包管理器安装新版 Python 3（Debian/Ubuntu：sudo apt install python3 python3-venv），或从 {} 下载。".format(
        PYTHON_DOWNLOAD)


def version_problem(version: tuple) -> str:
    """A sentence about a Python too old for the project, or "" when it is recent enough."""
    if tuple(version[:2]) >= OLDEST_PYTHON:
        return ""
    return "这台电脑上的 Python 是 {}.{}，本项目需要 {}.{} 或更新的版本。{}{}".format(
        version[0], version[1], *OLDEST_PYTHON, _install_python_hint(), _again())


def _no_venv_message(detail: str = "") -> str:
    if os.name == "nt":
        fix = "这台电脑上的 Python 缺少创建运行环境的组件（venv）。" + _install_python_hint()
    else:
        fix = ("这台电脑上的 Python 缺少创建运行环境的组件（venv）。Debian/Ubuntu 上运行 "
               "sudo apt install python3-venv 安装它。")
    return fix + _again() + ("\n（原始信息：{}）".format(detail) if detail else "")


def _looks_offline(log: str) -> bool:
    signs = ("NewConnectionError", "Temporary failure in name resolution", "Failed to establish a new connection",
             "ConnectTimeout", "ReadTimeout", "Network is unreachable", "No matching distribution found",
             "Could not find a version", "getaddrinfo failed", "ProxyError", "SSLError", "CERTIFICATE_VERIFY_FAILED")
    return any(sign in log for sign in signs)


def _create_venv() -> None:
    print("第一次运行：正在准备运行环境——在项目的 .venv 文件夹里安装预览和生成网站所需的软件。"
          "需要联网，约几分钟，只需一次。", flush=True)
    if importlib.util.find_spec("venv") is None or importlib.util.find_spec("ensurepip") is None:
        raise SetupFailed(_no_venv_message())
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, universal_newlines=True)
    if result.returncode != 0 or not _venv_python().exists():
        shutil.rmtree(str(VENV), ignore_errors=True)  # a half-made .venv would fail every later run
        last = (result.stdout or "").strip().splitlines()[-1:] or [""]
        raise SetupFailed(_no_venv_message(last[0]))


def _install(requirements: str) -> None:
    """pip install the pinned requirements; its output goes to .venv/setup.log, for IT if it fails."""
    print("正在安装所需软件（{}）…".format(requirements), flush=True)
    command = [str(_venv_python()), "-m", "pip", "install", "--disable-pip-version-check",
               "-r", str(ROOT / requirements)]
    with open(str(SETUP_LOG), "w", encoding="utf-8", errors="replace") as log:
        code = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT)
    if code == 0:
        return
    text = SETUP_LOG.read_text(encoding="utf-8", errors="replace")
    shown = "{}/{}".format(VENV.name, SETUP_LOG.name)  # as the editor finds it beside build.py
    if _looks_offline(text):
        raise SetupFailed("安装所需软件时连不上软件源（pypi.org）。请确认电脑能上网；公司网络需要代理或内部镜像时，"
                          "请 IT 同事为 pip 设置好。" + _again() + "详细记录在 {}。".format(shown))
    raise SetupFailed("安装所需软件失败。请把 {} 这个文件发给 IT 同事看看；".format(shown) + _again("问题解决后，"))


def _ensure_environment(requirements: str) -> bool:
    """Create .venv and install `requirements` (pinned) once. True when this script must run again inside it."""
    inside = Path(sys.prefix).resolve() == VENV.resolve()
    if not inside and sys.prefix != sys.base_prefix:
        return False  # another virtual environment is active (tests, benchmarks): use it as it is
    wanted = (ROOT / requirements).read_bytes() + (ROOT / "requirements.txt").read_bytes()
    stamp = VENV / ".installed-{}".format(requirements)
    digest = hashlib.sha256(wanted).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        if not _venv_python().exists():
            _create_venv()
        _install(requirements)
        stamp.write_text(digest)
    return not inside


def run_inside(arguments: list) -> int:
    """Run this script again with .venv's Python and `arguments`; its exit code.

    Elsewhere the process is replaced (execv): the terminal and Ctrl+C go straight to the tool.
    On Windows execv starts a new process and hands the prompt back at once, so the tool would run
    in the background; there it runs as a child in the same console and we wait for it.
    """
    command = [str(_venv_python()), str(Path(__file__).resolve()), *arguments]
    if os.name != "nt":
        os.execv(command[0], command)
    return wait_for(subprocess.Popen(command))


def wait_for(child: "subprocess.Popen") -> int:
    """The child's exit code. Ctrl+C reaches every process in the console: the child stops itself, we wait."""
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue


def main() -> int:
    too_old = version_problem(sys.version_info)
    if too_old:
        print(too_old, file=sys.stderr)
        return 1
    testing = sys.argv[1:2] == ["test"]
    try:
        relaunch = _ensure_environment("requirements-dev.txt" if testing else "requirements.txt")
    except SetupFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("准备工作被中断了；下次运行会接着准备。", file=sys.stderr)
        return 130
    if relaunch:
        return run_inside(sys.argv[1:])
    if testing:
        return subprocess.call([sys.executable, "-m", "pytest", *sys.argv[2:]], cwd=str(ROOT))
    from publisher.cli import main as cli

    return cli(ROOT)


if __name__ == "__main__":
    sys.exit(main())

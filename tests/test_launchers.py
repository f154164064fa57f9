"""The preview an editor double-clicks: 预览.sh runs here, 预览.cmd is checked line by line.

The real run starts `serve --open` on a copy of the demo with a stand-in browser (webbrowser
honours $BROWSER) and waits for the browser to be sent to the preview address.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, copy_project

SH = ROOT / "预览.sh"
CMD = ROOT / "预览.cmd"


def stub(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


def run_launcher(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", str(folder / SH.name), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, stdin=subprocess.DEVNULL, timeout=60)


def test_linux_launcher_is_executable_in_git() -> None:
    mode = subprocess.run(["git", "ls-files", "-s", SH.name], cwd=ROOT, capture_output=True, text=True).stdout
    if not mode:
        pytest.skip("not a git checkout")
    assert mode.startswith("100755"), mode
    assert SH.stat().st_mode & stat.S_IXUSR
    assert subprocess.run(["sh", "-n", str(SH)]).returncode == 0


def test_linux_launcher_runs_serve_open_from_its_own_folder(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / SH.name).write_bytes(SH.read_bytes())
    record = tmp_path / "called"
    python = stub(tmp_path / "python", f'pwd > "{record}"; echo "$@" >> "{record}"; exit 0\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(["/bin/sh", str(folder / SH.name), "--dev-addr", "127.0.0.1:8123"], cwd=elsewhere,
                            capture_output=True, text=True, env={**os.environ, "PREVIEW_PYTHON": str(python)},
                            stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert record.read_text().splitlines() == [str(folder), "build.py serve --open --dev-addr 127.0.0.1:8123"]
    assert "正在启动预览" in result.stdout and "自动打开浏览器" in result.stdout


def test_linux_launcher_explains_a_failure_and_passes_the_exit_code(tmp_path: Path) -> None:
    (tmp_path / SH.name).write_bytes(SH.read_bytes())
    python = stub(tmp_path / "python", "echo '请先修正上面的问题' >&2; exit 1\n")
    result = run_launcher(tmp_path, {"PREVIEW_PYTHON": str(python)})
    assert result.returncode == 1
    assert "预览没有启动成功" in result.stdout and "请先修正上面的问题" in result.stderr


def test_linux_launcher_without_python_says_how_to_install_it(tmp_path: Path) -> None:
    (tmp_path / SH.name).write_bytes(SH.read_bytes())
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "dirname").symlink_to(subprocess.run(["sh", "-c", "command -v dirname"], capture_output=True,
                                                 text=True).stdout.strip())
    result = run_launcher(tmp_path, {"PATH": str(bare), "PREVIEW_PYTHON": ""})
    assert result.returncode == 1
    assert "没有找到 Python 3" in result.stdout and "python3-venv" in result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_linux_launcher_starts_the_preview_and_opens_the_browser_on_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / SH.name).write_bytes(SH.read_bytes())
    opened = tmp_path / "opened"
    browser = stub(tmp_path / "browser", f'echo "$1" > "{opened}"\n')
    port = free_port()
    process = subprocess.Popen(["/bin/sh", str(project / SH.name), "--dev-addr", f"127.0.0.1:{port}"],
                               env={**os.environ, "PREVIEW_PYTHON": sys.executable, "BROWSER": str(browser)},
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, text=True)
    try:
        deadline = time.monotonic() + 300
        while not opened.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert opened.exists(), "the browser was never opened"
        url = opened.read_text().strip()
        assert url == f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(url, timeout=30) as page:  # it opened on a server that answers
            assert page.status == 200
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- 预览.cmd, checked without Windows --------------------------------------------------------------------


def cmd_lines() -> list[str]:
    data = CMD.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "a BOM breaks the first line (@echo off) in cmd.exe"
    assert b"\n" not in data.replace(b"\r\n", b""), "every line must end in CRLF: cmd.exe misreads labels otherwise"
    return data.decode("utf-8").split("\r\n")


def code_of(line: str) -> str:
    """The line without a rem comment, with quoted strings blanked (their brackets do not count)."""
    stripped = line.strip()
    if re.match(r"(?i)^(rem\b|::)", stripped):
        return ""
    return re.sub(r'"[^"]*"', '""', stripped)


def test_cmd_switches_to_utf8_before_any_chinese() -> None:
    lines = cmd_lines()
    assert lines[0].lower() == "@echo off"
    chcp = next(i for i, line in enumerate(lines) if line.lower().startswith("chcp 65001"))
    first_chinese = next(i for i, line in enumerate(lines) if not line.isascii())
    assert chcp < first_chinese


def test_cmd_labels_exist_for_every_goto_and_call() -> None:
    lines = cmd_lines()
    labels = {line.strip()[1:].lower() for line in lines if re.match(r"^:[A-Za-z_]\w*\s*$", line.strip())}
    targets = [m.group(1).lower() for line in lines for m in re.finditer(r"(?i)\b(?:goto|call)\s+:?([A-Za-z_]\w*)",
                                                                         code_of(line))]
    assert targets, "the launcher jumps somewhere"
    missing = [t for t in targets if t not in labels and t != "eof"]
    assert not missing, missing
    assert all(label.isascii() for label in labels)


def test_cmd_brackets_balance_and_echo_text_is_safe() -> None:
    depth = 0
    for number, line in enumerate(cmd_lines(), 1):
        code = code_of(line)
        for char in code:
            depth += {"(": 1, ")": -1}.get(char, 0)
            assert depth >= 0, f"line {number}: ')' closes nothing"
        if re.match(r"(?i)^(@?echo|if .* echo)\b", code):
            text = re.split(r"(?i)\becho\b", code, 1)[1]
            assert not re.search(r"[<>|&]", text), f"line {number}: < > | & in echo text run as commands"
    assert depth == 0, "unbalanced brackets"


def test_cmd_finds_python_explains_installing_it_and_runs_an_existing_command() -> None:
    text = "\r\n".join(cmd_lines())
    assert re.search(r"(?m)^py -3 .*&& set \"PYTHON=py -3\"", text)
    assert re.search(r"(?m)^if not defined PYTHON python .*&& set \"PYTHON=python\"", text)
    assert "Add python.exe to PATH" in text and "https://www.python.org/downloads/" in text
    assert text.count("pause") >= 2  # the window stays open after an error
    run = re.search(r"(?m)^%PYTHON% build\.py (.*)$", text).group(1).split()
    assert run[:2] == ["serve", "--open"]
    from publisher.cli import parse_arguments

    args = parse_arguments(ROOT, run[:2])
    assert args.command == "serve" and args.open

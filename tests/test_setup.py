"""build.py's set-up and relaunch, on this system and as on Windows (os.name patched to "nt").

The module is loaded from build.py itself; `os` inside it is replaced by a copy whose `name` is
"nt" (patching the real os.name would break pathlib for the whole test run).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from conftest import ROOT


def load_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(f"build_under_test_{system}", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fake_os = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os) if not name.startswith("__")})
    fake_os.name = system
    fake_os.execv = lambda *args: pytest.fail(f"execv called on {system}: {args}")  # replaced where execv is fine
    monkeypatch.setattr(module, "os", fake_os)
    import publisher.launch as launch
    monkeypatch.setattr(launch, "os", fake_os)  # the command spelled in messages follows the same system
    monkeypatch.setattr(module, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(module, "SETUP_LOG", tmp_path / ".venv" / "setup.log")
    monkeypatch.setattr(sys, "argv", ["build.py", "serve", "--open"])
    return module


class FakeChild:
    """A child process whose wait() is interrupted by Ctrl+C `interrupts` times before it exits."""

    def __init__(self, command: list[str], interrupts: int = 0, code: int = 0):
        self.command, self.interrupts, self.code, self.waits = command, interrupts, code, 0

    def wait(self) -> int:
        self.waits += 1
        if self.waits <= self.interrupts:
            raise KeyboardInterrupt
        return self.code


def test_windows_runs_the_tool_as_a_child_and_returns_its_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = load_build(tmp_path, monkeypatch, "nt")
    started: list[FakeChild] = []

    def popen(command: list[str]) -> FakeChild:
        started.append(FakeChild(command, interrupts=2, code=130))
        return started[-1]

    monkeypatch.setattr(build.subprocess, "Popen", popen)
    assert build.run_inside(["serve", "--open"]) == 130  # Ctrl+C twice: still waits, then the child's code
    (child,) = started
    assert child.command[0] == str(tmp_path / ".venv" / "Scripts" / "python.exe")
    assert child.command[1:] == [str(ROOT / "build.py"), "serve", "--open"]
    assert child.waits == 3


def test_elsewhere_the_process_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = load_build(tmp_path, monkeypatch, "posix")
    replaced = []

    class Replaced(Exception):
        """execv never returns"""

    def execv(path: str, args: list[str]) -> None:
        replaced.append((path, args))
        raise Replaced

    build.os.execv = execv
    monkeypatch.setattr(build.subprocess, "Popen", lambda *a, **k: pytest.fail("no child where execv works"))
    with pytest.raises(Replaced):
        build.run_inside(["check"])
    assert replaced == [(str(tmp_path / ".venv/bin/python"), [str(tmp_path / ".venv/bin/python"), str(ROOT / "build.py"), "check"])]


def test_a_child_on_this_system_keeps_output_in_order_and_passes_the_exit_code() -> None:
    script = "import sys; print('inside'); sys.exit(3)"
    build_py = ROOT / "build.py"
    spec = importlib.util.spec_from_file_location("build_real", build_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert module.wait_for(child) == 3
    assert child.stdout.read() == "inside\n"


def setup_fails(build: types.ModuleType, capsys: pytest.CaptureFixture) -> str:
    code = build.main()
    output = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in output.out + output.err
    return output.err


def test_windows_without_network_gets_a_sentence_with_py(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture) -> None:
    build = load_build(tmp_path, monkeypatch, "nt")
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)  # as if run from the system Python, not a venv
    import publisher.launch as launch
    monkeypatch.setattr(launch.shutil, "which", lambda name: "C:/Windows/py.exe" if name == "py" else None)

    def fake_run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess:
        assert command[1:3] == ["-m", "venv"]
        python = tmp_path / ".venv/Scripts/python.exe"
        python.parent.mkdir(parents=True)
        python.write_text("")
        return subprocess.CompletedProcess(command, 0, "")

    def fake_pip(command: list[str], stdout, stderr) -> int:
        assert command[0] == str(tmp_path / ".venv/Scripts/python.exe") and command[1:4] == ["-m", "pip", "install"]
        stdout.write("WARNING: Retrying ... NewConnectionError('Failed to establish a new connection')\n"
                     "ERROR: Could not find a version that satisfies the requirement Jinja2==3.1.6\n")
        return 1

    monkeypatch.setattr(build.subprocess, "run", fake_run)
    monkeypatch.setattr(build.subprocess, "call", fake_pip)
    message = setup_fails(build, capsys)
    assert "连不上" in message and "py build.py serve --open" in message and "python3" not in message
    assert ".venv/setup.log" in message and (tmp_path / ".venv/setup.log").read_text().startswith("WARNING")
    assert not (tmp_path / ".venv/.installed-requirements.txt").exists()  # the next run tries again


def test_pip_failing_otherwise_points_to_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture) -> None:
    build = load_build(tmp_path, monkeypatch, "nt")
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)
    (tmp_path / ".venv/Scripts").mkdir(parents=True)
    (tmp_path / ".venv/Scripts/python.exe").write_text("")
    monkeypatch.setattr(build.subprocess, "call", lambda command, stdout, stderr: stdout.write("error: disk full\n") and 1)
    message = setup_fails(build, capsys)
    assert "安装所需软件失败" in message and "IT" in message and ".venv/setup.log" in message


def test_no_venv_module_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture) -> None:
    build = load_build(tmp_path, monkeypatch, "posix")
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)
    monkeypatch.setattr(build.importlib.util, "find_spec", lambda name: None if name == "ensurepip" else object())
    message = setup_fails(build, capsys)
    assert "sudo apt install python3-venv" in message
    assert "python3 build.py serve --open" in message
    assert not (tmp_path / ".venv").exists()


def test_a_failed_venv_leaves_no_half_made_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture) -> None:
    build = load_build(tmp_path, monkeypatch, "nt")
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)

    def broken_venv(command: list[str], **kwargs: object) -> subprocess.CompletedProcess:
        (tmp_path / ".venv").mkdir()
        return subprocess.CompletedProcess(command, 1, "Error: Command '['python.exe', '-m', 'ensurepip']' returned 1")

    monkeypatch.setattr(build.subprocess, "run", broken_venv)
    message = setup_fails(build, capsys)
    assert "Add python.exe to PATH" in message and "ensurepip" in message
    assert not (tmp_path / ".venv").exists()


@pytest.mark.parametrize("system, command", [("nt", "py build.py"), ("posix", "python3 build.py")])
def test_an_old_python_is_told_what_to_install(system: str, command: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    build = load_build(tmp_path, monkeypatch, system)
    import publisher.launch as launch
    monkeypatch.setattr(launch.shutil, "which", lambda name: f"/bin/{name}" if name in ("py", "python3") else None)
    message = build.version_problem((3, 8, 10))
    assert "3.8" in message and "3.11" in message and f"{command} serve --open" in message
    assert ("Add python.exe to PATH" in message) == (system == "nt")
    assert build.version_problem(sys.version_info) == ""


def test_an_old_python_can_read_build_py() -> None:
    """build.py and what it imports first must compile on an old Python, or the editor sees a SyntaxError."""
    import ast

    for path in (ROOT / "build.py", ROOT / "publisher/launch.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), feature_version=(3, 6))
        futures = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "__future__"]
        assert not futures, f"{path.name}: `from __future__` needs Python 3.7"

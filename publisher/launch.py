"""What an editor's double-click needs: the command as they type it, and the browser opened for them.

Standard library only, and no syntax newer than Python 3.6: `build.py` imports this before it knows
the Python is recent enough and before the project's environment exists.
"""

import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
import webbrowser
from typing import Callable, Optional


def build_command(action: str = "") -> str:
    """`build.py` with `action`, spelled as the editor types it on this system.

    Windows installs Python as `py` (the launcher) and `python`; `python3` exists only elsewhere.
    """
    if os.name == "nt":
        program = "py" if shutil.which("py") else "python"
    else:
        program = "python3" if shutil.which("python3") or not shutil.which("python") else "python"
    return f"{program} build.py {action}".rstrip()


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port yet (so a browser opened there will reach *our* server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) != 0


def answers(url: str, timeout: float = 2.0) -> bool:
    """True once a web server at `url` replies with anything (a page, an error page, a redirect)."""
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # an office proxy must not answer for us
    try:
        with direct.open(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True  # it answered; the page itself is the server's business
    except (OSError, ValueError):
        return False


def open_when_up(dev_addr: str, opener: Callable[[str], object] = webbrowser.open,
                 wait: float = 900.0, every: float = 0.3) -> Optional[threading.Thread]:
    """Open the preview in the browser once the server at `dev_addr` (host:port) answers.

    Runs beside the server in a daemon thread and gives up after `wait` seconds (a first build draws
    every share image). Nothing is opened when another program already holds the port: the editor
    would land on that program, not on this preview.
    """
    host, _, port = dev_addr.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not port_is_free(host, int(port)):
        return None
    url = f"http://{dev_addr}/"

    def watch() -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if answers(url):
                opener(url)
                return
            time.sleep(every)

    thread = threading.Thread(target=watch, name="open-browser", daemon=True)
    thread.start()
    return thread

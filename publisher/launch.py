"""The command as the editor types it on their system, for every message that names one.

Standard library only, and no syntax newer than Python 3.6: `build.py` imports this before it knows
the Python is recent enough and before the project's environment exists.
"""

import os
import shutil


def build_command(action: str = "") -> str:
    """`build.py` with `action`, spelled as the editor types it on this system.

    Windows installs Python as `py` (the launcher) and `python`; `python3` exists only elsewhere.
    """
    if os.name == "nt":
        program = "py" if shutil.which("py") else "python"
    else:
        program = "python3" if shutil.which("python3") or not shutil.which("python") else "python"
    return f"{program} build.py {action}".rstrip()

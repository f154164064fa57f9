"""Work done beside the build: by a second process, while MkDocs renders pages on this one.

Once every page has been read, the search index and the copying of media, share images and QR codes
(thousands of files at 1,000 entries) need nothing from the rendering that follows. A forked process
does them on the machine's other core; it sees this process's memory as it was, so nothing is sent.

Whatever goes wrong there costs time, never the build: where no process can be forked (Windows), or
the process fails or is killed, `finish()` returns None and the caller does the work itself.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from typing import Any, Callable

WAIT_SECONDS = 300  # for what is left when the pages are written: about a second at 1,000 entries


class Beside:
    """`work()`, started now in a forked process."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self.process: multiprocessing.process.BaseProcess | None = None
        self.connection: Connection | None = None
        with contextlib.suppress(ValueError, OSError):  # ValueError: no fork here
            context = multiprocessing.get_context("fork")
            self.connection, theirs = context.Pipe(duplex=False)
            process = context.Process(target=_run, args=(work, theirs), daemon=True)
            process.start()
            self.process = process
            theirs.close()

    def finish(self) -> Any | None:
        """What `work()` returned, or None if it did not: the caller then does the work itself."""
        result = None
        if self.process is not None and self.connection is not None:
            with contextlib.suppress(OSError, EOFError):
                if self.connection.poll(WAIT_SECONDS):
                    answer = self.connection.recv()
                    result = answer[1] if isinstance(answer, tuple) and answer[0] == "result" else None
        self.close()
        return result

    def close(self) -> None:
        """End the process: done with (after `finish`), or not wanted any more (a stopped build)."""
        if self.connection is not None:
            self.connection.close()
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        self.process = self.connection = None


def _run(work: Callable[[], Any], connection: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it ends this process quietly
    with contextlib.suppress(OSError):
        os.nice(10)  # the rendering, which everything waits for, keeps its core
    try:
        connection.send(("result", work()))
    except Exception as error:  # noqa: BLE001 — the build does this work itself
        with contextlib.suppress(OSError):
            connection.send(("failed", str(error)))

"""Progress a person can read: on a terminal one line rewritten in place, elsewhere (logs, pipes) plain lines."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


class StatusLine:
    """Call with a progress message (stage, queue k of n, incumbent, bound, ...). On a terminal the message
    replaces the line before it, prefixed with the seconds since `restart`; warnings and errors keep lines of
    their own. The stream defaults to sys.stderr as it is at each call."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self.started = time.monotonic()
        self.showing = False

    @property
    def stream(self) -> TextIO:
        return self._stream or sys.stderr

    def restart(self) -> None:
        """Count the elapsed time from now (a command's start)."""
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        live = bool(getattr(self.stream, "isatty", lambda: False)())
        if not live or message.startswith(("warning", "error")):
            self.close()
            print(message, file=self.stream, flush=True)
            return
        width = shutil.get_terminal_size().columns - 1
        text = f"[{time.monotonic() - self.started:6.1f} s] {message.strip()}"
        self.stream.write("\r\x1b[K" + text[:width])
        self.stream.flush()
        self.showing = True

    def close(self) -> None:
        """End the live line, keeping it visible."""
        if self.showing:
            self.stream.write("\n")
            self.stream.flush()
            self.showing = False

"""Progress a person can read: on a terminal one line rewritten in place, elsewhere (logs, pipes) plain lines."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


class StatusLine:
    """Call with a progress message (stage, queue k of n, incumbent, bound, ...). On a terminal the message
    replaces the line before it, prefixed with the elapsed time; warnings and errors keep lines of their own."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.showing = False

    def __call__(self, message: str) -> None:
        if not self.live or message.startswith(("warning", "error")):
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

    def __enter__(self) -> StatusLine:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

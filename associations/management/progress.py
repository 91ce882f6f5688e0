"""A progress bar on the terminal for long commands (import_records, export_records)."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class TerminalProgress:
    """`progress(done, total)` draws "[#####     ] 12,000 / 100,000 行 (12%)" on stderr, at
    most a few times a second, and only on a terminal (logs stay clean)."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        # Also when asked (PROGRESS=1), for a test or a log that wants to follow along.
        self.enabled = self.stream.isatty() or os.environ.get("PROGRESS") == "1"
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.2 and self._last and (total is None or done < total):
            return
        self._last = now
        if total:
            filled = int(self.width * min(done, total) / total)
            bar = "#" * filled + " " * (self.width - filled)
            line = f"\r{self.label} [{bar}] {done:,} / {total:,} 行 ({done * 100 // total}%)"
        else:
            line = f"\r{self.label} {done:,} 行"
        self.stream.write(line)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

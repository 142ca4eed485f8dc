"""Progress on a terminal: the stage, the rows read and the elapsed time, on stderr.

Off by default, so the Python API prints nothing; the command line switches it on when stderr is
a terminal and ``--quiet`` is not given. A slow run then shows that it is moving.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

__all__ = ["PROGRESS", "Progress"]


class Progress:
    """Stage lines (``[  12.3 s] reading sales.csv``) and a bar of bytes read per file."""

    def __init__(self) -> None:
        self.enabled = False
        self.stream: IO[str] = sys.stderr
        self._t0 = time.perf_counter()

    def enable(self, stream: IO[str] | None = None) -> None:
        self.enabled = True
        self.stream = stream or sys.stderr
        self._t0 = time.perf_counter()

    def disable(self) -> None:
        self.enabled = False

    def stage(self, text: str) -> None:
        if self.enabled:
            print(f"[{time.perf_counter() - self._t0:7.1f} s] {text}", file=self.stream, flush=True)

    @contextmanager
    def reading(self, label: str, total_bytes: int) -> Iterator:
        """A bar over the bytes of one file; the yielded function takes (bytes, rows) read."""
        if not self.enabled:
            yield lambda done, rows: None
            return
        from tqdm import tqdm

        self.stage(f"reading {label}")
        bar = tqdm(
            total=total_bytes,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=self.stream,
            leave=False,
            dynamic_ncols=True,
            mininterval=0.5,
        )
        last = [0]

        def update(done: int, rows: int) -> None:
            bar.update(done - last[0])
            last[0] = done
            bar.set_postfix_str(f"{rows:,} rows", refresh=False)

        try:
            yield update
        finally:
            bar.close()


#: the one progress reporter of the process
PROGRESS = Progress()

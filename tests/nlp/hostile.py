"""A real extractor that reads notes starting with `HOSTILE` the way a pathological note was
read: one regular-expression match holding the GIL for seconds, again and again, for about
30 s in all. The service's worker processes load it through `running_nlp(load=load)`.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path
from typing import Any

from services.nlp.notes import Extraction, Extractor, NotesRequest
from services.nlp.workers import load_extractor

MARK = "HOSTILE"
# Exponential backtracking: every split of the run of a's into a and aa is tried before the
# final "b" fails the match; 39 a's take about 8 s on the dev machine, in one C call.
_BACKTRACKS = re.compile(r"(?:a|aa)+$")
_RUN = "a" * 39 + "b"
_SECONDS = 30.0


class Hostile(Extractor):
    def extract(self, request: NotesRequest) -> Extraction:
        if request.text.startswith(MARK):
            _tell_pid(Path(request.text.split()[1]))
            until = time.monotonic() + _SECONDS
            while time.monotonic() < until:
                _BACKTRACKS.match(_RUN)
        return super().extract(request)


def _tell_pid(path: Path) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(str(os.getpid()))
    partial.rename(path)


def load(spacy_model: str | None) -> Extractor:
    real = load_extractor(spacy_model)
    return Hostile(
        detector=real.detector, english=real.english, chinese=real.chinese, warnings=real.warnings
    )


def note(pid_file: Path) -> str:
    """Notes that hold their reader; it writes its process id to `pid_file` first."""
    return f"{MARK} {pid_file}\nBob to fix the discount code generator by Wednesday.\n"


async def reader_of(pid_file: Path, call: asyncio.Future[Any]) -> int:
    """The process id of whoever reads the hostile note, once it has started reading."""
    while not await asyncio.to_thread(pid_file.exists):
        assert not call.done(), "the hostile call ended before it was read"
        await asyncio.sleep(0.01)
    return int(await asyncio.to_thread(pid_file.read_text))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True

"""Imported by the forkserver of the extraction workers, never by the service itself.

Importing this module loads the default pipeline (about a second of CPU and 200 MB). The
forkserver imports it once, before it forks any worker, so every worker starts with the
pipeline already in memory, shared copy-on-write, instead of loading it again.
"""

from __future__ import annotations

import logging

from services.nlp.notes import SPACY_MODEL, Extractor

log = logging.getLogger(__name__)

EXTRACTOR: Extractor | None
try:
    EXTRACTOR = Extractor.load(spacy_model=SPACY_MODEL)
except Exception:  # a forkserver that fails to import this would start no worker at all
    log.exception("preloading the extractor failed; each worker loads its own")
    EXTRACTOR = None

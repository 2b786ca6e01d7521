"""Describe single lines that could head something: heading shapes, their levels and own titles."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from booksmith.resources import data_toml

# Lines fan-fiction writers put under a chapter heading that are not its title.
AUTHOR_NOTE = re.compile(r"^(?:A/?N|Author'?s? ?note|Disclaimer|Note|Warning|TW|CW)\b", re.IGNORECASE)


# A line that opens with these is speech or a bracketed note, never a heading's title.
OPENERS = ("“", '"', "‘", "'", "[", "(", "«", "„", "—")


HEADING_ORNAMENTS = "~*=-–—_•·<>[] ◆◇★☆■□"


# How sentences end, in scripts with and without capitals (Arabic "؟" and "۔", CJK "。").
SENTENCE_STOPS = (".", "!", "?", "…", "؟", "۔", "。", "！", "？")


# A heading line is short; anything longer is prose that happens to start with "Chapter".
MAX_HEADING = 100


# ... unless a chapter word and number start it and the rest reads as a title, not a sentence:
# fan fiction gives chapters titles of a hundred characters and more.
MAX_TITLED_HEADING = 240


# A title on a heading's line is at most this long, but for such a numbered heading.
MAX_OWN_TITLE = 80


# A footnote's mark typed after a word: "(*)", "*", "†", "[3]".
NOTE_MARK = re.compile(r"(?<=\w)(?:\(\*+\)|\*+|†+|\[\d{1,3}\])")
# What may follow a CJK front- or back-matter word: a short title, with or without a separator.
CJK_TAIL = r"(?:[\s：:·]*(?P<title>[^\s。！？，；、][^。！？，；、]{0,19}))?"
BOOK_TITLE_BEFORE = re.compile(r"^《[^《》]{1,30}》\s*(?=\S)")
# Spaces typed between the characters of a short CJK heading: "前   言", "尾 声".
CJK_SPACED = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")
# How Chinese and Japanese count chapters: digits, half- or full-width, or numeral characters.
CJK_NUMBER = "[0-9０-９〇一二三四五六七八九十百千零两]+"
# A volume and a chapter on one heading line: "第三卷 风起 第210章 夜雨".
VOLUME_AND_CHAPTER = re.compile(
    rf"(?P<volume>第{CJK_NUMBER}[卷部集][^第]*?)\s*(?P<chapter>第{CJK_NUMBER}[章回节節話话].*)"
)


@cache
def patterns() -> dict[str, re.Pattern[str]]:
    """The heading shapes, built from the word lists in data/headings.toml."""
    words = data_toml("headings.toml")

    def alternation(items: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))

    def cjk(items: list[str]) -> str:
        """Longer words first; a one-character word ("序", "尾") only with nothing after it."""
        longer = alternation([w for w in items if len(w) > 1])
        single = "".join(re.escape(w) for w in items if len(w) == 1)
        return rf"{longer}|[{single}](?=$)" if single else longer

    numbers = alternation(words["number_words"])
    # Hebrew numbers letters: "א", "יב", with a geresh or gershayim ("א׳", "כ״א") as typed or in ASCII.
    letters = "".join(words["letter_numerals"])
    lettered = rf"[{letters}]{{1,2}}[\"״]?[{letters}]|[{letters}]['׳’]?"
    # \d is any script's digits: "Chapter 3", "الفصل ٣" (Arabic-Indic), "فصل ۳" (Extended Arabic-Indic).
    number = rf"(?:\d+|[ivxlcdm]+|(?:{numbers})(?:[- ](?:{numbers}))*|the\s+(?:{numbers})|{lettered})"
    # No book has a thousand parts: "del 1997-98" is a year range after Swedish "del" (part).
    part_number = number.replace(r"\d+", r"\d{1,3}(?!\d)", 1)
    # A title after the number: after a separator, or after a space when it starts
    # with a capital ("Chapter 12 The Storm", not "Chapter one was done by then").
    # (The patterns ignore case; the capital that starts a spaced title must not.)
    tail = r"(?:\s*[.:\-–—]+\s*(?P<title>\S.*?)|\s+(?P<spaced>[^\s\w]*(?-i:[^\W\d_a-zа-яà-ÿ]).*?))?\s*[.:]?"
    named_tail = r"(?:\s*[.:\-–—]+\s*(?P<title>\S.*?))?\s*[.:]?"
    lettered_tail = rf"(?:\s+(?:[A-Z]|\d{{1,2}}|[IVX]{{1,5}})(?![\w'’]))?{named_tail}"
    part_words = alternation(words["part_words"])
    ordinals = "|".join([alternation(words["ordinal_prefixes"]), *words["ordinal_forms"]])
    return {
        "part": re.compile(rf"(?:(?:{ordinals})\s+)?(?P<word>{part_words})\s+{part_number}\.?{tail}$", re.I),
        "ordinal_part": re.compile(
            rf"(?:{ordinals})\s+(?P<word>{alternation(words['part_words'] + words['back_words'])})\.?$", re.I
        ),
        "chapter": re.compile(rf"(?P<word>{alternation(words['chapter_words'])})\s+{number}\.?{tail}$", re.I),
        # "Erstes Kapitel", "Second Chapter", "Premier chapitre"
        "ordinal_chapter": re.compile(
            rf"(?:{ordinals})\s+(?P<word>{alternation(words['chapter_words'])})\.?{named_tail}$", re.I
        ),
        # Digits typed half- or full-width ("제1장", "第１章"); 話 and 话 head the episodes of web novels.
        "korean": re.compile(r"제\s*[0-9０-９]+\s*[장화부](?:\s*(?P<title>.*?))?$"),
        "chinese": re.compile(rf"第{CJK_NUMBER}[章回节節幕話话](?:[\s：:]*(?P<title>.*?))?$"),
        "cjk_front": re.compile(rf"(?P<word>{cjk(words['cjk_front_words'])}){CJK_TAIL}$"),
        "cjk_back": re.compile(rf"(?P<word>{cjk(words['cjk_back_words'])}){CJK_TAIL}$"),
        # A preface named for its edition or its writer: "金庸作品集“三联版”序", "再版自序".
        # (Not the words that end in 序: 秩序 order, 程序 procedure, 顺序/次序 sequence.)
        "cjk_named_front": re.compile(r"[^\s。！？，；、：:]{1,18}?(?P<word>自序|序言|(?<![秩程顺次工排])序)$"),
        # Volumes over chapters: "第三卷 风起".
        "chinese_part": re.compile(rf"第{CJK_NUMBER}[卷部集](?:[\s：:]*(?P<title>.*?))?$"),
        # "Appendix", "Appendix B", "Appendix II. Tables": a letter or a number may follow the word.
        "front": re.compile(rf"(?P<word>{alternation(words['front_words'])}){lettered_tail}$", re.I),
        "named": re.compile(rf"(?P<word>{alternation(words['chapter_names'])}){named_tail}$", re.I),
        "back": re.compile(rf"(?P<word>{alternation(words['back_words'])}){lettered_tail}$", re.I),
        "contents": re.compile(rf"(?:{alternation(words['contents_words'])})\.?:?$", re.I),
        "markdown": re.compile(r"(?P<hashes>#{1,3})\s+(?P<title>\S.*?)\s*#*$"),
        # "12.", "XIV", and a kanji numeral alone ("十一"), as Japanese novels number their chapters.
        "numbered": re.compile(r"(?:\d{1,3}|[IVXLC]{1,7}|[一二三四五六七八九十百〇]{1,6})\.?$"),
    }


# Several passes ask about the same line (is it a heading, a wrapped heading's first
# line, a heading inside a block); the answer depends on the text alone.
@lru_cache(maxsize=1 << 16)
def heading_level(text: str) -> tuple[str | None, str | None, str]:
    """The level a line would head ("part", "chapter", "front", "back"), its own title, its word."""
    if len(text) > MAX_TITLED_HEADING:
        return None, None, ""
    long = len(text) > MAX_HEADING
    found = patterns()
    # "~ Chapter 1 ~", "**Chapter 1**", "=== Part Two ===": ornaments around a heading.
    if text[:1] in HEADING_ORNAMENTS and not found["markdown"].match(text):
        text = text.strip(HEADING_ORNAMENTS)
    # "前   言", "尾 声": a short CJK heading typed with spaces, read without them.
    # "《碧血洗银枪》楔 子": a site's copy puts the book's title before its front and back matter.
    text = BOOK_TITLE_BEFORE.sub("", text) if text.startswith("《") else text
    compact = CJK_SPACED.sub("", text) if len(text) <= 12 and CJK_SPACED.search(text) else text
    if "*" in text or "†" in text or "[" in text:
        text = NOTE_MARK.sub("", text)  # "CHAPTER XII(*) -- OF THE ARMIES": a note's mark on the heading
    for level, key in (
        ("part", "part"),
        ("part", "ordinal_part"),
        ("chapter", "chapter"),
        ("chapter", "ordinal_chapter"),
        ("part", "chinese_part"),
        ("chapter", "chinese"),
        ("front", "cjk_front"),
        ("back", "cjk_back"),
        ("front", "cjk_named_front"),
        ("chapter", "korean"),
        ("front", "front"),
        ("chapter", "named"),
        ("back", "back"),
    ):
        if long and key not in ("part", "chapter"):
            continue
        if key in ("front", "named", "back") and text[:1].islower():
            continue  # "notes" in lower case, left over from a conversion, is not the book's Notes
        match = found[key].match(compact if key.startswith("cjk_") else text)
        if match:
            groups = match.groupdict()
            title = groups.get("title") or groups.get("spaced")
            if title and title.endswith((",", ";")):
                return None, None, ""
            if title and len(title) > MAX_OWN_TITLE and (key not in ("part", "chapter") or reads_as_sentence(title)):
                return None, None, ""
            if long and not title:
                return None, None, ""
            if groups.get("spaced") and uncased(title) and text.endswith(SENTENCE_STOPS):
                # Without capitals a title after a space is told from the story's words by its end:
                # "الفصل الثاني من الكتاب كان طويلا." is a sentence that starts with "the second chapter".
                return None, None, ""
            word = (groups.get("word") or key.removesuffix("_part")).lower()
            if level == "part" and title and found["chapter"].match(title.strip(HEADING_ORNAMENTS)):
                # "ACT I. SCENE I.": a scene, labelled with its act.
                chapter = found["chapter"].match(title.strip(HEADING_ORNAMENTS))
                return "chapter", chapter["title"] or chapter["spaced"], chapter["word"].lower()
            return level, title, word
    match = found["markdown"].match(text)
    if match:
        return "chapter", match["title"], "#" * len(match["hashes"])
    return None, None, ""


def uncased(text: str) -> bool:
    """Written in a script without capitals (Arabic, Hebrew, Persian, Chinese…), judged by its first letter."""
    first = next((ch for ch in text if ch.isalpha()), "")
    return bool(first) and first.lower() == first.upper()


def reads_as_sentence(text: str) -> bool:
    """A line that reads as a sentence of the story ("She didn't know what to say, so she waited.")."""
    words = [w for w in text.split() if len(w) > 3 and w[:1].isalpha()]
    return len(text.split()) > 6 and sum(w[:1].islower() for w in words) > len(words) / 2


def in_capitals(text: str) -> bool:
    """Typed in capitals: str.isupper() alone is true of "L とそれに…", one Latin capital among letters without case."""
    letters = [ch for ch in text if ch.isalpha()]
    cased = sum(1 for ch in letters if ch.lower() != ch.upper())
    return text.isupper() and cased >= len(letters) * 0.8


# A CJK title under its heading is a few words ("旅立ち", "归来"); a line longer than this is prose.
CJK_TITLE = 24


def short_cjk_title(text: str) -> bool:
    return len(text) <= CJK_TITLE and not text.endswith(SENTENCE_STOPS)

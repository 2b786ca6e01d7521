"""Mark what makes a play a play: who speaks each speech, the stage directions, and which speeches are verse.

Plays write their speakers in many ways: `HAMLET.` on a line of its own, `MRS.
HIGGINS. Go home.`, `LIZA [disdainfully] Buy them yourself.`, `  Mar. Holla
Barnardo`, `Lady Bracknell.  Good afternoon`, `Ros. and Guild. We shall`. No
fixed pattern tells a name from the first words of a line (`MRS. HIGGINS.` could
be "MRS" speaking), so the text is read twice: first every line that could open
a speech is cut every way it could be into a name and the rest, and the names
the text uses again and again are its speakers; then each block is split at its
speakers' lines, taking the longest name that is a speaker. A name used once,
before the play has begun (`PREFACE TO PYGMALION.`, `TRANSCRIBER'S NOTE:`), is a
heading of the front matter, not a speaker.

Plays mix verse and prose, and a block of speeches was judged as a whole; each
speech is judged again on its own lines: verse is printed with a capital at
every line, prose runs on in lower case (Shakespeare's Porter, Shaw's people).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

from booksmith.resources import data_toml
from booksmith.structure.lines import Item, Line
from booksmith.structure.verse import is_title_abbreviation

# A name has at most this many words ("THE SARCASTIC BYSTANDER", "Ros. and Guild.").
MAX_NAME_WORDS = 5
# Lower-case words that may stand inside a name: "Duke of York", "Ros. and Guild.".
NAME_JOINS = {"and", "&", "of", "de", "la", "le", "du", "von", "van", "der", "und", "et", "y", "e", "и"}
# How often a name must open a speech to be a speaker: names in capitals are seldom
# anything else; a capitalised word and a full stop ("Well.", "Horatio.") often is.
CAPITALS_RECUR = 2
MIXED_CASE_RECUR = 3
# A text with no act or scene heading is still a play when this many lines open with
# its speakers' names, and they are this share of its blocks.
SPEECHES_FOR_A_PLAY = 30
SPEECH_SHARE = 0.2
# In a play where this share of the lines inside speeches go on in lower case, the
# speeches are prose (Shaw, Wilde); otherwise each speech is judged by its own lines.
PROSE_PLAY = 0.4
PROSE_SPEECH = 0.3
# A speech of this many lines, each opening with a capital, is verse even in a play of prose (a song).
VERSE_IN_PROSE = 3

# "SCENE: Elsinore." under the cast list says where the play happens.
SETTING = re.compile(r"^(?:SCENE|PLACE|TIME|SCÈNE|ORT|LUGAR)[.:]\s+\S", re.IGNORECASE)
BRACKETED = re.compile(r"^(?:\[[^\[\]]*\]|\([^()]*\)|_[^_]+_)\.?$", re.DOTALL)
WORD = re.compile(r"\S+")
# How a name may end: a full stop or colon, or a bracketed direction after it.
NAME_END = ".:"
DIRECTION_OPENERS = "[("


@cache
def _words() -> dict[str, frozenset[str]]:
    data = data_toml("plays.toml")
    return {
        key: frozenset(data[key])
        for key in ("not_names", "direction_words", "play_headings", "act_headings", "cast_headings")
    }


@dataclass(frozen=True)
class Cut:
    """One way to read a line as a speaker's name and what follows it."""

    name: str  # without the full stop or colon that ends it
    speech: str | None  # the rest of the line, None when the name stands alone


@lru_cache(maxsize=1 << 16)
def name_cuts(text: str) -> tuple[Cut, ...]:
    """Every way the start of a line could be a speaker's name, shortest first.

    (Kept for each line: learning the speakers, telling a play and splitting the
    speeches each ask for the same lines.)
    """
    stripped = text.strip()
    if not stripped[:1].isupper():
        return ()  # most lines: no name starts in lower case, a quote or a digit
    words = list(itertools.islice(WORD.finditer(stripped), MAX_NAME_WORDS + 1))
    cuts: list[Cut] = []
    for index, match in enumerate(words[:MAX_NAME_WORDS]):
        word = match.group()
        core = word.rstrip(NAME_END)
        if index and core.lower() in NAME_JOINS and word == core:
            continue
        if not _capitalised(core):
            break
        following = words[index + 1].group() if index + 1 < len(words) else ""
        if word != core and not is_title_abbreviation(core + "."):
            speech = stripped[match.end() :].strip() or None
            cuts.append(Cut(stripped[: match.end() - 1].strip(), speech))
            if word.endswith(":"):
                break
        elif word == core and following[:1] in DIRECTION_OPENERS and following:
            cuts.append(Cut(stripped[: match.end()], stripped[match.end() :].strip()))
            break
    if cuts and is_direction(stripped):
        return ()  # "Enter Horatio.", "Exeunt.": nobody's name
    return tuple(cuts)


NAME_WORD = re.compile(r"(?:[^\W\d_]|['’&.-])+")


def _capitalised(word: str) -> bool:
    """ "HAMLET", "Ham", "O'BRIEN", "Lady": a capital, then letters, apostrophes or hyphens."""
    return word[:1].isupper() and NAME_WORD.fullmatch(word) is not None


def _in_capitals(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def is_direction(text: str) -> bool:
    """A stage direction: bracketed or in italics, or opening with "Enter", "Exit", "Exeunt"…"""
    stripped = text.strip()
    if BRACKETED.match(stripped):
        return True
    first = stripped.split(maxsplit=1)[0].strip(".,:;").lower() if stripped else ""
    return first in _words()["direction_words"] or stripped.lower().rstrip(".") in _words()["direction_words"]


def _known_as_something_else(name: str) -> bool:
    """ "Well", "THE END", "ACT DROP", "Exeunt": words of speech, of the front matter, or of directions."""
    lowered = name.lower().strip(".")
    words = _words()
    letters = sum(ch.isalpha() for ch in name)
    return letters < 2 or lowered in words["not_names"] or lowered.split()[0] in words["direction_words"]


def is_play(items: list[Item], speech_items: list[Item], speakers: frozenset[str]) -> bool:
    """A play: many lines open with its speakers' names, and acts, scenes or a cast list head it.

    Without such headings the speeches must be many (the First Folio marks few acts);
    with them a story that has an "Act 3:" among its headings is still no play.
    """
    if not speakers:
        return False
    lines = sum(1 for item in speech_items for line in item.lines if _speaker_at(line.text, speakers, started=True))
    if lines < len(speech_items) * SPEECH_SHARE:
        return False
    words = {item.word for item in items if item.kind == "heading"}
    return lines >= SPEECHES_FOR_A_PLAY or bool(words & (_words()["play_headings"] | _words()["cast_headings"]))


def learn_speakers(speech_items: list[Item]) -> frozenset[str]:
    """The names this text opens its speeches with: the cuts that recur (joint names count their parts).

    A play writes all its speakers one way, in capitals or not: where one way
    opens most speeches, a name written the other way (`Higgins.` ending a
    wrapped line in a play of `HIGGINS.`) is a word of a speech.
    """
    counts: Counter[str] = Counter()
    heading_blocks: Counter[str] = Counter()  # names alone on the first line of a block, the speech under them
    for item in speech_items:
        for number, line in enumerate(item.lines):
            cuts = name_cuts(line.text)
            if not cuts:
                continue
            cuts = tuple(cut for cut in cuts if _one_case(cut.name))
            counts.update({cut.name for cut in cuts})
            if number == 0 and len(item.lines) > 1 and cuts and cuts[-1].speech is None:
                heading_blocks[cuts[-1].name] += 1
    speakers = {
        name
        for name, count in counts.items()
        if count >= (CAPITALS_RECUR if _in_capitals(name) else MIXED_CASE_RECUR) and not _known_as_something_else(name)
    }
    if sum(heading_blocks[name] for name in speakers) >= sum(counts[name] for name in speakers) * 0.5:
        # A play that puts its speakers on a line of their own over each speech: a name
        # set that way is a speaker the first time (`Porter.` over his only speech).
        speakers |= {name for name in heading_blocks if not _known_as_something_else(name)}
    capitals = sum(counts[name] for name in speakers if _in_capitals(name))
    mixed = sum(counts[name] for name in speakers if not _in_capitals(name))
    if capitals >= mixed * ONE_WAY:
        speakers = {name for name in speakers if _in_capitals(name)}
    elif mixed >= capitals * ONE_WAY:
        speakers = {name for name in speakers if not _in_capitals(name)}
    joint = {name for name in counts if _joint(name, speakers)}
    return frozenset(speakers | joint)


# Where names written one way open this many times the speeches the other way opens, that way is the play's.
ONE_WAY = 4


def _one_case(name: str) -> bool:
    """ "MRS. HIGGINS" or "Lady Bracknell", not "HIGGINS. Pickering" (a name, then a word of the speech)."""
    words = [word for word in name.split() if word.lower() not in NAME_JOINS]
    return len({_in_capitals(word) for word in words if sum(ch.isalpha() for ch in word) >= 2}) <= 1


def _joint(name: str, speakers: set[str]) -> bool:
    """ "Ros. and Guild": every part a speaker, joined by "and" or "&"."""
    parts = re.split(r"\s+(?:and|&|und|et|y|e|и)\s+", name)
    return len(parts) > 1 and all(part.rstrip(".") in speakers or part in speakers for part in parts)


def _speech_items(items: list[Item]) -> list[Item]:
    """The text items outside the cast list that are not already something else."""
    found: list[Item] = []
    in_cast = False
    cast_headings = _words()["cast_headings"]
    for item in items:
        short = len(item.lines) == 1 and len(item.lines[0].text) < CAST_HEADING
        cast = short and item.lines[0].text.strip(" .:").lower() in cast_headings
        if item.kind == "heading" or cast:
            in_cast = cast or item.word in cast_headings
        elif item.kind in ("para", "verse") and not item.role and not in_cast and not _first_night_cast(item):
            found.append(item)
    return found


# A cast list's heading is short ("THE PERSONS OF THE PLAY").
CAST_HEADING = 40
# "Lane: Mr. F. Kinsey Peile.": a part and the actor who first played it.
PART_AND_ACTOR = re.compile(r"^[^:]{2,40}:\s+(?:Mr|Mrs|Miss|Ms|Mme|Mlle|Dr|Sir|Madame|Master)\b")


def _first_night_cast(item: Item) -> bool:
    """A list of the parts and who played them on the first night: names, but nobody speaking."""
    return len(item.lines) >= 3 and all(PART_AND_ACTOR.match(line.text.strip()) for line in item.lines)


def _speaker_at(text: str, speakers: frozenset[str], started: bool) -> Cut | None:
    """The speaker a line opens with (the longest name that is one), and the speech after it.

    Before the play has begun only a recurring name is a speaker; after, a name in
    capitals is one even if it speaks only once ("A BYSTANDER [on the lady's right]").
    """
    cuts = name_cuts(text)
    for cut in reversed(cuts):
        if cut.name in speakers:
            return cut
    if cuts and _variant_of_speaker(cuts[0].name, speakers):
        return cuts[0]
    if started and cuts:
        cut = cuts[-1]
        if _in_capitals(cut.name) and not _known_as_something_else(cut.name):
            return cut
    return None


def _variant_of_speaker(name: str, speakers: frozenset[str]) -> bool:
    """ "Fra." for a Fran, "Ophel." for an Ophelia: a one-word name cut shorter than usual.

    (Not longer: "Kingdome." opening a line of the King's is a word of his.)
    """
    if " " in name or len(name) < 3 or _in_capitals(name):
        return False
    return any(" " not in speaker and speaker.startswith(name) and speaker != name for speaker in speakers)


def mark_play(items: list[Item]) -> list[Item]:
    """In a play, give speaker names and stage directions their own items and roles, and set prose as prose."""
    texts = [item for item in items if item.kind in ("para", "verse")]
    if sum(1 for item in texts if name_cuts(item.lines[0].text)) < len(texts) * SPEECH_SHARE / 2:
        return items  # a quick look first: hardly a block opens with anything like a name
    speech_items = _speech_items(items)
    speakers = learn_speakers(speech_items)
    if not is_play(items, speech_items, speakers):
        return items
    _acts_without_scenes_are_chapters(items)
    _front_matter_headings(items)
    in_speeches = {id(item) for item in speech_items}
    marked: list[Item] = []
    speeches: list[Item] = []
    started = False
    for item in items:
        if item.kind == "heading":
            started = started or item.word in _words()["play_headings"]
        if item.kind == "para" and not item.role and SETTING.match(item.text):
            item.role = "stage-direction"  # where the play happens, under the cast list
            marked.append(item)
        elif item.kind == "heading" or id(item) not in in_speeches:
            marked.append(item)
        elif _whole_direction(item, speakers) and (started or not item.text.startswith("_")):
            # (Before the play, a line in italics is the front matter's: "_Sixteenth Edition_".)
            item.role, item.kind = "stage-direction", "para"
            marked.append(item)
        else:
            split = _speeches(item, speakers, started)
            started = started or any(part.role == "speaker" for part in split)
            speeches.extend(part for part in split if not part.role and len(part.lines) > 1)
            marked.extend(split)
    _set_prose_speeches(speeches)
    return marked


def _acts_without_scenes_are_chapters(items: list[Item]) -> None:
    """Acts are parts over their scenes; where no act has scenes (Shaw's, Wilde's plays) the acts are the chapters."""
    acts = [item for item in items if item.kind == "heading" and item.word in _words()["act_headings"]]
    if not acts or any(item.kind == "heading" and item.level == "chapter" for item in items[items.index(acts[0]) :]):
        return
    for act in acts:
        if act.level == "part":
            act.level = "chapter"
            act.why += "; no scenes under the acts, so the acts are the chapters"


# "PREFACE TO PYGMALION.": a front-matter word, then what it is to, on a line of its own in capitals.
FRONT_HEADING = re.compile(r"^(?P<word>[A-Z’']+)(?:\s+(?:TO|OF|ON|FOR)\s+.+)?\.?$")


def _front_matter_headings(items: list[Item]) -> None:
    """Before the first act, a line in capitals opened by a front-matter word heads the front matter."""
    front_words = {word.lower() for word in data_toml("headings.toml")["front_words"]}
    for item in items:
        if item.kind == "heading" and item.word in _words()["play_headings"]:
            return
        match = FRONT_HEADING.match(item.text.strip()) if item.kind == "para" and len(item.lines) == 1 else None
        if match and match["word"].lower() in front_words and _in_capitals(item.text) and not item.role:
            item.kind, item.level, item.word = "heading", "front", match["word"].lower()
            item.why = f"`{item.text.strip()}`: a front-matter word in capitals before the play's first act"


def _whole_direction(item: Item, speakers: frozenset[str]) -> bool:
    """A block that is all direction: bracketed whole, or opened by "Enter" with no speech in it."""
    if BRACKETED.match(item.text.strip()):
        return True
    first = item.lines[0].text
    return (
        is_direction(first)
        and not BRACKETED.match(first.strip())
        and not any(_speaker_at(line.text, speakers, started=False) for line in item.lines[1:])
    )


def _speeches(item: Item, speakers: frozenset[str], started: bool) -> list[Item]:
    """Split a block at each line that opens with a speaker or is a stage direction."""
    out: list[Item] = []
    lines: list[Line] = []
    texts: list[str] = []

    def flush() -> None:
        if lines:
            speech = Item(item.kind, list(lines), align=item.align if len(lines) == len(item.lines) else None)
            speech.texts = list(texts)
            out.append(speech)
            lines.clear()
            texts.clear()

    for line in item.lines:
        found = _speaker_at(line.text, speakers, started)
        if found is None and len(item.lines) > 1 and is_direction(line.text):
            flush()
            out.append(Item("para", [line], role="stage-direction"))
            continue
        if found is None:
            lines.append(line)
            texts.append(line.text.strip())
            continue
        flush()
        started = True
        out.append(Item("para", [line], role="speaker", shown=found.name))
        if found.speech:
            lines.append(line)
            texts.append(found.speech)
    flush()
    if out and out[0].gap == 0:
        out[0].gap = item.gap
    return out


def _set_prose_speeches(speeches: list[Item]) -> None:
    """Speeches whose lines go on in lower case are prose: joined into a paragraph, not set line by line.

    In a play mostly in prose, a short speech whose second line happens to open
    with a capital ("Eating as usual, I see, Algy!") is prose too.
    """
    inside = [text for speech in speeches for text in (speech.texts or [])[1:]]
    if not inside:
        return
    lower = sum(1 for text in inside if _opens_lower(text))
    prose_play = lower >= len(inside) * PROSE_PLAY
    for speech in speeches:
        following = (speech.texts or [])[1:]
        if speech.kind != "verse" or min(line.indent for line in speech.lines) >= 10:
            continue  # a song or a letter set deep in the page keeps its lines
        lower = sum(1 for text in following if _opens_lower(text))
        if lower >= len(following) * PROSE_SPEECH or (prose_play and len(following) < VERSE_IN_PROSE):
            speech.kind = "para"


def _opens_lower(text: str) -> bool:
    letters = text.lstrip("“\"‘'([_*—-– ")
    return letters[:1].islower()

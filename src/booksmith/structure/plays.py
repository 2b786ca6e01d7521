"""Mark what makes a play a play: speakers' names and stage directions, each with its role."""

from __future__ import annotations

import re
from collections import Counter

from booksmith.structure.lines import Item, Line

# A speaker's name on its own line in a play ("HAMLET." / "LADY MACBETH:"), or leading a speech.
SPEAKER = re.compile(r"^(?P<name>[A-ZÀ-ÞА-Я][A-ZÀ-ÞА-Я’'&. -]{1,30}?)(?:\.|:)(?:\s+(?P<speech>\S.*))?$")
# "  Ham. To be, or not to be": a speaker's abbreviated name before the speech.
ABBREVIATED = re.compile(r"^\s*(?P<name>[A-Z][a-z]{1,9}\.)\s+(?P<speech>\S.*)$")
# Words that start lines of speech followed by a full stop, and are no one's name.
NOT_NAMES = {
    "nay",
    "yes",
    "yea",
    "ay",
    "no",
    "well",
    "oh",
    "ah",
    "alas",
    "sir",
    "madam",
    "now",
    "so",
    "come",
    "go",
    "farewell",
}
# "SCENE: Elsinore." under the cast list says where the play happens.
SETTING = re.compile(r"^(?:SCENE|PLACE|TIME|SCÈNE|ORT|LUGAR)[.:]\s+\S", re.IGNORECASE)
STAGE_DIRECTION = re.compile(
    r"^(?:\[.*\]|\(.*\)|_[^_]+_\.?|(?:Enter|Exit|Exeunt|Re-enter|Manet|Flourish|Alarum)\b.*)$", re.DOTALL
)


def mark_play(items: list[Item]) -> list[Item]:
    """In a play, give speaker names and stage directions their own items and roles."""
    words = {item.word for item in items if item.kind == "heading"}
    if not words & PLAY_WORDS:
        return items
    abbreviations = _abbreviated_names(items)
    marked: list[Item] = []
    in_cast = False
    for item in items:
        if item.kind == "heading":
            in_cast = item.word in CAST_WORDS
        if item.kind not in ("para", "verse") or item.role:
            marked.append(item)
        elif item.kind == "para" and (STAGE_DIRECTION.match(item.text) or SETTING.match(item.text)):
            item.role = "stage-direction"
            marked.append(item)
        elif in_cast:
            marked.append(item)
        else:
            marked.extend(_speeches(item, abbreviations))
    return marked


def _abbreviated_names(items: list[Item]) -> set[str]:
    """Speakers written "Ham." or "Ber." at the start of their lines, known by recurring."""
    counts = Counter(
        match["name"]
        for item in items
        if item.kind in ("para", "verse")
        for line in item.lines
        if (match := ABBREVIATED.match(line.text))
    )
    return {name for name, count in counts.items() if count >= 3 and name[:-1].lower() not in NOT_NAMES}


def _speaker_at(text: str, abbreviations: set[str]) -> tuple[str, str | None] | None:
    """The speaker's name a line starts with, and the speech after it on that line."""
    match = SPEAKER.match(text.strip())
    if match and _speaker_name(match["name"]):
        return match["name"].strip(), match["speech"]
    match = ABBREVIATED.match(text)
    if match and match["name"] in abbreviations:
        return match["name"], match["speech"]
    return None


def _speeches(item: Item, abbreviations: set[str]) -> list[Item]:
    """Split a block at each line that starts with a speaker: a speaker item, then the speech."""
    out: list[Item] = []
    lines: list[Line] = []
    texts: list[str] = []

    def flush() -> None:
        if lines:
            speech = Item(item.kind, list(lines))
            speech.texts = list(texts)
            out.append(speech)
            lines.clear()
            texts.clear()

    for line in item.lines:
        found = _speaker_at(line.text, abbreviations)
        if found is None:
            lines.append(line)
            texts.append(line.text.strip())
            continue
        flush()
        name, speech = found
        out.append(Item("para", [line], role="speaker", shown=name.rstrip(".") if speech else name))
        if speech:
            lines.append(line)
            texts.append(speech.strip())
    flush()
    return out


# The cast list: names in capitals there are not speakers.
CAST_WORDS = {"dramatis personae", "dramatis personæ", "persons represented", "personnages", "personen"}
PLAY_WORDS = {"act", "scene", "scène", "szene", "akt", "escena", "scena", "atto", "действие", *CAST_WORDS}


def _speaker_name(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters) and len(name.split()) <= 4

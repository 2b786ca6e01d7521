"""Mark what makes a play a play: speakers' names and stage directions, each with its role."""

from __future__ import annotations

import re

from booksmith.structure.lines import Item

# A speaker's name on its own line in a play ("HAMLET." / "LADY MACBETH:"), or leading a speech.
SPEAKER = re.compile(r"^(?P<name>[A-ZÀ-ÞА-Я][A-ZÀ-ÞА-Я’'&. -]{1,30}?)(?:\.|:)(?:\s+(?P<speech>\S.*))?$")
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
    marked: list[Item] = []
    for item in items:
        if item.kind not in ("para", "verse") or item.role:
            marked.append(item)
            continue
        if item.kind == "para" and (STAGE_DIRECTION.match(item.text) or SETTING.match(item.text)):
            item.role = "stage-direction"
            marked.append(item)
            continue
        speaker = SPEAKER.match(item.lines[0].text.strip())
        if not speaker or not _speaker_name(speaker["name"]):
            marked.append(item)
            continue
        marked.append(Item("para", item.lines[:1], role="speaker", extra={"text": speaker["name"].strip()}))
        speech = [speaker["speech"]] if speaker["speech"] else []
        speech += [ln.text.strip() for ln in item.lines[1:]]
        if speech:
            rest = Item(item.kind, item.lines[1:] or item.lines[:1])
            rest.extra["texts"] = speech
            marked.append(rest)
    return marked


PLAY_WORDS = {
    *("act", "scene", "scène", "szene", "akt", "escena", "scena", "atto", "действие"),
    *("dramatis personae", "dramatis personæ", "persons represented", "personnages"),
}


def _speaker_name(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters) and len(name.split()) <= 4

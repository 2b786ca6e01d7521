"""Split the Chinese heading lines that name a volume and a chapter at once into a part and a chapter."""

from __future__ import annotations

from booksmith.structure.candidates import VOLUME_AND_CHAPTER
from booksmith.structure.lines import Item, Line, Removal


def split_volume_headings(items: list[Item], removed: list[Removal]) -> list[Item]:
    """`第三卷 风起 第210章 夜雨` heads a part (when the volume changes) and a chapter.

    Web novels repeat the volume on every chapter's heading line. The book shows
    it once, as a part over its chapters; the repeats leave the text, and the
    word check with them.
    """
    split: list[Item] = []
    volume = None
    for item in items:
        match = VOLUME_AND_CHAPTER.fullmatch(item.text) if item.kind == "para" and len(item.lines) == 1 else None
        if match is None:
            split.append(item)
            continue
        line = item.lines[0]
        if match["volume"] != volume:
            volume = match["volume"]
            split.append(Item("para", [Line(line.number, volume)]))
        else:
            removed.append(Removal(line.number, volume, "a volume repeated on its chapter's heading line"))
            line.text = match["chapter"]  # the source's line, from which the word check reads
        split.append(Item("para", [Line(line.number, match["chapter"])]))
    return split

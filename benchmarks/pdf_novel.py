"""Generate a long plain-text novel (chapters, scene breaks, dialogue) for the PDF benchmark."""

from __future__ import annotations

import random

WORDS = [
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "was",
    "he",
    "she",
    "it",
    "that",
    "his",
    "her",
    "with",
    "as",
    "on",
    "at",
    "for",
    "had",
    "by",
    "from",
    "but",
    "not",
    "they",
    "said",
    "one",
    "all",
    "were",
    "there",
    "when",
    "which",
    "been",
    "their",
    "would",
    "what",
    "out",
    "into",
    "up",
    "could",
    "then",
    "down",
    "over",
    "more",
    "some",
    "time",
    "like",
    "back",
    "before",
    "old",
    "night",
    "long",
    "great",
    "light",
    "house",
    "water",
    "little",
    "good",
    "eyes",
    "door",
    "hand",
    "room",
    "side",
    "head",
    "face",
    "another",
    "shadow",
    "morning",
    "harbour",
    "keeper",
    "letter",
    "window",
    "river",
    "garden",
    "silence",
    "winter",
    "lantern",
    "village",
    "road",
    "stone",
    "remembered",
    "whispered",
    "walked",
    "turned",
    "waited",
    "listened",
    "carried",
    "opened",
    "followed",
    "watched",
    "answered",
    "promised",
    "quietly",
    "slowly",
    "almost",
    "nothing",
    "something",
    "everything",
    "together",
    "beneath",
    "between",
    "against",
    "without",
    "toward",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 22))]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def paragraph(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f'"{sentence(rng)}" {rng.choice(["she said", "he said", "they said"])}.'
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 7)))


def novel(words: int = 150_000, chapters: int = 60, seed: int = 1) -> str:
    """A novel of about `words` words in `chapters` chapters, as plain text with blank-line paragraphs."""
    rng = random.Random(seed)
    per_chapter = words // chapters
    parts = ["The Long Harbour\n\nby Benchmark Writer\n"]
    for number in range(1, chapters + 1):
        parts.append(f"Chapter {number}\n")
        count = 0
        while count < per_chapter:
            if count and rng.random() < 0.03:
                parts.append("* * *\n")
            text = paragraph(rng)
            count += len(text.split())
            parts.append(text + "\n")
    return "\n".join(parts)


if __name__ == "__main__":
    import sys

    sys.stdout.write(novel(int(sys.argv[1]) if len(sys.argv) > 1 else 150_000))

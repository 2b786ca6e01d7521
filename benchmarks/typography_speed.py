"""Time the typography stage on a 150,000-word book of straight-quoted dialogue: Book -> seconds.

Usage: python benchmarks/typography_speed.py [WORDS]

The book repeats the straightened corpus of tests/fixtures/typography, with
`--` and `...` typed in, in chapters of about 5,000 words. Target: well under
a second for 150,000 words, since typography runs on every build.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quotes_accuracy import CORPUS, STRAIGHTEN, paragraphs


def book(words: int):
    from booksmith.model import Book, Chapter, Metadata, Paragraph

    texts = [
        text.translate(STRAIGHTEN).replace("—", "--").replace("…", "...")
        for path in sorted(CORPUS.glob("*.txt"))
        for text in paragraphs(path.read_text(encoding="utf-8"))
    ]
    chapters, blocks, count, chapter_words = [], [], 0, 0
    while count < words:
        for text in texts:
            blocks.append(Paragraph(text, line=len(blocks) + 1))
            size = len(text.split())
            count, chapter_words = count + size, chapter_words + size
            if chapter_words >= 5000:
                chapters.append(Chapter(f"Chapter {len(chapters) + 1}", tuple(blocks)))
                blocks, chapter_words = [], 0
            if count >= words:
                break
    if blocks:
        chapters.append(Chapter(f"Chapter {len(chapters) + 1}", tuple(blocks)))
    return Book(Metadata(language="en"), tuple(chapters)), count


def main(argv: list[str]) -> int:
    from booksmith.typography import typeset

    words = int(argv[0]) if argv else 150_000
    sample, count = book(words)
    typeset(sample)  # load the word lists and compile patterns outside the timing
    wall, cpu = [], []
    for _ in range(7):
        start, start_cpu = time.perf_counter(), time.process_time()
        typeset(sample)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(
        f"typeset {count:,} words: best {min(wall):.3f} s wall, {min(cpu):.3f} s CPU "
        f"(median {sorted(wall)[3]:.3f} s wall of 7 runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

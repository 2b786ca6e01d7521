"""Time decode, clean and structure on large synthetic texts; each must grow linearly with the input.

Run: python benchmarks/structure_speed.py [--scale N]. Prints seconds per case; a case
that takes four times as long at twice the size (quadratic) shows as a ratio near 4.
"""

from __future__ import annotations

import argparse
import time

from booksmith.clean import clean
from booksmith.decode import decode
from booksmith.structure import structure

SENTENCE = "The boats came in one by one while she waited on the harbour wall, watching the light go. "


def wrapped_novel(chapters: int) -> str:
    paragraph = "\n".join([SENTENCE[:70], SENTENCE[20:88], SENTENCE[5:60]])
    body = "\n\n".join([paragraph] * 8)
    return "\n\n\n".join(f"CHAPTER {n}.\n\nTHE TITLE OF IT\n\n{body}" for n in range(1, chapters + 1))


def one_line_paragraphs(count: int) -> str:
    return "\n".join(f"{SENTENCE}{n}" for n in range(count))


def blank_paragraphs(count: int) -> str:
    return "\n\n".join(SENTENCE * 3 for _ in range(count))


CASES = {
    "chapters (wrapped)": wrapped_novel,
    "one-line paragraphs": one_line_paragraphs,
    "blank-line paragraphs": blank_paragraphs,
}
SIZES = {"chapters (wrapped)": 5_000, "one-line paragraphs": 100_000, "blank-line paragraphs": 50_000}


def run(text: str) -> float:
    start = time.perf_counter()
    decoded = decode(text.encode("utf-8"))
    structure(clean(decoded.text))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every case's size")
    args = parser.parse_args()
    for name, make in CASES.items():
        size = int(SIZES[name] * args.scale)
        small, large = make(size), make(size * 2)
        first, second = run(small), run(large)
        print(
            f"{name:24} {size:>7} units {len(small) / 1e6:6.1f} MB {first:6.2f} s; x2: {second:6.2f} s "
            f"(ratio {second / first:.1f})"
        )


if __name__ == "__main__":
    main()

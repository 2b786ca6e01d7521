"""Render the README's pictures: a chapter opening and a body page of each theme, from sample.txt.

Usage: python docs/images/make_pictures.py  (needs poppler's pdftoppm)
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

from booksmith.options import BuildOptions, RenderOptions
from booksmith.pipeline import convert

HERE = Path(__file__).parent
RESOLUTION = "100"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for theme in ("classic", "modern"):
            options = BuildOptions(formats=("pdf",), render=RenderOptions(theme=theme, timestamp=0))
            (pdf,) = convert(HERE / "sample.txt", Path(folder) / theme, options)
            labels = PdfReader(pdf).page_labels
            for name, label in (("opening", "1"), ("body", "2")):
                number = str(labels.index(label) + 1)
                target = HERE / f"pdf-{theme}-{name}"
                command = ["pdftoppm", "-r", RESOLUTION, "-f", number, "-l", number, "-gray", "-png", "-singlefile"]
                subprocess.run([*command, str(pdf), str(target)], check=True)
                print(f"{target}.png")


if __name__ == "__main__":
    main()

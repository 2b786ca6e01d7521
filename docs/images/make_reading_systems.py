"""Make docs/images/reading-systems.png: the same book's chapter in epub.js and in foliate-js, side by side.

Run after `tools/readers/install.sh`, with Debian's chromium installed:
    python docs/images/make_reading_systems.py
It runs the render tests' prose book through both readers (tests/test_render.py
saves the screenshots) and puts the two pictures next to each other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).parent / "reading-systems.png"
SHOTS = ("epubjs-prose-chapter.png", "foliate-prose-chapter.png")
LABELS = ("epub.js", "foliate-js")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "BOOKSMITH_RENDER_SHOTS": folder}
        test = "tests/test_render.py::test_scene_break_ornament_is_drawn_in_the_text_colour"
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], cwd=ROOT, env=env, check=True
        )
        pictures = [Image.open(Path(folder) / name).convert("RGB") for name in SHOTS]
        width, height = pictures[0].size
        gap, caption = 24, 48
        sheet = Image.new("RGB", (2 * width + 3 * gap, height + caption + gap), (222, 222, 222))
        draw = ImageDraw.Draw(sheet)
        font = ImageFont.load_default(size=28)
        for number, (picture, label) in enumerate(zip(pictures, LABELS, strict=True)):
            left = gap + number * (width + gap)
            sheet.paste(picture, (left, caption))
            draw.text((left + width // 2, caption // 2), label, fill=(40, 40, 40), font=font, anchor="mm")
        sheet.thumbnail((1400, 1400))
        sheet.save(OUTPUT, optimize=True)
    print(OUTPUT)


if __name__ == "__main__":
    main()

"""Render the README's pictures: the overview of an example book, and a chapter opening and a body page
of each theme from each PDF engine (WeasyPrint: pdf-THEME-*.png; Typst: pdf-typst-THEME-*.png), from sample.txt.

Usage: python docs/images/make_pictures.py  (needs poppler's pdftoppm)
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from booksmith.options import BuildOptions, RenderOptions
from booksmith.pipeline import convert

HERE = Path(__file__).parent
EXAMPLE = HERE.parent.parent / "examples" / "letters-from-the-coast.txt"
RESOLUTION = "100"
OVERVIEW_RESOLUTION = "60"
GAP, GAP_GREY = 10, 190


def render(pdf: Path, number: int, target: Path, resolution: str) -> Path:
    command = ["pdftoppm", "-r", resolution, "-f", str(number), "-l", str(number), "-gray", "-png", "-singlefile"]
    subprocess.run([*command, str(pdf), str(target)], check=True)
    return target.with_suffix(".png")


def themes(folder: Path, engines: tuple[str, ...] = ("weasyprint", "typst")) -> None:
    for engine in engines:
        prefix = "pdf-" if engine == "weasyprint" else f"pdf-{engine}-"
        for theme in ("classic", "modern"):
            options = BuildOptions(formats=("pdf",), render=RenderOptions(theme=theme, timestamp=0, pdf_engine=engine))
            (pdf,) = convert(HERE / "sample.txt", folder / engine / theme, options)
            labels = PdfReader(pdf).page_labels
            for name, label in (("opening", "1"), ("body", "2")):
                target = render(pdf, labels.index(label) + 1, HERE / f"{prefix}{theme}-{name}", RESOLUTION)
                print(target)


def overview(folder: Path) -> None:
    """The title page, the contents and the first two chapter openings side by side."""
    options = BuildOptions(formats=("pdf",), render=RenderOptions(timestamp=0))
    (pdf,) = convert(EXAMPLE, folder / "overview", options)
    reader = PdfReader(pdf)
    texts = [page.extract_text() for page in reader.pages]
    title = next(i for i, text in enumerate(texts) if "Fairweather" in text and "©" not in text)
    contents = next(i for i, text in enumerate(texts) if "Contents" in text)
    openers = [reader.get_destination_page_number(item) for item in reader.outline[:2]]
    pages = [
        Image.open(render(pdf, index + 1, folder / f"overview-{index}", OVERVIEW_RESOLUTION))
        for index in (title, contents, *openers)
    ]
    width, height = pages[0].size
    sheet = Image.new("L", (len(pages) * width + (len(pages) - 1) * GAP, height), GAP_GREY)
    for position, page in enumerate(pages):
        sheet.paste(page, (position * (width + GAP), 0))
    sheet.save(HERE / "overview.png", optimize=True)
    print(HERE / "overview.png")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        themes(Path(folder))
        overview(Path(folder))


if __name__ == "__main__":
    main()

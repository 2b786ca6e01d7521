"""The Kobo KEPUB: sentence spans, the book-columns wrapper, the cover, and the same text as the EPUB."""

from __future__ import annotations

import re
import zipfile

from conftest import FIXTURES, epub_text
from lxml import etree

from booksmith.options import BuildOptions, RenderOptions

X = "{http://www.w3.org/1999/xhtml}"


def books(tmp_path):
    from booksmith.pipeline import convert

    options = BuildOptions(formats=("epub", "kepub"), render=RenderOptions(timestamp=1_700_000_000))
    return convert(FIXTURES / "epub" / "lettre.txt", tmp_path, options)


def test_spans_number_paragraphs_and_sentences(tmp_path):
    _, kepub = books(tmp_path)
    with zipfile.ZipFile(kepub) as archive:
        root = etree.fromstring(archive.read("EPUB/chapter-001.xhtml"))
    body = root.find(f"{X}body")
    columns = body[0]
    assert len(body) == 1 and columns.get("id") == "book-columns" and columns[0].get("id") == "book-inner"
    ids = [s.get("id") for s in root.iter(f"{X}span") if s.get("class") == "koboSpan"]
    # The heading is paragraph 1; the first paragraph's two sentences are 2.1 and 2.2.
    assert ids[:4] == ["kobo.1.1", "kobo.2.1", "kobo.2.2", "kobo.3.1"]
    assert all(re.fullmatch(r"kobo\.\d+\.\d+", i) for i in ids) and len(ids) == len(set(ids))


def test_text_is_the_epubs_once_spans_are_removed(tmp_path):
    epub, kepub = books(tmp_path)
    assert " ".join(epub_text(kepub).split()) == " ".join(epub_text(epub).split())
    with zipfile.ZipFile(kepub) as k, zipfile.ZipFile(epub) as e:
        names = [n for n in e.namelist() if n.endswith(".xhtml")]
        assert names == [n for n in k.namelist() if n.endswith(".xhtml")]
        for name in names:
            # Spans and wrappers only add elements: the characters, in order, are the EPUB's.
            kobo = "".join(etree.fromstring(k.read(name)).find(f"{X}body").itertext())
            assert kobo == "".join(etree.fromstring(e.read(name)).find(f"{X}body").itertext()), name


def test_cover_is_marked(tmp_path):
    _, kepub = books(tmp_path)
    with zipfile.ZipFile(kepub) as archive:
        opf = archive.read("EPUB/content.opf").decode()
    assert 'properties="cover-image"' in opf and '<meta name="cover" content="cover-image"' in opf

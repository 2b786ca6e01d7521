"""Cleaning: newlines, invisible and XML-invalid characters, tabs, NFC."""

from __future__ import annotations

import pytest

from booksmith.clean import clean


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        ("page one\fpage two", "page one\n\npage two"),
        ("\x1b[1;32mgreen title\x1b[m and \x1b[0mplain", "green title and plain"),
        ("soft\u00adhyphen and zero\u200bwidth and \ufeffBOM", "softhyphen and zerowidth and BOM"),
        ("nul\x00 and bell\x07 and C1\x85", "nul and bell and C1"),
        ("no\u00a0break space", "no break space"),
        ("\tindented by a tab", "    indented by a tab"),
        ("inner\ttab", "inner tab"),
        ("trailing spaces   \nnext", "trailing spaces\nnext"),
        ("cafe\u0301", "café"),
        ("line\u2028separator\u2029paragraph", "line\nseparator\n\nparagraph"),
    ],
)
def test_clean(raw, cleaned):
    assert clean(raw) == cleaned

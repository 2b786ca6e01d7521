"""Issue 14: repair what the web did to a text (entities, pasted tags, mojibake of every depth, escapes)."""

from __future__ import annotations

import json

import pytest

from booksmith.decode import decode
from booksmith.options import BuildOptions
from booksmith.pipeline import convert
from booksmith.repair import repair
from tests.conftest import epub_documents, epubcheck_problems


def test_entities_are_decoded():
    text = "He said &quot;no&quot; &amp; left.&nbsp;Then &#8217;twas &#x2014; over."
    assert repair(text).text == 'He said "no" & left.\u00a0Then ’twas — over.'


def test_one_entity_in_a_story_about_html_stays():
    text = "She typed &amp; into the editor and watched it appear."
    assert repair(text).text == text


def test_a_story_that_talks_about_tags_keeps_them():
    text = "He wrote <br> on the board, and the class laughed.\n\n" + "The lesson went on for an hour. " * 60
    assert repair(text).text == text


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("She didnÃ¢â‚¬â„¢t know.", "She didn’t know."),  # UTF-8 read as cp1252 twice
        ("The cafÃ© was closed â€” again.", "The café was closed — again."),
        ("The rain‚Äôs end and caf√© au lait.", "The rain’s end and café au lait."),  # Mac Roman
        ("Ð\u009fÑ€Ð¸Ð²ÐµÑ‚, she wrote.", "Привет, she wrote."),
    ],
)
def test_mojibake_of_every_depth_is_repaired_with_quotes_kept_curly(broken, fixed):
    decoded = decode(("“Yes,” she said.\n" + broken).encode("utf-8"))
    assert decoded.text == "“Yes,” she said.\n" + fixed
    assert decoded.repaired_mojibake and decoded.repairs


def test_unicode_escapes_are_decoded():
    assert repair(r"don\u2019t \u201cgo\u201d now \ud83d\ude00").text == "don’t “go” now 😀"


PASTED = (
    "<p>The lighthouse keeper &amp; his daughter climbed the stairs.</p>\n"
    "<p>She said, &quot;It is <i>far</i> too late.&quot;<br>He did not answer.</p>\n"
    "<hr>\n"
    "<p>Morning came, <b>grey</b> and cold, over the harbour.</p>\n"
)


def test_pasted_markup_becomes_emphasis_breaks_and_paragraphs(tmp_path, run_cli):
    source = tmp_path / "pasted.txt"
    source.write_text(PASTED, encoding="utf-8")
    (book,) = convert(source, tmp_path / "out", BuildOptions(formats=("epub",)))
    xhtml = "".join(epub_documents(book).values())
    assert "<em>far</em>" in xhtml and "<strong>grey</strong>" in xhtml
    assert "&lt;" not in xhtml and "&amp;amp;" not in xhtml and "&amp;quot" not in xhtml
    assert "keeper &amp; his" in xhtml  # the decoded ampersand, escaped once as XML needs
    assert 'class="scene-break' in xhtml or "<hr" in xhtml
    assert epubcheck_problems(book) == []
    report = json.loads(run_cli("inspect", "--json", source).stdout)
    assert any("pasted HTML tags" in r for r in report["repairs"])
    assert any("HTML entities" in r for r in report["repairs"])


def test_entities_for_controls_stay_as_typed():
    assert repair("A &#0; and &amp; and &#x7; here.").text == "A &#0; and & and &#x7; here."

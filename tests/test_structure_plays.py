"""Plays and verse: who speaks, what is a stage direction, which lines are verse and which are prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from booksmith.model import Paragraph, Verse
from booksmith.options import ReadOptions
from booksmith.pipeline import load
from booksmith.render import render
from booksmith.structure import structure
from booksmith.structure.plays import name_cuts

CORPUS = Path(__file__).parent / "fixtures" / "structure"


def blocks_of(text: str):
    return [block for chapter in structure(text, ReadOptions()).book.chapters for block in chapter.blocks]


def speakers(text: str) -> list[str]:
    return [b.text for b in blocks_of(text) if isinstance(b, Paragraph) and b.role == "speaker"]


def shape(path: Path) -> list[tuple[str, str]]:
    """Each block of a fixture as (kind, role or first words)."""
    found = []
    for chapter in load(path).book.chapters:
        for block in chapter.blocks:
            if isinstance(block, Verse):
                found.append(("verse", block.lines[0][:20]))
            elif isinstance(block, Paragraph):
                found.append((block.role or "para", block.text[:20]))
    return found


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("MRS. HARTLEY. Well, show them in.", ["MRS. HARTLEY"]),  # "MRS." is a title, never a whole name
        ("HIGGINS. I know, mother.", ["HIGGINS"]),
        ("LIZA [disdainfully] Buy them yourself.", ["LIZA"]),
        ("THE FLOWER GIRL [hopefully] I can give you change.", ["THE FLOWER GIRL"]),
        ("Ros. and Guild. We shall, my lord.", ["Ros", "Ros. and Guild"]),
        ("  Mar. Holla Barnardo", ["Mar"]),
        ("Mar.", ["Mar"]),
        ("Exeunt.", []),
        ("Enter Horatio and Marcellus.", []),
        ("OSWIN, Prince of Mercia.", []),
        ("she said, and went out.", []),
    ],
)
def test_every_way_a_line_could_open_with_a_name(line, names):
    assert [cut.name for cut in name_cuts(line)] == names


def test_speaker_names_with_titles_and_directions():
    text = (
        "ACT I\n\nA kitchen.\n\n"
        "MRS. HARTLEY. Well, show them in.\n\n"
        "NELL [without looking up] Let them wait.\n\n"
        "MRS. HARTLEY. I will not have it said.\n\n"
        "NELL. You would ask the devil in.\n\n"
        "A BYSTANDER [looking in] Is this the house?\n\n"
        "[He goes out.]"
    )
    assert speakers(text) == ["MRS. HARTLEY", "NELL", "MRS. HARTLEY", "NELL", "A BYSTANDER"]
    blocks = blocks_of(text)
    assert blocks[-1].role == "stage-direction" and blocks[-1].text == "[He goes out.]"
    assert blocks[4].text == "[without looking up] Let them wait."


def test_front_matter_before_the_play_is_no_speaker():
    text = (
        "TRANSCRIBER'S NOTE: Spellings are kept.\n\n"
        "PREFACE TO THE PLAY.\n\nA preface in prose, about the play that follows it.\n\n"
        "ACT I\n\nHARTLEY. Good day.\n\nNELL. Good day to you.\n\nHARTLEY. Well then.\n\nNELL. Well."
    )
    chapters = structure(text, ReadOptions()).book.chapters
    assert [(c.title, c.kind) for c in chapters] == [
        (None, "front"),
        ("Preface to the Play", "front"),
        ("Act I", "chapter"),
    ]
    assert chapters[0].blocks[0].role is None
    assert speakers(text) == ["HARTLEY", "NELL", "HARTLEY", "NELL"]


def test_acts_with_scenes_are_parts_and_acts_alone_are_chapters():
    alone = "ACT I\n\nHAL. One.\n\nNED. Two.\n\nACT II\n\nHAL. Three.\n\nNED. Four."
    assert [(c.title, c.kind) for c in structure(alone, ReadOptions()).book.chapters] == [
        ("Act I", "chapter"),
        ("Act II", "chapter"),
    ]
    scenes = "ACT I\n\nSCENE I. A room.\n\nHAL.\nOne.\n\nNED.\nTwo.\n\nACT II\n\nSCENE I. A road.\n\nHAL.\nThree."
    assert [(c.title, c.kind) for c in structure(scenes, ReadOptions()).book.chapters] == [
        ("Act I", "part"),
        ("Scene I", "chapter"),
        ("Act II", "part"),
        ("Scene I", "chapter"),
    ]


def test_abbreviated_speakers_over_verse_and_joint_speakers():
    found = shape(CORPUS / "play-speaker-lines.txt")
    assert found[:5] == [
        ("stage-direction", "Enter Marrow and Hol"),
        ("speaker", "Mar"),
        ("verse", "Who goes there, upon"),
        ("speaker", "Hol"),
        ("verse", "A friend, and one th"),
    ]
    assert ("speaker", "Mar. and Hol") in found and ("speaker", "Rook and Gill") in found
    assert ("stage-direction", "Exeunt.") in found
    # The Porter speaks prose in a verse scene: one paragraph, not three lines of verse.
    porter = found.index(("speaker", "Porter"))
    assert found[porter + 1] == ("para", "Here is a fellow at ")


def test_a_play_without_act_headings_is_found_by_its_speakers():
    speeches = "\n".join(
        f"  {name}. {line}"
        for _ in range(8)
        for name, line in (
            ("Bar", "Who is there?"),
            ("Fran", "Nay, answer me."),
            ("Hor", "A friend."),
            ("Mar", "Holla!"),
        )
    )
    text = f"The Watch\n\n{speeches}\n  Fra. Barnardo has my place.\n\nExit Fran.\n\n  Hor. Tush, tush."
    found = speakers(text)
    # "Fra." once is Fran's name cut short; "Exit Fran." is a direction, not Exit speaking.
    assert found[:4] == ["Bar", "Fran", "Hor", "Mar"] and found[-2:] == ["Fra", "Hor"] and len(found) == 34
    assert blocks_of(text)[-3].role == "stage-direction"


def test_prose_speeches_are_paragraphs_and_verse_speeches_keep_their_lines():
    verse = (
        "HAL.\nNow is the winter of our long content\nMade summer by the coming of the sun,\n"
        "And all the clouds that lowered on our house\nIn the deep bosom of the sea lie buried."
    )
    prose = (
        "PORTER.\nHere's a knocking indeed! If a man were porter of the gate, he\n"
        "should have old turning the key. Knock, knock, knock! Who's there,\nin the name of the devil?"
    )
    text = f"ACT I\n\nSCENE I. A gate.\n\n{verse}\n\n{prose}\n\nHAL.\nNo more.\n\nPORTER.\nAnon, anon."
    blocks = blocks_of(text)
    assert isinstance(blocks[1], Verse) and len(blocks[1].lines) == 4
    assert isinstance(blocks[3], Paragraph) and blocks[3].text.endswith("Who's there, in the name of the devil?")


def test_a_speaker_name_stays_with_the_first_line_of_the_speech():
    css = (Path(__file__).parents[1] / "styles" / "base.css").read_text(encoding="utf-8")
    rule = css[css.index("p.speaker {") :]
    assert "break-after: avoid;" in rule[: rule.index("}")]
    xhtml = "\n".join(d.xhtml.decode("utf-8") for d in render(load(CORPUS / "play-speaker-lines.txt").book).documents)
    assert '<p class="speaker">Mar</p>\n<div class="verse">' in xhtml


def test_prose_introduction_in_a_book_of_verse_is_prose_and_poem_titles_head_chapters():
    book = load(CORPUS / "poetry-preface.txt").book
    introduction = book.chapters[0]
    assert introduction.title == "Introduction"
    assert [type(b).__name__ for b in introduction.blocks] == ["Paragraph", "Paragraph", "Paragraph"]
    assert [c.title for c in book.chapters[1:]] == ["Before the Boats", "The Salt Road", "Song of the Empty Moorings"]
    assert all(isinstance(b, Verse) for c in book.chapters[1:] for b in c.blocks)
    xhtml = "\n".join(d.xhtml.decode("utf-8") for d in render(book).documents)
    assert "<em>The Salt Road</em>" in xhtml and "_The Salt" not in xhtml and "Road_" not in xhtml


def test_lines_broken_at_mr_or_at_a_comma_in_a_wrapped_novel_are_prose():
    found = shape(CORPUS / "novel-line-ends.txt")
    assert [kind for kind, _ in found].count("verse") == 1  # the rhyme, and nothing else
    assert ("verse", "Slow goes the ferry ") in found
    assert ("para", "“I will think about ") in found and ("para", "“Ask him!” cried his") in found


def test_two_wrapped_lines_ending_in_a_comma_are_one_paragraph():
    prose = (
        "The Pellinghams had lived at Harrow End for as long as anybody in the\nparish could remember, and longer.\n\n"
    )
    text = prose * 4 + (
        "“I will think about it,” replied Mr. Pellingham, with a grave bow,\n"
        "“and you shall have my answer on Thursday week.”"
    )
    last = blocks_of(text)[-1]
    assert isinstance(last, Paragraph)
    assert last.text.endswith("with a grave bow, “and you shall have my answer on Thursday week.”")


@pytest.mark.slow
def test_no_pdf_page_ends_with_a_speaker_name(tmp_path):
    """Speeches of one to five lines of verse under names on their own lines: without the rule a third of the pages end
    with a name, the speech turned over to the next page."""
    from pypdf import PdfReader

    from booksmith.options import BuildOptions
    from booksmith.pipeline import convert

    lines = ["Who goes there, upon the wall so late?", "Stand and declare yourself, or I will call.", "A friend."]
    speeches = "\n\n".join(
        f"{('MARROW', 'HOLLIS', 'ROOK')[n % 3]}.\n" + "\n".join(lines[i % 3] for i in range(n % 5 + 1))
        for n in range(150)
    )
    source = tmp_path / "watch.txt"
    source.write_text(
        f"THE LONG WATCH\n\nby Nell Wyatt\n\n\nACT I.\n\nSCENE I. A gate.\n\n{speeches}\n", encoding="utf-8"
    )
    (pdf,) = convert(source, tmp_path / "out", BuildOptions(formats=("pdf",)))
    ends = []
    for page in PdfReader(pdf).pages:
        # The running heads (book and scene) and the folio are not the page's text.
        heads = ("", "The Long Watch", "Scene I: A gate")
        texts = [
            t.strip() for t in page.extract_text().splitlines() if t.strip() not in heads and not t.strip().isdigit()
        ]
        ends.append(texts[-1] if texts else "")
    assert len(ends) > 10
    assert not [end for end in ends if end.upper() in ("MARROW", "HOLLIS", "ROOK")]


def test_the_first_night_cast_is_no_speech():
    cast = "Lane: Mr. Frank Peile.\nNell: Miss Rose Carr.\nHartley: Mr. Allen Dyall."
    speeches = "\n\n".join(f"{name}.  Good morning." for name in ("Lane", "Nell", "Hartley") * 3)
    assert speakers(f"ACT I\n\n{cast}\n\n{speeches}") == ["Lane", "Nell", "Hartley"] * 3


def test_a_title_case_line_over_verse_in_a_story_is_no_poem_title():
    paragraph = "She said nothing for a long while, and the kettle went on singing on the hob. " * 2
    text = (
        "\n\n".join([paragraph.strip()] * 6)
        + "\n\n\nThe Kettle Song\n\nSing, kettle, sing,\nAnd the cold goes by."
        + "\n\nSing, kettle, sing,\nTill the night is by."
    )
    chapters = structure(text, ReadOptions()).book.chapters
    assert len(chapters) == 1 and chapters[0].title is None


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["play-titles.txt", "play-speaker-lines.txt", "poetry-preface.txt", "novel-line-ends.txt"]
)
def test_play_and_verse_fixtures_pass_epubcheck(name, tmp_path):
    from conftest import epubcheck_problems

    from booksmith.options import BuildOptions
    from booksmith.pipeline import convert

    (book,) = convert(CORPUS / name, tmp_path, BuildOptions(formats=("epub",)))
    assert epubcheck_problems(book) == []

"""Structure: headings, paragraphs, verse, scene breaks, contents, plays, metadata from the text."""

from __future__ import annotations

import pytest

from booksmith.model import Paragraph, SceneBreak, Verse
from booksmith.options import ReadOptions
from booksmith.structure import guess_language, inline_markup, join_lines, structure
from booksmith.structure.breaks import is_break_mark

PROSE = "She walked down to the harbour and watched the boats come in, one by one, until the light went."


def book_of(text: str, **options):
    return structure(text, ReadOptions(**options)).book


def titles(text: str, **options) -> list[tuple[str | None, str | None]]:
    return [(c.title, c.subtitle) for c in book_of(text, **options).chapters]


@pytest.mark.parametrize(
    ("heading", "label", "title"),
    [
        ("Chapter 1", "Chapter 1", None),
        ("CHAPTER I.", "Chapter I", None),
        ("Chapter One", "Chapter One", None),
        ("Chapter Twenty-One", "Chapter Twenty-One", None),
        ("Chapter 12: The Storm", "Chapter 12", "The Storm"),
        ("Chapter 12 - The Storm", "Chapter 12", "The Storm"),
        ("Chapter 12 The Storm", "Chapter 12", "The Storm"),
        ("CHAPTER 12 THE STORM", "Chapter 12", "The Storm"),
        ("CHAPTER I. Down the Rabbit-Hole", "Chapter I", "Down the Rabbit-Hole"),
        ("CHAPTER XIV. THE LONG NIGHT", "Chapter XIV", "The Long Night"),
        ("Prologue", "Prologue", None),
        ("EPILOGUE", "Epilogue", None),
        ("Author's Note", "Author's Note", None),
        ("CHAPITRE PREMIER", "Chapitre Premier", None),
        ("Kapitel 3", "Kapitel 3", None),
        ("Erstes Kapitel", "Erstes Kapitel", None),
        # Ordinals built from parts, past any list: German, English, French.
        ("Sechsunddreißigstes Kapitel", "Sechsunddreißigstes Kapitel", None),
        ("Twenty-first Chapter", "Twenty-first Chapter", None),
        ("Vingt et unième chapitre", "Vingt et unième chapitre", None),
        ("Capítulo II", "Capítulo II", None),
        ("Capitolo 4", "Capitolo 4", None),
        ("Hoofdstuk 2", "Hoofdstuk 2", None),
        ("Глава первая", "Глава первая", None),
        ("第三章 归来", "第三章", "归来"),
        ("# The Harbour", "The Harbour", None),
    ],
)
def test_heading_forms(heading, label, title):
    chapters = book_of(f"{heading}\n\n{PROSE}\n\n{heading}\n\n{PROSE}").chapters
    assert (chapters[0].title, chapters[0].subtitle) == (label, title)
    assert len(chapters) == 2


@pytest.mark.parametrize(
    "line",
    [
        "Chapter one was finished by then, and she sent it to her editor.",
        "Introduction of the new rules was slow.",
        "Part of the problem was the weather.",
        "Winter Chapter",
        "Latter Part",
    ],
)
def test_sentences_that_start_like_headings_are_prose(line):
    assert titles(f"{PROSE}\n\n{line}\n\n{PROSE}") == [(None, None)]


def test_heading_title_on_following_lines_including_a_second_line():
    text = (
        f"CHAPTER I\n\nJONATHAN HARKER'S JOURNAL\n\n{PROSE}\n\n"
        f"CHAPTER II\n\nTHE LONG TITLE THAT\nRUNS ONTO A SECOND LINE\n\n{PROSE}"
    )
    assert titles(text) == [
        ("Chapter I", "Jonathan Harker's Journal"),
        ("Chapter II", "The Long Title That Runs Onto a Second Line"),
    ]


def test_bare_numbers_are_headings_only_when_used_consistently():
    assert [t for t, _ in titles(f"1.\n\n{PROSE}\n\n2.\n\n{PROSE}\n\n3.\n\n{PROSE}")] == ["1", "2", "3"]
    assert titles(f"{PROSE}\n\n7.\n\n{PROSE}") == [(None, None)]


def test_parts_nest_chapters_and_first_epilogue_is_a_part():
    text = "\n\n".join(
        ["BOOK I.", "CHAPTER I.", PROSE, "CHAPTER II.", PROSE, "FIRST EPILOGUE", "CHAPTER I.", PROSE, "EPILOGUE", PROSE]
    )
    chapters = book_of(text).chapters
    assert [(c.title, c.kind, c.depth) for c in chapters] == [
        ("Book I", "part", 0),
        ("Chapter I", "chapter", 1),
        ("Chapter II", "chapter", 1),
        ("First Epilogue", "part", 0),
        ("Chapter I", "chapter", 1),
        ("Epilogue", "back", 0),
    ]


def test_text_before_the_first_heading_is_front_matter():
    chapters = book_of(f"A note before the story begins, from the writer to you.\n\nChapter 1\n\n{PROSE}").chapters
    assert [c.kind for c in chapters] == ["front", "chapter"]


def test_typed_contents_is_dropped_and_never_taken_for_chapters():
    contents = "\n\n".join(f"Chapter {n}: Title {n}" for n in (1, 2, 3))
    body = "\n\n".join(f"Chapter {n}: Title {n}\n\n{PROSE}" for n in (1, 2, 3))
    for text in (f"Contents\n\n{contents}\n\n\n\n{body}", f"{contents}\n\n{body}", f"CONTENTS\n{contents}\n\n{body}"):
        result = structure(text)
        assert [c.title for c in result.book.chapters] == ["Chapter 1", "Chapter 2", "Chapter 3"]
        assert "Contents" not in result.body_text and result.body_text.startswith("Chapter 1")


def test_an_unconfirmed_contents_list_stays_as_front_matter():
    text = f"Contents\n\nThe Harbour\nThe Market\nThe Storm\n\nChapter 1\n\n{PROSE}"
    chapters = book_of(text).chapters
    assert [(c.title, c.kind) for c in chapters] == [("Contents", "front"), ("Chapter 1", "chapter")]
    assert chapters[0].blocks[0].lines == ("The Harbour", "The Market", "The Storm")


def test_chapter_pattern_overrides_detection():
    text = f"~ 1 ~\n\n{PROSE}\n\n~ 2 ~\n\n{PROSE}\n\nChapter 3\n\n{PROSE}"
    assert [t for t, _ in titles(text, chapter_pattern=r"~ \d+ ~")] == ["1", "2"]  # ornaments dropped


def test_numbering_gap_and_long_text_without_chapters_warn():
    gap = structure(f"Chapter 1\n\n{PROSE}\n\nChapter 2\n\n{PROSE}\n\nChapter 4\n\n{PROSE}")
    assert gap.warnings == ("chapter numbering jumps from 2 to 4 (missing 3)",)
    long = structure("\n\n".join([PROSE] * 2000))
    assert any("no chapter headings" in w for w in long.warnings)


@pytest.mark.parametrize(
    ("text", "convention"),
    [
        (f"{PROSE}\n\n{PROSE}\n\n{PROSE}", "blank"),
        ("    " + "\n    ".join([PROSE[:60] + "\n" + PROSE[60:]] * 4), "indent"),
        ("\n".join([PROSE + " " + PROSE] * 6), "line"),
        ("\n\n".join(["The boats came in one by one while she\nwaited on the harbour wall, watching."] * 4), "wrapped"),
    ],
)
def test_paragraph_convention_is_detected(text, convention):
    assert structure(text).convention == convention


def test_paragraphs_override():
    text = "First line of it.\nSecond line of it.\nThird line of it."
    assert len(book_of(text, paragraphs="line").chapters[0].blocks) == 3
    assert len(book_of(text, paragraphs="wrapped").chapters[0].blocks) == 1


def test_wrapped_prose_is_joined_and_verse_keeps_its_lines():
    prose = (
        "The shop stood at the bottom of Weaver Lane, where the cobbles gave way\n"
        "to mud and the river smell came up through the floorboards. Martha had\n"
        "lived above it for all of her nineteen years."
    )
    verse = "    Tick and tock and turn again,\n    Every hour has its pain;\n    Wind me up and set me right."
    blocks = book_of(f"{prose}\n\n{verse}\n\n{prose}").chapters[0].blocks
    assert isinstance(blocks[0], Paragraph) and "gave way to mud" in blocks[0].text
    assert isinstance(blocks[1], Verse) and len(blocks[1].lines) == 3


def test_signature_and_centred_lines_keep_their_placement():
    text = f"{PROSE}\n\n                              Yours ever,\n                                   ELIZA."
    blocks = book_of(text).chapters[0].blocks
    assert isinstance(blocks[-1], Verse) and blocks[-1].align == "right"


@pytest.mark.parametrize("line", ["* * *", "       *       *       *", "***", "#", "%", "~~~", "oOo", "- - -", "⁂"])
def test_break_marks(line):
    assert is_break_mark(line)


@pytest.mark.parametrize("line", ["...", "Ooo", "I", "* item"])
def test_not_break_marks(line):
    assert not is_break_mark(line)


def test_scene_breaks_collapse_and_never_start_or_end_a_chapter():
    text = f"Chapter 1\n\n* * *\n\n{PROSE}\n\n*\n* *\n*\n\n#\n\n{PROSE}\n\n* * *\n\nChapter 2\n\n{PROSE}"
    chapters = book_of(text).chapters
    assert [type(b).__name__ for b in chapters[0].blocks] == ["Paragraph", "SceneBreak", "Paragraph"]


def test_marks_inside_a_paragraph_are_not_breaks():
    blocks = book_of(f"“WHALE. * * * Sw. and Dan. HVAL.”\n\n{PROSE}").chapters[0].blocks
    assert not any(isinstance(b, SceneBreak) for b in blocks)


def test_longer_blank_runs_are_scene_breaks():
    blocks = book_of("\n\n".join([PROSE] * 6) + "\n\n\n\n" + PROSE).chapters[0].blocks
    assert sum(isinstance(b, SceneBreak) for b in blocks) == 1


@pytest.mark.parametrize(
    ("typed", "marked"),
    [
        ("a _word_ here", "a \ue000word\ue001 here"),
        ("a *word* here", "a \ue000word\ue001 here"),
        ("a **word** here", "a \ue002word\ue003 here"),
        ("a __word__ here", "a \ue002word\ue003 here"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("2 * 3 * 4", "2 * 3 * 4"),
    ],
)
def test_typed_emphasis(typed, marked):
    from booksmith import chars

    expected = (
        marked.replace("\ue000", chars.EMPHASIS_START)
        .replace("\ue001", chars.EMPHASIS_END)
        .replace("\ue002", chars.STRONG_START)
        .replace("\ue003", chars.STRONG_END)
    )
    assert inline_markup(typed) == expected


def test_play_speakers_and_stage_directions():
    text = (
        "ACT I.\n\nSCENE I. A room in the castle.\n\n[_Enter HAMLET._]\n\n"
        "HAMLET.\nTo be, or not to be, that is the question:\nWhether ’tis nobler in the mind to suffer\n\n"
        "HORATIO. My lord, I came to see your father’s funeral."
    )
    chapters = book_of(text).chapters
    assert [(c.title, c.subtitle, c.kind) for c in chapters] == [
        ("Act I", None, "part"),
        ("Scene I", "A room in the castle", "chapter"),
    ]
    roles = [(type(b).__name__, getattr(b, "role", None)) for b in chapters[1].blocks]
    assert roles == [
        ("Paragraph", "stage-direction"),
        ("Paragraph", "speaker"),
        ("Verse", None),
        ("Paragraph", "speaker"),
        ("Paragraph", None),
    ]


def test_illustration_markers_become_captions():
    blocks = book_of(f"{PROSE}\n\n[Illustration: The harbour at dawn]\n\n[Illustration]\n\n{PROSE}").chapters[0].blocks
    assert [getattr(b, "role", None) for b in blocks] == [None, "caption", None]
    assert blocks[1].text == "The harbour at dawn"


def test_gutenberg_boilerplate_goes_and_its_header_is_metadata():
    text = (
        "The Project Gutenberg eBook of Salt, by A. Writer\n\nTitle: Salt\n        A Sea Story\n\nAuthor: A. Writer\n\n"
        "Language: French\n\n*** START OF THE PROJECT GUTENBERG EBOOK SALT ***\n\nProduced by Some Volunteers\n\n"
        f"{PROSE}\n\nEnd of the Project Gutenberg EBook of Salt\n\n*** END OF THE PROJECT GUTENBERG EBOOK SALT ***\n\n"
        "Licence text."
    )
    result = structure(text)
    metadata = result.book.metadata
    assert (metadata.title, metadata.subtitle, metadata.authors, metadata.language) == (
        "Salt",
        "A Sea Story",
        ("A. Writer",),
        "fr",
    )
    assert metadata.credits == ("Produced by Some Volunteers",)
    assert [b.text for b in result.book.chapters[0].blocks] == [PROSE]
    kept = structure(text, ReadOptions(keep_boilerplate=True))
    assert "Licence text." in [getattr(b, "text", "") for c in kept.book.chapters for b in c.blocks]


def test_old_small_print_header_is_removed():
    text = (
        "The Project Gutenberg Etext of Salt, by A. Writer\n\n**The SMALL PRINT**\n\nLawyers said things.\n\n"
        "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n"
        f"{PROSE}\n\nEnd of the Project Gutenberg Etext"
    )
    book = book_of(text)
    assert (book.metadata.title, book.metadata.authors) == ("Salt", ("A. Writer",))
    assert [b.text for b in book.chapters[0].blocks] == [PROSE]


def test_title_block_is_the_title_page():
    book = book_of(f"THE SALT ROAD\n\nby Henry Alcott\n\n{PROSE}")
    assert (book.metadata.title, book.metadata.authors) == ("The Salt Road", ("Henry Alcott",))
    assert [b.text for b in book.chapters[0].blocks] == [PROSE]


@pytest.mark.parametrize(
    "title_page",
    [
        "The Lamp Room\n\n\nby\n\nMara Quill\n\n(1851)",  # "by" alone, the year under the name
        "THE LAMP ROOM\n\n\nby\n\nMara Quill (1851)",  # the year after the name
        "THE LAMP ROOM\n\n(1851)\n\n\nBy Mara Quill",  # the year between title and by-line
    ],
)
def test_title_pages_with_a_lone_by_and_a_year(title_page):
    book = book_of(f"{title_page}\n\n\n\nChapter 1\n\n{PROSE}\n\nChapter 2\n\n{PROSE}")
    metadata = book.metadata
    assert (metadata.title, metadata.authors, metadata.date) == ("The Lamp Room", ("Mara Quill",), "1851")
    assert metadata.subtitle is None
    assert [chapter.title for chapter in book.chapters] == ["Chapter 1", "Chapter 2"]


def test_a_year_line_without_a_title_page_stays_text():
    book = book_of(f"1851\n\n{PROSE}")
    assert book.metadata.date is None
    assert [b.text for b in book.chapters[0].blocks] == ["1851", PROSE]


def test_fan_fiction_header():
    text = (
        "Title: Ashes\nAuthor: quietfox\nFandom: The Long Road\nRating: Teen\nTags: Angst, Found Family\n"
        f"Series: Embers [2]\nSummary: After the fire,\nshe goes north.\n\n{PROSE}"
    )
    metadata = book_of(text).metadata
    assert metadata.title == "Ashes"
    assert metadata.authors == ("quietfox",)
    assert metadata.description == "After the fire, she goes north."
    assert metadata.subjects == ("The Long Road", "Teen", "Angst", "Found Family")
    assert (metadata.series, metadata.series_index) == ("Embers", 2.0)


def test_options_metadata_wins_over_the_text():
    from booksmith.model import Metadata

    book = book_of(f"THE SALT ROAD\n\nby Henry Alcott\n\n{PROSE}", metadata=Metadata(title="Mine"))
    assert (book.metadata.title, book.metadata.authors) == ("Mine", ("Henry Alcott",))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The man and the woman went to the town, and it was late when they came back to the house.", "en"),
        ("Le vieux et la femme sont allés dans la ville, et il était tard quand ils sont revenus.", "fr"),
        ("Der Mann und die Frau gingen in die Stadt, und es war spät, als sie nach Hause kamen.", "de"),
        ("El hombre y la mujer fueron a la ciudad, y era tarde cuando volvieron a la casa.", "es"),
        ("Он сказал, что она не придёт, и никто не спал в доме, когда он вернулся.", "ru"),
        ("他说我们明天再见吧。她点了点头，没有说话。", "zh"),
    ],
)
def test_language_guess(text, language):
    assert guess_language(text * 3) == language


def test_heading_on_the_first_line_of_its_text():
    text = (
        "Chapter 1\nIt was a dark and stormy night; the rain fell in torrents, except at\n"
        "occasional intervals, when it was checked by a violent gust of wind.\n\n"
        "Chapter 2\nThe next morning was bright and the streets were washed clean by the rain\n"
        "that had fallen all night long over the sleeping town and its harbour."
    )
    chapters = book_of(text).chapters
    assert [c.title for c in chapters] == ["Chapter 1", "Chapter 2"]
    assert chapters[0].blocks[0].text.startswith("It was a dark")


def test_heading_with_its_title_on_the_very_next_line():
    text = (
        "CHAPTER I.\nDown the Rabbit-Hole\n\nAlice was beginning to get very tired of sitting by her sister.\n\n"
        "CHAPTER II.\nThe Pool of Tears\n\nCuriouser and curiouser, cried Alice."
    )
    assert titles(text) == [("Chapter I", "Down the Rabbit-Hole"), ("Chapter II", "The Pool of Tears")]


def test_an_illustration_caption_running_over_blank_lines_is_one_caption():
    text = f"{PROSE}\n\n[Illustration:\n\n   “He came down to see the place”\n\n[_Copyright 1894._]]\n\n{PROSE}"
    blocks = book_of(text).chapters[0].blocks
    assert [getattr(b, "role", None) for b in blocks] == [None, "caption", None]
    assert blocks[1].text.startswith("“He came down")


def test_contents_of_titles_only_is_dropped_when_the_headings_follow():
    text = (
        "Contents\n\n  Down the Rabbit-Hole\n  The Pool of Tears\n\n"
        f"CHAPTER I.\n\nDown the Rabbit-Hole\n\n{PROSE}\n\nCHAPTER II.\n\nThe Pool of Tears\n\n{PROSE}"
    )
    assert titles(text) == [("Chapter I", "Down the Rabbit-Hole"), ("Chapter II", "The Pool of Tears")]


def test_play_contents_before_the_cast_stays_and_the_cast_is_front_matter():
    text = (
        "Contents\n\n ACT I\n Scene I. A terrace.\n Scene II. A room.\n\nDramatis Personæ\n\n"
        "OSWIN, Prince of Mercia.\nEDGAR, King of Mercia.\n\nSCENE: Tamworth.\n\nACT I\n\nSCENE I. A terrace.\n\n"
        "OSWIN.\nWho goes there in the dark?\n\nSCENE II. A room.\n\nEDGAR.\nNone but the king."
    )
    chapters = book_of(text).chapters
    assert [(c.title, c.kind) for c in chapters] == [
        ("Contents", "front"),
        ("Dramatis Personæ", "front"),
        ("Act I", "part"),
        ("Scene I", "chapter"),
        ("Scene II", "chapter"),
    ]
    assert chapters[1].blocks[-1].role == "stage-direction"


def test_a_word_broken_at_a_line_end_is_mended_only_when_clearly_broken():
    text = (
        "The example was clear to everyone who read the whole of the long exam-\n"
        "ple, and the man who wrote it was a well-known figure in the town, well-\n"
        "known to all of them and proud of his fortune, which was all of it self-\n"
        "made and none of it inherited from anybody at all, as he liked to say."
    )
    paragraph = book_of(text, paragraphs="wrapped").chapters[0].blocks[0].text
    assert "long example, and" in paragraph
    assert "well-known" in paragraph and "self-made" in paragraph


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("wie er schon)-", "sie kam", "wie er schon)- sie kam"),  # no letter before it: not a broken word
        ("a well-", "known man", "a well-known man"),
        ("a 5-", "year-old", "a 5-year-old"),
        ("the word --", "and then", "the word -- and then"),  # spaced dash, spaced on both sides
        ("the word--", "and then", "the word--and then"),  # closed dash stays closed
        ("the word—", "and then", "the word—and then"),
        ("the word —", "and then", "the word — and then"),
        ("the word -", "and then", "the word - and then"),
    ],
)
def test_wrapped_lines_ending_in_a_hyphen_or_dash_join_as_typed(first, second, joined):
    assert join_lines([first, second]) == joined


def test_a_hyphen_after_a_bracket_at_a_line_end_keeps_the_words_apart():
    text = (
        "Sie wartete lange am Hafen und sah den Booten zu, (wie er schon)-\n"
        "sie kam erst spät nach Hause, als die Lichter im Dorf längst brannten.\n"
    )
    paragraph = book_of(text, paragraphs="wrapped").chapters[0].blocks[0].text
    assert "(wie er schon)- sie kam" in paragraph


def test_a_first_line_starting_with_by_is_not_a_title_page():
    book = book_of(f"HELLO\n\nby the river, she waited for the boats.\n\n{PROSE}")
    assert book.metadata.authors == ()
    assert len(book.chapters[0].blocks) == 3


def test_an_authors_note_under_a_heading_is_not_its_title():
    assert titles(f"Chapter 1\n\nA/N: thanks for all the reviews\n\n{PROSE}") == [("Chapter 1", None)]


def test_verse_keeps_the_indent_of_its_lines():
    text = f"{PROSE}\n\nThe kettle sings before the dawn,\n  A thin song in a cold room;\nThe cat is curled.\n\n{PROSE}"
    verse = book_of(text).chapters[0].blocks[1]
    assert verse.lines == (
        "The kettle sings before the dawn,",
        "\u2003A thin song in a cold room;",
        "The cat is curled.",
    )


def test_a_title_several_blank_lines_under_its_heading_is_still_its_title():
    text = "\n\n\n\n".join(f"CHAPTER {n}.\n\n\n\nTHE TITLE {n}\n\n\n{PROSE}\n\n{PROSE}" for n in ("I", "II"))
    assert titles(text) == [("Chapter I", "The Title I"), ("Chapter II", "The Title II")]


def test_gaps_in_front_matter_are_not_scene_breaks():
    chapters = book_of(f"A dedication to my mother.\n\n\n\nAn epigraph here.\n\n\n\nChapter 1\n\n{PROSE}").chapters
    assert chapters[0].kind == "front"
    assert not any(isinstance(b, SceneBreak) for b in chapters[0].blocks)


@pytest.mark.parametrize("heading", ["~ Chapter 1 ~", "**Chapter 1**", "=== Chapter 1 ===", "— Chapter 1 —"])
def test_ornaments_around_a_heading(heading):
    assert titles(f"{heading}\n\n{PROSE}\n\n{heading.replace('1', '2')}\n\n{PROSE}")[0] == ("Chapter 1", None)


def test_act_and_scene_on_one_line_with_abbreviated_speakers():
    text = (
        "ACT I. SCENE I.\nElsinore. A platform.\n\n  Ber. Who's there?\n  Fran. Nay, answer me.\n"
        "  Ber. Long live the King!\n  Fran. Bernardo?\n  Ber. He.\n\nACT I. SCENE II.\nA room.\n\n  Fran. My lord."
    )
    chapters = book_of(text).chapters
    assert [(c.title, c.subtitle) for c in chapters] == [
        ("Act I. Scene I", "Elsinore. A platform"),
        ("Act I. Scene II", "A room"),
    ]
    speakers = [b.text for b in chapters[0].blocks if getattr(b, "role", None) == "speaker"]
    assert speakers == ["Ber", "Fran", "Ber", "Fran", "Ber"]


def test_poem_titles_in_a_book_of_verse():
    poem = "The kettle sings before the dawn,\nA thin song in a cold room;\nThe cat is curled, the curtains drawn."
    text = f"THE KETTLE\n\n{poem}\n\n{poem}\n\n                 November\n\n{poem}"
    assert [t for t, _ in titles(text)] == ["The Kettle", "November"]


def test_wrapped_paragraphs_among_dialogue_are_prose_not_verse():
    lines = ['"Yes," he said.', '"No," she said.', '"Why not?"', '"Because."']
    wrapped = (
        "The shop stood at the bottom of Weaver Lane, where the cobbles gave way\nto mud and the river smell came up."
    )
    blocks = book_of("\n\n".join([*lines, wrapped, *lines])).chapters[0].blocks
    assert all(isinstance(b, Paragraph) for b in blocks)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("CHAPTER XIV", "Chapter XIV"),
        ("BOOK VI", "Book VI"),
        ("THE LIVID SKY", "The Livid Sky"),
        ("CAPÍTULO II. MI CASA", "Capítulo II. Mi Casa"),
        ("DOWN THE RABBIT-HOLE", "Down the Rabbit-Hole"),
        ("Already Mixed Case", "Already Mixed Case"),
    ],
)
def test_capitals_are_tamed_for_headings(typed, shown):
    from booksmith.structure.labels import readable_case

    assert readable_case(typed) == shown


def test_a_collection_of_stories_titled_in_capitals():
    stories = "\n\n\n\n".join(f"THE {name} STORY\n\n{PROSE}\n\n{PROSE}" for name in ("FIRST", "SECOND", "THIRD"))
    book = book_of(f"STORIES OF THE SEA\n\n\n\n{stories}")
    assert book.metadata.title == "Stories of the Sea"
    assert [c.title for c in book.chapters] == ["The First Story", "The Second Story", "The Third Story"]


def test_one_line_in_capitals_after_a_gap_is_not_a_heading():
    assert titles(f"{PROSE}\n\n\n\nBOOM.\n\n{PROSE}") == [(None, None)]


def test_russian_capitals_are_tamed_to_sentence_case():
    from booksmith.structure.labels import readable_case

    assert readable_case("ГЛАВА ПЕРВАЯ") == "Глава первая"
    assert readable_case("ЧАСТЬ ВТОРАЯ. ВОЙНА") == "Часть вторая. Война"
    assert readable_case("ГЛАВА IV") == "Глава IV"


def test_volumes_and_books_both_stand_over_chapters():
    text = "\n\n".join(["VOLUME I", "BOOK I", "CHAPTER I", PROSE, "BOOK II", "CHAPTER II", PROSE])
    assert [(c.title, c.depth) for c in book_of(text).chapters] == [
        ("Volume I", 0),
        ("Book I", 0),
        ("Chapter I", 1),
        ("Book II", 0),
        ("Chapter II", 1),
    ]


def test_a_collection_of_short_poems_keeps_its_lines():
    # Lines this short were never wrapped by an editor, however evenly a metre fills them.
    stanza = (
        "The lantern swings above the quay\n(the keeper says it burns for me;\n"
        "but keepers say a lot of things,\nand none of them have ever wings)-\n"
        "it swings, as I was saying, slow,\nand lights the water down below."
    )
    blocks = book_of(f"The Lantern\n\n{stanza}\n\n{stanza}").chapters[0].blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Verse", "Verse"]
    assert blocks[1].lines[3] == "and none of them have ever wings)-"


def test_a_percent_line_separates_the_entries_of_a_collection():
    text = (
        "A gull sat down upon a post\nand said the thing it wanted most.\n\n"
        "It said it twice, it said it thrice,\nand every time it sounded nice.\n%\n"
        "Two sailors walked along the shore,\nthe first one rich, the second poor.\n\n"
        "The rich one tripped upon a stone,\nthe poor one walked on home alone.\n%\n"
        "Never trust a calm sea. It is only thinking.\n%\n"
    )
    blocks = book_of(text).chapters[0].blocks
    kinds = ["Verse", "Verse", "SceneBreak", "Verse", "Verse", "SceneBreak", "Paragraph"]
    assert [type(b).__name__ for b in blocks] == kinds


def test_a_mark_line_inside_a_block_of_prose_is_a_break_but_an_underline_is_not():
    blocks = book_of(f"{PROSE}\n* * *\n{PROSE}").chapters[0].blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "SceneBreak", "Paragraph"]
    blocks = book_of(f"Notes\n=====\n\n{PROSE}").chapters[0].blocks
    assert not any(isinstance(b, SceneBreak) for b in blocks)


def test_chapters_headed_by_a_name_and_a_number_counting_from_one_for_each_name():
    verses = "  1 The keeper lit the lamp at dusk, and the sea was still.\n  2 And the gulls slept."
    books = [("Harbours", 3), ("1 Lamps", 2), ("Song of Gulls", 2)]
    text = "\n\n".join(f"{name} {n}\n\n{verses}" for name, count in books for n in range(1, count + 1))
    assert [t for t, _ in titles(text)] == [f"{name} {n}" for name, count in books for n in range(1, count + 1)]


def test_a_name_and_a_number_out_of_order_is_not_a_heading():
    text = f"{PROSE}\n\nRoom 101\n\n{PROSE}\n\nFlight 7\n\n{PROSE}\n\nRoom 12\n\n{PROSE}"
    assert len(book_of(text).chapters) == 1


def test_a_latin_capital_in_a_line_of_japanese_is_not_a_title_in_capitals():
    prose = "キーを押すと画面が一行ずつ動きます。ゆっくり読んでから次へ進んでください。"
    lines = ["L とそれに続く数字は行番号です。", "C とそれに続く数字は列番号です。", "M とそれに続く文字はモードです。"]
    text = prose + "".join(f"\n\n\n\n{line}\n\n{prose}" for line in lines)
    assert len(book_of(text).chapters) == 1


def test_a_year_after_a_part_word_is_not_a_part():
    # "del" is Swedish and Norwegian for "part"; in Italian it starts a date.
    text = f"{PROSE}\n\ndel 1997-98, won at the last\n\n{PROSE}"
    assert [c.kind for c in book_of(text).chapters] == ["chapter"]


def test_a_latin_capital_in_a_line_of_japanese_is_no_poem_title():
    verse = "先頭の星印は変更を示します。\nセーブした直後は星印の代わりに\nダッシュが表示されます。"
    text = f"{verse}\n\n{verse}\n\nL とそれに続く数字は行番号です。\n\n{verse}\n\n{verse}"
    assert len(book_of(text).chapters) == 1


LONG_TITLE = "The Night the Harbour Lights Went Out and Nobody in the Village Could Say Who Had Cut the Cable"


def test_a_chapter_heading_with_a_long_title():
    heading = f"Chapter 12: {LONG_TITLE}"
    assert len(heading) > 100
    text = f"Chapter 11: The Cable\n\n{PROSE}\n\n{heading}\n\n{PROSE}\n\n{PROSE}"
    chapters = book_of(text).chapters
    assert [(c.title, c.subtitle, len(c.blocks)) for c in chapters] == [
        ("Chapter 11", "The Cable", 1),
        ("Chapter 12", LONG_TITLE, 2),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Chapter one was finished by then, and she sent it to her editor, who read it on the train home and "
        "wrote back within the week.",
        "Chapter 12: she had read it twice already, and still she could not see why the harbour master would lie "
        "about the cable.",
    ],
)
def test_a_long_line_starting_with_a_chapter_word_is_still_prose(line):
    text = f"Chapter 11\n\n{PROSE}\n\n{line}\n\n{PROSE}"
    chapters = book_of(text).chapters
    assert [(c.title, len(c.blocks)) for c in chapters] == [("Chapter 11", 3)]


def test_a_lone_indented_line_between_flush_paragraphs_is_quoted_verse():
    text = (
        "She read the card twice, and then aloud to the empty room, slowly:\n\n"
        "      Come sail the harbour wide, and anchor at my side.\n\n"
        "It was not a good verse, but it was hers, and she kept it in the drawer.\n\n"
        "Nobody else ever saw it, and she never wrote another one after that.\n"
    )
    blocks = book_of(text).chapters[0].blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Verse", "Paragraph", "Paragraph"]
    # Where every paragraph is indented, an indented line is a paragraph like the others.
    indented = "\n\n".join("    " + line for line in text.replace("      Come", "Come").split("\n\n"))
    assert {type(b).__name__ for b in book_of(indented).chapters[0].blocks} == {"Paragraph"}


def test_a_sentence_starting_with_chapter_and_a_number_word_is_prose():
    text = f"Chapter 1 The Yard\n\n{PROSE}\n\nChapter one was done by then\n\n{PROSE}\n"
    chapters = book_of(text).chapters
    assert [(c.title, c.subtitle) for c in chapters] == [("Chapter 1", "The Yard")]
    assert "Chapter one was done by then" in [getattr(b, "text", None) for b in chapters[0].blocks]


@pytest.mark.parametrize(
    ("field", "authors"),
    [
        ("Alexander Hamilton, John Jay, and James Madison", ["Alexander Hamilton", "John Jay", "James Madison"]),
        ("H. G. (Herbert George) Wells", ["H. G. Wells"]),
        ("Wells, H. G.", ["Wells, H. G."]),
        ("Jane Austen and Anne Lamb", ["Jane Austen", "Anne Lamb"]),
    ],
)
def test_gutenberg_author_field(field, authors):
    header = (
        "The Project Gutenberg eBook of The Papers\n\nTitle: The Papers\n\n"
        f"Author: {field}\n\n*** START OF THE PROJECT GUTENBERG EBOOK THE PAPERS ***\n\n"
    )
    assert list(book_of(header + f"{PROSE}\n\n{PROSE}").metadata.authors) == authors


def test_word_and_number_sign_headings_count_up():
    papers = "\n\n".join(f"FEDERALIST No. {n}\n\n{PROSE}\n\n{PROSE}\n\n{PROSE}" for n in range(1, 5))
    assert [c.title for c in book_of(papers).chapters] == [f"FEDERALIST No. {n}" for n in range(1, 5)]


def test_titles_in_capitals_under_parts_are_the_chapters():
    gap = "\n\n\n\n\n"
    text = (
        f"FIRST PART{gap}THE HOUSE BY THE RIVER\n\n{PROSE}\n\n{PROSE}{gap}OM\n\n{PROSE}{gap}"
        f"SECOND PART{gap}THE FERRY\n\n{PROSE}\n\n{PROSE}"
    )
    assert [(c.kind, c.title) for c in book_of(text).chapters] == [
        ("part", "First Part"),
        ("chapter", "The House by the River"),
        ("chapter", "OM"),
        ("part", "Second Part"),
        ("chapter", "The Ferry"),
    ]


def test_numbers_of_a_closing_notes_section_are_not_chapters():
    chapters = "\n\n".join(f"{n}\n\n{PROSE}\n\n{PROSE}\n\n{PROSE}" for n in ("I", "II", "III", "IV"))
    notes = "\n\n".join(f"{n}\n\nThe harbour of the old town, rebuilt in stone." for n in range(1, 9))
    book = book_of(f"{chapters}\n\nTHE END\n\n\n\nAbout the Story\n\n\n\n{PROSE} {PROSE}\n\nNOTES\n\n{notes}")
    assert [c.title for c in book.chapters] == ["I", "II", "III", "IV", "About the Story", "Notes"]

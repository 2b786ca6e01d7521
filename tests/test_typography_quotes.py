"""Quotes and apostrophes: each rule a typesetter follows, as before/after pairs."""

from __future__ import annotations

import pytest

from booksmith.model import Book, Chapter, Metadata, Paragraph, SceneBreak, Verse
from booksmith.options import TypographyOptions
from booksmith.typography import typeset


def book_of(*blocks, language: str = "en") -> Book:
    made = tuple(Paragraph(b, line=i + 1) if isinstance(b, str) else b for i, b in enumerate(blocks))
    return Book(Metadata(language=language), (Chapter(None, made),))


def texts(*paragraphs: str, language: str = "en", **options) -> tuple[list[str], tuple[str, ...]]:
    """The paragraphs as typeset, and the warnings."""
    result = typeset(book_of(*paragraphs, language=language), TypographyOptions(**options))
    return [b.text for b in result.book.chapters[0].blocks], result.warnings


def one(text: str, **options) -> str:
    return texts(text, **options)[0][0]


@pytest.mark.parametrize(
    ("straight", "curled"),
    [
        # opening and closing, nested
        ('"Hello," she said.', "“Hello,” she said."),
        ("\"She said 'no'.\"", "“She said ‘no’.”"),
        ("\"Tell him 'no',\" she said.", "“Tell him ‘no’,” she said."),
        ("\"'Dear Sir,' the letter began\"", "“‘Dear Sir,’ the letter began”"),
        ("\"The word was 'ain't.'\"", "“The word was ‘ain’t.’”"),
        # three levels: double inside single inside double
        (
            '"She wrote, \'He said, "Go," and went.\' " Then nothing.',
            "“She wrote, ‘He said, “Go,” and went.’ ” Then nothing.",
        ),
        # after an em dash, an ellipsis, a bracket
        ('He said--"Go away."', "He said—“Go away.”"),
        ('"I was going to--" she began.', "“I was going to—” she began."),
        ('"Well..." she said. "Maybe."', "“Well…” she said. “Maybe.”"),
        ('He paused... "Then what?"', "He paused… “Then what?”"),
        ('"...and then?"', "“…and then?”"),
        ("(\"Quoted\") and ['bracketed']", "(“Quoted”) and [‘bracketed’]"),
        ("'I said--' 'You said nothing.'", "‘I said—’ ‘You said nothing.’"),
        # a quote standing alone between spaces follows the pairing
        (
            '"That\'s all," she said, "and it\'s done. " Then silence.',
            "“That’s all,” she said, “and it’s done. ” Then silence.",
        ),
        # British style typed with single quotes outermost
        (
            "'I'm going to the shops,' she said. 'Want anything?'",
            "‘I’m going to the shops,’ she said. ‘Want anything?’",
        ),
        ("'He said \"no\" to me,' she said.", "‘He said “no” to me,’ she said."),
        # emphasis markup between the quote and its word
        ('"\ue000Now\ue001," he said.', "“\ue000Now\ue001,” he said."),
    ],
)
def test_quotes_open_close_and_nest(straight: str, curled: str) -> None:
    assert one(straight) == curled


@pytest.mark.parametrize(
    ("straight", "curled"),
    [
        # contractions and possessives
        ("I don't think I'll go; it's Tom's.", "I don’t think I’ll go; it’s Tom’s."),
        ("The dogs' bowls were empty.", "The dogs’ bowls were empty."),
        ("'The dogs' bowls,' she said.", "‘The dogs’ bowls,’ she said."),
        ("We went to the Joneses' after.", "We went to the Joneses’ after."),
        ("O'Brien's rock'n'roll", "O’Brien’s rock’n’roll"),
        # leading elisions
        ("'Tis the season, and 'twas ever so.", "’Tis the season, and ’twas ever so."),
        ("Give 'em hell, 'cause I said so.", "Give ’em hell, ’cause I said so."),
        ("Wait 'til Monday, then go 'round the back.", "Wait ’til Monday, then go ’round the back."),
        ("He likes rock 'n' roll.", "He likes rock ’n’ roll."),
        ("'Rock 'n' roll,' she said.", "‘Rock ’n’ roll,’ she said."),
        # dialect
        ("I seen 'im with 'er, an' 'e was goin' 'ome.", "I seen ’im with ’er, an’ ’e was goin’ ’ome."),
        ("'Ard work, guv. Jus' ask ol' Bill, me fren'.", "’Ard work, guv. Jus’ ask ol’ Bill, me fren’."),
        ("\"'Ee 'ad it comin', I reckon.\"", "“’Ee ’ad it comin’, I reckon.”"),
        ('"I was goin\' home," he said.', "“I was goin’ home,” he said."),
        ("'I was just sayin',' he said.", "‘I was just sayin’,’ he said."),
        ("'Ere, you leave 'im alone!' she said.", "‘Ere, you leave ’im alone!’ she said."),
        ("''Ere, you leave 'im alone!' she said.", "‘’Ere, you leave ’im alone!’ she said."),
        ("'I 'ailed 'er till I was 'oarse,' he said.", "‘I ’ailed ’er till I was ’oarse,’ he said."),
        # an elided word opens the quotation when a closing quote needs a partner
        ("'Em and me went out,' he said.", "‘Em and me went out,’ he said."),
        ("'Round the back,' she said, 'and mind 'em.'", "‘Round the back,’ she said, ‘and mind ’em.’"),
        # scare quotes and titles in single quotes, mid-sentence
        ("The so-called 'experts' said nothing.", "The so-called ‘experts’ said nothing."),
        ("He called them 'friends' and laughed.", "He called them ‘friends’ and laughed."),
        ("She forgot the words of 'Glass Houses' again.", "She forgot the words of ‘Glass Houses’ again."),
        ("I'm 'fraid so, 'cross the river.", "I’m ’fraid so, ’cross the river."),
        # decades and years
        ("Back in '06 we had the '90s music and '84 too.", "Back in ’06 we had the ’90s music and ’84 too."),
        ("'The '90s were fine,' she said.", "‘The ’90s were fine,’ she said."),
        ("The winter of '84.", "The winter of ’84."),
        ("'1984 was a good year,' he said.", "‘1984 was a good year,’ he said."),
        ("He left in the 1980's.", "He left in the 1980’s."),
    ],
)
def test_apostrophes(straight: str, curled: str) -> None:
    assert one(straight) == curled


@pytest.mark.parametrize(
    ("straight", "curled"),
    [
        ("He was 5'10\" and she was 6'2\".", "He was 5′10″ and she was 6′2″."),
        ("A plank 12\" long, 6' wide.", "A plank 12″ long, 6′ wide."),
        ('"I was born in 1984," she said.', "“I was born in 1984,” she said."),
    ],
)
def test_primes_in_measurements(straight: str, curled: str) -> None:
    assert one(straight) == curled


def test_inch_marks_in_a_table_are_not_curled() -> None:
    table = Verse(("Board   Width   Length", 'Oak     12"     30"', 'Pine    8"      24"'), line=3)
    result = typeset(book_of(table))
    assert result.book.chapters[0].blocks[0].lines == (
        "Board   Width   Length",
        "Oak     12″     30″",
        "Pine    8″      24″",
    )
    assert result.warnings == ()


def test_urls_are_left_as_typed() -> None:
    text = "See \"https://example.com/it's--here...\" and 'www.example.org/a'b'."
    assert one(text) == "See “https://example.com/it's--here…” and ‘www.example.org/a'b’."


# ------------------------------------------------------------------ multi-paragraph speech


def test_a_speech_over_several_paragraphs_opens_each_and_closes_once() -> None:
    got, warnings = texts(
        '"It was the winter after," he said. "Colley took my brother\'s boat.',
        "\"I says to 'im, 'Not tonight, sir.'",
        '"Well, he didn\'t like that."',
        "Nobody spoke.",
    )
    assert got == [
        "“It was the winter after,” he said. “Colley took my brother’s boat.",
        "“I says to ’im, ‘Not tonight, sir.’",
        "“Well, he didn’t like that.”",
        "Nobody spoke.",
    ]
    assert warnings == ()


def test_a_letter_quoted_over_several_paragraphs() -> None:
    got, warnings = texts(
        '"Dear Judith,', "\"I don't suppose you expected to hear from me.", '"Your brother,', '"Daniel."'
    )
    assert got == ["“Dear Judith,", "“I don’t suppose you expected to hear from me.", "“Your brother,", "“Daniel.”"]
    assert warnings == ()


def test_british_speech_runs_on_with_single_quotes() -> None:
    got, warnings = texts("''Twas Monday night,' he said. 'Blowin' a bit.", "'I 'ailed 'er. Nothin'.'")
    assert got == ["‘’Twas Monday night,’ he said. ‘Blowin’ a bit.", "‘I ’ailed ’er. Nothin’.’"]
    assert warnings == ()


def test_a_scene_break_ends_a_speech() -> None:
    warnings = typeset(book_of('"Never closed.', SceneBreak(line=2), '"Opened again."')).warnings
    assert len(warnings) == 1 and warnings[0].startswith("line 1:")


# ------------------------------------------------------------------ already curly text


@pytest.mark.parametrize(
    ("partial", "completed"),
    [
        ("“Don't say 'no,'” she said.", "“Don’t say ‘no,’” she said."),
        ('“Hello,” she said. "Goodbye."', "“Hello,” she said. “Goodbye.”"),
        ('‘Tis odd, "isn\'t it?"', "‘Tis odd, “isn’t it?”"),  # a wrong curl is kept, never flipped
        ("”Backwards” stays.", "”Backwards” stays."),
    ],
)
def test_curled_quotes_are_completed_never_flipped(partial: str, completed: str) -> None:
    assert one(partial) == completed
    assert one(completed) == completed


# ------------------------------------------------------------------ options and languages


def test_no_smart_quotes_leaves_quotes_straight_but_sets_dashes() -> None:
    assert one('"Don\'t--" she said...', smart_quotes=False) == '"Don\'t—" she said…'


@pytest.mark.parametrize(
    ("quotes", "curled"),
    [
        ("auto", "“She said ‘no’ and didn’t stay.”"),
        ("american", "“She said ‘no’ and didn’t stay.”"),
        ("british", "‘She said “no” and didn’t stay.’"),
    ],
)
def test_quote_style_option(quotes: str, curled: str) -> None:
    assert one("\"She said 'no' and didn't stay.\"", quotes=quotes) == curled


NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("language", "curled"),
    [
        ("en", "“Il dit ‘non’ et c’est tout!”"),
        ("fr", f"«{NNBSP}Il dit “non” et c’est tout{NNBSP}!{NNBSP}»"),
        ("de", "„Il dit ‚non‘ et c’est tout!“"),
        ("es", "«Il dit “non” et c’est tout!»"),
        ("it", "«Il dit “non” et c’est tout!»"),
        ("ru", "«Il dit „non“ et c’est tout!»"),
        ("pt", "“Il dit ‘non’ et c’est tout!”"),
        ("nl", "“Il dit ‘non’ et c’est tout!”"),
        ("pl", "„Il dit «non» et c’est tout!”"),
        ("sv", "”Il dit ’non’ et c’est tout!”"),
        ("cs", "„Il dit ‚non‘ et c’est tout!“"),
        ("da", "»Il dit ›non‹ et c’est tout!«"),
    ],
)
def test_languages_pick_their_marks(language: str, curled: str) -> None:
    got, warnings = texts("\"Il dit 'non' et c'est tout!\"", language=language)
    assert got == [curled]
    assert warnings == ()
    assert texts(curled, language=language)[0] == [curled]  # set twice, same text


def test_french_spaces_before_high_punctuation_and_inside_guillemets() -> None:
    got = texts('"Vraiment ? Oui : il est 10:30 ; pars!" Voir https://a.fr/b?c=d', language="fr")[0][0]
    assert (
        got == f"«{NNBSP}Vraiment{NNBSP}? Oui{NNBSP}: il est 10:30{NNBSP}; pars{NNBSP}!{NNBSP}» Voir https://a.fr/b?c=d"
    )


def test_german_text_already_in_inward_guillemets_keeps_them() -> None:
    got = texts("»Komm her«, sagte sie.", '"Warum?" fragte er. "Sag \'bitte\'."', language="de")[0]
    assert got == ["»Komm her«, sagte sie.", "»Warum?« fragte er. »Sag ›bitte‹.«"]


def test_swedish_apostrophes_stay_apostrophes_when_set_twice() -> None:
    once = texts("\"Han sa 'nej' och gick, don't.\"", language="sv")[0]
    assert once == ["”Han sa ’nej’ och gick, don’t.”"]
    assert texts(*once, language="sv")[0] == once


# ------------------------------------------------------------------ the dialogue checker


def test_a_correct_book_gives_no_warnings() -> None:
    _, warnings = texts(
        "\"'Dear Sir,' it began,\" she said.",
        "'Tis 'im, back from the '90s an' goin' 'ome.",
        '"First paragraph of a speech,',
        '"and the last."',
    )
    assert warnings == ()


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (('"Hello, she said.', "Nothing more."), ['line 1: " opens a quotation that is never closed: "Hello, she']),
        (("Fine.", 'She said hello." Then left.'), ['line 2: " closes a quotation that was never opened: … said']),
        (("Fine.", "Fine.", "'Who goes there? he asked."), ["line 3: ' opens a quotation that is never closed: 'Who"]),
        (('"One." "Two. "Three."',), ['line 1: " opens a quotation that is never closed: "One." "Two. "Three."']),
    ],
)
def test_unpaired_quotes_are_reported_with_their_line(paragraphs: tuple[str, ...], expected: list[str]) -> None:
    _, warnings = texts(*paragraphs)
    assert len(warnings) == len(expected)
    for warning, start in zip(warnings, expected, strict=True):
        assert warning.startswith(start), warning


def test_a_verse_block_reports_the_line_of_the_quote() -> None:
    verse = Verse(("Twinkle, twinkle,", '"little star', "how I wonder"), line=10)
    result = typeset(book_of(verse))
    assert result.warnings and result.warnings[0].startswith("line 11:")


def test_a_quotation_may_run_over_verse_lines() -> None:
    verse = Verse(('"Twinkle, twinkle,', 'little star."'), line=1)
    result = typeset(book_of(verse))
    assert result.book.chapters[0].blocks[0].lines == ("“Twinkle, twinkle,", "little star.”")
    assert result.warnings == ()


def test_every_unpaired_quote_is_reported() -> None:
    # The library reports them all; the command line shows the first ones and counts the rest.
    _, warnings = texts(*['She said hello." Then left.' for _ in range(40)])
    assert len(warnings) == 40


def test_an_unpaired_quote_in_a_title_says_so() -> None:
    book = Book(Metadata(language="en"), (Chapter('The "Lamp', (Paragraph("Fine.", line=3),)),))
    assert typeset(book).warnings == ('title: " opens a quotation that is never closed: The "Lamp',)


@pytest.mark.parametrize(
    ("language", "straight", "curled"),
    [
        ("nl", "\"'s Avonds is 't stil,\" zei ze.", "“’s Avonds is ’t stil,” zei ze."),
        ("it", "\"Un po' d'acqua, per l'amico.\"", "«Un po’ d’acqua, per l’amico.»"),
        ("fr", "\"Aujourd'hui, c'est l'été.\"", "«\u202fAujourd’hui, c’est l’été.\u202f»"),
        ("de", '"Wie geht\'s?", fragte sie.', "„Wie geht’s?“, fragte sie."),
    ],
)
def test_apostrophes_in_other_languages(language: str, straight: str, curled: str) -> None:
    assert texts(straight, language=language)[0] == [curled]


@pytest.mark.parametrize(
    ("quotes", "curled"),
    [
        ("auto", "‘She said “no” and didn’t stay.’"),  # as typed: single quotes outermost
        ("american", "“She said ‘no’ and didn’t stay.”"),
        ("british", "‘She said “no” and didn’t stay.’"),
    ],
)
def test_quote_style_option_on_a_source_typed_british(quotes: str, curled: str) -> None:
    assert one("'She said \"no\" and didn't stay.'", quotes=quotes) == curled


def test_british_option_keeps_a_speech_running_over_paragraphs() -> None:
    got, warnings = texts('"It began,', "\"and 'then' it ended.\"", quotes="british")
    assert got == ["‘It began,", "‘and “then” it ended.’"]
    assert warnings == ()


@pytest.mark.parametrize(
    ("paragraphs", "curled"),
    [
        # an accent typed as a quote, inside a speech and outside one
        (("'Perche' non vieni?' chiese Luca.",), ["“Perche’ non vieni?” chiese Luca."]),
        (
            ("Era gia' sera, e' vero, e la citta' dormiva; piu' tardi arrivo' il treno.",),
            ["Era gia’ sera, e’ vero, e la citta’ dormiva; piu’ tardi arrivo’ il treno."],
        ),
        (
            ("'Vieni qui' disse la mamma, e lui ando' via perche' era tardi.",),
            ["“Vieni qui” disse la mamma, e lui ando’ via perche’ era tardi."],
        ),
        # a speech that runs on: the accent is not where it closes
        (
            ("'E non ci si puo' fare niente, e domani andro' via.", "'Va bene cosi'.'"),
            ["“E non ci si puo’ fare niente, e domani andro’ via.", "“Va bene cosi’.”"],
        ),
        # 'E and 'Un open quotations in Italian; in English 'e and 'un are dialect for he and one
        (("'E ora?' chiese. 'Un momento.'",), ["“E ora?” chiese. “Un momento.”"]),
        # and a vowel's quote still closes a quotation that has nowhere else to close
        (("'Vieni qua' e poi silenzio.",), ["“Vieni qua” e poi silenzio."]),
    ],
)
def test_italian_accents_typed_as_quotes_are_apostrophes(paragraphs: tuple[str, ...], curled: list[str]) -> None:
    got, warnings = texts(*paragraphs, language="it")
    assert got == curled
    assert warnings == ()


def test_only_an_italian_book_reads_a_vowel_and_a_quote_as_an_accent() -> None:
    paragraphs = ("'She sang it from do to la'", "'and then she stopped.'")
    assert texts(*paragraphs, language="en")[0][0] == "‘She sang it from do to la’"
    assert texts(*paragraphs, language="it")[0][0] == "“She sang it from do to la’"


# ------------------------------------------------------------------ speech around quoted verse


def blocks_and_warnings(*blocks) -> tuple[list, tuple[str, ...]]:
    result = typeset(book_of(*blocks))
    return [b.text if isinstance(b, Paragraph) else b.lines for b in result.book.chapters[0].blocks], result.warnings


def test_a_speech_runs_on_through_the_verse_it_quotes() -> None:
    got, warnings = blocks_and_warnings(
        'She read it again. "Very neat, Mr. Fenn. He writes--',
        Verse(("Come sail the harbour wide,",), line=2),
        "And the harbour is me, of course.",
        Verse(("And anchor at my side.",), line=4),
        'Well, that is plain enough."',
    )
    assert got[0].endswith("“Very neat, Mr. Fenn. He writes—")
    assert got[4] == "Well, that is plain enough.”"
    assert warnings == ()


def test_quoted_verse_opening_every_line_again() -> None:
    got, warnings = blocks_and_warnings(
        "From the old song, that",
        Verse(('"Many a lamp is lit unseen,', '"And burns its oil on the empty air."'), line=2),
    )
    assert got[1] == ("“Many a lamp is lit unseen,", "“And burns its oil on the empty air.”")
    assert warnings == ()


def test_a_quotation_left_open_before_prose_is_still_reported() -> None:
    _, warnings = blocks_and_warnings(
        '"Wait for me, she called.',
        Verse(("Over the hill,",), line=2),
        '"Coming," he said.',
    )
    assert len(warnings) == 1 and "never closed" in warnings[0] and "Wait for me" in warnings[0]

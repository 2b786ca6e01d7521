"""Structure in scripts without capitals: Arabic, Hebrew and Persian headings; Chinese, Japanese and Korean texts."""

from __future__ import annotations

import pytest

from booksmith.clean import clean
from booksmith.model import Verse
from booksmith.options import ReadOptions
from booksmith.structure import structure
from booksmith.structure.numbers import number_value

# Short paragraphs written for these tests, one per script.
ARABIC = "كان البحر هادئًا في ذلك الصباح، وكانت القوارب تعود واحدًا تلو الآخر إلى الميناء القديم."
PERSIAN = "صبح آن روز دریا آرام بود و قایق‌ها یکی پس از دیگری به بندر قدیمی برمی‌گشتند."
HEBREW = "הים היה שקט באותו בוקר, והסירות חזרו אחת אחרי השנייה אל הנמל הישן."


def book_of(text: str, **options):
    # Cleaned first, as the pipeline does: full-width spaces become spaces.
    return structure(clean(text), ReadOptions(**options)).book


@pytest.mark.parametrize(
    ("first", "second", "prose", "label", "title"),
    [
        ("الفصل الأول", "الفصل الثاني", ARABIC, "الفصل الأول", None),
        ("الفصل الاول", "الفصل الثانية", ARABIC, "الفصل الاول", None),
        ("الفصل 3", "الفصل 4", ARABIC, "الفصل 3", None),
        ("الفصل ٣", "الفصل ٤", ARABIC, "الفصل ٣", None),
        ("الفصل ٣: العودة", "الفصل ٤: البيت", ARABIC, "الفصل ٣", "العودة"),
        ("الفصل ٣ العودة", "الفصل ٤ البيت", ARABIC, "الفصل ٣", "العودة"),
        ("~ الفصل ٣ ~", "~ الفصل ٤ ~", ARABIC, "الفصل ٣", None),
        ("الجزء الأول", "الجزء الثاني", ARABIC, "الجزء الأول", None),
        ("فصل ۳", "فصل ۴", PERSIAN, "فصل ۳", None),
        ("فصل اول", "فصل دوم", PERSIAN, "فصل اول", None),
        ("פרק א", "פרק ב", HEBREW, "פרק א", None),
        ("פרק א׳", "פרק ב׳", HEBREW, "פרק א׳", None),
        ("פרק 2", "פרק 3", HEBREW, "פרק 2", None),
        ("פרק ראשון", "פרק שני", HEBREW, "פרק ראשון", None),
    ],
)
def test_arabic_hebrew_and_persian_headings(first, second, prose, label, title):
    chapters = book_of(f"{first}\n\n{prose}\n\n{second}\n\n{prose}").chapters
    assert len(chapters) == 2
    assert (chapters[0].title, chapters[0].subtitle) == (label, title)
    assert chapters[1].kind == ("part" if first.startswith("الجزء") else "chapter")


@pytest.mark.parametrize(
    ("heading", "number"),
    [
        ("الفصل الأول", 1),
        ("الفصل العاشر", 10),
        ("الفصل الحادي عشر", 11),
        ("الفصل ١٢", 12),
        ("فصل ۳", 3),
        ("فصل چهارم", 4),
        ("פרק ה", 5),
        ("פרק יב", 12),
        ("פרק כ״א", 21),
        ("פרק ראשון", 1),
    ],
)
def test_numbers_of_arabic_hebrew_and_persian_headings(heading, number):
    assert number_value(heading) == number


def test_a_sentence_that_starts_with_an_arabic_chapter_word_is_prose():
    # "The second chapter of the book was long and I did not finish it."
    line = "الفصل الثاني من الكتاب كان طويلا."
    assert [c.title for c in book_of(f"{ARABIC}\n\n{line}\n\n{ARABIC}").chapters] == [None]


def test_arabic_numbering_gap_warns():
    text = f"الفصل ١\n\n{ARABIC}\n\nالفصل ٢\n\n{ARABIC}\n\nالفصل ٥\n\n{ARABIC}"
    warnings = structure(clean(text)).warnings
    assert any("from 2 to 5" in w for w in warnings)


def test_arabic_heading_inside_a_block_of_lines_after_a_question():
    text = f"الفصل ١\n\n{ARABIC}\nهل عاد؟\nالفصل ٢\n{ARABIC}\n"
    assert [c.title for c in book_of(text).chapters] == ["الفصل ١", "الفصل ٢"]


JAPANESE = "朝の港は静かで、船が一隻ずつ戻ってきた。彼女は防波堤に立って、光が消えていくのを見ていた。"
CHINESE = "清晨的港口很安静，船一只接一只地回来了。她站在防波堤上，看着天光慢慢暗下去。"
KOREAN = "아침 항구는 조용했고 배들이 하나씩 돌아왔다. 그녀는 방파제에 서서 빛이 사라지는 것을 보았다."


@pytest.mark.parametrize(
    ("first", "second", "prose"),
    [
        ("第一章", "第二章", JAPANESE),
        ("第1章", "第2章", JAPANESE),
        ("第１話", "第２話", JAPANESE),
        ("第三回", "第四回", CHINESE),
        ("제1장", "제2장", KOREAN),
    ],
)
def test_a_cjk_heading_does_not_swallow_the_paragraph_under_it(first, second, prose):
    chapters = book_of(f"{first}\n\n{prose}\n\n{prose}\n\n{second}\n\n{prose}\n\n{prose}").chapters
    assert [(c.title, c.subtitle, len(c.blocks)) for c in chapters] == [(first, None, 2), (second, None, 2)]


@pytest.mark.parametrize("first", ["第一章　旅立ち", "第一章 旅立ち", "第一章：旅立ち", "第一章\n\n旅立ち"])
def test_a_cjk_headings_title_on_its_line_or_a_short_line_under_it(first):
    text = f"{first}\n\n{JAPANESE}\n\n{JAPANESE}\n\n第二章\n\n{JAPANESE}"
    chapters = book_of(text).chapters
    assert (chapters[0].title, chapters[0].subtitle, len(chapters[0].blocks)) == ("第一章", "旅立ち", 2)


@pytest.mark.parametrize("indent", ["\u3000\u3000", "  "])
def test_cjk_headings_in_a_text_indented_with_full_width_spaces(indent):
    text = "".join(f"第{n}章\n{indent}{CHINESE}\n{indent}{CHINESE}\n" for n in "一二三")
    chapters = book_of(text).chapters
    assert [(c.title, len(c.blocks)) for c in chapters] == [("第一章", 2), ("第二章", 2), ("第三章", 2)]


def test_a_flush_heading_between_indented_paragraphs_starts_a_chapter():
    prose = "She walked down to the harbour and watched the boats come in, one by one, until the light went."
    text = "".join(f"Chapter {n}\n  {prose}\n  {prose}\n" for n in (1, 2, 3))
    assert [(c.title, len(c.blocks)) for c in book_of(text).chapters] == [
        ("Chapter 1", 2),
        ("Chapter 2", 2),
        ("Chapter 3", 2),
    ]


@pytest.mark.parametrize(
    ("top", "prose", "first", "title", "authors"),
    [
        ("港口的灯\n作者：林小雨", CHINESE, "第一章", "港口的灯", ("林小雨",)),
        ("港口的灯\n\n作者：林小雨", CHINESE, "第一章", "港口的灯", ("林小雨",)),
        ("港口的灯\n作者：林小雨、王海", CHINESE, "第一章", "港口的灯", ("林小雨", "王海")),
        ("港の灯り\n著者：山田花子", JAPANESE, "第一章", "港の灯り", ("山田花子",)),
        ("港の灯り\n\n山田花子\u3000著", JAPANESE, "第一章", "港の灯り", ("山田花子",)),
        ("항구의 불빛\n지은이: 김하늘", KOREAN, "제1장", "항구의 불빛", ("김하늘",)),
        ("港口的灯", CHINESE, "第一章", "港口的灯", ()),
    ],
)
def test_cjk_title_and_author_lines_are_the_title_page(top, prose, first, title, authors):
    second = first.replace("一", "二").replace("1", "2")
    book = book_of(f"{top}\n\n{first}\n\n{prose}\n\n{second}\n\n{prose}")
    assert (book.metadata.title, book.metadata.authors) == (title, authors)
    assert [c.title for c in book.chapters] == [first, second]


def test_a_translator_is_not_the_author_and_stays_in_the_text():
    book = book_of(f"港口的灯\n作者：林小雨\n译者：王海\n\n第一章\n\n{CHINESE}")
    assert (book.metadata.title, book.metadata.authors) == ("港口的灯", ("林小雨",))
    assert [b.text for b in book.chapters[0].blocks] == ["译者：王海"]
    book = book_of(f"港口的灯\n译者：王海\n\n第一章\n\n{CHINESE}")
    assert book.metadata.authors == ()


def test_a_cjk_sentence_at_the_top_is_not_a_title():
    book = book_of(f"{CHINESE}\n\n第一章\n\n{CHINESE}")
    assert book.metadata.title == "Untitled"
    assert [c.title for c in book.chapters] == [None, "第一章"]


# Poems written for these tests, in the classical shape: a title, an author, lines of five characters.
POEMS = [
    ["山城晚望", "林小雨", "远山含落日，", "孤鸟入寒云。", "江上渔舟晚，", "灯前独坐闻。"],
    [
        *["秋江", "王海", "秋水连天碧，", "寒江映月明。", "孤舟何处去，", "一笛落江城。"],
        *["岸柳垂丝短，", "沙鸥逐浪轻。", "归来灯火暗，", "犹听夜潮声。"],
    ],
    ["春夜", "林小雨", "小院春风起，", "梨花满地白。", "夜深人未睡，", "明月照窗台。"],
]


@pytest.mark.parametrize("indent", ["\u3000\u3000", "  ", ""])
@pytest.mark.parametrize("between", ["\n", "\n\n"])
def test_chinese_poems_typed_without_blank_lines_keep_their_lines(indent, between):
    text = between.join("\n".join(indent + line for line in poem) for poem in POEMS) + "\n"
    chapters = book_of(text).chapters
    assert [c.title for c in chapters] == ["山城晚望", "秋江", "春夜"]
    for chapter, poem in zip(chapters, POEMS, strict=True):
        author, verse = chapter.blocks
        assert author.text == poem[1]
        assert isinstance(verse, Verse)
        assert list(verse.lines) == poem[2:]


def test_short_chinese_paragraphs_are_not_verse():
    lines = ["他笑了。", "我走了。", "门开着。", "天黑了。"]
    text = "".join(f"\u3000\u3000{line}\n" for line in lines) + f"\u3000\u3000{CHINESE}\n"
    blocks = book_of(text).chapters[0].blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph"] * 5


def test_a_poem_inside_chinese_prose():
    poem = POEMS[0][2:]
    text = f"\u3000\u3000{CHINESE}\n" + "".join(f"\u3000\u3000{line}\n" for line in poem) + f"\u3000\u3000{CHINESE}\n"
    blocks = book_of(text).chapters[0].blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Verse", "Paragraph"]
    assert list(blocks[1].lines) == poem


HARBOUR_ZH = (
    "海边的小镇每天早上都会被渔船的汽笛声叫醒。老人们坐在码头上，看着年轻人把网撒进灰色的海里。"
    "风从北方吹来，带着盐和雨的味道，孩子们在石头路上追着一只迷路的白狗跑。"
)


def wrapped(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


QUAY_ZH = (
    "渡船中午准时离开，像往常一样。码头上没有人抬头，大家都低着头补网，"
    "只有那只白狗一直望着远去的船，直到它变成海上的一个小点。"
)


def test_hard_wrapped_chinese_is_joined_into_paragraphs_without_spaces():
    # Wrapped at 34 characters, 68 columns in a monospaced editor, beside a paragraph of English.
    english = "The ferry left at noon, as it always did, and nobody on the quay\nlooked up from the nets."
    text = f"{wrapped(HARBOUR_ZH, 34)}\n\n{wrapped(QUAY_ZH, 34)}\n\n{english}\n"
    blocks = book_of(text).chapters[0].blocks
    assert [getattr(b, "text", None) for b in blocks] == [HARBOUR_ZH, QUAY_ZH, english.replace("\n", " ")]


def test_wrapped_korean_keeps_the_space_between_its_words():
    from booksmith.structure import join_lines

    assert join_lines(["바다는 조용했고 배들은", "항구로 돌아왔다."]) == "바다는 조용했고 배들은 항구로 돌아왔다."
    assert join_lines(["老人们坐在码头上，", "看着年轻人。"]) == "老人们坐在码头上，看着年轻人。"


# Layouts of Russian and Japanese e-texts, written for these tests.
RUSSIAN = "Утром море было спокойно, и лодки одна за другой возвращались в старую гавань."
JAPANESE = "　その朝、海は静かで、舟は一艘また一艘と古い港へ帰ってきた。"


@pytest.mark.parametrize(
    "top",
    [
        "Иван Ветров\n\nТихая гавань\n\n\n",  # name, then title, each set apart
        "Иван Ветров\nТИХАЯ ГАВАНЬ\n\n",  # name over the title in capitals, one block
        "Иван Ветров. Тихая гавань\n\n\n",  # both on one line
    ],
)
def test_russian_author_over_title_at_the_top(top):
    book = book_of(f"{top}ГЛАВА I\n\n{RUSSIAN}\n\n{RUSSIAN}\n\nГЛАВА II\n\n{RUSSIAN}")
    assert (book.metadata.title.casefold(), book.metadata.authors) == ("тихая гавань", ("Иван Ветров",))
    assert [c.title for c in book.chapters] == ["Глава I", "Глава II"]


def test_aozora_header_kanji_numbered_chapters_and_ordered_parts():
    guide = "-" * 40 + "\n【テキスト中に現れる記号について】\n\n《》：ルビ\n（例）港《みなと》\n" + "-" * 40
    chapter = f"\n\n{JAPANESE}\n{JAPANESE}\n\n"
    body = "\n".join(
        f"{part}\n\n\n" + "".join(number + chapter for number in numbers)
        for part, numbers in (("上　港の朝", "一二三"), ("下　港の夜", "一二"))
    )
    structured = structure(clean(f"港の朝\n山田花子\n\n{guide}\n\n{body}"))
    book = structured.book
    assert (book.metadata.title, book.metadata.authors) == ("港の朝", ("山田花子",))
    assert [(c.kind, c.title) for c in book.chapters] == [
        ("part", "上"),
        ("chapter", "一"),
        ("chapter", "二"),
        ("chapter", "三"),
        ("part", "下"),
        ("chapter", "一"),
        ("chapter", "二"),
    ]
    assert not any(c.blocks and "ルビ" in str(c.blocks) for c in book.chapters)
    assert any("notation" in r.reason for r in structured.removed)


def test_japanese_letter_set_apart_in_a_text_without_blank_lines_is_not_a_break():
    letter = "拝啓　港の皆様へ、今年もよろしくお願い申し上げます。"
    speech = "「帰ってきたよ」と彼は言った。"
    text = "\n".join([JAPANESE, speech, JAPANESE, JAPANESE]) + f"\n\n{letter}\n\n" + "\n".join([JAPANESE, JAPANESE])
    book = book_of(text)
    assert sum(type(b).__name__ == "SceneBreak" for c in book.chapters for b in c.blocks) == 0


def test_chinese_numeral_and_title_headings_without_di_zhang():
    prose = "那天早上海面很平静，船一艘接一艘地回到了旧港。"
    titles = {"一": "晨港", "二": "夜雨", "三": "归舟", "四": "灯塔"}
    chapters = "\n\n".join(f"{n} {t}\n\n{prose}\n\n{prose}\n\n{prose}" for n, t in titles.items())
    numbered_list = "\n\n一、早起\n\n二、出海\n\n三、归来\n\n"
    book = book_of(f"作品集序\n\n{prose}\n\n{chapters}{numbered_list}{prose}")
    assert [c.title for c in book.chapters] == ["作品集序", "一", "二", "三", "四"]
    assert book.chapters[1].subtitle == "晨港"


def test_chinese_stories_headed_by_titles_with_numbered_sections():
    prose = "那天早上海面很平静，船一艘接一艘地回到了旧港，岸上的人们一边等待一边说着昨夜的风浪。"
    story = f"{prose}\n\n{prose}\n\n{prose}"
    sections = "\n\n".join(f"{n}\n\n{story}" for n in "一二三")
    gap = "\n\n\n\n"
    text = f"沙滩上的饭店{gap}{story}{gap}港口的婚礼{gap}{sections}{gap}夜里的灯塔{gap}{story}"
    book = book_of(text)
    assert [c.title for c in book.chapters if c.kind == "chapter"] == ["沙滩上的饭店", "港口的婚礼", "夜里的灯塔"]


def test_a_note_mark_on_a_heading_is_accounted_for():
    text = f"ГЛАВА I\n\nГАВАНЬ[1]\n\n{RUSSIAN}\n\nГЛАВА II\n\n{RUSSIAN}\n\n[1] Старое название."
    structured = structure(clean(text))
    assert structured.book.chapters[0].subtitle == "Гавань"
    assert [(r.text, r.reason) for r in structured.removed] == [("[1]", "a note's mark on a heading")]


def test_cjk_front_and_back_matter_with_the_books_title_and_ornaments():
    prose = "那天早上海面很平静，船一艘接一艘地回到了旧港，岸上的人们一边等待一边说着昨夜的风浪。"
    chapters = "\n\n".join(f"第{n}回 港口\n\n{prose}\n\n{prose}" for n in "一二三")
    text = f"◆《旧港》楔 子◆\n\n{prose}\n\n{chapters}\n\n◆《旧港》尾 声◆\n\n{prose}\n\n后記\n\n{prose}"
    kinds = [(c.kind, c.title) for c in book_of(text).chapters]
    assert kinds[0][0] == "front" and kinds[-2][0] == "back" and kinds[-1] == ("back", "后記")
    assert len(kinds) == 6


def test_cjk_header_fields_separated_by_blank_lines():
    prose = "那天早上海面很平静，船一艘接一艘地回到了旧港，岸上的人们一边等待一边说着昨夜的风浪。"
    book = book_of(f"书名：旧港\n\n作者：林小雨\n\n第一章 晨港\n\n{prose}\n\n第二章 夜雨\n\n{prose}")
    assert (book.metadata.title, book.metadata.authors) == ("旧港", ("林小雨",))

"""Decoding: BOMs, UTF-16 without BOM, code-page detection by plausibility, mojibake, binary refusal."""

from __future__ import annotations

import codecs

import pytest

from booksmith.decode import decode
from booksmith.errors import EncodingError, InputError

ENGLISH = "“Don’t go,” she said. The café was closed — again. A naïve résumé, déjà vu.\n"
FRENCH = "« Où êtes-vous ? » demanda-t-elle. Le garçon était très fâché, œuvre complète, déjà vu.\n"
GERMAN = "Der Bär schläft. Über die Brücke gehen wir schön früh, sagte Jürgen. Größe und Maß.\n"
RUSSIAN = "Глава первая. Он сказал, что она не придёт. Всё было тихо в доме, и никто не спал.\n"
CHINESE = "第一章 他说：“我们明天再见吧。”她点了点头，没有说话。天已经黑了，城市里灯火通明。\n"
TRADITIONAL = "第一章 他說：「我們明天再見吧。」她點了點頭，沒有說話。天已經黑了，城市裡燈火通明。\n"
JAPANESE = "第一章 彼は「また明日会いましょう」と言った。彼女は黙ってうなずいた。もう暗くなっていた。\n"
KOREAN = '제1장 그는 "내일 다시 만나자"라고 말했다. 그녀는 아무 말 없이 고개를 끄덕였다. 이미 어두워졌다.\n'
POLISH = "Zażółć gęślą jaźń, powiedział. Święta pora już minęła.\n"
CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy.\n"
EURO = "The café was naïve, déjà vu. Señor Müller paid 5 € for it.\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (ENGLISH, "cp1252"),
        (EURO, "iso-8859-15"),
        (FRENCH, "iso-8859-15"),
        (FRENCH, "mac_roman"),
        (GERMAN, "mac_roman"),
        (GERMAN, "iso-8859-1"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (CHINESE, "gb18030"),
        (CHINESE, "gbk"),
        (TRADITIONAL, "big5"),
        (JAPANESE, "shift_jis"),
        (KOREAN, "euc-kr"),
        (POLISH, "cp1250"),
        (CZECH, "iso-8859-2"),
        (ENGLISH, "utf-8"),
        (ENGLISH, "utf-16-le"),
        (ENGLISH, "utf-16-be"),
    ],
)
@pytest.mark.parametrize("repeat", [1, 20])
def test_detects_the_encoding_of_short_and_longer_texts(text, encoding, repeat):
    assert decode((text * repeat).encode(encoding)).text == text * repeat


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_a_bom_decides_and_is_dropped(bom, codec):
    decoded = decode(bom + ENGLISH.encode(codec))
    assert decoded.text == ENGLISH
    assert decoded.confidence == 1.0


def test_short_cp1252_text_is_not_taken_for_maclatin2():
    # chardet proposes MacLatin2 for this one; the cp1252 reading is the plausible one.
    decoded = decode("“Don’t,” she said. The café was closed.".encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.text == "“Don’t,” she said. The café was closed."


def test_one_cp1252_quote_at_the_end_of_a_long_ascii_text():
    text = "The quick brown fox jumps over the lazy dog. " * 10_000 + "“The end.”"
    decoded = decode(text.encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.text.endswith("“The end.”")


def test_latin1_without_cp1252_bytes_is_reported_as_latin1():
    assert decode(GERMAN.encode("latin-1")).encoding == "iso8859-1"


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("She didnâ€™t know. The cafÃ© was closed â€” again.", "She didn’t know. The café was closed — again."),
        ("â€œTomorrow,â€\x9d said the waiter.", "“Tomorrow,” said the waiter."),
        ("Ã‰cole and Ã€ la carte", "École and À la carte"),
        ("Real “quotes” and a donâ€™t", "Real “quotes” and a don’t"),
    ],
)
def test_mojibake_is_repaired_and_reported(broken, repaired):
    decoded = decode(broken.encode("utf-8"))
    assert decoded.text == repaired
    assert decoded.repaired_mojibake


@pytest.mark.parametrize("text", ["Ça va? Oui. OLÉ”", "A plain text.", "Ölkanne, Überfahrt."])
def test_clean_utf8_is_left_alone(text):
    decoded = decode(text.encode("utf-8"))
    assert decoded.text == text
    assert not decoded.repaired_mojibake


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG"),
        (b"%PDF-1.7\n" + bytes(range(256)), "PDF"),
        (b"PK\x03\x04" + bytes(100), "ZIP"),
        (b"\x1f\x8b\x08" + bytes(100), "gzip"),
        (b"\x7fELF" + bytes(100), "executable"),
    ],
)
def test_binary_signatures_are_refused_by_name(data, kind):
    with pytest.raises(InputError, match=kind):
        decode(data, name="x.txt")


def test_binary_without_a_signature_is_refused():
    with pytest.raises(InputError, match="binary"):
        decode(bytes(range(256)) * 40, name="x.txt")


def test_utf16_without_bom_is_text_not_binary():
    assert decode(ENGLISH.encode("utf-16-le") * 3).text == ENGLISH * 3


def test_forced_encoding_wins_and_a_wrong_one_is_a_clear_error():
    assert decode("café".encode("cp1252"), encoding="cp1252").text == "café"
    assert decode("café".encode(), encoding="latin-1").text == "cafÃ©"
    with pytest.raises(EncodingError, match="not valid utf-8"):
        decode("café".encode("cp1252"), encoding="utf-8", name="x.txt")
    with pytest.raises(EncodingError, match="unknown encoding"):
        decode(b"text", encoding="no-such-codec", name="x.txt")


def test_empty_input_is_refused():
    with pytest.raises(InputError, match="empty"):
        decode(b"  \n\n ", name="x.txt")


def test_a_file_without_letters_is_text():
    # Issue 9: a table of numbers or a page of punctuation converts; only binary data is refused.
    assert decode(b"1234 5678\n---- ----\n9012 3456\n", name="numbers.txt").text.startswith("1234")


def test_refusal_through_the_cli_is_one_line(tmp_path, run_cli):
    image = tmp_path / "cover.txt"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    result = run_cli("build", image)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "PNG image" in result.stderr
    assert not list(tmp_path.glob("cover.*pub")) and not list(tmp_path.glob("cover.pdf"))


@pytest.mark.parametrize(("text", "codec"), [(JAPANESE, "iso2022_jp_2"), (KOREAN, "iso2022_kr")])
def test_seven_bit_iso_2022_texts_are_read_not_refused(text, codec):
    # All ASCII bytes, escape sequences included: neither UTF-8 nor binary.
    data = ("Lesson one.\n\n" + text * 30).encode(codec)
    assert data.isascii()
    decoded = decode(data)
    assert decoded.text == "Lesson one.\n\n" + text * 30
    assert decoded.encoding == codec


def test_terminal_colour_codes_do_not_make_a_text_binary():
    entry = "\x1b[32m《旧城》\x1b[m\n\x1b[33m作者：无名\x1b[m\n城墙上的风吹了一夜，灯还亮着。\n%\n"
    decoded = decode((entry * 40).encode("utf-8"))
    assert decoded.encoding == "utf-8"

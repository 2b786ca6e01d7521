"""Tests for Send to Kindle by e-mail, against a local aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import socket
from pathlib import Path

import pytest

from booksmith.errors import MailError
from booksmith.mail import SmtpSettings, send_to_kindle, settings_from

STORY = """The Salt Road

Chapter One

Every spring the carts went down the salt road to the sea, and every autumn they came back white.

Chapter Two

The year the carts did not come back, the village learned to bake its bread without salt.
"""


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses recipients with a given reply."""

    def __init__(self, refuse: str | None = None) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """Start a local SMTP server; yields a function (handler, **kwargs) -> port."""
    from aiosmtpd.controller import Controller

    started = []

    def start(handler, **kwargs) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def mail_env(tmp_path, monkeypatch):
    """Environment pointing booksmith at a local server, with an empty user config folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("USER", "PASSWORD", "PORT", "TLS", "FROM", "HOST"):
        monkeypatch.delenv(f"BOOKSMITH_SMTP_{name}", raising=False)
    monkeypatch.setitem(__import__("sys").modules, "keyring", None)  # as if keyring were not installed

    def point_at(port: int) -> None:
        monkeypatch.setenv("BOOKSMITH_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BOOKSMITH_SMTP_PORT", str(port))
        monkeypatch.setenv("BOOKSMITH_SMTP_TLS", "none")
        monkeypatch.setenv("BOOKSMITH_SMTP_FROM", "writer@example.org")

    return point_at


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "salt-road.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def attachments(raw: bytes) -> list[email.message.EmailMessage]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return list(message.iter_attachments())


def test_a_txt_is_built_and_its_epub_delivered(tmp_path, story, smtp, mail_env, run_cli):
    inbox = Inbox()
    mail_env(smtp(inbox))
    result = run_cli("send", story, "--to", "kindle:reader_42@kindle.com")
    assert result.exit_code == 0, result.stderr
    assert "e-mailed to reader_42@kindle.com" in result.stdout
    [(sender, recipients, raw)] = inbox.messages
    assert sender == "writer@example.org" and recipients == ["reader_42@kindle.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_body(("plain",)).get_content().strip()
    [attachment] = attachments(raw)
    assert attachment.get_content_type() == "application/epub+zip"
    assert attachment.get_filename() == "salt-road.epub"
    from booksmith.pipeline import convert

    expected = convert(story, tmp_path / "expected", __import__("booksmith").BuildOptions(formats=("epub",)))[0]
    assert attachment.get_content() == expected.read_bytes()


def test_a_built_epub_is_sent_byte_for_byte(tmp_path, smtp, mail_env, run_cli):
    book = tmp_path / "ready.epub"
    book.write_bytes(b"PK\x03\x04 an epub's bytes \x00\xff")
    inbox = Inbox()
    mail_env(smtp(inbox))
    assert run_cli("send", book, "--to", "kindle:someone@free.kindle.com").exit_code == 0
    [attachment] = attachments(inbox.messages[0][2])
    assert attachment.get_content() == book.read_bytes()


def test_a_refusal_explains_the_approved_sender_rule(story, smtp, mail_env, run_cli):
    mail_env(smtp(Inbox(refuse="550 5.7.1 Sender not allowed")))
    result = run_cli("send", story, "--to", "kindle:reader@kindle.com")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "550" in result.stderr and "Approved Personal Document E-mail List" in result.stderr
    assert "writer@example.org" in result.stderr


def test_login_uses_the_password_from_the_environment_and_never_prints_it(story, smtp, mail_env, run_cli, monkeypatch):
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-pw", handled=False)

    inbox = Inbox()
    mail_env(smtp(inbox, authenticator=authenticator, auth_require_tls=False, auth_exclude_mechanism=["LOGIN"]))
    monkeypatch.setenv("BOOKSMITH_SMTP_USER", "writer")
    monkeypatch.setenv("BOOKSMITH_SMTP_PASSWORD", "s3cret-pw")
    result = run_cli("send", story, "--to", "kindle:reader@kindle.com")
    assert result.exit_code == 0, result.stderr
    assert logins == [(b"writer", b"s3cret-pw")] and len(inbox.messages) == 1
    assert "s3cret-pw" not in result.stdout + result.stderr

    monkeypatch.setenv("BOOKSMITH_SMTP_PASSWORD", "wrong-pw")
    result = run_cli("send", story, "--to", "kindle:reader@kindle.com")
    assert result.exit_code == 1 and "refused the login" in result.stderr
    assert "wrong-pw" not in result.stdout + result.stderr


def test_settings_come_from_config_toml(tmp_path, story, smtp, mail_env, run_cli):
    inbox = Inbox()
    port = smtp(inbox)
    config = tmp_path / "config" / "booksmith" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\nfrom = "me@example.net"\n')
    result = run_cli("send", story, "--to", "kindle:reader@kindle.com")
    assert result.exit_code == 0, result.stderr
    assert inbox.messages[0][0] == "me@example.net"


def test_no_server_configured_says_where_to_configure_one(story, mail_env, run_cli):
    result = run_cli("send", story, "--to", "kindle:reader@kindle.com")
    assert result.exit_code == 1 and "no SMTP server configured" in result.stderr and "config.toml" in result.stderr


def test_an_unreachable_server_is_one_line(story, mail_env, run_cli):
    mail_env(free_port())
    result = run_cli("send", story, "--to", "kindle:reader@kindle.com")
    assert result.exit_code == 1 and "cannot send through 127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_environment_wins_over_the_file_and_bad_values_are_named(tmp_path):
    table = {"host": "smtp.example.org", "tls": "ssl", "user": "me@example.org"}
    settings = settings_from(table, {"BOOKSMITH_SMTP_HOST": "mail.example.com"}, source=tmp_path / "c.toml")
    assert (settings.host, settings.port, settings.sender) == ("mail.example.com", 465, "me@example.org")
    assert "password" not in repr(SmtpSettings(host="h", port=1, sender="a@b", password="hidden"))
    with pytest.raises(MailError, match="tls must be one of"):
        settings_from({"host": "h", "tls": "maybe"}, {}, source=tmp_path / "c.toml")
    with pytest.raises(MailError, match="never read from files"):
        settings_from({"host": "h", "password": "x"}, {}, source=tmp_path / "c.toml")
    with pytest.raises(MailError, match="unknown key 'pasword'"):
        settings_from({"host": "h", "pasword": "x"}, {}, source=tmp_path / "c.toml")


def test_wrong_address_wrong_format_and_too_big_are_refused(tmp_path, monkeypatch):
    settings = SmtpSettings(host="127.0.0.1", port=1, tls="none", sender="a@example.org")
    book = tmp_path / "b.epub"
    book.write_bytes(b"x" * 100)
    with pytest.raises(MailError, match="not a Kindle address"):
        send_to_kindle(book, "reader@example.com", settings)
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(MailError, match="not an EPUB"):
        send_to_kindle(pdf, "reader@kindle.com", settings)
    monkeypatch.setattr("booksmith.mail.MAX_BYTES", 50)
    with pytest.raises(MailError, match="under 50 MB"):
        send_to_kindle(book, "reader@kindle.com", settings)

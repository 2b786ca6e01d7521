"""E-mail an EPUB to a Kindle address through the user's SMTP server (Amazon's Send to Kindle)."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from booksmith.errors import MailError, located

# Amazon's limit for one Send to Kindle e-mail.
MAX_BYTES = 50_000_000
TLS_MODES = ("starttls", "ssl", "none")
KINDLE_ADDRESS = re.compile(r"^[^@\s]+@(free\.)?kindle\.(com|cn)$", re.IGNORECASE)
# Settings keys of config.toml's [smtp] table and the environment variables that override them.
SETTINGS_ENV = {
    "host": "BOOKSMITH_SMTP_HOST",
    "port": "BOOKSMITH_SMTP_PORT",
    "tls": "BOOKSMITH_SMTP_TLS",
    "user": "BOOKSMITH_SMTP_USER",
    "from": "BOOKSMITH_SMTP_FROM",
}
APPROVED_SENDER = (
    "Amazon delivers only mail from addresses on your Approved Personal Document E-mail List: add {sender} "
    "at amazon.com > Manage Your Content and Devices > Preferences > Personal Document Settings, then send again"
)


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    """How to reach the outgoing mail server."""

    host: str
    # 587 for starttls, 465 for ssl, 25 for none unless given.
    port: int
    # One of TLS_MODES: upgrade a plain connection, connect with TLS, or neither (local servers only).
    tls: str = "starttls"
    # Login name; None sends without logging in.
    user: str | None = None
    # The From address: the one Amazon must know as an approved sender.
    sender: str
    # Never shown in repr or messages.
    password: str | None = field(default=None, repr=False)


def settings_from(table: Mapping[str, Any], environ: Mapping[str, str], *, source: Path) -> SmtpSettings:
    """SmtpSettings from config.toml's [smtp] table, each key overridden by its environment variable."""
    values = {key: environ.get(variable) or table.get(key) for key, variable in SETTINGS_ENV.items()}
    if "password" in table:
        raise MailError(
            located(
                source,
                "holds a password; remove it and set BOOKSMITH_SMTP_PASSWORD or "
                "store it with `keyring set booksmith-smtp USER` (passwords are never read from files)",
            )
        )
    unknown = set(table) - set(SETTINGS_ENV)
    if unknown:
        known = ", ".join(SETTINGS_ENV)
        raise MailError(located(source, f"[smtp] has unknown key '{sorted(unknown)[0]}'; known keys: {known}"))
    if not values["host"]:
        raise MailError(
            f"no SMTP server configured; set host (and user, from) under [smtp] in {source} or BOOKSMITH_SMTP_HOST"
        )
    tls = str(values["tls"] or "starttls").lower()
    if tls not in TLS_MODES:
        raise MailError(f"SMTP tls must be one of {', '.join(TLS_MODES)}, not '{tls}'")
    try:
        port = int(values["port"] or {"starttls": 587, "ssl": 465, "none": 25}[tls])
    except ValueError:
        raise MailError(f"SMTP port '{values['port']}' is not a number") from None
    user = str(values["user"]) if values["user"] else None
    sender = str(values["from"] or user or "")
    if "@" not in sender:
        raise MailError(f"no sender address; set from under [smtp] in {source} or BOOKSMITH_SMTP_FROM")
    return SmtpSettings(host=str(values["host"]), port=port, tls=tls, user=user, sender=sender)


def send_to_kindle(book: Path, address: str, settings: SmtpSettings, *, title: str | None = None) -> None:
    """E-mail `book` (an EPUB) to a Kindle address; a refusal is a MailError explaining what to do."""
    if not KINDLE_ADDRESS.match(address):
        raise MailError(f"'{address}' is not a Kindle address; use NAME@kindle.com (see your Kindle's settings)")
    if not book.name.endswith(".epub"):
        raise MailError(located(book, "is not an EPUB; Send to Kindle gets the EPUB: send the .txt or the .epub"))
    size = book.stat().st_size
    if size >= MAX_BYTES:
        raise MailError(located(book, f"is {size / 1e6:.1f} MB; Send to Kindle takes e-mails under 50 MB"))
    message = _message(book, address, settings.sender, title or book.stem)
    try:
        with _connect(settings) as server:
            if settings.user:
                server.login(settings.user, settings.password or "")
            server.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError(
            f"{settings.host} refused the login of {settings.user}; "
            "check BOOKSMITH_SMTP_PASSWORD or the password stored in the system keyring"
        ) from None
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        raise MailError(
            f"{settings.host} refused the e-mail to {address} ({_reply(error)}); "
            + APPROVED_SENDER.format(sender=settings.sender)
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(
            f"cannot send through {settings.host}:{settings.port} ({error}); check host, port and tls in the settings"
        ) from None


def _message(book: Path, address: str, sender: str, title: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = title
    message["From"] = sender
    message["To"] = address
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # Amazon ignores the body, but some servers and filters reject an empty one.
    message.set_content(f"{title}: sent by booksmith to your Kindle library.\n")
    message.add_attachment(book.read_bytes(), maintype="application", subtype="epub+zip", filename=book.name)
    return message


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    timeout = 60
    if settings.tls == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=ssl.create_default_context())
    server = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    if settings.tls == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server


def _reply(error: smtplib.SMTPException) -> str:
    """The server's reply code and text, whichever refusal it was."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
    else:
        code, text = error.smtp_code, error.smtp_error
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"

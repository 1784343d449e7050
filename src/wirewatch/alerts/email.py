"""Email alerts over SMTP (stdlib ``smtplib``), configured by environment or options.

``WIREWATCH_SMTP_HOST``, ``_PORT`` (25; 465 means implicit TLS), ``_USER``, ``_PASSWORD``,
``_FROM`` and ``_STARTTLS`` (``auto``: use STARTTLS when the server offers it, ``yes``, ``no``).
The SMTP server is the operator's relay, so it is not subject to the private-address rule that
protects webhook and push URLs; a recipient address is checked for shape at subscribe time.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from ..errors import UsageError
from .messages import Outcome

_ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


@dataclass(slots=True, frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "wirewatch@localhost"
    starttls: str = "auto"
    timeout: float = 15.0

    @classmethod
    def from_env(cls, **overrides: Any) -> SmtpSettings:
        """Settings from ``WIREWATCH_SMTP_*``, with non-None ``overrides`` taking precedence."""
        env = os.environ
        values: dict[str, Any] = {
            "host": env.get("WIREWATCH_SMTP_HOST") or None, "port": int(env.get("WIREWATCH_SMTP_PORT") or 25),
            "user": env.get("WIREWATCH_SMTP_USER") or None, "password": env.get("WIREWATCH_SMTP_PASSWORD") or None,
            "sender": env.get("WIREWATCH_SMTP_FROM") or "wirewatch@localhost",
            "starttls": (env.get("WIREWATCH_SMTP_STARTTLS") or "auto").lower()}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def check_address(address: str) -> str:
    address = (address or "").strip()
    if len(address) > 254 or not _ADDRESS.match(address):
        raise UsageError(f"{address!r} is not an email address")
    return address


def _abs(base_url: str, link: str) -> str:
    """Messages carry absolute links when the server knows its address; a path gets ``base_url``."""
    return link if "://" in (link or "") else f"{(base_url or '').rstrip('/')}{link}"


def render(message: dict[str, Any], *, base_url: str = "") -> tuple[str, str]:
    """(subject, plain-text body) of an alert message."""
    lines = [message.get("body") or "", ""]
    for s in message.get("stories", []):
        lines.append(f"* {s['title']}")
        lang = (s.get("language") or "").upper() if s.get("language") not in (None, "", "en") else ""
        if s.get("published") or s.get("agency") or lang:  # the language marked where it is not English
            lines.append("  " + " · ".join(x for x in (s.get("published"), s.get("agency"), lang) if x))
        if s.get("url"):
            lines.append(f"  {s['url']}")
        if (s.get("event") or {}).get("text"):
            lines.append(f"  “{s['event']['text']}”")
        lines.append(f"  {_abs(base_url, s['link'])}  (matched: {', '.join(s.get('matched', []))})")
    if message.get("more"):
        lines.append(f"... and {message['more']} more")
    lines += ["", f"Unsubscribe: {_abs(base_url, message['unsubscribe'])}"]
    return f"[wirewatch] {message['title']}", "\n".join(lines) + "\n"


def send(settings: SmtpSettings, to: str, message: dict[str, Any]) -> Outcome:
    if not settings.host:
        return Outcome(ok=False, error="no SMTP server configured (set WIREWATCH_SMTP_HOST)", retry=True)
    subject, text = render(message, base_url=os.environ.get("WIREWATCH_BASE_URL", ""))
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.sender, to, subject
    mail["Date"], mail["Message-ID"] = formatdate(localtime=False), make_msgid(domain="wirewatch")
    mail["List-Unsubscribe"] = f"<{_abs(os.environ.get('WIREWATCH_BASE_URL', ''), message['unsubscribe'])}>"
    mail.set_content(text)
    try:
        if settings.port == 465:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            smtp.ehlo()
            if settings.port != 465 and (settings.starttls == "yes" or
                                         (settings.starttls == "auto" and smtp.has_extn("starttls"))):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        return Outcome(ok=False, error=f"recipient refused: {exc.recipients}")
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}", retry=True)
    return Outcome.sent(250)

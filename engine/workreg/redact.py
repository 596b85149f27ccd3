"""Secrets never printed: database URLs and driver messages with their passwords replaced by ``***``.

A password can sit in a URL's user info (``postgresql://user:pw@host/db``), in its query
(``?password=pw``, ``&sslpassword=pw``: libpq reads both) or in a libpq key/value string that a
driver echoes in its message (``password=pw host=...``, or the whole URI quoted back).
:func:`redact_url` cleans one URL; :func:`redact_text` every URL and ``key=value`` secret in a
message.  Every error workreg prints goes through :func:`redact_text` (the command line's
``report`` and the server's error bodies), and every message that names a database URL builds
it with :func:`redact_url`.
"""

from __future__ import annotations

import re

#: Query and connection-string keys whose values are secrets (compared case-insensitively).
SECRET_KEYS = frozenset({"password", "passwd", "pwd", "pass", "sslpassword", "secret", "token", "api_key", "apikey"})
MASK = "***"

_URL = re.compile(r"""[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>]*""")
_KEY_VALUE = re.compile(
    r"""(?i)(?<![A-Za-z0-9_])(""" + "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
    + r""")(\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;,"']+)""")


def redact_url(url: str) -> str:
    """``url`` with the password of its user info and every secret query parameter replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return _redact_pairs(url)
    # The user info ends at the last "@" before the query: a password may hold "/" or "@" unencoded.
    query = min((found for found in (rest.find("?"), rest.find("#")) if found != -1), default=len(rest))
    at = rest.rfind("@", 0, query)
    authority, tail = "", rest
    if at != -1:
        userinfo, tail = rest[:at], rest[at:]
        authority = userinfo.split(":", 1)[0] + ":" + MASK if ":" in userinfo else userinfo
    return f"{scheme}://{authority}{_redact_pairs(tail)}"


def _redact_pairs(text: str) -> str:
    return _KEY_VALUE.sub(lambda match: match.group(0) if match.group(3).startswith(MASK)
                          else match.group(1) + match.group(2) + MASK, text)


def redact_text(text: str) -> str:
    """A message with every URL redacted (:func:`redact_url`) and every ``password=...`` masked."""
    if "://" not in text and "=" not in text:
        return text
    return _redact_pairs(_URL.sub(_redact_match, text))


def _redact_match(match: re.Match) -> str:
    url = match.group(0)
    kept = len(url.rstrip(":.,;)"))  # the sentence's punctuation after a URL stays
    return redact_url(url[:kept]) + url[kept:]

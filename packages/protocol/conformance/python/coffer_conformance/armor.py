"""Text armor, SPEC.md section 6."""

from __future__ import annotations

import base64
import re

from .errors import EnvelopeFormatError

PREFIX = "cfr1."
_ALPHABET = re.compile(r"\A[A-Za-z0-9_-]*\Z")


def encode(envelope: bytes) -> str:
    return PREFIX + base64.urlsafe_b64encode(envelope).decode("ascii").rstrip("=")


def decode(text: str) -> bytes:
    if not text.startswith(PREFIX):
        raise EnvelopeFormatError("bad_armor")
    body = text[len(PREFIX):]
    # The alphabet excludes '=', whitespace and line breaks.
    if not _ALPHABET.match(body) or len(body) % 4 == 1:
        raise EnvelopeFormatError("bad_armor")
    data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    # Non-zero trailing bits: the canonical encoding differs from the input.
    if encode(data) != text:
        raise EnvelopeFormatError("bad_armor")
    return data

"""How the checks expect a failure: the error class a vector names, its code,
and the one message a DecryptionError may carry. Shared by run.py and
rules_vectors.py."""

from __future__ import annotations

from coffer_conformance.errors import CofferError, DecryptionError, EnvelopeFormatError, KeyNotFoundError

ERRORS = {"EnvelopeFormatError": EnvelopeFormatError, "KeyNotFoundError": KeyNotFoundError,
          "DecryptionError": DecryptionError}


def expect_error(fn, cls, code: str | None = None) -> str:
    """Run fn; it must raise exactly cls (with code, if given). Returns what was seen."""
    what = f"{cls.__name__}{'/' + code if code else ''}"
    try:
        fn()
    except CofferError as e:
        assert type(e) is cls, f"expected {what}, got {type(e).__name__} {e}"
        if code is not None:
            assert e.code == code, f"expected code {code}, got {e.code}"
        if cls is DecryptionError:
            assert str(e) == "decryption failed"
        return what
    raise AssertionError(f"expected {what}, but it succeeded")

"""Error classes of SPEC.md section 7 (and 14.10)."""


class CofferError(Exception):
    """Base class: every failure of this reader is one of the three below."""


class EnvelopeFormatError(CofferError):
    """A structural problem, with a stable code (SPEC.md section 7)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class KeyNotFoundError(CofferError):
    """The reader holds no credential the envelope can be opened with."""

    def __init__(self, what: str = "key not found") -> None:
        super().__init__(what)


class DecryptionError(CofferError):
    """Every authentication failure: one class, one message (no oracle)."""

    def __init__(self) -> None:
        super().__init__("decryption failed")

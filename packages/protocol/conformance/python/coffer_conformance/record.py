"""Record layer, SPEC.md section 10 (and the application contexts of 9)."""

from __future__ import annotations

import hmac
import unicodedata
from dataclasses import dataclass
from hashlib import sha256

from .cobblestone import hkdf_expand_sha512
from .envelope import Credentials, open_envelope, seal_envelope
from .errors import EnvelopeFormatError

MAX_SAFE = 2**53 - 1
REQUIRED = (1, 2, 3, 4, 5, 6)


def record_context(vault_id: bytes, record_id: bytes) -> bytes:
    return b"coffer/v1/record\x00" + vault_id + record_id


def blob_context(vault_id: bytes, blob_id: bytes) -> bytes:
    return b"coffer/v1/blob\x00" + vault_id + blob_id


def file_context() -> bytes:
    return b"coffer/v1/file\x00"


def vault_head_context(vault_id: bytes) -> bytes:
    return b"coffer/v1/vault-head\x00" + vault_id


@dataclass
class Record:
    name: str
    type: str
    created_at: int
    updated_at: int
    author_kid: bytes
    content: bytes
    blob: tuple[bytes, int] | None = None
    sealed_at: int | None = None


def encode(r: Record) -> bytes:
    fields = [
        (1, r.name.encode("utf-8")),
        (2, r.type.encode("utf-8")),
        (3, r.created_at.to_bytes(8, "big")),
        (4, r.updated_at.to_bytes(8, "big")),
        (5, r.author_kid),
        (6, r.content),
    ]
    if r.blob is not None:
        fields.append((7, r.blob[0] + r.blob[1].to_bytes(8, "big")))
    if r.sealed_at is not None:
        fields.append((0x10, r.sealed_at.to_bytes(8, "big")))
    return b"\x01" + b"".join(bytes([t]) + len(v).to_bytes(4, "big") + v for t, v in fields)


def decode(data: bytes) -> Record:
    def bad() -> EnvelopeFormatError:
        return EnvelopeFormatError("bad_record")

    if len(data) < 1 or data[0] != 0x01:
        raise bad()
    off, last, got = 1, 0, {}
    while off < len(data):
        if off + 5 > len(data):
            raise bad()
        tag, n = data[off], int.from_bytes(data[off + 1:off + 5], "big")
        off += 5
        if off + n > len(data):
            raise bad()
        if tag <= last:
            raise bad()
        last = tag
        got[tag] = bytes(data[off:off + n])
        off += n
    if any(t not in got for t in REQUIRED):
        raise bad()
    fixed = {3: 8, 4: 8, 5: 16, 7: 24, 0x10: 8}
    for t, n in fixed.items():
        if t in got and len(got[t]) != n:
            raise bad()
    try:
        name, rtype = got[1].decode("utf-8"), got[2].decode("utf-8")
    except UnicodeDecodeError:
        raise bad() from None
    created, updated = int.from_bytes(got[3], "big"), int.from_bytes(got[4], "big")
    blob = None
    if 7 in got:
        blob = (got[7][:16], int.from_bytes(got[7][16:], "big"))
        if blob[1] > MAX_SAFE:
            raise bad()
    sealed = int.from_bytes(got[0x10], "big") if 0x10 in got else None
    if created > MAX_SAFE or updated > MAX_SAFE or (sealed or 0) > MAX_SAFE:
        raise bad()
    return Record(name, rtype, created, updated, got[5], got[6], blob, sealed)


def padme(length: int) -> int:
    if length < 2:
        return length
    e = length.bit_length() - 1  # floor(log2 L)
    s = e.bit_length()  # floor(log2 E) + 1
    z = e - s
    mask = (1 << z) - 1
    return (length + mask) & ~mask


def pad(encoded: bytes) -> bytes:
    body = len(encoded).to_bytes(4, "big") + encoded
    return body + bytes(padme(len(body)) - len(body))


def unpad(padded: bytes) -> bytes:
    if len(padded) < 4:
        raise EnvelopeFormatError("bad_record")
    n = int.from_bytes(padded[:4], "big")
    if 4 + n > len(padded) or padme(4 + n) != len(padded) or any(padded[4 + n:]):
        raise EnvelopeFormatError("bad_record")
    return padded[4:4 + n]


def open_record(data: bytes, vault_id: bytes, record_id: bytes, creds: Credentials) -> Record:
    opened = open_envelope(data, record_context(vault_id, record_id), creds, expect_content_type="record")
    rec = decode(unpad(opened.plaintext))
    if opened.verified_signer is not None and not hmac.compare_digest(rec.author_kid, opened.verified_signer):
        raise EnvelopeFormatError("bad_record")
    return rec


def seal_record(rec: Record, vault_id: bytes, record_id: bytes, vault_key: tuple[bytes, int, bytes]) -> bytes:
    return seal_envelope(pad(encode(rec)), record_context(vault_id, record_id), "record", direct_key=vault_key)


def vault_name_key(first_epoch_key: bytes) -> bytes:
    return hkdf_expand_sha512(first_epoch_key, b"coffer/v1/record-id", 32)


def derive_record_id(first_epoch_key: bytes, name: str) -> bytes:
    nfc = unicodedata.normalize("NFC", name).encode("utf-8")
    return hmac.new(vault_name_key(first_epoch_key), nfc, sha256).digest()[:16]

"""Cobblestone-256 (c2sp.org/chunked-encryption, AES-256-GCM), SPEC.md section 2."""

from __future__ import annotations

import hmac
import os
from hashlib import sha512

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import DecryptionError, EnvelopeFormatError
from .primitives import hkdf_expand

LABEL = b"c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM"
SALT_LEN = 24
COMMIT_LEN = 32
HEADER_LEN = SALT_LEN + COMMIT_LEN  # 56
CHUNK = 16384
TAG = 16
SEALED_CHUNK = CHUNK + TAG  # 16400
MIN_LEN = HEADER_LEN + TAG  # 72


def hkdf_expand_sha512(prk: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 HKDF-Expand built on HMAC-SHA-512 (as SPEC.md 2.1 step 2 spells it out)."""
    return hkdf_expand(sha512, prk, info, length)


def derive(input_key: bytes, salt: bytes, context: bytes) -> tuple[bytes, bytes, bytes]:
    """Returns (aeadKey, baseNonce, commitment)."""
    if len(input_key) != 32:
        raise EnvelopeFormatError("bad_argument")
    okm = hkdf_expand_sha512(input_key, LABEL + b"\x00" + salt + context, 76)
    return okm[0:32], okm[32:44], okm[44:76]


def chunk_nonce(base_nonce: bytes, i: int) -> bytes:
    ctr = i.to_bytes(12, "big")
    return bytes(a ^ b for a, b in zip(base_nonce, ctr))


def sealed_length(plaintext_len: int) -> int:
    return HEADER_LEN + plaintext_len + TAG * (plaintext_len // CHUNK + 1)


def check_length(total: int) -> None:
    """SPEC.md 2.2 steps 1 and 3 / 3.4: raises truncated or bad_length."""
    if total < MIN_LEN:
        raise EnvelopeFormatError("truncated")
    last = (total - HEADER_LEN) % SEALED_CHUNK
    if last < TAG:  # includes last == 0: the rest ends at a chunk boundary
        raise EnvelopeFormatError("bad_length")


def seal(input_key: bytes, context: bytes, plaintext: bytes, salt: bytes | None = None) -> bytes:
    if salt is None:
        salt = os.urandom(SALT_LEN)
    if len(salt) != SALT_LEN:
        raise EnvelopeFormatError("bad_argument")
    key, base_nonce, commitment = derive(input_key, salt, context)
    aead = AESGCM(key)
    n_chunks = len(plaintext) // CHUNK + 1
    parts = [salt, commitment]
    for i in range(n_chunks):
        parts.append(aead.encrypt(chunk_nonce(base_nonce, i), plaintext[i * CHUNK:(i + 1) * CHUNK], b""))
    return b"".join(parts)


def open_(input_key: bytes, context: bytes, ciphertext: bytes) -> bytes:
    """Whole-message open. Length problems are EnvelopeFormatError (truncated /
    bad_length, as SPEC.md 3.4 names them); every authentication failure is
    DecryptionError."""
    return b"".join(open_chunks(input_key, context, ciphertext))


def open_chunks(input_key: bytes, context: bytes, ciphertext: bytes):
    """Yields plaintext chunks in order. The commitment is checked before the
    first chunk; nothing after a failing chunk is yielded."""
    if len(input_key) != 32:
        raise EnvelopeFormatError("bad_argument")
    if len(ciphertext) < MIN_LEN:
        raise EnvelopeFormatError("truncated")
    salt = ciphertext[:SALT_LEN]
    key, base_nonce, commitment = derive(input_key, salt, context)
    if not hmac.compare_digest(commitment, ciphertext[SALT_LEN:HEADER_LEN]):
        raise DecryptionError()
    check_length(len(ciphertext))
    aead = AESGCM(key)
    rest = memoryview(ciphertext)[HEADER_LEN:]
    n_full = len(rest) // SEALED_CHUNK
    for i in range(n_full + 1):
        piece = bytes(rest[i * SEALED_CHUNK:(i + 1) * SEALED_CHUNK])
        try:
            yield aead.decrypt(chunk_nonce(base_nonce, i), piece, b"")
        except InvalidTag:
            raise DecryptionError() from None


class StreamOpener:
    """Streaming reader of SPEC.md 2.2 / 11: input arrives in arbitrary pieces,
    the total length is unknown. A full sealed chunk is released only once at
    least one more byte follows it (the final chunk is recognised only by being
    short), the final chunk only at end of input; after any error every call
    fails again."""

    def __init__(self, input_key: bytes, context: bytes) -> None:
        if len(input_key) != 32:
            raise EnvelopeFormatError("bad_argument")
        self._input_key = input_key
        self._context = context
        self._buf = bytearray()
        self._aead: AESGCM | None = None
        self._nonce = b""
        self._i = 0
        self._failed = False
        self._done = False

    def _fail(self) -> None:
        self._failed = True
        raise DecryptionError()

    def update(self, data: bytes) -> bytes:
        if self._failed or self._done:
            self._fail()
        self._buf += data
        if self._aead is None:
            if len(self._buf) < HEADER_LEN:
                return b""
            key, self._nonce, commitment = derive(self._input_key, bytes(self._buf[:SALT_LEN]), self._context)
            if not hmac.compare_digest(commitment, bytes(self._buf[SALT_LEN:HEADER_LEN])):
                self._fail()
            self._aead = AESGCM(key)
            del self._buf[:HEADER_LEN]
        out = []
        while len(self._buf) > SEALED_CHUNK:
            piece = bytes(self._buf[:SEALED_CHUNK])
            del self._buf[:SEALED_CHUNK]
            try:
                out.append(self._aead.decrypt(chunk_nonce(self._nonce, self._i), piece, b""))
            except InvalidTag:
                self._fail()
            self._i += 1
        return b"".join(out)

    def final(self) -> bytes:
        if self._failed or self._done or self._aead is None:
            self._fail()
        if not (TAG <= len(self._buf) < SEALED_CHUNK):
            self._fail()
        try:
            last = self._aead.decrypt(chunk_nonce(self._nonce, self._i), bytes(self._buf), b"")
        except InvalidTag:
            self._fail()
        self._done = True
        return last

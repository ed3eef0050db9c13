"""Primitive checks of SPEC.md section 14.3, and HKDF-SHA-256 of section 14.1."""

from __future__ import annotations

import hmac
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

# SPEC.md 14.3: the small-order encodings, compared with the top bit of byte 31 cleared.
_P = 2**255 - 19
SMALL_ORDER = {
    bytes(32),
    b"\x01" + bytes(31),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    (_P - 1).to_bytes(32, "little"),
    _P.to_bytes(32, "little"),
    (_P + 1).to_bytes(32, "little"),
}


class LowOrderError(ValueError):
    """A small-order X25519 public key or an all-zero shared secret."""


def is_small_order(public_key: bytes) -> bool:
    cleared = public_key[:31] + bytes([public_key[31] & 0x7F])
    return cleared in SMALL_ORDER


def x25519(private_key: bytes, public_key: bytes) -> bytes:
    """X25519 with both checks of SPEC.md 14.3 (before: small order; after: zero)."""
    if len(private_key) != 32 or len(public_key) != 32:
        raise ValueError("X25519 keys are 32 bytes")
    if is_small_order(public_key):
        raise LowOrderError("small-order public key")
    try:
        shared = X25519PrivateKey.from_private_bytes(private_key).exchange(
            X25519PublicKey.from_public_bytes(public_key)
        )
    except ValueError:  # OpenSSL refuses an all-zero result itself
        raise LowOrderError("zero shared secret") from None
    if hmac.compare_digest(shared, bytes(32)):
        raise LowOrderError("zero shared secret")
    return shared


def x25519_public(private_key: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def ed25519_public(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def ed25519_verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """Strict RFC 8032 verification (OpenSSL: S < L, canonical encodings)."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def hkdf_extract_sha256(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt if salt else bytes(32), ikm, sha256).digest()


def hkdf_expand(digest, prk: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 HKDF-Expand on HMAC with `digest` (hashlib.sha256 or sha512)."""
    out = b""
    t = b""
    i = 1
    while len(out) < length:
        t = hmac.new(prk, t + info + bytes([i]), digest).digest()
        out += t
        i += 1
    return out[:length]


def hkdf_expand_sha256(prk: bytes, info: bytes, length: int) -> bytes:
    return hkdf_expand(sha256, prk, info, length)


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 Extract-then-Expand; an empty salt is 32 zero bytes (SPEC.md 14.1)."""
    return hkdf_expand_sha256(hkdf_extract_sha256(salt, ikm), info, length)

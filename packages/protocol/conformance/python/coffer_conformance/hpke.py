"""RFC 9180 HPKE, base mode, single shot, built from primitives:
DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, AES-256-GCM 0x0002
(AES-128-GCM 0x0001 only so the RFC's appendix A.1 vector can check the code)."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .primitives import hkdf_expand_sha256, hkdf_extract_sha256, x25519, x25519_public

KEM_ID = 0x0020
KDF_ID = 0x0001
AEAD_AES_128_GCM = 0x0001
AEAD_AES_256_GCM = 0x0002
_NK = {AEAD_AES_128_GCM: 16, AEAD_AES_256_GCM: 32}

_KEM_SUITE = b"KEM" + KEM_ID.to_bytes(2, "big")


def _hpke_suite(aead_id: int) -> bytes:
    return b"HPKE" + KEM_ID.to_bytes(2, "big") + KDF_ID.to_bytes(2, "big") + aead_id.to_bytes(2, "big")


def _labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hkdf_extract_sha256(salt, b"HPKE-v1" + suite + label + ikm)


def _labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return hkdf_expand_sha256(prk, length.to_bytes(2, "big") + b"HPKE-v1" + suite + label + info, length)


def _shared_secret(dh: bytes, enc: bytes, pk_r: bytes) -> bytes:
    eae_prk = _labeled_extract(_KEM_SUITE, b"", b"eae_prk", dh)
    return _labeled_expand(_KEM_SUITE, eae_prk, b"shared_secret", enc + pk_r, 32)


def key_schedule(shared_secret: bytes, info: bytes, aead_id: int) -> tuple[bytes, bytes]:
    """Base mode (mode 0, empty psk and psk_id): returns (key, base_nonce)."""
    suite = _hpke_suite(aead_id)
    psk_id_hash = _labeled_extract(suite, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(suite, b"", b"info_hash", info)
    ctx = b"\x00" + psk_id_hash + info_hash
    secret = _labeled_extract(suite, shared_secret, b"secret", b"")
    key = _labeled_expand(suite, secret, b"key", ctx, _NK[aead_id])
    base_nonce = _labeled_expand(suite, secret, b"base_nonce", ctx, 12)
    return key, base_nonce


def encap(pk_r: bytes, sk_e: bytes | None = None) -> tuple[bytes, bytes]:
    """Returns (shared_secret, enc). Raises LowOrderError for a low-order pkR."""
    if sk_e is None:
        sk_e = os.urandom(32)
    dh = x25519(sk_e, pk_r)
    enc = x25519_public(sk_e)
    return _shared_secret(dh, enc, pk_r), enc


def decap(enc: bytes, sk_r: bytes) -> bytes:
    dh = x25519(sk_r, enc)
    return _shared_secret(dh, enc, x25519_public(sk_r))


def seal(pk_r: bytes, info: bytes, aad: bytes, pt: bytes, aead_id: int = AEAD_AES_256_GCM,
         sk_e: bytes | None = None) -> tuple[bytes, bytes]:
    shared, enc = encap(pk_r, sk_e)
    key, nonce = key_schedule(shared, info, aead_id)
    return enc, AESGCM(key).encrypt(nonce, pt, aad)


def open_(enc: bytes, sk_r: bytes, info: bytes, aad: bytes, ct: bytes,
          aead_id: int = AEAD_AES_256_GCM) -> bytes:
    """Raises LowOrderError or cryptography's InvalidTag on failure."""
    shared = decap(enc, sk_r)
    key, nonce = key_schedule(shared, info, aead_id)
    return AESGCM(key).decrypt(nonce, ct, aad)

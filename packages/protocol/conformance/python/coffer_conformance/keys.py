"""Key hierarchy, SPEC.md section 14."""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass
from hashlib import sha256, sha512

from .envelope import (CONTENT_TYPES, FLAG_SIGNED, WRAPPED, Credentials, Recipient, argon2id,
                       check_kdf_params, open_envelope, parse, seal_envelope)
from .errors import DecryptionError, EnvelopeFormatError
from .primitives import ed25519_public, hkdf_sha256, x25519_public

DEFAULT_KDF_PARAMS = (65536, 3, 1)  # memoryKiB, iterations, parallelism


@dataclass
class AccountKeys:
    login_seed: bytes
    login_public_key: bytes
    master_key: bytes


def derive_account_keys(passphrase: str, salt: bytes, params: tuple[int, int, int] = DEFAULT_KDF_PARAMS
                        ) -> AccountKeys:
    m, t, p = params
    if not all(isinstance(x, int) for x in params):
        raise EnvelopeFormatError("kdf_params_out_of_range")
    check_kdf_params(m, t, p)
    if len(salt) != 16 or not passphrase:
        raise EnvelopeFormatError("bad_argument")
    password = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    ikm = argon2id(password, salt, m, t, p, 32)
    login_seed = hkdf_sha256(ikm, b"", b"coffer/v1/login-seed", 32)
    master_key = hkdf_sha256(ikm, b"", b"coffer/v1/master-key", 32)
    return AccountKeys(login_seed, ed25519_public(login_seed), master_key)


def kid_for_public_key(kind: str, pk: bytes) -> bytes:
    if kind not in ("x25519", "ed25519") or len(pk) != 32:
        raise EnvelopeFormatError("bad_argument")
    return sha256(b"coffer/v1/kid/" + kind.encode() + b"\x00" + pk).digest()[:16]


def kid_for_symmetric_key(key: bytes) -> bytes:
    if len(key) != 32:
        raise EnvelopeFormatError("bad_argument")
    return hkdf_sha256(key, b"", b"coffer/v1/kid/symmetric", 16)


def _account_id_bytes(account_id: str) -> bytes:
    raw = account_id.encode("utf-8")
    if not 1 <= len(raw) <= 255:
        raise EnvelopeFormatError("bad_argument")
    return raw


def fingerprint(account_id: str, x25519_pk: bytes, ed25519_pk: bytes) -> str:
    aid = _account_id_bytes(account_id)
    if len(x25519_pk) != 32 or len(ed25519_pk) != 32:
        raise EnvelopeFormatError("bad_argument")
    h = sha512(b"coffer/v1/fingerprint\x00" + len(aid).to_bytes(2, "big") + aid + x25519_pk + ed25519_pk).digest()
    return " ".join(f"{int.from_bytes(h[5 * i:5 * i + 5], 'big') % 100000:05d}" for i in range(12))


# SPEC.md 14.6: exactly the characters ECMAScript's \s matches. Python's \s is
# another set (it adds U+001C..U+001F and U+0085, and lacks U+FEFF).
_WHITESPACE = re.compile("[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")


def fingerprints_equal(a: str, b: str) -> bool:
    a2, b2 = _WHITESPACE.sub("", a), _WHITESPACE.sub("", b)
    ok = bool(re.fullmatch(r"[0-9]{60}", a2, re.ASCII)) and bool(re.fullmatch(r"[0-9]{60}", b2, re.ASCII))
    same = hmac.compare_digest(a2.encode("utf-8"), b2.encode("utf-8"))
    return ok and same


def key_bundle_context(account_id: str) -> bytes:
    aid = _account_id_bytes(account_id)
    return b"coffer/v1/key-bundle\x00" + len(aid).to_bytes(2, "big") + aid


def key_grant_context(vault_id: bytes, epoch: int) -> bytes:
    if len(vault_id) != 16 or not 0 <= epoch < 2**32:
        raise EnvelopeFormatError("bad_argument")
    return b"coffer/v1/key-grant\x00" + vault_id + epoch.to_bytes(4, "big")


@dataclass
class KeyBundle:
    x25519_private: bytes
    x25519_public: bytes
    ed25519_seed: bytes
    ed25519_public: bytes


def seal_key_bundle(master_key: bytes, account_id: str, x25519_private: bytes, ed25519_seed: bytes,
                    body_salt: bytes | None = None) -> bytes:
    if len(x25519_private) != 32 or len(ed25519_seed) != 32:
        raise EnvelopeFormatError("bad_argument")
    pt = b"\x01" + x25519_private + ed25519_seed
    return seal_envelope(pt, key_bundle_context(account_id), "key-bundle",
                         direct_key=(kid_for_symmetric_key(master_key), 0, master_key), body_salt=body_salt)


def open_key_bundle(data: bytes, master_key: bytes, account_id: str) -> KeyBundle:
    creds = Credentials(keyring={(kid_for_symmetric_key(master_key), 0): master_key})
    pt = open_envelope(data, key_bundle_context(account_id), creds, expect_content_type="key-bundle").plaintext
    if len(pt) != 65:
        raise EnvelopeFormatError("bad_length")
    if pt[0] != 0x01:
        raise EnvelopeFormatError("unsupported_version")
    xs, es = pt[1:33], pt[33:65]
    return KeyBundle(xs, x25519_public(xs), es, ed25519_public(es))


def seal_key_grant(vault_key: bytes, vault_id: bytes, epoch: int, recipients: list[tuple[bytes, bytes]],
                   granter_seed: bytes, granter_kid: bytes | None = None, **fixed_randomness) -> bytes:
    """recipients: [(kid, x25519 public key)]; kids that are not derived are refused.
    fixed_randomness: dek, ephemeral, body_salt of seal_envelope (known answers only)."""
    granter_pk = ed25519_public(granter_seed)
    if granter_kid is None:
        granter_kid = kid_for_public_key("ed25519", granter_pk)
    if granter_kid != kid_for_public_key("ed25519", granter_pk) or len(vault_key) != 32:
        raise EnvelopeFormatError("bad_argument")
    for kid, pk in recipients:
        if kid != kid_for_public_key("x25519", pk):
            raise EnvelopeFormatError("bad_argument")
    return seal_envelope(vault_key, key_grant_context(vault_id, epoch), "key-grant",
                         recipients=[Recipient(x25519=r) for r in recipients], epoch=epoch,
                         signer=(granter_kid, granter_seed), **fixed_randomness)


def open_key_grant(data: bytes, vault_id: bytes, epoch: int, recipient_kid: bytes, recipient_private: bytes,
                   trusted_granters: dict[bytes, bytes]) -> tuple[bytes, int, bytes]:
    """SPEC.md 14.9 opening steps. Returns the vault key (kid, epoch, key)."""
    ctx = key_grant_context(vault_id, epoch)
    h = parse(data)
    if h.content_type != CONTENT_TYPES["key-grant"]:
        raise EnvelopeFormatError("unexpected_content_type")
    if h.mode != WRAPPED:
        raise EnvelopeFormatError("bad_mode")
    if not (h.flags & FLAG_SIGNED) or h.footer[:16] not in trusted_granters or h.key_epoch != epoch:
        raise DecryptionError()
    signer_kid = h.footer[:16]
    creds = Credentials(x25519={recipient_kid: recipient_private},
                        trusted_signers={signer_kid: trusted_granters[signer_kid]}, require_signature=True)
    pt = open_envelope(data, ctx, creds, expect_content_type="key-grant").plaintext
    if len(pt) != 32:
        raise EnvelopeFormatError("bad_length")
    return kid_for_symmetric_key(pt), epoch, pt

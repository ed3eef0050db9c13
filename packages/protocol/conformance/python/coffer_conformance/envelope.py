"""Envelope format version 1: parse (SPEC.md 3, 7.1), open (7), seal (8)."""

from __future__ import annotations

import hmac
import os
import unicodedata
from dataclasses import dataclass, field
from hashlib import sha512

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from . import cobblestone, hpke
from .errors import DecryptionError, EnvelopeFormatError, KeyNotFoundError
from .primitives import LowOrderError, ed25519_sign, ed25519_verify

MAGIC = b"CFR"
VERSION = 1
SUITE_A256 = 0x0001
DIRECT, WRAPPED = 0x00, 0x01
FLAG_SIGNED = 0x01
CONTENT_TYPES = {"record": 0x01, "blob": 0x02, "key-grant": 0x03, "key-bundle": 0x04, "vault-head": 0x05}
CONTENT_TYPE_NAMES = {v: k for k, v in CONTENT_TYPES.items()}
FIXED_HEADER_LEN = 30
MAX_HEADER = 16384
MAX_STANZAS = 32
FOOTER_LEN = 80
ST_SYMMETRIC, ST_X25519, ST_PASSPHRASE = 0x01, 0x02, 0x03
# type -> (argsLen, bodyLen)
KNOWN_STANZAS = {ST_SYMMETRIC: (16, 104), ST_X25519: (16, 80), ST_PASSPHRASE: (22, 104)}
KDF_MEMORY = (65536, 1048576)
KDF_ITERATIONS = (3, 10)
KDF_PARALLELISM = (1, 4)
HPKE_INFO = b"coffer/v1/hpke"
SIG_LABEL = b"coffer/v1/sig\x00"


@dataclass
class Stanza:
    type: int
    args: bytes
    body: bytes


@dataclass
class Header:
    raw: bytes  # the exact header bytes (fixed header and stanzas)
    version: int
    suite: int
    mode: int
    flags: int
    content_type: int
    key_epoch: int
    kid: bytes
    stanzas: list[Stanza]
    body: bytes = b""
    footer: bytes = b""

    @property
    def signed(self) -> bool:
        return bool(self.flags & FLAG_SIGNED)

    @property
    def fixed(self) -> bytes:
        return self.raw[:FIXED_HEADER_LEN]


def check_kdf_params(memory_kib: int, iterations: int, parallelism: int) -> None:
    if not (KDF_MEMORY[0] <= memory_kib <= KDF_MEMORY[1]
            and KDF_ITERATIONS[0] <= iterations <= KDF_ITERATIONS[1]
            and KDF_PARALLELISM[0] <= parallelism <= KDF_PARALLELISM[1]):
        raise EnvelopeFormatError("kdf_params_out_of_range")


def parse(data: bytes, versions=frozenset({VERSION}), suites=frozenset({SUITE_A256})) -> Header:
    """SPEC.md 7 step 1, in its order."""
    if len(data) < 4:
        raise EnvelopeFormatError("truncated")
    if data[0:3] != MAGIC:
        raise EnvelopeFormatError("bad_magic")
    if data[3] not in versions:
        raise EnvelopeFormatError("unsupported_version")
    if len(data) < FIXED_HEADER_LEN:
        raise EnvelopeFormatError("truncated")
    suite = int.from_bytes(data[4:6], "big")
    if suite not in suites:
        raise EnvelopeFormatError("unsupported_suite")
    mode, flags, ctype = data[6], data[7], data[8]
    if mode not in (DIRECT, WRAPPED):
        raise EnvelopeFormatError("bad_mode")
    if flags & ~FLAG_SIGNED:
        raise EnvelopeFormatError("bad_flags")
    if ctype not in CONTENT_TYPE_NAMES:
        raise EnvelopeFormatError("bad_content_type")
    epoch = int.from_bytes(data[9:13], "big")
    kid = bytes(data[13:29])
    count = data[29]
    if mode == DIRECT:
        if count != 0:
            raise EnvelopeFormatError("bad_stanza")
    else:
        if kid != bytes(16):
            raise EnvelopeFormatError("bad_kid")
        if count == 0:
            raise EnvelopeFormatError("bad_stanza")
        if count > MAX_STANZAS:
            raise EnvelopeFormatError("too_many_stanzas")

    off = FIXED_HEADER_LEN

    def take(n: int) -> bytes:
        nonlocal off
        end = off + n
        if end > MAX_HEADER:
            raise EnvelopeFormatError("header_too_large")
        if end > len(data):
            raise EnvelopeFormatError("truncated")
        out = bytes(data[off:end])
        off = end
        return out

    stanzas: list[Stanza] = []
    for _ in range(count):
        head = take(3)
        st_type, args_len = head[0], int.from_bytes(head[1:3], "big")
        args = take(args_len)
        body_len = int.from_bytes(take(2), "big")
        body = take(body_len)
        if st_type in KNOWN_STANZAS and (args_len, body_len) != KNOWN_STANZAS[st_type]:
            raise EnvelopeFormatError("bad_stanza")
        if st_type == ST_PASSPHRASE:
            check_kdf_params(int.from_bytes(args[16:20], "big"), args[20], args[21])
        stanzas.append(Stanza(st_type, args, body))
    if any(s.type == ST_PASSPHRASE for s in stanzas) and count != 1:
        raise EnvelopeFormatError("bad_stanza")

    header = Header(bytes(data[:off]), data[3], suite, mode, flags, ctype, epoch, kid, stanzas)
    footer_len = FOOTER_LEN if header.signed else 0
    body_len = len(data) - off - footer_len
    if body_len < cobblestone.MIN_LEN:
        raise EnvelopeFormatError("truncated")
    cobblestone.check_length(body_len)  # bad_length
    header.body = bytes(data[off:off + body_len])
    header.footer = bytes(data[off + body_len:])
    return header


def body_context(header: bytes, app_context: bytes) -> bytes:
    return (b"coffer/v1/body\x00" + len(header).to_bytes(4, "big") + header
            + len(app_context).to_bytes(4, "big") + app_context)


def wrap_context(fixed_header: bytes, st_type: int, args: bytes) -> bytes:
    return b"coffer/v1/wrap\x00" + fixed_header + bytes([st_type]) + args


def signed_message(header: bytes, body: bytes) -> bytes:
    return SIG_LABEL + sha512(header + body).digest()


def passphrase_bytes(passphrase: str | bytes) -> bytes:
    if isinstance(passphrase, bytes):
        return passphrase
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def argon2id(password: bytes, salt: bytes, memory_kib: int, iterations: int, parallelism: int,
             length: int = 32) -> bytes:
    return Argon2id(salt=salt, length=length, iterations=iterations, lanes=parallelism,
                    memory_cost=memory_kib).derive(password)


@dataclass
class Credentials:
    """What the reader holds. keyring: {(kid, epoch): key}; keks: {kid: key};
    x25519: {kid: privateKey}; trusted_signers: {kid: publicKey} or None."""

    keyring: dict[tuple[bytes, int], bytes] = field(default_factory=dict)
    keks: dict[bytes, bytes] = field(default_factory=dict)
    x25519: dict[bytes, bytes] = field(default_factory=dict)
    passphrase: str | bytes | None = None
    trusted_signers: dict[bytes, bytes] | None = None
    require_signature: bool = False


@dataclass
class Opened:
    plaintext: bytes
    header: Header
    signed: bool
    verified_signer: bytes | None


def _unwrap(header: Header, creds: Credentials) -> bytes:
    """SPEC.md 5, 'Recovering the DEK'."""
    tried = False
    for st in header.stanzas:
        wctx = wrap_context(header.fixed, st.type, st.args)
        try:
            if st.type == ST_SYMMETRIC and st.args in creds.keks:
                tried = True
                dek = cobblestone.open_(creds.keks[st.args], wctx, st.body)
            elif st.type == ST_X25519 and st.args in creds.x25519:
                tried = True
                dek = hpke.open_(st.body[:32], creds.x25519[st.args], HPKE_INFO, wctx, st.body[32:])
            elif st.type == ST_PASSPHRASE and creds.passphrase is not None:
                tried = True
                salt, args = st.args[:16], st.args
                kek = argon2id(passphrase_bytes(creds.passphrase), salt,
                               int.from_bytes(args[16:20], "big"), args[20], args[21])
                dek = cobblestone.open_(kek, wctx, st.body)
            else:
                continue
        except (DecryptionError, InvalidTag, LowOrderError):
            continue
        if len(dek) == 32:
            return dek
    if not tried:
        raise KeyNotFoundError()
    raise DecryptionError()


def open_envelope(data: bytes, app_context: bytes, creds: Credentials,
                  expect_content_type: str | None = None) -> Opened:
    header = parse(data)
    # Step 2: caller expectations.
    if expect_content_type is not None and header.content_type != CONTENT_TYPES[expect_content_type]:
        raise EnvelopeFormatError("unexpected_content_type")
    if creds.require_signature and not header.signed:
        raise EnvelopeFormatError("not_signed")
    verifying = header.signed and (creds.require_signature or creds.trusted_signers is not None)
    signer_kid = header.footer[:16] if header.signed else None
    signer_pk = None
    if verifying:
        signer_pk = (creds.trusted_signers or {}).get(signer_kid)
        if signer_pk is None:
            raise KeyNotFoundError("signer not trusted")
    # Step 3: input key.
    if header.mode == DIRECT:
        key = creds.keyring.get((header.kid, header.key_epoch))
        if key is None:
            raise KeyNotFoundError()
    else:
        key = _unwrap(header, creds)
    # Steps 4-5.
    plaintext = cobblestone.open_(key, body_context(header.raw, app_context), header.body)
    # Step 6.
    if verifying:
        if not ed25519_verify(signer_pk, header.footer[16:], signed_message(header.raw, header.body)):
            raise DecryptionError()
    return Opened(plaintext, header, header.signed, signer_kid if verifying else None)


@dataclass
class Recipient:
    """One of: kek=(kid, key); x25519=(kid, publicKey); passphrase=(text, (m, t, p))."""

    kek: tuple[bytes, bytes] | None = None
    x25519: tuple[bytes, bytes] | None = None
    passphrase: tuple[str | bytes, tuple[int, int, int]] | None = None


def seal_envelope(plaintext: bytes, app_context: bytes, content_type: str, *,
                  direct_key: tuple[bytes, int, bytes] | None = None,
                  recipients: list[Recipient] | None = None, epoch: int = 0,
                  signer: tuple[bytes, bytes] | None = None, dek: bytes | None = None,
                  ephemeral: list[bytes] | None = None, body_salt: bytes | None = None) -> bytes:
    """SPEC.md 8. direct_key = (kid, epoch, key); signer = (kid, ed25519 seed).
    dek, ephemeral (X25519 private keys, in stanza order) and body_salt replace
    the fresh random values, only to reproduce known-answer vectors."""
    flags = FLAG_SIGNED if signer else 0
    ct = CONTENT_TYPES[content_type]
    if (direct_key is None) == (recipients is None):
        raise EnvelopeFormatError("bad_argument")
    if direct_key is not None:
        kid, epoch, key = direct_key
        if len(kid) != 16 or len(key) != 32 or not 0 <= epoch < 2**32:
            raise EnvelopeFormatError("bad_argument")
        header = MAGIC + bytes([VERSION]) + SUITE_A256.to_bytes(2, "big") + bytes([DIRECT, flags, ct]) \
            + epoch.to_bytes(4, "big") + kid + b"\x00"
        input_key = key
    else:
        assert recipients is not None
        if not 1 <= len(recipients) <= MAX_STANZAS or not 0 <= epoch < 2**32:
            raise EnvelopeFormatError("bad_argument")
        if any(r.passphrase for r in recipients) and len(recipients) != 1:
            raise EnvelopeFormatError("bad_argument")
        fixed = MAGIC + bytes([VERSION]) + SUITE_A256.to_bytes(2, "big") + bytes([WRAPPED, flags, ct]) \
            + epoch.to_bytes(4, "big") + bytes(16) + bytes([len(recipients)])
        dek = os.urandom(32) if dek is None else dek
        ephemerals = list(ephemeral or [])
        stanzas = b""
        for r in recipients:
            if r.kek:
                st_type, args = ST_SYMMETRIC, r.kek[0]
                body = cobblestone.seal(r.kek[1], wrap_context(fixed, st_type, args), dek)
            elif r.x25519:
                st_type, args = ST_X25519, r.x25519[0]
                enc, hct = hpke.seal(r.x25519[1], HPKE_INFO, wrap_context(fixed, st_type, args), dek,
                                     sk_e=ephemerals.pop(0) if ephemerals else None)
                body = enc + hct
            elif r.passphrase:
                text, (m, t, p) = r.passphrase
                check_kdf_params(m, t, p)
                salt = os.urandom(16)
                st_type, args = ST_PASSPHRASE, salt + m.to_bytes(4, "big") + bytes([t, p])
                kek = argon2id(passphrase_bytes(text), salt, m, t, p)
                body = cobblestone.seal(kek, wrap_context(fixed, st_type, args), dek)
            else:
                raise EnvelopeFormatError("bad_argument")
            stanzas += bytes([st_type]) + len(args).to_bytes(2, "big") + args \
                + len(body).to_bytes(2, "big") + body
        header = fixed + stanzas
        input_key = dek
    if len(header) > MAX_HEADER:
        raise EnvelopeFormatError("bad_argument")
    body = cobblestone.seal(input_key, body_context(header, app_context), plaintext, salt=body_salt)
    out = header + body
    if signer:
        out += signer[0] + ed25519_sign(signer[1], signed_message(header, body))
    return out


def constant_time_eq(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)

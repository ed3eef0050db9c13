#!/usr/bin/env python3
"""Runs every Coffer golden vector and every public vector the SPEC names
through the independent Python reader in coffer_conformance/.

Usage: python3 packages/protocol/conformance/python/run.py [-v] [--quick] [--cli]
Prints "N passed, M failed" and exits non-zero on any failure.
--quick skips the two 4 MiB Cobblestone cases in the streaming pass only.
--cli also runs black-box interop with the TypeScript CLI (apps/cli/dist/coffer.js,
      built beforehand, `node` 24 on PATH): `coffer encrypt -p` output opened here,
      envelopes sealed here opened by `coffer decrypt`.
--server also starts the built TypeScript server on loopback, lets the CLI sign up,
      create a vault and store a record, and opens what the server stored
      (server_interop.py).
--golden-only runs only the frozen vectors (envelope-v1.json and rules-v1.json);
      vector_coverage.py uses it.
--interop-only runs only the --cli/--server checks (the repository's end-to-end
      suite runs them against the binaries it built; the protocol suite runs
      the rest).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
import unicodedata
import zlib
from hashlib import sha512
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
# vector_coverage.py points this at a deliberately altered copy of the reader.
sys.path.insert(0, os.environ.get("COFFER_CONFORMANCE_IMPL", str(HERE)))

try:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # noqa: F401
except ImportError:
    sys.exit("needs the Python 'cryptography' package with Argon2id (version 44 or later; tested with 48)")

from coffer_conformance import armor, cobblestone, hpke, record  # noqa: E402
from coffer_conformance.envelope import (Credentials, Recipient, open_envelope, parse,  # noqa: E402
                                         seal_envelope)
from coffer_conformance.errors import (CofferError, DecryptionError, EnvelopeFormatError,  # noqa: E402
                                       KeyNotFoundError)
from coffer_conformance import keys  # noqa: E402
from expectations import ERRORS, expect_error  # noqa: E402
from coffer_conformance.primitives import (LowOrderError, ed25519_public, ed25519_verify,  # noqa: E402
                                           x25519, x25519_public)

REPO = HERE.parents[3]  # .../packages/protocol/conformance/python -> repo root
GOLDEN = REPO / "packages/protocol/vectors/envelope-v1.json"
RULES = REPO / "packages/protocol/vectors/rules-v1.json"
WYCHEPROOF = Path(os.environ.get("COFFER_WYCHEPROOF_DIR", REPO.parent / "shared/vectors/wycheproof"))
if not WYCHEPROOF.exists():
    WYCHEPROOF = REPO / "packages/protocol/test/vectors/wycheproof"

VERBOSE = "-v" in sys.argv
QUICK = "--quick" in sys.argv
CLI = "--cli" in sys.argv
SERVER = "--server" in sys.argv
GOLDEN_ONLY = "--golden-only" in sys.argv
INTEROP_ONLY = "--interop-only" in sys.argv
results: list[tuple[str, str, bool, str]] = []  # (group, name, ok, detail)


def check(group: str, name: str, fn) -> None:
    try:
        detail = fn()
        ok = True
    except AssertionError as e:
        ok, detail = False, f"assertion: {e}"
    except Exception as e:  # an unexpected exception is a failure too
        ok, detail = False, f"{type(e).__name__}: {e}\n{traceback.format_exc()}"
    results.append((group, name, ok, detail or ""))
    if VERBOSE or not ok:
        print(f"{'ok  ' if ok else 'FAIL'} [{group}] {name} :: {str(detail).splitlines()[0] if detail else ''}")




H = bytes.fromhex


# ---------------------------------------------------------------- golden vectors
def golden_creds(c: dict) -> Credentials:
    creds = Credentials()
    if "key" in c:
        k = c["key"]
        creds.keyring[(H(k["kid"]), k["epoch"])] = H(k["key"])
    for k in c.get("keks", []):
        creds.keks[H(k["kid"])] = H(k["key"])
    for k in c.get("x25519Keys", []):
        creds.x25519[H(k["kid"])] = H(k["privateKey"])
    if "passphrase" in c:
        creds.passphrase = c["passphrase"]
    if "trustedSigners" in c:
        creds.trusted_signers = {H(k["kid"]): H(k["publicKey"]) for k in c["trustedSigners"]}
    creds.require_signature = bool(c.get("requireSignature", False))
    return creds


def golden_case(c: dict):
    def run():
        creds = golden_creds(c)
        ctx = H(c["context"])

        def do_open():
            data = armor.decode(c["envelope"])
            return open_envelope(data, ctx, creds, expect_content_type=c.get("expectContentType"))

        if c["result"] == "invalid":
            return expect_error(do_open, ERRORS[c["error"]], c.get("code"))
        opened = do_open()
        assert opened.plaintext == H(c["plaintext"]), "plaintext differs"
        h = opened.header
        assert h.key_epoch == c["epoch"], f"epoch {h.key_epoch} != {c['epoch']}"
        assert h.signed == c["signed"], "signed flag"
        assert {0: "direct", 1: "wrapped"}[h.mode] == c["mode"], "mode"
        assert {1: "record", 2: "blob", 3: "key-grant", 4: "key-bundle", 5: "vault-head"}[h.content_type] \
            == c["contentType"], "content type"
        if "signerKid" in c:
            assert opened.verified_signer == H(c["signerKid"]), "verified signer kid"
        else:
            assert opened.verified_signer is None
        assert armor.encode(armor.decode(c["envelope"])) == c["envelope"], "armor not canonical"
        if "record" in c:
            r = c["record"]
            rec = record.decode(record.unpad(opened.plaintext))
            want = record.Record(r["name"], r["type"], r["createdAt"], r["updatedAt"], H(r["authorKid"]),
                                 H(r["content"]))
            assert rec == want, f"record differs: {rec} != {want}"
            assert ctx == record.record_context(H(r["vaultId"]), H(r["recordId"])), "record appContext"
            assert record.pad(record.encode(want)) == opened.plaintext, "re-encoded padded record differs"
            rec2 = record.open_record(armor.decode(c["envelope"]), H(r["vaultId"]), H(r["recordId"]), creds)
            assert rec2 == want
        return f"valid, {len(opened.plaintext)} bytes"

    return run


def golden_reseal(c: dict):
    """Our writer, with the case's credentials, must produce an envelope our reader
    opens with the same result (self-consistency; golden bytes are random-salted)."""

    def run():
        pt = H(c["plaintext"])
        ctx = H(c["context"])
        h = parse(armor.decode(c["envelope"]))
        signer = None
        if c["signed"]:
            return "skipped: no signing seed in the vectors"
        if c["mode"] == "direct":
            k = c["key"]
            env = seal_envelope(pt, ctx, c["contentType"], direct_key=(H(k["kid"]), k["epoch"], H(k["key"])),
                                signer=signer)
        else:
            recips = []
            for st in h.stanzas:
                if st.type == 1:
                    recips.append(Recipient(kek=(st.args, dict((H(k["kid"]), H(k["key"])) for k in c["keks"])
                                                 .get(st.args, os.urandom(32)))))
                elif st.type == 2:
                    recips.append(Recipient(x25519=(st.args, x25519_public(os.urandom(32)))))
                elif st.type == 3:
                    a = st.args
                    recips.append(Recipient(passphrase=(c["passphrase"], (int.from_bytes(a[16:20], "big"), a[20], a[21]))))
            env = seal_envelope(pt, ctx, c["contentType"], recipients=recips, epoch=c["epoch"])
        env2 = armor.decode(armor.encode(env))
        opened = open_envelope(env2, ctx, golden_creds(c))
        assert opened.plaintext == pt and opened.header.key_epoch == c["epoch"]
        return "resealed and reopened"

    return run


# ---------------------------------------------------------------- Cobblestone-256
def cobble_case(t: dict):
    def run():
        key, ctx = H(t["key"]), H(t["ctx"])
        ct = zlib.decompress(H(t["ct"]))
        if len(key) == 32 and "aeadKey" in t and len(ct) >= 24:
            ak, bn, _ = cobblestone.derive(key, ct[:24], ctx)
            assert ak.hex() == t["aeadKey"] and bn.hex() == t["baseNonce"], "raw-mode key/nonce"
        if t["result"] == "valid":
            pt = cobblestone.open_(key, ctx, ct)
            assert len(pt) == t["msgLength"] and sha512(pt).hexdigest() == t["msgSha512"], "plaintext"
            assert cobblestone.seal(key, ctx, pt, salt=ct[:24]) == ct, "re-seal with the same salt differs"
            assert cobblestone.sealed_length(len(pt)) == len(ct)
            return f"valid, {len(pt)} bytes, re-seal identical"
        try:
            cobblestone.open_(key, ctx, ct)
        except CofferError as e:
            return f"rejected ({type(e).__name__})"
        raise AssertionError("invalid ciphertext opened")

    return run


def cobble_stream_case(t: dict, piece: int):
    def run():
        key, ctx = H(t["key"]), H(t["ctx"])
        ct = zlib.decompress(H(t["ct"]))
        out = bytearray()
        err = None
        try:
            s = cobblestone.StreamOpener(key, ctx)
            for i in range(0, len(ct), piece):
                out += s.update(ct[i:i + piece])
            out += s.final()
        except CofferError as e:
            err = e
        if t["result"] == "valid":
            assert err is None, f"stream failed: {err!r}"
            assert len(out) == t["msgLength"] and sha512(out).hexdigest() == t["msgSha512"]
            return "valid"
        assert err is not None, "invalid stream did not fail"
        # At most the valid prefix may have been released.
        limit = t.get("msgLength", 0) if "PartialPlaintext" in t["flags"] else 0
        assert len(out) <= limit, f"released {len(out)} bytes, at most {limit} allowed"
        if "PartialPlaintext" in t["flags"] and len(out) == t["msgLength"]:
            assert sha512(out).hexdigest() == t["msgSha512"], "released prefix differs"
        if isinstance(err, DecryptionError) and "s" in locals():
            for again in (lambda: s.update(b"x"), s.final):  # keeps failing
                try:
                    again()
                except DecryptionError:
                    continue
                raise AssertionError("stream did not keep failing")
        return f"failed after {len(out)} released bytes"

    return run


# ---------------------------------------------------------------- key hierarchy (SPEC 14)
def kat_account(form: str):
    def run():
        pw = unicodedata.normalize(form, "Café correct horse")
        k = keys.derive_account_keys(pw, H("000102030405060708090a0b0c0d0e0f"), (65536, 3, 1))
        assert k.login_seed.hex() == "6830ea4d43dcac0ab565ef96e18fec2c31808d16d8b722c369a785a63b7b285b"
        assert k.login_public_key.hex() == "e9fd4a88f2c5d5bd9a0a7a747e31db88672147779d310e3c46a18b249f36e3ed"
        assert k.master_key.hex() == "a49fb32c1d9a93823a7a14f6bac87d134e95484953ec5da15b12099e0708edac"

    return run


X_PK = H("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
ED_PK = H("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
FP_ALICE = "49368 63186 02318 00607 87778 33986 41544 15393 11032 66059 35399 55084"


def kat_kids():
    assert keys.kid_for_public_key("x25519", X_PK).hex() == "575b335a79355693f8dfe4d8d48ca5bb"
    assert keys.kid_for_public_key("ed25519", ED_PK).hex() == "6fca2e279f3526dfcd012ae16773e5fb"
    assert keys.kid_for_symmetric_key(bytes(range(32))).hex() == "96cae35a977d8d838bfd221be6a1edda"


def kat_fingerprint():
    fp = keys.fingerprint("alice", X_PK, ED_PK)
    assert fp == FP_ALICE, fp
    assert keys.fingerprints_equal(fp, fp.replace(" ", ""))
    assert keys.fingerprints_equal(fp, "\n" + fp.replace(" ", "\t") + " ")
    assert not keys.fingerprints_equal(fp, fp[:-1] + "5")
    assert not keys.fingerprints_equal(fp, fp + "0")
    assert not keys.fingerprints_equal(fp[:-1], fp[:-1])  # 59 digits on both sides
    assert not keys.fingerprints_equal(fp.replace("4", "\u0664"), fp.replace("4", "\u0664"))  # non-ASCII digits
    assert keys.fingerprint("bob", X_PK, ED_PK) != fp


def kdf_bounds():
    salt = bytes(16)
    for params in [(65535, 3, 1), (1048577, 3, 1), (65536, 2, 1), (65536, 11, 1), (65536, 3, 0), (65536, 3, 5)]:
        expect_error(lambda: keys.derive_account_keys("pw", salt, params), EnvelopeFormatError,
                     "kdf_params_out_of_range")
    expect_error(lambda: keys.derive_account_keys("pw", bytes(15)), EnvelopeFormatError, "bad_argument")
    expect_error(lambda: keys.derive_account_keys("", salt), EnvelopeFormatError, "bad_argument")


def key_bundle_roundtrip():
    acct = keys.derive_account_keys("Café correct horse", H("000102030405060708090a0b0c0d0e0f"))
    xs, es = os.urandom(32), os.urandom(32)
    env = keys.seal_key_bundle(acct.master_key, "alice", xs, es)
    h = parse(env)
    assert (h.mode, h.content_type, h.key_epoch, h.signed) == (0, 4, 0, False)
    assert h.kid == keys.kid_for_symmetric_key(acct.master_key)
    b = keys.open_key_bundle(env, acct.master_key, "alice")
    assert (b.x25519_private, b.ed25519_seed) == (xs, es)
    assert b.x25519_public == x25519_public(xs) and b.ed25519_public == ed25519_public(es)
    expect_error(lambda: keys.open_key_bundle(env, os.urandom(32), "alice"), KeyNotFoundError)
    expect_error(lambda: keys.open_key_bundle(env, acct.master_key, "bob"), DecryptionError)
    mk = acct.master_key
    kid = keys.kid_for_symmetric_key(mk)
    for bad_pt, code in [(b"\x01" + bytes(63), "bad_length"), (b"\x02" + bytes(64), "unsupported_version")]:
        e = seal_envelope(bad_pt, keys.key_bundle_context("alice"), "key-bundle", direct_key=(kid, 0, mk))
        expect_error(lambda: keys.open_key_bundle(e, mk, "alice"), EnvelopeFormatError, code)
    return "self-consistency only (no golden key-bundle vector)"


def key_grant_roundtrip():
    vault_id, epoch, vkey = os.urandom(16), 7, os.urandom(32)
    r1, r2, other = os.urandom(32), os.urandom(32), os.urandom(32)
    g_seed, g2_seed = os.urandom(32), os.urandom(32)
    rk = lambda sk: (keys.kid_for_public_key("x25519", x25519_public(sk)), x25519_public(sk))  # noqa: E731
    gk = keys.kid_for_public_key("ed25519", ed25519_public(g_seed))
    trusted = {gk: ed25519_public(g_seed)}
    env = keys.seal_key_grant(vkey, vault_id, epoch, [rk(r1), rk(r2)], g_seed)
    h = parse(env)
    assert (h.mode, h.content_type, h.key_epoch, h.signed, len(h.stanzas)) == (1, 3, epoch, True, 2)
    assert h.footer[:16] == gk
    for sk in (r1, r2):
        got = keys.open_key_grant(env, vault_id, epoch, rk(sk)[0], sk, trusted)
        assert got == (keys.kid_for_symmetric_key(vkey), epoch, vkey)
    expect_error(lambda: keys.open_key_grant(env, vault_id, epoch, rk(other)[0], other, trusted), KeyNotFoundError)
    expect_error(lambda: keys.open_key_grant(env, os.urandom(16), epoch, rk(r1)[0], r1, trusted), DecryptionError)
    expect_error(lambda: keys.open_key_grant(env, vault_id, epoch + 1, rk(r1)[0], r1, trusted), DecryptionError)
    g2 = keys.kid_for_public_key("ed25519", ed25519_public(g2_seed))
    expect_error(lambda: keys.open_key_grant(env, vault_id, epoch, rk(r1)[0], r1, {g2: ed25519_public(g2_seed)}),
                 DecryptionError)
    forged = env[:-1] + bytes([env[-1] ^ 1])
    expect_error(lambda: keys.open_key_grant(forged, vault_id, epoch, rk(r1)[0], r1, trusted), DecryptionError)
    unsigned = seal_envelope(vkey, keys.key_grant_context(vault_id, epoch), "key-grant",
                             recipients=[Recipient(x25519=rk(r1))], epoch=epoch)
    expect_error(lambda: keys.open_key_grant(unsigned, vault_id, epoch, rk(r1)[0], r1, trusted), DecryptionError)
    expect_error(lambda: keys.seal_key_grant(vkey, vault_id, epoch, [(os.urandom(16), rk(r1)[1])], g_seed),
                 EnvelopeFormatError, "bad_argument")
    return "self-consistency only (no golden key-grant vector with a real key-grant appContext)"


# ---------------------------------------------------------------- primitives
def hpke_rfc9180_a11():
    """RFC 9180 A.1.1 (AES-128-GCM): the only change from Coffer's suite is Nk and the aead id."""
    info = H("4f6465206f6e2061204772656369616e2055726e")
    sk_e = H("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736")
    pk_e = H("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431")
    sk_r = H("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8")
    pk_r = H("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d")
    ss = H("fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc")
    pt = H("4265617574792069732074727574682c20747275746820626561757479")
    aad = H("436f756e742d30")
    ct = H("f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a")
    assert x25519_public(sk_r) == pk_r and x25519_public(sk_e) == pk_e
    assert hpke.encap(pk_r, sk_e) == (ss, pk_e)
    assert hpke.decap(pk_e, sk_r) == ss
    assert hpke.key_schedule(ss, info, hpke.AEAD_AES_128_GCM) == (H("4531685d41d65f03dc48f6b8302c05b0"),
                                                                   H("56d890e5accaaf011cff4b7d"))
    assert hpke.seal(pk_r, info, aad, pt, hpke.AEAD_AES_128_GCM, sk_e) == (pk_e, ct)
    assert hpke.open_(pk_e, sk_r, info, aad, ct, hpke.AEAD_AES_128_GCM) == pt
    # Low-order recipient key refused when sealing; low-order enc refused when opening.
    for bad in (bytes(32), b"\x01" + bytes(31)):
        try:
            hpke.seal(bad, info, aad, pt)
            raise AssertionError("sealed to a low-order key")
        except LowOrderError:
            pass
        try:
            hpke.open_(bad, sk_r, info, aad, ct)
            raise AssertionError("opened a low-order enc")
        except LowOrderError:
            pass


def argon2_reference():
    from coffer_conformance.envelope import argon2id
    got = argon2id(b"password", b"somesalt", 65536, 2, 1)
    assert got.hex() == "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"


def x25519_case(t: dict):
    def run():
        pk, sk, shared = H(t["public"]), H(t["private"]), H(t["shared"])
        must_reject = shared == bytes(32) or t["result"] == "invalid"
        try:
            got = x25519(sk, pk)
        except (LowOrderError, ValueError):
            assert must_reject, "rejected a key with a non-zero shared secret"
            return "rejected"
        assert not must_reject, "accepted a zero shared secret"
        assert got == shared, "shared secret differs"
        return "ok"

    return run


def ed25519_case(pk: bytes, t: dict):
    def run():
        ok = ed25519_verify(pk, H(t["sig"]), H(t["msg"]))
        assert ok == (t["result"] == "valid"), f"verify returned {ok} for a {t['result']} case"

    return run


def padme_examples():
    for a, b in [(0, 0), (1, 1), (5, 5), (9, 10), (100, 104), (1000, 1024), (1025, 1088), (65537, 67584)]:
        assert record.padme(a) == b, (a, record.padme(a), b)
    enc = record.encode(record.Record("n", "t", 1, 2, bytes(16), b"x" * 300))
    p = record.pad(enc)
    assert record.unpad(p) == enc
    for bad in (p + b"\x00", p[:-1] + b"\x01", (len(p) - 3).to_bytes(4, "big") + p[4:], (len(enc) - 1).to_bytes(4, "big") + p[4:], b"\x00\x00"):
        expect_error(lambda: record.unpad(bad), EnvelopeFormatError, "bad_record")


def record_decoding_rules():
    base = record.Record("name", "note", 1, 2, bytes(16), b"", (bytes(16), 5))
    enc = record.encode(base)
    assert record.decode(enc) == base
    assert record.decode(enc + b"\x09\x00\x00\x00\x01z").name == "name"  # unknown tag skipped
    resealed = record.Record("name", "note", 1, 2, bytes(16), b"", (bytes(16), 5), 2**53 - 1)
    assert record.decode(record.encode(resealed)) == resealed  # sealedAt, tag 0x10
    bads = [
        b"\x02" + enc[1:],  # version
        enc[:-1],  # value runs past the end
        enc + b"\x09\x00\x00",  # field header runs past the end
        enc + b"\x07\x00\x00\x00\x00",  # tag not increasing
        enc + b"\x10\x00\x00\x00\x04\x00\x00\x00\x01",  # sealedAt not 8 bytes
        enc + b"\x10\x00\x00\x00\x08\x00\x20" + bytes(6),  # sealedAt above 2^53 - 1
        record.encode(record.Record("name", "note", 2**53, 2, bytes(16), b"")),
        record.Record.__name__ and b"\x01" + enc[1:].replace(b"name", b"n\xffme"),  # invalid UTF-8
        enc.replace(b"\x05\x00\x00\x00\x10" + bytes(16), b"\x05\x00\x00\x00\x0f" + bytes(15)),  # fixed length
        enc.replace(b"\x02\x00\x00\x00\x04note", b""),  # required field missing
    ]
    for b in bads:
        expect_error(lambda: record.decode(b), EnvelopeFormatError, "bad_record")


def armor_rules():
    env = bytes(range(40))
    a = armor.encode(env)
    assert armor.decode(a) == env
    for bad in ["", "cfr2." + a[5:], "CFR1." + a[5:], a + "=", a[:10] + "\n" + a[10:], a + " ", a[:-1] + "+",
                a[:-1] + "/", "cfr1.A", "cfr1.AAAAA"]:
        expect_error(lambda: armor.decode(bad), EnvelopeFormatError, "bad_armor")
    # non-zero trailing bits: 40 bytes -> 54 chars, last char carries 2 spare bits
    last = a[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    alt = alphabet[alphabet.index(last) ^ 1]
    expect_error(lambda: armor.decode(a[:-1] + alt), EnvelopeFormatError, "bad_armor")


def derive_record_id_props():
    k0 = os.urandom(32)
    a = record.derive_record_id(k0, unicodedata.normalize("NFD", "Café"))
    assert a == record.derive_record_id(k0, "Café") and len(a) == 16
    assert a != record.derive_record_id(os.urandom(32), "Café")
    return "no known answer in SPEC (self-consistency only)"


# ---------------------------------------------------------------- TypeScript CLI, black box
def cli_interop(size: int):
    import subprocess
    import tempfile

    cli = REPO / "apps/cli/dist/coffer.js"
    pw = "Caf\u00e9 interop"  # NFC here; the reader below is handed the NFD form

    def run():
        with tempfile.TemporaryDirectory() as tmp:
            t = Path(tmp)
            env = dict(os.environ, COFFER_HOME=str(t / "home"), COFFER_PASSPHRASE=pw)
            data = os.urandom(size)
            (t / "in.bin").write_bytes(data)

            def coffer(*args):
                return subprocess.run(["node", str(cli), *args], env=env, capture_output=True, text=True)

            r = coffer("encrypt", "-p", str(t / "in.bin"), str(t / "ts.cfr"))
            assert r.returncode == 0, f"coffer encrypt failed: {r.stderr}"
            ts_env = (t / "ts.cfr").read_bytes()
            creds = Credentials(passphrase=unicodedata.normalize("NFD", pw))
            opened = open_envelope(ts_env, record.file_context(), creds, expect_content_type="blob")
            assert opened.plaintext == data, "TS-sealed file opened to other bytes"
            h = opened.header
            assert (h.mode, h.signed, len(h.stanzas), h.stanzas[0].type) == (1, False, 1, 3)

            py_env = seal_envelope(data, record.file_context(), "blob",
                                   recipients=[Recipient(passphrase=(pw, (65536, 3, 1)))])
            (t / "py.cfr").write_bytes(py_env)
            r = coffer("decrypt", str(t / "py.cfr"), str(t / "py.out"))
            assert r.returncode == 0, f"coffer decrypt of a Python envelope failed: {r.stderr}"
            assert (t / "py.out").read_bytes() == data, "coffer decrypt gave other bytes"

            bad = bytearray(py_env)
            bad[-1] ^= 1
            (t / "bad.cfr").write_bytes(bytes(bad))
            r = coffer("decrypt", str(t / "bad.cfr"), str(t / "bad.out"))
            assert r.returncode != 0 and not (t / "bad.out").exists(), "tampered envelope decrypted"
        return f"{size} bytes both ways"

    return run


# ---------------------------------------------------------------- rules the vectors leave to the SPEC text
GOLDEN_CASES = json.loads(GOLDEN.read_text())


def _golden(name: str) -> dict:
    return next(c for c in GOLDEN_CASES if c["name"] == name)


def header_bit_flips():
    """SPEC 4: changing any header byte makes opening fail (here: every bit of a DIRECT header)."""
    c = _golden("direct record, empty plaintext")
    env = armor.decode(c["envelope"])
    n = 0
    for bit in range(30 * 8):
        bad = bytearray(env)
        bad[bit // 8] ^= 1 << (bit % 8)
        try:
            open_envelope(bytes(bad), H(c["context"]), golden_creds(c))
        except CofferError:
            n += 1
            continue
        raise AssertionError(f"header bit {bit} flipped and the envelope still opened")
    return f"{n} flips rejected"


def stanza_bounds_before_count():
    """SPEC 7.1 steps 5 then 6: PASSPHRASE bounds are checked before 'PASSPHRASE not alone'."""
    fixed = H("434652" "01" "0001" "01" "00" "02" "00000000") + bytes(16) + b"\x02"
    pas = b"\x03\x00\x16" + bytes(16) + (65536).to_bytes(4, "big") + b"\x02\x01" + b"\x00\x68" + bytes(104)
    sym = b"\x01\x00\x10" + bytes(16) + b"\x00\x68" + bytes(104)
    env = fixed + pas + sym + bytes(72)
    return expect_error(lambda: parse(env), EnvelopeFormatError, "kdf_params_out_of_range")


def caller_checks_before_key():
    """SPEC 7 steps 2 then 3: not_signed and unexpected_content_type come before the key lookup."""
    c = _golden("direct record, empty plaintext")
    env = armor.decode(c["envelope"])
    nothing = Credentials(require_signature=True)
    expect_error(lambda: open_envelope(env, b"", nothing), EnvelopeFormatError, "not_signed")
    expect_error(lambda: open_envelope(env, b"", nothing, expect_content_type="blob"), EnvelopeFormatError,
                 "unexpected_content_type")


def signed_without_policy():
    """SPEC 7, last paragraph: footer not checked, signed: true, no verified signer."""
    c = _golden("direct vault-head, SIGNED, epoch 0xffffffff")
    env = bytearray(armor.decode(c["envelope"]))
    env[-1] ^= 1  # a broken signature is not looked at without a policy
    creds = golden_creds(c)
    creds.trusted_signers, creds.require_signature = None, False
    o = open_envelope(bytes(env), H(c["context"]), creds)
    assert o.signed and o.verified_signer is None and o.plaintext == H(c["plaintext"])


def low_order_enc():
    """SPEC 14.3: a low-order enc fails like any other authentication failure."""
    c = _golden("wrapped key-grant, two X25519 stanzas, SIGNED, opened by the second recipient")
    env = bytearray(armor.decode(c["envelope"]))
    h = parse(bytes(env))
    off = 30
    for st in h.stanzas:
        if st.type == 2 and st.args in golden_creds(c).x25519:
            env[off + 3 + 16 + 2:off + 3 + 16 + 2 + 32] = bytes(32)
        off += 3 + len(st.args) + 2 + len(st.body)
    return expect_error(lambda: open_envelope(bytes(env), H(c["context"]), golden_creds(c)), DecryptionError)


def passphrase_nfc():
    """SPEC 5: a text passphrase is NFC-normalised before Argon2id (composed and decomposed forms agree)."""
    pw = "Cafe\u0301 au lait"  # decomposed
    env = seal_envelope(b"x", b"", "blob", recipients=[Recipient(passphrase=(pw, (65536, 3, 1)))])
    o = open_envelope(env, b"", Credentials(passphrase=unicodedata.normalize("NFC", pw)))
    assert o.plaintext == b"x"


def armor_standard_alphabet():
    env = b"\xfb\xef\xbe" * 3  # encodes as twelve '-' characters
    a = armor.encode(env)
    assert a == "cfr1." + "-" * 12
    for bad in ("cfr1.+" + "-" * 11, "cfr1." + "-" * 11 + "/"):
        expect_error(lambda: armor.decode(bad), EnvelopeFormatError, "bad_armor")


def record_tag_order():
    fields = [(2, b"note"), (1, b"name"), (3, bytes(8)), (4, bytes(8)), (5, bytes(16)), (6, b"")]
    enc = b"\x01" + b"".join(bytes([t]) + len(v).to_bytes(4, "big") + v for t, v in fields)
    return expect_error(lambda: record.decode(enc), EnvelopeFormatError, "bad_record")


def main() -> int:
    if INTEROP_ONLY:
        interop()
        return summary()
    golden = GOLDEN_CASES
    for i, c in enumerate(golden):
        check("golden", f"#{i} {c['name']}", golden_case(c))
    for i, c in enumerate(golden):
        if c["result"] == "valid":
            check("golden-reseal", f"#{i} {c['name']}", golden_reseal(c))

    import rules_vectors

    for group, name, fn in rules_vectors.checks(RULES, golden_creds):
        check(group, name, fn)

    if GOLDEN_ONLY:
        return summary()

    cob = json.loads((WYCHEPROOF / "c2sp_chunked_encryption_aes_256_gcm_test.json").read_text())
    for g in cob["testGroups"]:
        for t in g["tests"]:
            check("cobblestone-256", f"tc{t['tcId']} {t['comment']}", cobble_case(t))
            if len(H(t["key"])) != 32:
                continue
            big = t.get("msgLength", 0) > 1_000_000
            for piece in ([16400] if QUICK and big else [1, 16400, 16401, 50000] if not big else [16400, 65536]):
                if piece == 1 and len(t["ct"]) > 200_000:
                    continue
                check("cobblestone-256-stream", f"tc{t['tcId']} pieces of {piece}", cobble_stream_case(t, piece))

    check("keys", "account keys KAT (NFC passphrase)", kat_account("NFC"))
    check("keys", "account keys KAT (NFD passphrase)", kat_account("NFD"))
    check("keys", "kid KATs", kat_kids)
    check("keys", "fingerprint KAT and fingerprintsEqual", kat_fingerprint)
    check("keys", "Argon2id parameter bounds and bad arguments", kdf_bounds)
    check("keys", "key bundle seal/open and its errors", key_bundle_roundtrip)
    check("keys", "key grant seal/open and its errors", key_grant_roundtrip)
    check("record", "PADME examples and unpad rules", padme_examples)
    check("record", "record decoding rules", record_decoding_rules)
    check("record", "derived record ids", derive_record_id_props)
    check("armor", "armor rules", armor_rules)
    check("spec-text", "every header bit flip of a DIRECT envelope is rejected", header_bit_flips)
    check("spec-text", "PASSPHRASE bounds checked before 'not alone'", stanza_bounds_before_count)
    check("spec-text", "caller expectations checked before the key lookup", caller_checks_before_key)
    check("spec-text", "SIGNED envelope without a signature policy", signed_without_policy)
    check("spec-text", "low-order enc in an X25519 stanza", low_order_enc)
    check("spec-text", "record tags out of order", record_tag_order)
    check("spec-text", "PASSPHRASE stanza: NFC and NFD passphrases agree", passphrase_nfc)
    check("spec-text", "armor refuses the standard base64 alphabet", armor_standard_alphabet)
    check("primitives", "HPKE RFC 9180 A.1.1", hpke_rfc9180_a11)
    check("primitives", "Argon2id reference value", argon2_reference)

    interop()

    xv = json.loads((WYCHEPROOF / "x25519_test.json").read_text())
    for g in xv["testGroups"]:
        for t in g["tests"]:
            check("wycheproof-x25519", f"tc{t['tcId']} {t['comment']}", x25519_case(t))
    ev = json.loads((WYCHEPROOF / "ed25519_test.json").read_text())
    for g in ev["testGroups"]:
        pk = H(g["publicKey"]["pk"])
        for t in g["tests"]:
            check("wycheproof-ed25519", f"tc{t['tcId']} {t['comment']}", ed25519_case(pk, t))

    return summary()


def interop() -> None:
    """Black-box checks against the built TypeScript CLI and server (--cli, --server)."""
    if CLI:
        for size in (0, 16384, 40000):
            check("cli-interop", f"coffer encrypt/decrypt, {size} bytes", cli_interop(size))

    if SERVER:
        import server_interop

        try:
            with server_interop.Fixture(REPO) as fx:
                for name, fn in server_interop.checks(fx):
                    check("server-interop", name, fn)
        except RuntimeError as e:
            check("server-interop", "start the TypeScript server and CLI", lambda: (_ for _ in ()).throw(e))


def summary() -> int:
    groups: dict[str, list[int]] = {}
    for g, _, ok, _ in results:
        groups.setdefault(g, [0, 0])[0 if ok else 1] += 1
    for g, (p, f) in groups.items():
        print(f"  {g:24s} {p:4d} passed, {f} failed")
    passed = sum(1 for r in results if r[2])
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

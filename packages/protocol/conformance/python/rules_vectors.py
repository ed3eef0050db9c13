"""Checks of packages/protocol/vectors/rules-v1.json (SPEC.md 13, "Rule vectors")
with the reader in coffer_conformance/, written from SPEC.md. Each function
returns a list of (group, name, check) for run.py."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from coffer_conformance import armor, cobblestone, hpke, keys, record
from coffer_conformance.envelope import Credentials, body_context, open_envelope, parse, wrap_context
from coffer_conformance.primitives import ed25519_public
from expectations import ERRORS, expect_error

H = bytes.fromhex
Check = tuple[str, str, Callable[[], object]]


def expect_case_error(fn, c: dict) -> str:
    return expect_error(fn, ERRORS[c["error"]], c.get("code"))


# ---------------------------------------------------------------- SPEC 6
def armor_case(c: dict):
    def run():
        if c["result"] == "valid":
            assert armor.decode(c["armor"]) == H(c["bytes"]), "decoded bytes differ"
            assert armor.encode(H(c["bytes"])) == c["armor"], "encoding is not the vector's text"
            return "valid"
        return expect_case_error(lambda: armor.decode(c["armor"]), c)
    return run


# ---------------------------------------------------------------- SPEC 5, 7, 14.3
def envelope_case(c: dict, golden_creds):
    def run():
        creds = golden_creds(c)
        ctx = H(c["context"])
        env = armor.decode(c["envelope"])
        if c["result"] == "invalid":
            out = expect_case_error(
                lambda: open_envelope(env, ctx, creds, expect_content_type=c.get("expectContentType")), c)
            if c["group"] == "low-order-enc":
                naive_open_low_order(env, H(c["x25519Keys"][0]["publicKey"]), ctx)
                out += " (and a reader without the 14.3 checks would have opened it)"
            return out
        if c["group"] == "passphrase-nfc":
            assert unicodedata.normalize("NFC", c["passphrase"]) != c["passphrase"], "passphrase is NFC already"
        opened = open_envelope(env, ctx, creds, expect_content_type=c.get("expectContentType"))
        assert opened.plaintext == H(c["plaintext"]), "plaintext differs"
        h = opened.header
        assert (h.key_epoch, h.signed, {0: "direct", 1: "wrapped"}[h.mode]) == (c["epoch"], c["signed"], c["mode"])
        want_signer = H(c["signerKid"]) if "signerKid" in c else None
        assert opened.verified_signer == want_signer, "verified signer"
        return "valid"
    return run


def naive_open_low_order(env: bytes, pk_r: bytes, ctx: bytes) -> None:
    """HPKE with the DH output taken as all zero (what X25519 gives for a low-order enc
    when nothing refuses it): the vector must then open, so it is a real forgery."""
    h = parse(env)
    st = h.stanzas[0]
    enc, ct = st.body[:32], st.body[32:]
    shared = hpke._shared_secret(bytes(32), enc, pk_r)
    key, nonce = hpke.key_schedule(shared, b"coffer/v1/hpke", hpke.AEAD_AES_256_GCM)
    dek = AESGCM(key).decrypt(nonce, ct, wrap_context(h.fixed, st.type, st.args))
    cobblestone.open_(dek, body_context(h.raw, ctx), h.body)


# ---------------------------------------------------------------- SPEC 10
def record_case(c: dict):
    def run():
        env = armor.decode(c["envelope"])
        vault_id, record_id = H(c["vaultId"]), H(c["recordId"])
        k = c["key"]
        creds = Credentials(keyring={(H(k["kid"]), k["epoch"]): H(k["key"])})
        if "trustedSigners" in c:
            creds.trusted_signers = {H(s["kid"]): H(s["publicKey"]) for s in c["trustedSigners"]}
        # The envelope is sound; only its plaintext is (or is not) a record.
        sound = open_envelope(env, record.record_context(vault_id, record_id), creds, expect_content_type="record")
        assert sound.plaintext == H(c["plaintext"]), "padded plaintext differs"
        if c["result"] == "invalid":
            return expect_case_error(lambda: record.open_record(env, vault_id, record_id, creds), c)
        rec = record.open_record(env, vault_id, record_id, creds)
        r = c["record"]
        blob = (H(r["blob"]["blobId"]), r["blob"]["size"]) if "blob" in r else None
        want = record.Record(r["name"], r["type"], r["createdAt"], r["updatedAt"], H(r["authorKid"]),
                             H(r["content"]), blob)
        assert rec == want, f"record differs: {rec} != {want}"
        if "signerKid" in c:
            assert sound.verified_signer == H(c["signerKid"]), "verified signer"
        return "valid"
    return run


def record_id_case(c: dict):
    def run():
        vk = H(c["vaultKey"])
        assert record.vault_name_key(vk) == H(c["vaultNameKey"]), "vaultNameKey differs"
        for x in c["ids"]:
            got = record.derive_record_id(vk, x["name"])
            assert got == H(x["recordId"]), f"recordId of {x['name']!r}: {got.hex()} != {x['recordId']}"
        return f"{len(c['ids'])} names"
    return run


# ---------------------------------------------------------------- SPEC 14.8, 14.9
def key_bundle_case(c: dict):
    def run():
        env, mk = armor.decode(c["envelope"]), H(c["masterKey"])
        assert keys.kid_for_symmetric_key(mk) == H(c["kid"]), "kid of the master key"
        if c["result"] == "invalid":
            return expect_case_error(lambda: keys.open_key_bundle(env, mk, c["username"]), c)
        b = keys.open_key_bundle(env, mk, c["username"])
        got = (b.x25519_private, b.x25519_public, b.ed25519_seed, b.ed25519_public)
        assert got == tuple(H(c[f]) for f in ("x25519PrivateKey", "x25519PublicKey", "ed25519Seed",
                                              "ed25519PublicKey")), "key pairs differ"
        again = keys.seal_key_bundle(mk, c["username"], b.x25519_private, b.ed25519_seed, body_salt=H(c["bodySalt"]))
        assert again == env, "this writer, given the body salt, wrote other bytes"
        return "valid, re-sealed byte for byte"
    return run


def key_grant_case(c: dict):
    def run():
        env = armor.decode(c["envelope"])
        rcp = c["recipient"]
        assert keys.kid_for_public_key("x25519", H(rcp["x25519PublicKey"])) == H(rcp["kid"]), "recipient kid"
        trusted = {H(g["kid"]): H(g["ed25519PublicKey"]) for g in c["trustedGranters"]}

        def do_open():
            return keys.open_key_grant(env, H(c["vaultId"]), c["epoch"], H(rcp["kid"]), H(rcp["x25519PrivateKey"]),
                                       trusted)

        if c["result"] == "invalid":
            return expect_case_error(do_open, c)
        kid, epoch, key = do_open()
        vk = c["vaultKey"]
        assert (kid.hex(), epoch, key.hex()) == (vk["kid"], vk["epoch"], vk["key"]), "vault key differs"
        w = c.get("writer")
        if not w:
            return "valid"
        g = w["granter"]
        assert ed25519_public(H(g["ed25519Seed"])) == H(g["ed25519PublicKey"])
        assert keys.kid_for_public_key("ed25519", H(g["ed25519PublicKey"])) == H(g["kid"]), "granter kid"
        assert len(w["ephemeralPrivateKeys"]) == len(w["recipients"])
        again = keys.seal_key_grant(key, H(c["vaultId"]), epoch,
                                    [(H(r["kid"]), H(r["x25519PublicKey"])) for r in w["recipients"]],
                                    H(g["ed25519Seed"]), H(g["kid"]), dek=H(w["dek"]),
                                    ephemeral=[H(k) for k in w["ephemeralPrivateKeys"]], body_salt=H(w["bodySalt"]))
        assert again == env, "this writer, given the vector's randomness, wrote other bytes"
        return "valid, re-sealed byte for byte"
    return run


# ---------------------------------------------------------------- SPEC 14.6
def fingerprint_case(c: dict):
    def run():
        fp = keys.fingerprint(c["accountId"], H(c["x25519PublicKey"]), H(c["ed25519PublicKey"]))
        assert fp == c["fingerprint"], f"fingerprint {fp} != {c['fingerprint']}"
        for x in c["comparisons"]:
            assert keys.fingerprints_equal(x["a"], x["b"]) == x["equal"], f"fingerprintsEqual: {x['name']}"
        return f"{len(c['comparisons'])} comparisons"
    return run


def checks(path: Path, golden_creds) -> list[Check]:
    v = json.loads(path.read_text())
    out: list[Check] = []
    out += [("rules-armor", f"{c['result']}: {c['name']}", armor_case(c)) for c in v["armor"]]
    out += [(f"rules-{c['group']}", f"{c['result']}: {c['name']}", envelope_case(c, golden_creds))
            for c in v["envelopes"]]
    out += [("rules-record", f"{c['result']}: {c['name']}", record_case(c)) for c in v["records"]]
    out += [("rules-key-bundle", f"{c['result']}: {c['name']}", key_bundle_case(c)) for c in v["keyBundles"]]
    out += [("rules-key-grant", f"{c['result']}: {c['name']}", key_grant_case(c)) for c in v["keyGrants"]]
    out += [("rules-record-id", c["name"], record_id_case(c)) for c in v["recordIds"]]
    out += [("rules-fingerprint", c["name"], fingerprint_case(c)) for c in v["fingerprints"]]
    return out

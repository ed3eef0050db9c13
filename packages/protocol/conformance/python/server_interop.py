"""Opt-in black-box interop with the TypeScript server and CLI (run.py --server).

Starts apps/server/dist/coffer-server.js on a free loopback port (plain HTTP,
which the CLI allows on loopback) with a temporary data directory, lets the
TypeScript CLI sign up, create a vault and store a record, then reads the
server's SQLite file and opens everything with this reader: account keys
(14.4), key bundle (14.8), fingerprint (14.6), key grant (14.9), records (10)
and derived record ids (10.4). Nothing of the TypeScript source is read; the
SQLite columns are read as stored data.

Three of these checks first found the TypeScript and SPEC.md disagreeing
(the key bundle binds the username, fingerprints the server's hex account
id, a vault's first key has epoch 1); SPEC.md 14.1, 14.6 and 14.7 now say
what the shipped clients do, and the checks hold both to it.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from coffer_conformance import envelope, keys, record

PASSPHRASE = "Caf\u00e9 correct horse"
RECORD_NAME = "Groceries \u2713"


class Fixture:
    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Fixture":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = open(self.dir / "server.log", "w")
        self.proc = subprocess.Popen(
            ["node", str(self.repo / "apps/server/dist/coffer-server.js"), "--data-dir", str(self.dir / "data"),
             "--port", str(port), "--insecure-http", "--log-level", "warn"], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while "listening" not in (self.dir / "server.log").read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("coffer-server did not start: " + (self.dir / "server.log").read_text())
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, COFFER_HOME=str(self.dir / "alice"), COFFER_PASSPHRASE=PASSPHRASE)
        cli = str(self.repo / "apps/cli/dist/coffer.js")
        self.file_data = os.urandom(2 * 1024 * 1024 + 5)
        (self.dir / "big.bin").write_bytes(self.file_data)
        for args in (["signup", "--server", self.url, "--username", "alice"], ["vault", "create", "projects"],
                     ["put", "projects", RECORD_NAME, "milk, eggs"],
                     ["put", "projects", "big.bin", "--file", str(self.dir / "big.bin")], ["sync"]):
            r = subprocess.run(["node", cli, *args], env=env, capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"coffer {args[0]} failed: {r.stderr}")
            if args[0] == "signup":
                self.signup_output = r.stdout
        self.db = sqlite3.connect(f"file:{self.dir / 'data/coffer.sqlite3'}?mode=ro", uri=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.tmp.cleanup()


def checks(fx: Fixture):
    """Yields (name, function) pairs; run.py runs them in order."""
    db = fx.db
    aid, user, lpk, salt, m, t, p, bundle, xpk, epk = db.execute(
        "select account_id, username, login_public_key, kdf_salt, kdf_memory_kib, kdf_iterations, "
        "kdf_parallelism, key_bundle, x25519_public_key, ed25519_public_key from accounts").fetchone()
    state: dict = {}

    def account_keys():
        acct = keys.derive_account_keys(PASSPHRASE, salt, (m, t, p))
        assert acct.login_public_key == lpk, "login public key differs"
        assert (m, t, p) == keys.DEFAULT_KDF_PARAMS
        state["acct"] = acct

    def bundle_kid():
        h = envelope.parse(bundle)
        assert (h.mode, h.content_type, h.key_epoch, h.signed) == (0, 4, 0, False)
        assert h.kid == keys.kid_for_symmetric_key(state["acct"].master_key)

    def bundle_account_id():
        mk = state["acct"].master_key
        try:
            keys.open_key_bundle(bundle, mk, aid.hex())
            raise AssertionError("the bundle opened with the server-assigned id: SPEC 14.1 says the username")
        except keys.DecryptionError:
            pass
        b = keys.open_key_bundle(bundle, mk, user)
        assert b.x25519_public == xpk and b.ed25519_public == epk
        state["bundle"] = b
        return "appContext uses the username, not the server-assigned account id"

    def fingerprint_account_id():
        printed = next(line for line in fx.signup_output.splitlines() if "fingerprint" in line).split(":")[1].strip()
        assert keys.fingerprint(aid.hex(), xpk, epk) == printed
        assert keys.fingerprint(user, xpk, epk) != printed
        return "fingerprint uses the lower-case hex of the 16-byte server account id"

    def key_grant():
        b = state["bundle"]
        gkid = keys.kid_for_public_key("ed25519", epk)
        vkeys = {}
        for vid, ep, env in db.execute("select vault_id, epoch, envelope from key_grants"):
            k = keys.open_key_grant(env, vid, ep, keys.kid_for_public_key("x25519", xpk), b.x25519_private,
                                    {gkid: epk})
            vkeys[(vid, ep)] = k
        assert vkeys
        state["vkeys"] = vkeys

    def first_epoch():
        epochs = sorted(ep for (_, ep) in state["vkeys"])
        assert epochs[0] == 1, epochs
        return "the first vault key has epoch 1 (SPEC 14.7)"

    def records():
        vkeys = state["vkeys"]
        creds = envelope.Credentials(keyring={(k[0], k[1]): k[2] for k in vkeys.values()})
        names = []
        for vid, rid, env in db.execute("select vault_id, record_id, envelope from records where envelope is not null"):
            r = record.open_record(env, vid, rid, creds)
            assert r.author_kid == keys.kid_for_public_key("ed25519", epk)
            first = min(ep for (v, ep) in vkeys if v == vid)
            assert record.derive_record_id(vkeys[(vid, first)][2], r.name) == rid, "derived record id"
            names.append(r.name)
        assert RECORD_NAME in names, names
        return f"opened {len(names)} records, ids derived from the first epoch's key"

    def blob():
        vkeys = state["vkeys"]
        creds = envelope.Credentials(keyring={(k[0], k[1]): k[2] for k in vkeys.values()})
        for vid, rid, env in db.execute("select vault_id, record_id, envelope from records where envelope is not null"):
            r = record.open_record(env, vid, rid, creds)
            if r.name != "big.bin":
                continue
            assert r.blob is not None, "a --file value has no blob field"
            blob_id, size = r.blob
            data = b"".join(row[0] for row in db.execute(
                "select data from blob_chunks where blob_id = ? order by offset", (blob_id,)))
            h = envelope.parse(data)
            o = envelope.open_envelope(data, record.blob_context(vid, blob_id), creds, expect_content_type="blob")
            assert o.plaintext == fx.file_data and size == len(fx.file_data)
            return f"blob envelope {'DIRECT' if h.mode == 0 else 'WRAPPED'}, signed={h.signed}, {len(data)} bytes"
        raise AssertionError("no record big.bin")

    yield "account keys (14.4) from the server's salt and parameters", account_keys
    yield "key bundle header and kid (14.8)", bundle_kid
    yield "key-bundle accountId is the username (14.1, 14.8)", bundle_account_id
    yield "fingerprint accountId is the hex server account id (14.1, 14.6)", fingerprint_account_id
    yield "key grant opened by the 14.9 rules (derived kids, signature, epoch)", key_grant
    yield "a vault's first key has epoch 1 (14.7, 10.4)", first_epoch
    yield "record envelopes (10.3) and derived record ids (10.4)", records
    yield "blob record (10.1 blob field) and its blob envelope (9, 11)", blob

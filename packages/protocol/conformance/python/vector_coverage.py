#!/usr/bin/env python3
"""Which SPEC.md rules do the frozen vectors actually pin?

Each variant below is this reader with one rule of SPEC.md read differently
(or left out). The golden vectors (envelope-v1.json) and the rule vectors
(rules-v1.json) are run against every variant: a variant that still passes
all of them is a rule that only the SPEC text, not a vector, decides. Informative (exit code 0 either way); run:

    python3 packages/protocol/conformance/python/vector_coverage.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
PKG = HERE / "coffer_conformance"

# (section, what the variant does, [(file, old, new)])
VARIANTS = [
    ("5", "X25519 stanzas: try every private key, ignoring the stanza kid",
     [("envelope.py", "elif st.type == ST_X25519 and st.args in creds.x25519:",
       "elif st.type == ST_X25519 and creds.x25519:"),
      ("envelope.py", "dek = hpke.open_(st.body[:32], creds.x25519[st.args], HPKE_INFO, wctx, st.body[32:])",
       "dek = next(iter(creds.x25519.values())) and _try_all(st, creds, wctx)"),
      ("envelope.py", "def _unwrap(", "def _try_all(st, creds, wctx):\n    for sk in creds.x25519.values():\n"
       "        try:\n            return hpke.open_(st.body[:32], sk, HPKE_INFO, wctx, st.body[32:])\n"
       "        except Exception:\n            pass\n    raise DecryptionError()\n\n\ndef _unwrap(")]),
    ("7.1.5", "truncated is checked before header_too_large",
     [("envelope.py", """        if end > MAX_HEADER:
            raise EnvelopeFormatError("header_too_large")
        if end > len(data):
            raise EnvelopeFormatError("truncated")""", """        if end > len(data):
            raise EnvelopeFormatError("truncated")
        if end > MAX_HEADER:
            raise EnvelopeFormatError("header_too_large")""")]),
    ("7.1.5", "a known stanza type's lengths are checked as soon as argsLen is read",
     [("envelope.py", "        args = take(args_len)\n",
       "        if st_type in KNOWN_STANZAS and args_len != KNOWN_STANZAS[st_type][0]:\n"
       "            raise EnvelopeFormatError('bad_stanza')\n        args = take(args_len)\n")]),
    ("7.1.6", "PASSPHRASE-not-alone is checked before the Argon2id bounds",
     [("envelope.py", "        if st_type == ST_PASSPHRASE:\n            check_kdf_params",
       "        if st_type == ST_PASSPHRASE and count != 1:\n            raise EnvelopeFormatError('bad_stanza')\n"
       "        if st_type == ST_PASSPHRASE:\n            check_kdf_params")]),
    ("7.3", "DIRECT: the keyring is looked up by kid only (epoch ignored)",
     [("envelope.py", "key = creds.keyring.get((header.kid, header.key_epoch))",
       "key = next((v for (k, e), v in creds.keyring.items() if k == header.kid), None)")]),
    ("4", "bodyContext covers the fixed header only, not the stanzas",
     [("envelope.py", "body_context(header.raw, app_context)", "body_context(header.fixed, app_context)")]),
    ("4", "wrapContext leaves out the stanza args",
     [("envelope.py", 'return b"coffer/v1/wrap\\x00" + fixed_header + bytes([st_type]) + args',
       'return b"coffer/v1/wrap\\x00" + fixed_header + bytes([st_type])')]),
    ("6", "armor: non-zero trailing bits accepted",
     [("armor.py", "    if encode(data) != text:\n", "    if False:\n")]),
    ("6", "armor: '+' and '/' accepted as well",
     [("armor.py", r'_ALPHABET = re.compile(r"\A[A-Za-z0-9_-]*\Z")', r'_ALPHABET = re.compile(r"\A[A-Za-z0-9_+/-]*\Z")'),
      ("armor.py", "    body = text[len(PREFIX):]\n",
       '    text = text.replace("+", "-").replace("/", "_")\n    body = text[len(PREFIX):]\n')]),
    ("5", "Argon2id parallelism bounds not checked",
     [("envelope.py", "and KDF_PARALLELISM[0] <= parallelism <= KDF_PARALLELISM[1]", "")]),
    ("5", "Argon2id memory ceiling not checked",
     [("envelope.py", "KDF_MEMORY[0] <= memory_kib <= KDF_MEMORY[1]", "KDF_MEMORY[0] <= memory_kib")]),
    ("5", "Argon2id iterations floor not checked",
     [("envelope.py", "KDF_ITERATIONS[0] <= iterations <= KDF_ITERATIONS[1]", "iterations <= KDF_ITERATIONS[1]")]),
    ("5", "passphrase not NFC-normalised",
     [("envelope.py", 'return unicodedata.normalize("NFC", passphrase).encode("utf-8")',
       'return passphrase.encode("utf-8")')]),
    ("5", "unknown stanza types rejected instead of skipped",
     [("envelope.py", "        stanzas.append(Stanza(st_type, args, body))",
       "        if st_type not in KNOWN_STANZAS:\n            raise EnvelopeFormatError('bad_stanza')\n"
       "        stanzas.append(Stanza(st_type, args, body))")]),
    ("7.1.4", "WRAPPED with a non-zero kid accepted",
     [("envelope.py", "        if kid != bytes(16):\n            raise", "        if False:\n            raise")]),
    ("7.1.7", "a bad chunk sequence is reported as DecryptionError, not bad_length",
     [("cobblestone.py", '        raise EnvelopeFormatError("bad_length")', "        raise DecryptionError()")]),
    ("7.2", "untrusted signer is DecryptionError, not KeyNotFoundError",
     [("envelope.py", 'raise KeyNotFoundError("signer not trusted")', "raise DecryptionError()")]),
    ("7.2", "not_signed checked after the key is found (ordering)",
     [("envelope.py", "    if creds.require_signature and not header.signed:\n        raise EnvelopeFormatError(\"not_signed\")\n", ""),
      ("envelope.py", "    # Steps 4-5.\n", "    if creds.require_signature and not header.signed:\n"
       "        raise EnvelopeFormatError(\"not_signed\")\n    # Steps 4-5.\n")]),
    ("7.6", "footer never verified",
     [("envelope.py", "        if not ed25519_verify(signer_pk, header.footer[16:], signed_message(header.raw, header.body)):",
       "        if False:")]),
    ("3.3", "signature over header || body itself, not its SHA-512",
     [("envelope.py", "return SIG_LABEL + sha512(header + body).digest()", "return SIG_LABEL + header + body")]),
    ("7", "a SIGNED envelope opened without a signature policy reports a verified signer anyway",
     [("envelope.py", "return Opened(plaintext, header, header.signed, signer_kid if verifying else None)",
       "return Opened(plaintext, header, header.signed, signer_kid)")]),
    ("7.3", "an X25519 stanza with a low-order enc escapes as a non-Coffer error",
     [("envelope.py", "except (DecryptionError, InvalidTag, LowOrderError):", "except (DecryptionError, InvalidTag):"),
      ("primitives.py", "class LowOrderError(ValueError):", "class LowOrderError(Exception):")]),
    ("14.3", "X25519 small-order public keys not refused",
     [("primitives.py", "    if is_small_order(public_key):\n", "    if False:\n")]),
    ("10.1", "record tags need not be strictly increasing",
     [("record.py", "        if tag <= last:\n            raise bad()\n", "")]),
    ("10.1", "record integers above 2^53 - 1 accepted",
     [("record.py", "    if created > MAX_SAFE or updated > MAX_SAFE:\n        raise bad()\n", "")]),
    ("10.2", "unpadding does not check that the padding is zero",
     [("record.py", " or any(padded[4 + n:])", "")]),
    ("10.2", "unpadding does not check padme(4 + n) = len",
     [("record.py", " or padme(4 + n) != len(padded)", "")]),
    ("6", "armor: surrounding whitespace trimmed before decoding",
     [("armor.py", "    if not text.startswith(PREFIX):\n", "    text = text.strip()\n    if not text.startswith(PREFIX):\n")]),
    ("5", "passphrase NFKC-normalised instead of NFC",
     [("envelope.py", 'return unicodedata.normalize("NFC", passphrase).encode("utf-8")',
       'return unicodedata.normalize("NFKC", passphrase).encode("utf-8")')]),
    ("5", "passphrase trimmed",
     [("envelope.py", 'return unicodedata.normalize("NFC", passphrase).encode("utf-8")',
       'return unicodedata.normalize("NFC", passphrase.strip()).encode("utf-8")')]),
    ("5", "Argon2id bounds checked when deriving, not when parsing",
     [("envelope.py", "        if st_type == ST_PASSPHRASE:\n            check_kdf_params", "        if False:\n            check_kdf_params"),
      ("envelope.py", "                kek = argon2id(passphrase_bytes(creds.passphrase), salt,",
       "                check_kdf_params(int.from_bytes(args[16:20], 'big'), args[20], args[21])\n"
       "                kek = argon2id(passphrase_bytes(creds.passphrase), salt,")]),
    ("14.3", "X25519: neither small-order keys nor the zero shared secret refused",
     [("primitives.py", "    if is_small_order(public_key):\n", "    if False:\n"),
      ("primitives.py", '        raise LowOrderError("zero shared secret") from None', "        return bytes(32)"),
      ("primitives.py", "    if hmac.compare_digest(shared, bytes(32)):\n", "    if False:\n")]),
    ("10.1", "record text decoded with a leading BOM stripped",
     [("record.py", 'name, rtype = got[1].decode("utf-8"), got[2].decode("utf-8")',
       'name, rtype = got[1].decode("utf-8-sig"), got[2].decode("utf-8-sig")')]),
    ("10.1", "unknown record tags rejected instead of skipped",
     [("record.py", "        last = tag\n", "        if tag > 7:\n            raise bad()\n        last = tag\n")]),
    ("10.1", "blob size above 2^53 - 1 accepted",
     [("record.py", "        if blob[1] > MAX_SAFE:\n            raise bad()\n", "")]),
    ("10.3", "record author not compared with the verified signer",
     [("record.py", "not hmac.compare_digest(rec.author_kid, opened.verified_signer)", "False")]),
    ("10.4", "record names hashed without NFC",
     [("record.py", 'nfc = unicodedata.normalize("NFC", name).encode("utf-8")', 'nfc = name.encode("utf-8")')]),
    ("14.6", "fingerprint comparison strips Python's whitespace set, not ECMAScript's",
     [("keys.py", '_WHITESPACE.sub("", a), _WHITESPACE.sub("", b)', 're.sub(r"\\s", "", a), re.sub(r"\\s", "", b)')]),
    ("14.8", "key bundle bound to the lower-cased username",
     [("keys.py", '    aid = _account_id_bytes(account_id)\n    return b"coffer/v1/key-bundle',
       '    aid = _account_id_bytes(account_id.lower())\n    return b"coffer/v1/key-bundle')]),
    ("14.9", "key grant: header epoch not compared with the expected epoch",
     [("keys.py", " or h.key_epoch != epoch:", ":")]),
    ("2.1", "chunk counter little-endian in the nonce",
     [("cobblestone.py", 'ctr = i.to_bytes(12, "big")', 'ctr = i.to_bytes(12, "little")')]),
]


def main() -> int:
    run_py = HERE / "run.py"
    unpinned = []
    for section, what, edits in VARIANTS:
        with tempfile.TemporaryDirectory() as tmp:
            dst = Path(tmp) / "coffer_conformance"
            shutil.copytree(PKG, dst, ignore=shutil.ignore_patterns("__pycache__"))
            for fname, old, new in edits:
                f = dst / fname
                text = f.read_text()
                if old not in text:
                    print(f"variant '{what}': pattern not found in {fname}", file=sys.stderr)
                    return 2
                f.write_text(text.replace(old, new))
            env = dict(os.environ, COFFER_CONFORMANCE_IMPL=tmp, PYTHONDONTWRITEBYTECODE="1")
            r = subprocess.run([sys.executable, str(run_py), "--golden-only"], env=env, capture_output=True,
                               text=True)
            golden_failed = re.search(r"golden\s+\d+ passed, (\d+) failed", r.stdout)
            gf = int(golden_failed.group(1)) if golden_failed else -1
            rf = sum(int(n) for n in re.findall(r"rules-\S+\s+\d+ passed, (\d+) failed", r.stdout))
            pinned = gf != 0 or rf != 0
            other = ""
            if not pinned:
                unpinned.append((section, what))
                # Does anything else in run.py (SPEC known answers, Wycheproof, rule checks) notice?
                r = subprocess.run([sys.executable, str(run_py), "--quick"], env=env, capture_output=True, text=True)
                m = re.findall(r"^(\d+) passed, (\d+) failed", r.stdout, re.M)
                failed = int(m[-1][1]) if m else -1
                other = f"; other run.py checks failed: {failed}"
            print(f"{'pinned  ' if pinned else 'UNPINNED'}  §{section:6s} {what}  "
                  f"(golden cases failed: {gf}, rule cases failed: {rf}{other})")
        sys.stdout.flush()
    print(f"\n{len(VARIANTS) - len(unpinned)} of {len(VARIANTS)} variants caught by the golden or rule vectors; "
          f"{len(unpinned)} rules rest on the SPEC text alone (plus this folder's own checks).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

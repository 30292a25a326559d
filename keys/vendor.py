"""Vendor tool commands (`filia keys keygen|issue|answer|verify`). The private key is read from a file
outside the repository (--vendor-key PATH); nothing here adds a trusted key to Filia."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from keys import activation as act
from keys.i18n import _
from keys.license_file import new_payload, sign_payload, verify
from keys.trust import key_id, load_private_key, public_pem, raw_public


def run(cmd: str, args, *, trusted_keys, clock) -> int:
    if cmd == "keygen":
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        raw = raw_public(key)
        Path(args.output + ".pub.pem").write_bytes(public_pem(raw))
        print(f'("{key_id(raw)}", bytes.fromhex("{raw.hex()}")),')
        return 0
    if cmd == "issue":
        key = load_private_key(args.vendor_key)
        spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
        pin = spec.pop("pin")
        activation = spec.pop("activation", {})
        text = sign_payload(new_payload(pin=pin, activation_required=activation.get("required", True),
                                        temporary_hours=activation.get("temporary_hours", 24), **spec), key)
        verify(text, ((key_id(raw_public(key)), raw_public(key)),))  # never hand out an invalid file
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if cmd == "answer":
        key = load_private_key(args.vendor_key)
        req = act.parse_request(args.request)
        hours = args.hours if args.hours is not None else (24 if req.kind == act.TEMPORARY else None)
        print(act.answer(req, key, now=clock(), valid_hours=hours))
        return 0
    if cmd == "verify":
        lic = verify(Path(args.file).read_text(encoding="utf-8"), trusted_keys)
        print(_("Plik licencji jest prawidłowy: klucz {nr_klucza}, wersja {serial}, klient {klient}.").format(
            nr_klucza=lic.key_number, serial=lic.serial, klient=lic.client_id))
        return 0
    raise AssertionError(cmd)

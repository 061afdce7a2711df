#!/usr/bin/python3
"""Writes allauth_recovery_codes.json: the recovery codes django-allauth's
mfa app derives from fixed seeds, for the differential test of package
djangoimport (TestAllauthRecoveryCodes).

    python3 djangoimport/testdata/allauth_recovery_codes.py

The derivation is allauth's RecoveryCodes.generate_codes
(allauth/mfa/recovery_codes/internal/auth.py), with its settings
MFA_RECOVERY_CODE_COUNT and MFA_RECOVERY_CODE_DIGITS as arguments. The
output is fixed (no randomness): commit it with this script.
"""

import hmac
import json
import os
from hashlib import sha1


def generate_codes(seed, count, digits):
    ret = []
    h = hmac.new(key=seed.encode("ascii"), msg=None, digestmod=sha1)
    byte_count = min(digits // 2, h.digest_size)
    for i in range(count):
        h.update((f"{i:3},").encode("ascii"))
        value = int.from_bytes(h.digest()[:byte_count], byteorder="big", signed=False)
        value %= 10**digits
        ret.append(str(value).zfill(digits))
    return ret


SEEDS = [
    # secrets.token_hex(40), as allauth's generate_seed makes them.
    "5f1c0e9a7b3d2e8f4a6b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000",
]
SHAPES = [(10, 8), (12, 6), (20, 12), (5, 20), (1000, 8)]

cases = []
for seed in SEEDS:
    for count, digits in SHAPES:
        cases.append({"seed": seed, "count": count, "digits": digits,
                      "codes": generate_codes(seed, count, digits)})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "allauth_recovery_codes.json")
with open(out, "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")

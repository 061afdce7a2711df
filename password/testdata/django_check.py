#!/usr/bin/python3
"""Check hashes made by Gatehouse with Django's own check_password.

Reads a JSON list of {"password": str, "encoded": str} on stdin and writes a
JSON list of {"ok": bool, "wrong_ok": bool, "algorithm": str} on stdout, where
wrong_ok is check_password(password + "x", encoded). Used by
password/django_interop_test.go.
"""
import json
import sys

import django_settings

django_settings.setup()

from django.contrib.auth.hashers import check_password, identify_hasher  # noqa: E402

out = []
for case in json.load(sys.stdin):
    pw, enc = case["password"], case["encoded"]
    try:
        alg = identify_hasher(enc).algorithm
    except ValueError as e:
        alg = "error: %s" % e
    out.append({"ok": check_password(pw, enc), "wrong_ok": check_password(pw + "x", enc), "algorithm": alg})
json.dump(out, sys.stdout)

#!/usr/bin/python3
"""Generate validation_vectors.json: Django's password validators' verdicts.

    cd password/testdata && /usr/bin/python3 gen_validation.py > validation_vectors.json

For each (user, password) pair, the error codes and params of Django's four
default validators, run one at a time on an unsaved django.contrib.auth User.
"""
import json
import sys

import django

import django_settings

django_settings.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.contrib.auth.password_validation import (  # noqa: E402
    CommonPasswordValidator, MinimumLengthValidator, NumericPasswordValidator,
    UserAttributeSimilarityValidator)
from django.core.exceptions import ValidationError  # noqa: E402

USERS = [
    dict(username="testclient", first_name="Test", last_name="Client", email="testclient@example.com"),
    dict(username="johnsmith", first_name="John", last_name="Smith", email="jane.doe.writer@example.com"),
    dict(username="Ünïcødé_user", first_name="Zoë", last_name="Ørsted-Ålborg", email="zoe+tag@exämple.org"),
    dict(username="a", first_name="", last_name="", email=""),
    dict(username="x-" * 30, first_name="Bob", last_name="O'Neil", email="bob@b.co"),
]
PASSWORDS = [
    "testclient", "example.com", "exampleguest", "testclientguest", "tESTCLIENT", "example",
    "ab", "testclient1", "client", "johnsmith", "JohnSmith1", "jane.doe", "janedoewriter",
    "jane.doe.writer@example.com", "smithjohn", "password1234", "12345678901", "1234567",
    "Tr0ub4dor&3-horse-staple", "correct horse battery staple", "ünïcødé_user", "zoë1234",
    "ørsted-ålborg", "exämple", "x" * 100 + "test", "x-x-x-x-x-", "bob", "oneilbob", "a", "",
    "٣٤٥٦٧٨٩٠", "qwertyuiop", "iloveyou", "letmein!", "dragon", "monkey123",
]
VALIDATORS = {
    "similarity": UserAttributeSimilarityValidator(),
    "similarity_0.5": UserAttributeSimilarityValidator(max_similarity=0.5),
    "similarity_1.0": UserAttributeSimilarityValidator(max_similarity=1.0),
    "min_length": MinimumLengthValidator(),
    "common": CommonPasswordValidator(),
    "numeric": NumericPasswordValidator(),
}

cases = []
for ui, attrs in enumerate(USERS):
    user = User(**attrs)
    for pw in PASSWORDS:
        result = {}
        for name, v in VALIDATORS.items():
            try:
                v.validate(pw, user)
                result[name] = None
            except ValidationError as e:
                err = e.error_list[0]
                result[name] = {"code": err.code, "params": {k: str(x) if not isinstance(x, int) else x
                                                             for k, x in (err.params or {}).items()}}
        cases.append({"user": attrs, "password": pw, "django": result})
json.dump({"django": django.get_version(), "cases": cases}, sys.stdout, ensure_ascii=False, indent=0)
sys.stdout.write("\n")

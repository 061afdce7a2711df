"""Shared Django setup for gen_vectors.py and django_check.py.

Configures Django (Debian bookworm's python3-django 3.2, python3-argon2,
python3-bcrypt) with every hasher Gatehouse reads. Django 3.2 has no scrypt
hasher (added in Django 4.0), so ScryptPasswordHasher below re-implements
Django 4.0+'s encoding: scrypt$<n>$<salt>$<r>$<p>$<b64(hashlib.scrypt(
password.encode(), salt=salt.encode(), n, r, p, dklen=64))>, with Django's
defaults n=2**14, r=8, p=5.
"""
import base64
import hashlib
import os
import sys

import django
from django.conf import settings
from django.contrib.auth import hashers
from django.utils.crypto import constant_time_compare


class ScryptPasswordHasher(hashers.BasePasswordHasher):
    """Django 4.0+'s scrypt format, for Django versions without it."""

    algorithm = "scrypt"
    work_factor = 2 ** 14
    block_size = 8
    parallelism = 5

    def encode(self, password, salt, n=None, r=None, p=None):
        assert password is not None and salt and "$" not in salt
        n, r, p = n or self.work_factor, r or self.block_size, p or self.parallelism
        key = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p,
                             maxmem=256 * n * r + 1024 * 1024, dklen=64)
        return "scrypt$%d$%s$%d$%d$%s" % (n, salt, r, p, base64.b64encode(key).decode("ascii"))

    def decode(self, encoded):
        algorithm, n, salt, r, p, hash_ = encoded.split("$", 5)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "n": int(n), "salt": salt, "r": int(r), "p": int(p), "hash": hash_}

    def verify(self, password, encoded):
        d = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, d["salt"], d["n"], d["r"], d["p"]))

    def safe_summary(self, encoded):
        return {"algorithm": self.algorithm}

    def harden_runtime(self, password, encoded):
        pass


def setup():
    """Configure Django once; return the installed scrypt hasher path."""
    if settings.configured:
        return
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    scrypt_path = "django_settings.ScryptPasswordHasher"
    if hasattr(hashers, "ScryptPasswordHasher"):
        scrypt_path = "django.contrib.auth.hashers.ScryptPasswordHasher"
    hs = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
        scrypt_path,
    ]
    for legacy in ("SHA1PasswordHasher", "MD5PasswordHasher",
                   "UnsaltedSHA1PasswordHasher", "UnsaltedMD5PasswordHasher"):
        if hasattr(hashers, legacy):  # removed in Django 5.1
            hs.append("django.contrib.auth.hashers." + legacy)
    settings.configure(PASSWORD_HASHERS=hs, USE_I18N=False,
                       INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"])
    django.setup()

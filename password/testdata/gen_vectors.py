#!/usr/bin/python3
"""Generate django_vectors.json: password hashes made by real Django.

    cd password/testdata && /usr/bin/python3 gen_vectors.py > django_vectors.json

Needs Django with argon2-cffi and bcrypt (Debian: python3-django,
python3-argon2, python3-bcrypt). Every vector is made with make_password()
and checked with check_password() before it is written. Fast vectors use
small cost subclasses; "default" vectors use the hasher's stock parameters.
"""
import json
import sys
import unicodedata

import argon2
import bcrypt
import django

import django_settings

django_settings.setup()

from django.contrib.auth import hashers as H  # noqa: E402
from django.contrib.auth.hashers import check_password, identify_hasher, make_password  # noqa: E402

PASSWORDS = {
    "ascii": "correct horse battery staple",
    "unicode": "пароль-Ünïcødé-密码",
    "long": "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs! 0123456789",
    "one": "x",
    "nfd": unicodedata.normalize("NFD", "café au lait"),
}
assert len(PASSWORDS["long"].encode()) > 72
assert PASSWORDS["nfd"] != unicodedata.normalize("NFKC", PASSWORDS["nfd"])


class FastPBKDF2(H.PBKDF2PasswordHasher):
    iterations = 1000


class FastPBKDF2SHA1(H.PBKDF2SHA1PasswordHasher):
    iterations = 1000


class FastArgon2id(H.Argon2PasswordHasher):
    time_cost, memory_cost, parallelism = 1, 256, 1


class FastArgon2i(H.Argon2PasswordHasher):
    """argon2i, version 19 (Django < 2.1 wrote argon2i)."""
    time_cost, memory_cost, parallelism = 2, 256, 2
    argon2_type, argon2_version = argon2.low_level.Type.I, 0x13

    def encode(self, password, salt):
        data = argon2.low_level.hash_secret(
            password.encode(), salt.encode(), time_cost=self.time_cost,
            memory_cost=self.memory_cost, parallelism=self.parallelism,
            hash_len=argon2.DEFAULT_HASH_LENGTH, type=self.argon2_type,
            version=self.argon2_version)
        return self.algorithm + data.decode("ascii")


class FastArgon2iV16(FastArgon2i):
    argon2_version = 0x10


class FastArgon2d(FastArgon2i):
    argon2_type = argon2.low_level.Type.D


class FastBcryptSHA256(H.BCryptSHA256PasswordHasher):
    rounds = 4


class FastBcrypt(H.BCryptPasswordHasher):
    rounds = 4


class FastScrypt(django_settings.ScryptPasswordHasher):
    work_factor, block_size, parallelism = 1024, 8, 1


FAST = [
    ("pbkdf2_sha256", FastPBKDF2()),
    ("pbkdf2_sha1", FastPBKDF2SHA1()),
    ("argon2id", FastArgon2id()),
    ("argon2i", FastArgon2i()),
    ("argon2i_v16", FastArgon2iV16()),
    ("argon2d", FastArgon2d()),
    ("bcrypt_sha256", FastBcryptSHA256()),
    ("bcrypt", FastBcrypt()),
    ("scrypt", FastScrypt()),
    ("sha1", H.SHA1PasswordHasher()),
    ("md5", H.MD5PasswordHasher()),
    ("unsalted_sha1", H.UnsaltedSHA1PasswordHasher()),
    ("unsalted_md5", H.UnsaltedMD5PasswordHasher()),
]
DEFAULT = [
    ("pbkdf2_sha256", H.PBKDF2PasswordHasher()),
    ("pbkdf2_sha1", H.PBKDF2SHA1PasswordHasher()),
    ("argon2id", H.Argon2PasswordHasher()),
    ("bcrypt_sha256", H.BCryptSHA256PasswordHasher()),
    ("bcrypt", H.BCryptPasswordHasher()),
    ("scrypt", django_settings.ScryptPasswordHasher()),
]

vectors = []


def add(name, kind, pw_name, pw, encoded, note=""):
    ok = check_password(pw, encoded)
    assert ok or kind == "unusable", (name, encoded)
    assert not check_password(pw + "x", encoded) or (name == "bcrypt" and pw_name == "long"), name
    v = {
        "name": "%s/%s/%s" % (name, kind, pw_name),
        "algorithm": identify_hasher(encoded).algorithm if kind != "unusable" else "unusable",
        "kind": kind,
        "password": pw,
        "encoded": encoded,
        "django_verifies": ok,
    }
    if pw_name == "long":
        v["django_verifies_72_prefix_plus_x"] = check_password(pw.encode()[:72].decode() + "x", encoded)
    if note:
        v["note"] = note
    vectors.append(v)


for name, hasher in FAST:
    for pw_name, pw in PASSWORDS.items():
        add(name, "fast", pw_name, pw, make_password(pw, hasher=hasher))
for name, hasher in DEFAULT:
    add(name, "default", "ascii", PASSWORDS["ascii"], make_password(PASSWORDS["ascii"], hasher=hasher))

# Forms Django reads but no longer writes.
for pw_name in ("ascii", "unicode"):
    pw = PASSWORDS[pw_name]
    enc = make_password(pw, hasher=FastArgon2iV16())
    add("argon2i_noversion", "fast", pw_name, pw, enc.replace("$v=16$", "$", 1),
        note="pre-2016 encoding without v=, version 0x10")
    add("unsalted_md5_prefixed", "fast", pw_name, pw, "md5$$" + make_password(pw, hasher=H.UnsaltedMD5PasswordHasher()),
        note="md5$$ prefix accepted by Django's identify_hasher")
add("unusable", "unusable", "ascii", PASSWORDS["ascii"], make_password(None))

json.dump({
    "generator": "password/testdata/gen_vectors.py",
    "django": django.get_version(),
    "argon2_cffi": argon2.__version__,
    "bcrypt": bcrypt.__version__,
    "scrypt": "Django 4.0+ format re-implemented in django_settings.py" if not hasattr(H, "ScryptPasswordHasher") else "Django",
    "python": sys.version.split()[0],
    "vectors": vectors,
}, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")

#!/usr/bin/python3
"""Makes the dumpdata fixtures of package djangoimport with real Django.

Run from anywhere with Debian's python3-django (3.2) and
python3-django-allauth (0.51) installed:

    /usr/bin/python3 djangoimport/testdata/make_fixture.py

It configures a throwaway Django project in-process (SQLite in memory),
migrates it, creates users with known passwords hashed by several of Django's
hashers, groups, permissions, allauth email addresses and a social account,
and writes, next to this script:

    dump.json          manage.py dumpdata auth contenttypes account socialaccount
    dump_natural.json  the same with --natural-foreign --natural-primary
    passwords.json     {"username": "password"} for every user with a usable one

Then allauth65_rows.py adds socialaccount rows in the shape of allauth 65.x
(provider_id, settings, extra_data as a JSON value), written by hand: Debian
packages no allauth of that line.

Salts are random, so every run writes different hashes: commit the three
files together.
"""

import json
import os
import sys
from datetime import datetime, timezone

import django
from django.conf import settings

import allauth65_rows

HERE = os.path.dirname(os.path.abspath(__file__))

settings.configure(
    DEBUG=False,
    SECRET_KEY="gatehouse-djangoimport-fixture",
    USE_TZ=True,
    TIME_ZONE="UTC",
    SITE_ID=1,
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sites",
        "allauth",
        "allauth.account",
        "allauth.socialaccount",
    ],
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        # Argon2 with small parameters, so that the Go tests stay fast: the
        # parameters are part of the encoded hash, as always.
        "__main__.SmallArgon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ],
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)

from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402


class SmallArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 2


sys.modules["__main__"].SmallArgon2PasswordHasher = SmallArgon2PasswordHasher

django.setup()

from allauth.account.models import EmailAddress, EmailConfirmation  # noqa: E402
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken  # noqa: E402
from django.contrib.auth.hashers import check_password, make_password  # noqa: E402
from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.contrib.sites.models import Site  # noqa: E402
from django.core.management import call_command  # noqa: E402


def when(day, hour=12):
    return datetime(2021, 3, day, hour, 30, 15, 123456, tzinfo=timezone.utc)


def perm(code):
    app_label, codename = code.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def main():
    call_command("migrate", verbosity=0, interactive=False)

    # (username, password, hasher, extra fields)
    people = [
        ("alice", "correct horse battery staple", "pbkdf2_sha256",
         dict(email="alice@example.com", first_name="Alice", last_name="Liddell",
              is_staff=True, is_superuser=True, last_login=when(20))),
        ("bob", "hunter2-but-longer", "argon2",
         dict(email="bob@example.com", first_name="Bob")),
        ("carol", "Tr0ub4dor&3", "bcrypt_sha256",
         dict(email="carol@example.org", is_active=False)),
        ("dave", "md5 is not a password hash", "md5",
         dict(email="dave@example.net")),
        ("erin", "sha1 of the past", "pbkdf2_sha1",
         dict(email="")),
        # Django's user.email is not unique: frank shares dave's address.
        ("frank", "frank's own password", "pbkdf2_sha256",
         dict(email="Dave@Example.NET")),
        # A non-ASCII username and password.
        ("Jürgen.Müller", "пароль-Ωmega ü", "argon2",
         dict(email="jürgen@example.de", first_name="Jürgen", last_name="Müller")),
    ]
    passwords = {}
    users = {}
    for i, (username, password, hasher, extra) in enumerate(people):
        u = User(username=username, date_joined=when(i + 1), **extra)
        u.password = make_password(password, hasher=hasher)
        assert u.password.startswith(hasher + "$"), u.password
        assert check_password(password, u.password)
        u.save()
        users[username] = u
        passwords[username] = password

    # A user who cannot log in with a password (signed up with a social account).
    nopass = User(username="social.only", email="social@example.com", date_joined=when(10))
    nopass.set_unusable_password()
    nopass.save()
    users["social.only"] = nopass

    editors = Group.objects.create(name="editors")
    editors.permissions.add(perm("auth.change_user"), perm("account.view_emailaddress"))
    moderators = Group.objects.create(name="moderators")
    moderators.permissions.add(perm("auth.view_user"), perm("socialaccount.view_socialaccount"))
    Group.objects.create(name="empty")

    users["bob"].groups.add(editors)
    users["dave"].groups.add(editors, moderators)
    users["Jürgen.Müller"].groups.add(moderators)
    users["bob"].user_permissions.add(perm("auth.add_group"))
    users["dave"].user_permissions.add(perm("sites.view_site"), perm("auth.view_user"))

    EmailAddress.objects.create(user=users["alice"], email="alice@example.com", verified=True, primary=True)
    second = EmailAddress.objects.create(user=users["alice"], email="alice@work.example", verified=False, primary=False)
    EmailConfirmation.objects.create(email_address=second, key="k" * 64, sent=when(21))
    EmailAddress.objects.create(user=users["bob"], email="bob@example.com", verified=True, primary=True)
    EmailAddress.objects.create(user=users["Jürgen.Müller"], email="jürgen@example.de", verified=False, primary=True)
    EmailAddress.objects.create(user=nopass, email="social@example.com", verified=True, primary=True)

    app = SocialApp.objects.create(provider="github", name="GitHub", client_id="id", secret="secret")
    app.sites.add(Site.objects.get(pk=1))
    account = SocialAccount.objects.create(user=nopass, provider="github", uid="583231",
                                           extra_data={"login": "octocat"})
    SocialToken.objects.create(app=app, account=account, token="gho_token")

    apps = ["auth", "contenttypes", "account", "socialaccount"]
    call_command("dumpdata", *apps, indent=2, output=os.path.join(HERE, "dump.json"), verbosity=0)
    call_command("dumpdata", *apps, indent=2, output=os.path.join(HERE, "dump_natural.json"),
                 natural_foreign=True, natural_primary=True, verbosity=0)
    # allauth 65.x rows (provider_id, settings, extra_data as JSON), by hand.
    allauth65_rows.add(os.path.join(HERE, "dump.json"), natural=False)
    allauth65_rows.add(os.path.join(HERE, "dump_natural.json"), natural=True)
    with open(os.path.join(HERE, "passwords.json"), "w", encoding="utf-8") as f:
        json.dump(passwords, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    print("Django %s, allauth %s: %d users" % (django.get_version(), __import__("allauth").__version__,
                                             User.objects.count()))


if __name__ == "__main__":
    main()

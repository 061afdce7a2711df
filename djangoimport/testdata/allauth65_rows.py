#!/usr/bin/python3
"""Adds django-allauth 65.x socialaccount rows to the dumpdata fixtures.

make_fixture.py runs Debian's allauth 0.51, whose SocialApp has no
provider_id and no settings and whose SocialAccount.extra_data is JSON text
(dumpdata writes it as a string). allauth 65.x (not packaged by Debian) has
both fields and keeps extra_data in Django's JSONField (dumpdata writes the
value itself), and gives the account of an app with a provider_id (an
OpenID Connect server) that provider_id as its provider. The rows below are
written by hand in exactly the shape dumpdata of allauth 65.x gives them
(fields in model order, the sites many-to-many last, the user as a pk or,
with --natural-foreign, as [username]), and inserted after the 0.51 rows of
the same model, as dumpdata orders them by pk.

make_fixture.py calls add() on the files it writes; run alone, this script
adds the rows to the committed files (once: rows already there are kept).
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# The users of make_fixture.py, by pk.
USERS = {1: "alice", 3: "carol", 7: "Jürgen.Müller"}

APPS = [
    # A Google app of allauth 65.x: no provider_id, empty settings.
    (2, dict(provider="google", provider_id="", name="Google",
             client_id="1234567890-abc.apps.googleusercontent.com",
             secret="GOCSPX-google-client-secret", key="", settings={}), [1]),
    # A generic OpenID Connect server, reachable at /accounts/oidc/keycloak/.
    (3, dict(provider="openid_connect", provider_id="keycloak", name="Keycloak",
             client_id="gatehouse", secret="keycloak-client-secret", key="",
             settings={"server_url": "https://id.example.com/realms/main",
                       "oauth_pkce_enabled": True}), [1]),
    # An app disabled in allauth's admin: on no site.
    (4, dict(provider="twitter_oauth2", provider_id="", name="X",
             client_id="x-client-id", secret="x-client-secret", key="", settings={}), []),
]

ACCOUNTS = [
    (2, 1, "google", "109876543210987654321",
     {"iss": "https://accounts.google.com", "azp": "1234567890-abc.apps.googleusercontent.com",
      "sub": "109876543210987654321", "email": "alice@example.com", "email_verified": True,
      "name": "Alice Liddell", "locale": "en", "iat": 1714979289, "exp": 1714982889}),
    # allauth's provider of an OpenID Connect account is the app's provider_id.
    (3, 1, "keycloak", "f0c5a3c2-7d4e-4b8a-9f1e-2d3c4b5a6978",
     {"sub": "f0c5a3c2-7d4e-4b8a-9f1e-2d3c4b5a6978", "email_verified": True,
      "preferred_username": "alice", "email": "alice@example.com"}),
    (4, 7, "vk", "210700286",
     {"id": 210700286, "first_name": "Юрген", "last_name": "Мюллер", "screen_name": "jmueller",
      "counters": {"friends": 12345678901234567890}, "photo": None}),
    (5, 3, "twitter_oauth2", "2244994945",
     {"id": "2244994945", "name": "Carol", "username": "carol"}),
]

WHEN = "2024-05-06T07:08:09.123Z"


def rows(natural):
    apps = []
    for pk, fields, sites in APPS:
        f = dict(fields)
        f["sites"] = [["example.com"] if natural else site for site in sites]
        apps.append({"model": "socialaccount.socialapp", "pk": pk, "fields": f})
    accounts = []
    for pk, user, provider, uid, extra in ACCOUNTS:
        accounts.append({"model": "socialaccount.socialaccount", "pk": pk, "fields": {
            "user": [USERS[user]] if natural else user,
            "provider": provider,
            "uid": uid,
            "last_login": WHEN,
            "date_joined": WHEN,
            "extra_data": extra,
        }})
    return apps, accounts


def dumps(records):
    """Writes records as manage.py dumpdata --indent 2 does."""
    return "[\n" + ",\n".join(json.dumps(r, indent=2, ensure_ascii=False) for r in records) + "\n]\n"


def insert_after_last(records, model, new):
    have = {(r["model"], r.get("pk")) for r in records}
    new = [r for r in new if (r["model"], r["pk"]) not in have]
    last = max(i for i, r in enumerate(records) if r["model"] == model)
    records[last + 1:last + 1] = new


def add(path, natural):
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    apps, accounts = rows(natural)
    insert_after_last(records, "socialaccount.socialapp", apps)
    insert_after_last(records, "socialaccount.socialaccount", accounts)
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(records))


if __name__ == "__main__":
    add(os.path.join(HERE, "dump.json"), natural=False)
    add(os.path.join(HERE, "dump_natural.json"), natural=True)

"""Django's password-reset tokens, with allauth's email-aware hash value.

Reads {"secret_hex": ..., "cases": [{"pk", "password", "last_login"
(ISO 8601 in UTC, or null), "email", "emails", "ts"}]} on stdin and writes
the JSON list of the tokens Django's PasswordResetTokenGenerator makes for
them at timestamp ts (seconds since 2001-01-01), extended as allauth's
EmailAwarePasswordResetTokenGenerator extends it: the user's address and
every EmailAddress of theirs, deduplicated, sorted and joined by "|".
Used by account/token_django_test.go.
"""
import datetime
import json
import sys

from django.conf import settings

settings.configure(SECRET_KEY="unused: each case passes its own secret",
                   DEFAULT_HASHING_ALGORITHM="sha256", USE_TZ=True)

from django.contrib.auth.tokens import PasswordResetTokenGenerator  # noqa: E402


class User:
    """The fields of a user the token reads, as a Django model has them."""

    def __init__(self, case):
        self.pk = case["pk"]
        self.password = case["password"]
        self.email = case["email"]
        self.addresses = case["emails"]
        self.last_login = None
        if case["last_login"]:
            self.last_login = datetime.datetime.fromisoformat(case["last_login"]).replace(
                tzinfo=datetime.timezone.utc)

    @classmethod
    def get_email_field_name(cls):
        return "email"


class EmailAwarePasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """allauth.account.forms.EmailAwarePasswordResetTokenGenerator, with
    the EmailAddress rows given instead of queried."""

    algorithm = "sha256"

    def _make_hash_value(self, user, timestamp):
        ret = super()._make_hash_value(user, timestamp)
        email = user.email
        emails = set([email] if email else [])
        emails.update(user.addresses)
        ret += "|".join(sorted(emails))
        return ret


def main():
    data = json.load(sys.stdin)
    gen = EmailAwarePasswordResetTokenGenerator()
    gen.secret = bytes.fromhex(data["secret_hex"])
    out = [gen._make_token_with_timestamp(User(c), c["ts"]) for c in data["cases"]]
    json.dump(out, sys.stdout)


main()

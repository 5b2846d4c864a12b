"""``Authorization: Token <key>`` checked against knox's digests, with a 401 that says when a token expired.

knox deletes an expired token and answers "Invalid token.", which leaves a user guessing; this class
looks the key up the same way (by its first characters, then a constant-time digest comparison) and,
when the matching token is past its expiry, deletes it and says so.
"""
from __future__ import annotations

import binascii
from hmac import compare_digest

from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

EXPIRED = "Token expired: get a new one (`ytarchive login`, or the web app's API tokens page)."
INVALID = "Invalid token."


class HashedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode("utf-8")
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(INVALID) from None
        for candidate in AuthToken.objects.filter(token_key=key[:CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user"):
            if not compare_digest(digest, candidate.digest):
                continue
            if candidate.expiry is not None and candidate.expiry <= timezone.now():
                candidate.delete()
                raise exceptions.AuthenticationFailed(EXPIRED)
            return self.validate_user(candidate)
        raise exceptions.AuthenticationFailed(INVALID)

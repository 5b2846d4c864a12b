"""API tokens kept as digests (django-rest-knox): issue, list, expire and revoke them (README "Security")."""

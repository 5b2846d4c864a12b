"""Signing in other than with a password: OpenID Connect (``oidc``) and a trusted proxy's header (``forward_auth``)."""

"""The sign-in settings (front_app.signin): OpenID Connect against the home's identity provider, and the
forward-auth header of a trusted proxy (Authelia, Authentik). Typed, from the environment, failing loudly.

OpenID Connect is on when YTARCHIVE_OIDC_CLIENT_ID is set; then a secret is required (no default) and
either the issuer (its discovery document gives the endpoints) or every endpoint. The settings use
mozilla-django-oidc's names (``OIDC_*``), so the library reads them as it documents.
"""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_networks, env_secret, env_str

ROLES = ("owner", "editor", "viewer")
ENDPOINTS = {  # mozilla-django-oidc's setting -> our variable -> the discovery document's key
    "OIDC_OP_AUTHORIZATION_ENDPOINT": ("YTARCHIVE_OIDC_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
    "OIDC_OP_TOKEN_ENDPOINT": ("YTARCHIVE_OIDC_TOKEN_ENDPOINT", "token_endpoint"),
    "OIDC_OP_USER_ENDPOINT": ("YTARCHIVE_OIDC_USERINFO_ENDPOINT", "userinfo_endpoint"),
    "OIDC_OP_JWKS_ENDPOINT": ("YTARCHIVE_OIDC_JWKS_ENDPOINT", "jwks_uri"),
}


def env_role_map(name: str, default: str = "") -> dict[str, str]:
    """``admins:owner,family:editor``: a group (claim value or header item) -> a role."""
    raw = env_str(name, default).strip()
    mapping = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        group, sep, role = item.rpartition(":")
        if not sep or not group.strip() or role.strip() not in ROLES:
            raise ImproperlyConfigured(f"{name}: {item!r} is not group:role (a role is one of {', '.join(ROLES)})")
        mapping[group.strip()] = role.strip()
    return mapping


def oidc() -> dict:
    """The Django settings of OpenID Connect sign-in: ``YTARCHIVE_OIDC`` (ours) and mozilla-django-oidc's."""
    client_id = env_str("YTARCHIVE_OIDC_CLIENT_ID", "").strip()
    issuer = env_str("YTARCHIVE_OIDC_ISSUER", "").strip().rstrip("/")
    endpoints = {setting: env_str(var, "").strip() for setting, (var, _key) in ENDPOINTS.items()}
    ours = {
        "ENABLED": bool(client_id),
        "ISSUER": issuer,
        "NAME": env_str("YTARCHIVE_OIDC_NAME", "your identity provider").strip() or "your identity provider",
        "ROLE_CLAIM": env_str("YTARCHIVE_OIDC_ROLE_CLAIM", "groups").strip(),
        "ROLES": env_role_map("YTARCHIVE_OIDC_ROLES"),
        "DEFAULT_ROLE": env_choice("YTARCHIVE_OIDC_DEFAULT_ROLE", "viewer", ("viewer", "editor", "none")),
        "USERNAME_CLAIM": env_str("YTARCHIVE_OIDC_USERNAME_CLAIM", "preferred_username").strip(),
    }
    values = {"YTARCHIVE_OIDC": ours, **{k: v for k, v in endpoints.items() if v}}
    if not client_id:
        return values
    secret = env_secret("YTARCHIVE_OIDC_CLIENT_SECRET")
    if not secret:
        raise ImproperlyConfigured("YTARCHIVE_OIDC_CLIENT_ID is set: set YTARCHIVE_OIDC_CLIENT_SECRET "
                                   "(or YTARCHIVE_OIDC_CLIENT_SECRET_FILE) too")
    if not issuer and not all(endpoints.values()):
        missing = ", ".join(var for setting, (var, _k) in ENDPOINTS.items() if not endpoints[setting])
        raise ImproperlyConfigured(f"YTARCHIVE_OIDC_CLIENT_ID is set: set YTARCHIVE_OIDC_ISSUER (its discovery "
                                   f"document names the endpoints) or {missing}")
    for value, var in ((issuer, "YTARCHIVE_OIDC_ISSUER"), *((endpoints[s], v) for s, (v, _k) in ENDPOINTS.items())):
        if value and not value.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"{var}={value!r} is not an http(s) URL")
    values.update({
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": secret,
        "OIDC_RP_SIGN_ALGO": env_choice("YTARCHIVE_OIDC_SIGN_ALGO", "RS256", ("RS256", "RS384", "RS512", "ES256",
                                                                              "ES384", "ES512", "HS256")),
        "OIDC_RP_SCOPES": env_str("YTARCHIVE_OIDC_SCOPES", "openid email profile").strip() or "openid email profile",
        "OIDC_CREATE_USER": env_bool("YTARCHIVE_OIDC_CREATE_USERS", True),
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": 15,
        "LOGIN_REDIRECT_URL_FAILURE": "/login/?signin=failed",
    })
    return values


def forward_auth() -> dict:
    """``YTARCHIVE_FORWARD_AUTH``: the header a trusted proxy names the signed-in person in, and its groups."""
    header = env_str("YTARCHIVE_REMOTE_USER_HEADER", "").strip()
    proxies = env_networks("YTARCHIVE_TRUSTED_PROXIES", "")
    if header and not proxies:
        raise ImproperlyConfigured("YTARCHIVE_REMOTE_USER_HEADER is set: set YTARCHIVE_TRUSTED_PROXIES to the "
                                   "addresses or networks of the proxies that set it (any client could send it)")
    return {
        "HEADER": header,
        "GROUPS_HEADER": env_str("YTARCHIVE_REMOTE_GROUPS_HEADER", "").strip(),
        "TRUSTED_PROXIES": proxies,
        "ROLES": env_role_map("YTARCHIVE_REMOTE_ROLES", env_str("YTARCHIVE_OIDC_ROLES", "")),
        "CREATE_USERS": env_bool("YTARCHIVE_REMOTE_CREATE_USERS", True),
    }

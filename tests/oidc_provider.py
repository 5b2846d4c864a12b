"""A small OpenID Connect provider for the tests, run as its own process on 127.0.0.1.

It speaks what a home's identity provider (Authelia, Authentik, Keycloak) speaks to ytarchive: discovery,
an authorization endpoint with a login form (the code flow, with PKCE S256 and a nonce), a token endpoint
that checks the client's secret and the code verifier and answers an RS256-signed id_token, userinfo with
a bearer token, and the JWKS. Users, their passwords and groups come from a JSON file.

    python -m tests.oidc_provider --port 8099 --client-id ytarchive --client-secret s3cret --users users.json
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import logging
import secrets
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

log = logging.getLogger("oidc_provider")
KID = "test-key-1"


def b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Provider:
    def __init__(self, issuer: str, client_id: str, client_secret: str, users: dict):
        self.issuer, self.client_id, self.client_secret, self.users = issuer, client_id, client_secret, users
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, str] = {}

    def discovery(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks", "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"]}

    def jwks(self) -> dict:
        public = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID, "n": b64(public.n),
                          "e": b64(public.e)}]}

    def claims(self, username: str) -> dict:
        user = self.users[username]
        return {"sub": f"sub-{username}", "preferred_username": username, "email": user.get("email", ""),
                "groups": user.get("groups", [])}

    def id_token(self, username: str, nonce: str | None) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, **self.claims(username)}
        if nonce:
            body["nonce"] = nonce
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": KID})


def handler_for(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            log.info("%s %s", self.address_string(), fmt % args)

        def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: dict):
            self._send(status, json.dumps(data).encode(), "application/json")

        def _form(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

        def do_GET(self):
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                return self._json(200, provider.discovery())
            if url.path == "/jwks":
                return self._json(200, provider.jwks())
            if url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
                if token not in provider.tokens:
                    return self._json(401, {"error": "invalid_token"})
                return self._json(200, provider.claims(provider.tokens[token]))
            if url.path == "/authorize":
                if query.get("client_id") != provider.client_id or query.get("response_type") != "code":
                    return self._json(400, {"error": "invalid_request"})
                hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                                 for k, v in query.items())
                page = (f"<!doctype html><title>Test IdP</title><h1>Sign in to the test IdP</h1>"
                        f'<form method="post" action="/authorize">{hidden}'
                        f'<label for="u">IdP user</label><input id="u" name="username">'
                        f'<label for="p">IdP password</label><input id="p" name="password" type="password">'
                        f"<button type=submit>Continue</button></form>")
                return self._send(200, page.encode(), "text/html; charset=utf-8")
            return self._json(404, {"error": "not_found"})

        def do_POST(self):
            form = self._form()
            if self.path == "/authorize":
                user = provider.users.get(form.get("username", ""))
                if user is None or user.get("password") != form.get("password"):
                    return self._send(401, b"wrong user or password", "text/plain")
                code = secrets.token_urlsafe(24)
                provider.codes[code] = {"user": form["username"], "redirect_uri": form.get("redirect_uri"),
                                        "nonce": form.get("nonce"), "challenge": form.get("code_challenge")}
                target = f"{form['redirect_uri']}?{urlencode({'code': code, 'state': form.get('state', '')})}"
                return self._send(302, b"", "text/plain", {"Location": target})
            if self.path == "/token":
                grant = provider.codes.pop(form.get("code", ""), None)
                if (form.get("client_id") != provider.client_id
                        or form.get("client_secret") != provider.client_secret):
                    return self._json(401, {"error": "invalid_client"})
                if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if grant["challenge"] and digest != grant["challenge"]:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                access = secrets.token_urlsafe(24)
                provider.tokens[access] = grant["user"]
                return self._json(200, {"access_token": access, "token_type": "Bearer", "expires_in": 300,
                                        "id_token": provider.id_token(grant["user"], grant["nonce"])})
            return self._json(404, {"error": "not_found"})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--users", required=True, help="JSON file: {name: {password, email, groups}}")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s oidc_provider %(message)s")
    with open(args.users) as handle:
        users = json.load(handle)
    provider = Provider(f"http://127.0.0.1:{args.port}", args.client_id, args.client_secret, users)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(provider))
    log.info("listening on %s", provider.issuer)
    server.serve_forever()


if __name__ == "__main__":
    main()

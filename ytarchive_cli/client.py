"""The REST API over HTTP: every failure becomes a ``CliError`` with one line for a person."""
from __future__ import annotations

import requests

EXIT_USAGE = 2
POLL_SECONDS = 1.0  # how often a command that waits for the server asks again
EXIT_REFUSED = 1
EXIT_UNREACHABLE = 3


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_REFUSED):
        super().__init__(message)
        self.code = code


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text.strip()[:200] or response.reason}"
    if isinstance(body, dict) and body.get("detail"):
        return str(body["detail"])
    if isinstance(body, dict):  # field errors from an older server: {"url": ["..."]}
        return "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in body.items())
    return f"HTTP {response.status_code}"


class Client:
    def __init__(self, url: str, token: str | None, timeout: float = 30.0):
        self.url, self.token, self.timeout = url, token, timeout
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, **kwargs):
        if not self.token and not path.startswith("/api/auth/"):
            raise CliError("not logged in: run `ytarchive login` or set YTARCHIVE_TOKEN", EXIT_USAGE)
        try:
            response = self.session.request(method, self.url + path, timeout=self.timeout, **kwargs)
        except requests.ConnectionError:
            raise CliError(f"cannot reach {self.url} (is ytarchive running? set --url or YTARCHIVE_URL)",
                           EXIT_UNREACHABLE) from None
        except requests.Timeout:
            raise CliError(f"{self.url} did not answer within {self.timeout:.0f} s", EXIT_UNREACHABLE) from None
        except requests.RequestException as exc:
            raise CliError(f"bad server URL {self.url}: {exc}", EXIT_USAGE) from None
        if response.status_code == 401:
            raise CliError(f"{_message(response)} (run `ytarchive login`)")
        if response.status_code >= 400:
            raise CliError(_message(response))
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise CliError(f"{self.url} is not a ytarchive server (it answered {path} with non-JSON)") from None

    def text(self, path: str) -> str:
        """A non-JSON answer (the OPML), with the same errors as ``call``."""
        if not self.token:
            raise CliError("not logged in: run `ytarchive login` or set YTARCHIVE_TOKEN", EXIT_USAGE)
        try:
            response = self.session.get(self.url + path, timeout=self.timeout)
        except requests.RequestException:
            raise CliError(f"cannot reach {self.url} (is ytarchive running? set --url or YTARCHIVE_URL)",
                           EXIT_UNREACHABLE) from None
        if response.status_code >= 400:
            raise CliError(_message(response))
        return response.text

    def get(self, path: str, **params):
        return self.call("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, json=None, **params):
        return self.call("POST", path, json=json, params={k: v for k, v in params.items() if v is not None})

    def pages(self, path: str, **params):
        """Every item of a paged list, following ``next``."""
        body = self.get(path, page_size=500, **params)
        while True:
            yield from body["results"]
            if not body.get("next"):
                return
            body = self.call("GET", body["next"].replace(self.url, "", 1)) if body["next"].startswith(self.url) \
                else self.session.get(body["next"], timeout=self.timeout).json()

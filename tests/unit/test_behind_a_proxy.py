"""Behind a proxy: per-address rules count the client's address (YTARCHIVE_NUM_PROXIES trusted hops),
never the proxy's; every page carries the security headers, and HSTS once served over HTTPS."""
import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from front_app.http.client_address import client_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.mark.parametrize("hops, forwarded, expected", [
    (0, "203.0.113.9", "10.0.0.1"),  # no trusted proxy: the header is the client's word, ignored
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the left entry was written by the client itself
    (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (3, "203.0.113.9", "203.0.113.9"),  # fewer hops than trusted: the first one
    (1, "", "10.0.0.1"),
])
def test_client_address_takes_the_address_the_outermost_trusted_proxy_saw(settings, hops, forwarded, expected):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": hops}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def _fail_logins(address: str, times: int) -> Client:
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)  # 10.0.0.1: the ingress
    for _ in range(times):
        assert client.post("/login/", {"username": "victim", "password": "wrong"}).status_code == 200
    return client


def test_one_clients_failed_logins_do_not_lock_out_others_behind_the_ingress(one_proxy, redis_client):
    User.objects.create_user("victim", password="right-password-123")
    attacker = _fail_logins("203.0.113.66", 5)
    refused = attacker.post("/login/", {"username": "victim", "password": "right-password-123"})
    assert refused.status_code == 429
    owner = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    signed_in = owner.post("/login/", {"username": "victim", "password": "right-password-123"})
    assert signed_in.status_code == 302, signed_in.content.decode()[:300]


def test_a_forged_forwarded_header_does_not_escape_the_login_throttle(one_proxy, redis_client):
    User.objects.create_user("victim", password="right-password-123")
    _fail_logins("6.6.6.6, 203.0.113.66", 5)  # the client prepends an address of its own choosing
    again = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="7.7.7.7, 203.0.113.66")
    assert again.post("/login/", {"username": "victim", "password": "right-password-123"}).status_code == 429


def test_without_trusted_proxies_the_header_is_ignored(redis_client):
    User.objects.create_user("victim", password="right-password-123")
    for n in range(5):  # a new forged address each time: still one client (REMOTE_ADDR)
        Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").post("/login/", {"username": "victim", "password": "x"})
    fresh = Client(HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert fresh.post("/login/", {"username": "victim", "password": "right-password-123"}).status_code == 429


def test_the_token_throttle_counts_the_client_behind_the_proxy(one_proxy, settings, redis_client):
    from django.core.cache import caches

    caches["throttle"].clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"token": "2/minute", "writes": "120/minute"}}
    body = {"username": "nobody", "password": "x"}
    noisy = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    codes = [noisy.post("/api/auth/token/", body, content_type="application/json").status_code for _ in range(3)]
    assert codes[-1] == 429
    quiet = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert quiet.post("/api/auth/token/", body, content_type="application/json").status_code == 400


PAGES = ["/login/", "/", "/queue/", "/api/channels/", "/api/docs/", "/admin/", "/health", "/no-such-page/",
         "/channels/no-such-channel/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(path, redis_client):
    User.objects.create_user("owner", password="pw-owner-12345", is_staff=True, is_superuser=True)
    client = Client()
    assert client.login(username="owner", password="pw-owner-12345")
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP: HSTS would be ignored, and wrong
    secure = client.get(path, secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")

"""archiver.netguard: which addresses a fetch may reach, in every spelling, checked at connect time."""
from __future__ import annotations

import socket

import pytest

from archiver import netguard
from archiver.netguard import AddressPolicy, AddressRefused
from tests.harness import canary_server

HOME = AddressPolicy.parse("192.168.1.0/24,10.0.0.7,fd00::/8")


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.2.1", "169.254.169.254",
                                     "0.0.0.0", "224.0.0.251", "240.1.2.3", "100.64.0.1", "::1", "::",
                                     "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
                                     "2002:7f00:1::1", "fc00::1"])
def test_internal_addresses_are_refused_by_default_and_by_a_list_that_does_not_name_them(address):
    assert "YTARCHIVE_ALLOW_PRIVATE_URLS" in AddressPolicy().refusal(address)
    assert HOME.refusal(address) is not None
    assert AddressPolicy.parse("true").refusal(address) is None


@pytest.mark.parametrize("address", ["192.168.1.20", "10.0.0.7", "::ffff:192.168.1.9", "fd12::3"])
def test_a_list_allows_exactly_its_addresses_and_networks(address):
    assert HOME.refusal(address) is None
    assert AddressPolicy().refusal(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert AddressPolicy().refusal(address) is None


def test_the_refusal_names_the_address():
    assert AddressPolicy().refusal("::ffff:127.0.0.1").startswith("refused to connect to 127.0.0.1 (loopback")


@pytest.mark.parametrize("text, allow_all, count", [("true", True, 0), ("false", False, 0), ("", False, 0),
                                                    ("YES", True, 0), ("10.0.0.0/8, ::1", False, 2)])
def test_the_setting_parses(text, allow_all, count):
    policy = AddressPolicy.parse(text)
    assert policy.allow_all is allow_all and len(policy.allowed) == count


@pytest.mark.parametrize("text", ["maybe", "10.0.0.0/33", "192.168.1.0/24,nas.local"])
def test_a_bad_setting_is_an_error(text):
    with pytest.raises(ValueError, match="not true, false"):
        AddressPolicy.parse(text)


@pytest.fixture
def canary():
    with canary_server() as found:
        yield found


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.1", "2130706433"])
def test_a_guarded_connect_is_refused_after_resolution_and_others_are_not(canary, host):
    port, hits = canary
    before = netguard.policy()
    netguard.install()
    netguard.set_policy(AddressPolicy())
    try:
        with netguard.guarded(), pytest.raises(AddressRefused, match=r"127\.0\.0\.1 \(loopback"):
            socket.create_connection((host, port), timeout=5)
        with netguard.guarded(), netguard.unguarded():
            socket.create_connection(("127.0.0.1", port), timeout=5).close()  # our own callbacks
        socket.create_connection(("127.0.0.1", port), timeout=5).close()  # the app's own connections
        netguard.set_policy(AddressPolicy.parse("127.0.0.0/8"))
        with netguard.guarded():
            socket.create_connection((host, port), timeout=5).close()
    finally:
        netguard.set_policy(before)
    assert hits == []

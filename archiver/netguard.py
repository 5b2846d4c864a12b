"""No fetch of ours reaches a private address unless the operator allows it.

A channel URL is checked when it is added, but what yt-dlp fetches next comes
from the site: listing pages, media, fragments, thumbnails, subtitles, and
every redirect hop. A hostile feed could name ``http://169.254.169.254/`` or
``http://10.0.0.5/admin`` and the worker would fetch it from inside the
cluster. So the check sits where the connection is made, after DNS, on the
address the socket is about to reach: DNS rebinding and spellings such as
``127.1``, ``0x7f000001``, ``2130706433`` or ``[::ffff:127.0.0.1]`` all end up
as the same connect.

The hook is Python's audit event ``socket.connect`` (``sys.addaudithook``),
active only in threads that are inside ``guarded()``: archiver.ytdlp enters
it around every call into yt-dlp, and steps out (``unguarded()``) for our own
callbacks. Redis, the database and the Kubernetes API are the app's own
connections, made outside it, and are never affected.
"""
from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass

SETTING = "YTARCHIVE_ALLOW_PRIVATE_URLS"
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class AddressRefused(ConnectionRefusedError):
    """A connection to an address the policy refuses; its message names the address and the setting."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public addresses may be fetched: none (default), all, or the listed networks."""

    allow_all: bool = False
    allowed: tuple = ()

    @classmethod
    def parse(cls, text: str | bool | None) -> AddressPolicy:
        """``true``, ``false`` or ``10.0.0.7,192.168.1.0/24,::1``; ValueError says what is wrong."""
        if isinstance(text, bool):
            return cls(allow_all=text)
        raw = (text or "").strip()
        if raw.lower() in _TRUE:
            return cls(allow_all=True)
        if raw.lower() in _FALSE:
            return cls()
        networks = []
        for item in (part.strip() for part in raw.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            except ValueError as exc:
                raise ValueError(f"{item!r} is not true, false, an address or a CIDR network") from exc
        return cls(allowed=tuple(networks))

    def refusal(self, address: str) -> str | None:
        """Why a connection to ``address`` (an IP) is refused, or None when it may go ahead."""
        if self.allow_all:
            return None
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"refused to connect to {address!r}: not an IP address"
        kind = internal_kind(ip)
        if kind is None:
            return None
        plain = unwrap(ip)
        if any(plain in net or ip in net for net in self.allowed):
            return None
        return (f"refused to connect to {plain} ({kind} address): private addresses are fetched only "
                f"when {SETTING} allows them (true, or a list of addresses and networks)")


def unwrap(ip):
    """The IPv4 address inside an IPv4-mapped, 6to4 or Teredo IPv6 address; else the address itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return ip.ipv4_mapped
        if ip.sixtofour:
            return ip.sixtofour
        if ip.teredo:
            return ip.teredo[1]
    return ip


def internal_kind(ip) -> str | None:
    """What kind of non-public address ``ip`` is (loopback, private, ...), or None for a public one."""
    ip = unwrap(ip)
    for kind in ("loopback", "unspecified", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "non-global"
    return None


_policy = AddressPolicy()
_local = threading.local()
_installed = threading.Lock()
_hooked = False


def set_policy(policy: AddressPolicy) -> None:
    global _policy
    _policy = policy


def policy() -> AddressPolicy:
    return _policy


@contextmanager
def guarded():
    """Connections made by this thread inside are checked against the policy."""
    depth = getattr(_local, "depth", 0)
    _local.depth = depth + 1
    try:
        yield
    finally:
        _local.depth = depth


@contextmanager
def unguarded():
    """Our own code called back from inside yt-dlp (progress to Redis): not checked."""
    depth = getattr(_local, "depth", 0)
    _local.depth = 0
    try:
        yield
    finally:
        _local.depth = depth


def take_refusals() -> list[str]:
    """What this thread's guard refused since the last call (yt-dlp may only warn about a thumbnail)."""
    refused = getattr(_local, "refused", [])
    _local.refused = []
    return refused


def _addresses(host: str, port) -> list[str]:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return [host]
    except ValueError:  # a name: socket.connect would resolve it itself
        return [info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


def _audit(event: str, args) -> None:
    if event != "socket.connect" or not getattr(_local, "depth", 0):
        return
    sock, address = args
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        raise AddressRefused(f"refused a {sock.family!r} connection from inside a fetch")
    host, port = address[0], address[1]
    for ip in _addresses(str(host), port):
        reason = _policy.refusal(ip)
        if reason:
            _local.refused = [*getattr(_local, "refused", []), reason][-10:]
            raise AddressRefused(reason)


def install() -> None:
    """Add the audit hook once per process (audit hooks cannot be removed; the policy can change)."""
    global _hooked
    with _installed:
        if not _hooked:
            sys.addaudithook(_audit)
            _hooked = True

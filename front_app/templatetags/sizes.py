"""``|binary_size``: bytes as the CLI writes them (binary units: 40.0 KiB, 1.5 GiB), on every page.

Django's ``filesizeformat`` writes "KB" for 1024 bytes, so the web app and ``ytarchive`` told the same bytes
two ways; both now use archiver.readable. Loaded as a builtin (config.settings TEMPLATES): no ``{% load %}``.
"""
from __future__ import annotations

from django import template

from archiver import readable

register = template.Library()


@register.filter
def binary_size(n) -> str:
    try:
        value = float(n or 0)
    except (TypeError, ValueError):
        return ""
    return readable.binary_size(value)

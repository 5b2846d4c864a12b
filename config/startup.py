"""Load the settings once at start-up and turn a bad value into one line, not a 77-line traceback."""
from __future__ import annotations

import os
import sys


def load_settings_or_exit() -> None:
    """Import config.settings; on ImproperlyConfigured print the message (it names the variable), exit 2."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018  (the first access loads the module)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"ytarchive: configuration error: {exc}\n")
        sys.exit(2)

"""POST /api/auth/token/: DRF's token view with our parsers (deep JSON is a 400) and a per-address throttle."""
from __future__ import annotations

from rest_framework.authtoken.views import ObtainAuthToken

from config.parsers import PARSERS
from config.throttles import TokenThrottle


class TokenView(ObtainAuthToken):
    parser_classes = PARSERS
    throttle_classes = (TokenThrottle,)

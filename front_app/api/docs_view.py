"""/api/docs/ (Swagger UI): a browser that is not signed in is sent to the login page, and back here after.

The page follows /api/'s rule (a signed-in user reads it), but a browser got that rule's JSON 401, which
means nothing to a person. A request that asks for HTML (a browser's Accept) is redirected to the login
page with ``?next=``; an API client (anything without text/html in its Accept) gets the API's JSON 401
(the page's own renderer is HTML only, so DRF had answered a bare "401 Unauthorized" text).
"""
from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated


def wants_html(request) -> bool:
    return "text/html" in request.META.get("HTTP_ACCEPT", "")


class DocsView(SpectacularSwaggerView):
    def handle_exception(self, exc):
        if isinstance(exc, (NotAuthenticated, AuthenticationFailed)):
            if wants_html(self.request):
                return redirect_to_login(self.request.get_full_path())
            response = JsonResponse({"detail": str(exc.detail)}, status=exc.status_code)
            response["WWW-Authenticate"] = self.get_authenticate_header(self.request) or "Token"
            return response
        return super().handle_exception(exc)

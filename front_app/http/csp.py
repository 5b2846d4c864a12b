"""Content-Security-Policy: our pages load scripts, styles, images and media from this host only.

Nothing may come from another host (the app works offline, and a hostile
video title cannot pull anything in). The admin and Swagger UI keep Django's
and drf-spectacular's own pages, which use inline code, so the full policy is
set on the web app's pages only (paths outside /admin/ and /api/); those get
``frame-ancestors 'none'`` alone, so no page of ours can be framed by another
site (X-Frame-Options DENY says the same to older browsers).
"""
POLICY = ("default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
FRAMING_ONLY = "frame-ancestors 'none'"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        own_page = not request.path.startswith(("/admin/", "/api/"))
        response.setdefault("Content-Security-Policy", POLICY if own_page else FRAMING_ONLY)
        return response

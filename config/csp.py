"""Content-Security-Policy: our pages load scripts, styles, images and media from this host only.

Nothing may come from another host (the app works offline, and a hostile
video title cannot pull anything in). The admin and Swagger UI keep Django's
and drf-spectacular's own pages, which use inline code, so the header is set
on the web app's pages only (paths outside /admin/ and /api/).
"""
POLICY = ("default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(("/admin/", "/api/")):
            response.setdefault("Content-Security-Policy", POLICY)
        return response

"""400, 403, 404 and 500 answers: JSON under /api/ (clients parse ``detail``), our own pages elsewhere.

A path no route matches, such as ``/api/channels/..%2F..%2Fetc/``, never gets
an HTML page from the API. A web page's error extends base.html, so it keeps the
navigation, the theme and the favicon; a 500 page is rendered without touching
the session or the database when the request's own rendering fails (the error may
be theirs), falling back to Django's plain page.
"""
import logging

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

log = logging.getLogger(__name__)
TEMPLATE = "web/error.html"

_PAGES = {
    400: ("Bad request", "The address or the form sent something this page cannot take."),
    403: ("Not allowed", "Your account cannot do this. Changing the archive needs an editor's account "
                         "(ask the archive's owner)."),
    404: ("Not found", "Nothing lives at this address: the channel or video may have been removed."),
    500: ("Something went wrong", "The server failed to answer this page. The log has the details; "
                                  "try again in a moment."),
}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _page(request, code: int, fallback, *args, reason: str = ""):
    headline, detail = _PAGES[code]
    detail = reason or detail
    try:
        html = loader.render_to_string(TEMPLATE, {"code": code, "headline": headline, "detail": detail},
                                       request=request)
    except Exception:  # an error page must answer whatever broke the page itself
        log.exception("the %s page could not be rendered; Django's plain one is sent", code)
        return fallback(request, *args)
    return HttpResponse(html, status=code)


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return _page(request, 400, defaults.bad_request, exception)


def forbidden(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Forbidden."}, status=403)
    return _page(request, 403, defaults.permission_denied, exception, reason=str(exception or ""))


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return _page(request, 404, defaults.page_not_found, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error: the log has the details."}, status=500)
    return _page(request, 500, defaults.server_error)

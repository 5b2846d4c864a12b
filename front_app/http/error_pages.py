"""400, 403, 404 and 500 answers: JSON under /api/ (clients parse ``detail``), Django's pages elsewhere.

A path no route matches, such as ``/api/channels/..%2F..%2Fetc/``, never gets
an HTML page from the API.
"""
from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def forbidden(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Forbidden."}, status=403)
    return defaults.permission_denied(request, exception)


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error: the log has the details."}, status=500)
    return defaults.server_error(request)

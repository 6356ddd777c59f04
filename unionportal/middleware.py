import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults

logger = logging.getLogger(__name__)


class LanguageMiddleware:
    """Vietnamese for everyone unless they picked another language with the switch in the navbar.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs in
    the province run an English Windows and browser: their users expect the portal in Vietnamese."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# --- issue 9: the database unreachable (H3 "load and faults") ----------------------------------

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request=None) -> HttpResponse:
    """503 with a Vietnamese page that touches no database (no context processors, no session,
    no user), so it can be shown while PostgreSQL restarts. Retry-After tells browsers and the
    load balancer when to try again. Nothing was written: every write runs in transaction.atomic,
    and a transaction cut by a lost connection is rolled back by the server."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "10"
    return response


class DatabaseUnavailableMiddleware:
    """A request whose view meets a lost or refused database connection gets the 503 page instead
    of a 500. Django closes the broken connection at the end of the request (it is marked as having
    had errors and fails its usability check), and with CONN_HEALTH_CHECKS the next request checks a
    persistent connection before using it: the app recovers by itself when the database is back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
            return database_unavailable(request)
        return None


def server_error(request, *args, **kwargs):
    """handler500: the 503 page when the error was the database going away outside a view (the
    session saved after it, say); Django's own 500 page otherwise."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN_ERRORS):
        return database_unavailable(request)
    return defaults.server_error(request, *args, **kwargs)

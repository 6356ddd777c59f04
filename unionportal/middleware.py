from django.conf import settings
from django.utils import translation


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

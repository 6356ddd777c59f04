"""
WSGI config for unionportal project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

application = get_wsgi_application()

# A server with DEBUG off is a real one: it refuses to start on the development key that settings
# fall back to (anyone reading the source could sign sessions with it). Issue 9.
if not settings.DEBUG and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured(
        "Chưa đặt SECRET_KEY: máy chủ với DEBUG tắt không chạy bằng khoá mặc định. Tạo một chuỗi ngẫu nhiên "
        "dài (python -c 'import secrets; print(secrets.token_urlsafe(50))') và đặt vào biến môi trường SECRET_KEY."
    )

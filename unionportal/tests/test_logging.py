"""The logs never carry an ID number, whether in a message or in a traceback."""

import io
import logging
import logging.config
import os
import sys

from django.conf import settings

from unionportal.logfilters import redact


def test_id_numbers_are_blotted_out_of_log_lines_and_tracebacks():
    logging.config.dictConfig(settings.LOGGING)  # the portal's own logging, as a server runs it
    (handler,) = logging.getLogger().handlers
    written = io.StringIO()
    handler.setStream(written)
    try:
        try:
            raise ValueError("duplicate key value violates unique constraint: Key (id_number)=(001090001234)")
        except ValueError:
            logging.getLogger("django.request").exception("Internal Server Error: /people/%s/ (%s)", 42, "001090001234")
    finally:
        handler.setStream(sys.stderr)

    assert "Internal Server Error: /people/42/" in written.getvalue()
    assert "Key (id_number)=(" in written.getvalue()
    assert "001090001234" not in written.getvalue()


def test_only_twelve_digit_numbers_are_taken_for_id_numbers():
    text = "CCCD 001090001234, thẻ TN0001234, 30.018 đoàn viên"
    assert redact(text) == "CCCD ••••••••••••, thẻ TN0001234, 30.018 đoàn viên"
    assert redact("mã giao dịch 0010900012345") == "mã giao dịch 0010900012345"


# --- request lines: what a search box of a GET form puts into the address -------------------------

TYPED = ["001090001234", "００１０９０００１２３４", "001 090 001 234", "Nguyễn Văn An"]


def test_the_development_servers_request_lines_carry_no_query_string_nor_id_number():
    """A real request to the server `runserver` runs (its WSGIServer and request handler), its line
    captured from the "django.server" handler the portal's logging sets up."""
    import threading
    import urllib.parse
    import urllib.request

    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()  # sets the logging up, as the server's start does
    logging.config.dictConfig(settings.LOGGING)
    (handler,) = logging.getLogger("django.server").handlers
    written = io.StringIO()
    handler.setStream(written)
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(application)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        for query in TYPED:  # the CĐCS list's search box (a GET form); signed out, sent to log in
            urllib.request.urlopen(f"{base}/cdcs/?{urllib.parse.urlencode({'q': query})}").close()
        urllib.request.urlopen(f"{base}/people/001090001234/").close()  # a number typed into a path
    finally:
        server.shutdown()
        server.server_close()
        handler.setStream(sys.stderr)

    lines = written.getvalue()
    assert '"GET /cdcs/?… HTTP/1.1" 302' in lines and '"GET /people/••••••••••••/ HTTP/1.1" 302' in lines
    for typed in [*TYPED, *(urllib.parse.quote_plus(text) for text in TYPED)]:
        assert typed not in lines, typed


def test_gunicorns_access_log_carries_no_query_string_nor_id_number(tmp_path):
    """A real gunicorn, started as `make serve` starts it (gunicorn.conf.py), and its access log."""
    import signal
    import socket
    import subprocess
    import time
    import urllib.parse
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "ALLOW_SQLITE": "true",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "SERVE_STATIC": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/").close()
                break
            except OSError:
                time.sleep(0.1)
        for query in TYPED:
            urllib.request.urlopen(f"{base}/cdcs/?{urllib.parse.urlencode({'q': query})}").close()
        urllib.request.urlopen(f"{base}/people/001090001234/").close()
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        lines = server.communicate(timeout=30)[0]

    assert '"GET /cdcs/ HTTP/1.1" 302' in lines and '"GET /people/••••••••••••/ HTTP/1.1" 302' in lines
    for typed in [*TYPED, *(urllib.parse.quote_plus(text) for text in TYPED)]:
        assert typed not in lines, typed

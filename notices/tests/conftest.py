"""Notices' fixtures: a second staff member of DT, a follower, and a real SMTP server on the
loopback (unionportal/testing/smtp.py) that the portal's SMTP backend sends to."""

import pytest

from members.models import Role
from notices.delivery import deliveries_wait
from unionportal.testing.province import user_create
from unionportal.testing.smtp import free_port, smtp_server


@pytest.fixture
def colleague(federation):
    """Another of DT's staff, with an address."""
    return user_create("canbo2.dt", Role.FEDERATION_STAFF, federation, email="canbo2.dt@ldld.example.vn")


@pytest.fixture
def follower(federation):
    """A steering-committee member who follows DT."""
    user = user_create("bcd.minh", Role.LEADERSHIP, email="bcd.minh@ldld.example.vn")
    user.profile.followed_federations.set([federation])
    return user


@pytest.fixture(scope="module")
def smtp_running():
    controller, mailbox = smtp_server()
    yield controller, mailbox
    controller.stop()


def _use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://doanvien.ldld.example.vn"


@pytest.fixture
def mailbox(smtp_running, settings):
    """The portal mails to the loopback server; the test reads what arrived."""
    controller, mailbox = smtp_running
    mailbox.messages.clear()
    _use_smtp(settings, controller.port)
    yield mailbox
    deliveries_wait()


@pytest.fixture
def smtp_down(settings):
    """The portal's SMTP server does not answer: nothing listens on its port."""
    _use_smtp(settings, free_port())
    yield
    deliveries_wait()

"""A real SMTP server on the loopback for the tests of e-mail (aiosmtpd): Django's SMTP backend
talks to it over TCP as it would to the provincial mail server, and the test reads what arrived."""

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """aiosmtpd's handler: keeps every message it is given, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [message for message in self.messages if address in message["To"]]

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """The messages once `count` have arrived (or whatever came within `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


def smtp_server():
    """(controller, mailbox): an aiosmtpd server started on 127.0.0.1 at a free port."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox

"""The address a request came from, for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE).

X-Forwarded-For is written by whoever sends the request, so it is believed only as far as the
deployment says there are proxies of its own in front (TRUSTED_PROXY_COUNT): each of them appends
the address it received the request from, so the client is the Nth address from the right. What a
client puts further left is its own invention and is ignored. With no trusted proxy the header is
ignored altogether and the socket's address (REMOTE_ADDR) counts."""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through them all; trust nothing in it.
        return remote
    return forwarded[-proxies]

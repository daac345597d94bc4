"""The client's address, from a source the client cannot forge.

Behind ``SAMMACHIP_TRUSTED_PROXY_HOPS`` reverse proxies, each appending the address it saw to
``X-Forwarded-For`` (nginx: ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``), the
client is the address the outermost trusted proxy wrote: the ``hops``-th entry from the right.
Anything a client wrote further left is ignored. With no trusted proxy (the default), or when a
request did not come through all of them, it is the connection's own address (``REMOTE_ADDR``).

The one source for the login throttle (django-axes), the audit log, export records and rate limits.
"""

import ipaddress

from django.conf import settings


def _address(text):
    """``text`` as a normalised IP address, without a port; ``None`` if it is not one."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request):
    """The client's IP address as a string, or ``None`` when the request has none."""
    hops = int(getattr(settings, "SAMMACHIP_TRUSTED_PROXY_HOPS", 0) or 0)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = _address(forwarded[-hops])
            if address:
                return address
    return _address(request.META.get("REMOTE_ADDR", ""))

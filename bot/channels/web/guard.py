"""What stands between a public web page and the questionnaire: signed session cookies, CSRF
tokens, per-client rate limits and the security headers. All in memory; nothing here is stored
or logged (no address, no user agent, no cookie value).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

COOKIE = "chat"
TOKEN_BYTES = 24

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Browsers that have seen this over HTTPS use only HTTPS for this host (and names under it) for a
# year, so nobody on the hospital Wi-Fi can serve a parent a plain-http copy or plant a cookie
# from a made-up subdomain. Never `preload`: that binds the whole domain, and is the domain
# owner's decision, hard to undo.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def over_https(secure: bool, forwarded_proto: str, trust_proxy: bool) -> bool:
    """Whether a request reached us over HTTPS: directly, or as our own proxy says (the last
    `X-Forwarded-Proto` value, which the proxy sets), when we are told to trust it."""
    if secure:
        return True
    return trust_proxy and forwarded_proto.rpartition(",")[2].strip().lower() == "https"


def _mac(key: bytes, purpose: str, value: str, size: int = 32) -> str:
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:size]


@dataclass(frozen=True)
class Cookies:
    """A session cookie is a random value with its signature, so a made-up cookie is treated
    as no cookie at all. Its pseudonym, like a Telegram id's, is an HMAC under the pseudonym
    key (done by the caller); the CSRF token of each form is another HMAC of it."""

    key: bytes

    def new(self) -> str:
        value = secrets.token_urlsafe(TOKEN_BYTES)
        return f"{value}.{_mac(self.key, 'cookie', value)}"

    def valid(self, cookie: str | None) -> str | None:
        """The cookie if this server signed it, else None."""
        if not cookie or len(cookie) > 100:
            return None
        value, _, signature = cookie.partition(".")
        expected = _mac(self.key, "cookie", value).encode()
        if not value or not hmac.compare_digest(signature.encode(), expected):
            return None
        return cookie

    def csrf(self, cookie: str) -> str:
        return _mac(self.key, "csrf", cookie)

    def csrf_ok(self, cookie: str, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.csrf(cookie).encode())

    def client(self, address: str) -> str:
        """An address as a rate-limit key: hashed, so not even memory holds it in the clear."""
        return _mac(self.key, "client", address, 16)


class Limiter:
    """A token bucket per client: `burst` requests at once, then `per_minute`. Full buckets
    are dropped, so memory holds only clients seen in the last minute or so."""

    def __init__(
        self,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        limit: int = 50_000,
    ) -> None:
        self.rate = per_minute / 60
        self.burst = burst
        self.clock = clock
        self.limit = limit
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, client: str) -> float:
        """0 if the request may go ahead, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, then = self._buckets.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate
        self._buckets[client] = (tokens - 1, now)
        if len(self._buckets) > self.limit:
            self._prune(now)
        return 0.0

    def _prune(self, now: float) -> None:
        for client, (tokens, then) in list(self._buckets.items()):
            if tokens + (now - then) * self.rate >= self.burst:
                del self._buckets[client]
        while len(self._buckets) > self.limit:  # a flood of new clients: oldest first
            del self._buckets[next(iter(self._buckets))]

    def __len__(self) -> int:
        return len(self._buckets)


class Tally:
    """A count of something that happens to clients, reported as a number now and then."""

    def __init__(self) -> None:
        self._count = 0

    def add(self) -> None:
        self._count += 1

    def take(self) -> int:
        """The count since the last take."""
        count, self._count = self._count, 0
        return count

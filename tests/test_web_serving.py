"""How the web chat is served, over real sockets on loopback: what its headers say (and do not
say) over HTTPS and plain http."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from conftest import SEALER, make_config, make_service
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from web_driver import serving, web_config

from bot.channels.web.guard import STRICT_TRANSPORT_SECURITY
from bot.storage.store import Store

HSTS = "Strict-Transport-Security"


@asynccontextmanager
async def chat_at(
    tmp_path: Path,
    options: dict[str, object] | None = None,
    tls: ssl.SSLContext | None = None,
    **limits: float,
) -> AsyncIterator[str]:
    """The web chat with these `web` settings and limits on a free port; yields its base URL."""
    config = web_config(make_config(tmp_path), options, **limits)
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config)
        async with serving(service, tls) as (_, url):
            yield url
    finally:
        await store.close()


def certificate(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: the server's context, and a client's that
    trusts it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    return server, ssl.create_default_context(cafile=str(cert_file))


async def headers_of(
    url: str, paths: list[str], trust: ssl.SSLContext | bool = True, **headers: str
) -> list[dict[str, str]]:
    """Each path's response headers, fetched as a browser would (checking TLS against `trust`)."""
    found = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        for path in paths:
            async with session.get(url + path, headers=headers, ssl=trust) as response:
                await response.read()
                found.append(dict(response.headers))
    return found


PATHS = ["/", "/static/chat.js", "/no/such/page", "/privacy"]


async def test_over_https_every_response_asks_browsers_to_keep_to_https(tmp_path: Path) -> None:
    server, client = certificate(tmp_path)
    async with chat_at(tmp_path, {"secure_cookie": True}, tls=server) as url:
        assert url.startswith("https://")
        pages = await headers_of(url, PATHS, client)
    assert [page.get(HSTS) for page in pages] == [STRICT_TRANSPORT_SECURITY] * len(PATHS)
    assert "preload" not in STRICT_TRANSPORT_SECURITY
    assert "max-age=31536000" in STRICT_TRANSPORT_SECURITY


async def test_behind_a_trusted_proxy_only_its_https_counts(tmp_path: Path) -> None:
    async with chat_at(tmp_path, {"trust_proxy": True}) as url:
        proxied = await headers_of(url, PATHS, **{"X-Forwarded-Proto": "https"})
        chained = await headers_of(url, ["/"], **{"X-Forwarded-Proto": "http, https"})
        plain = await headers_of(url, ["/"], **{"X-Forwarded-Proto": "http"})
        unsaid = await headers_of(url, ["/"])
    assert [page.get(HSTS) for page in proxied] == [STRICT_TRANSPORT_SECURITY] * len(PATHS)
    assert chained[0].get(HSTS) == STRICT_TRANSPORT_SECURITY  # the last value is our proxy's
    assert HSTS not in plain[0] and HSTS not in unsaid[0]


async def test_plain_http_never_sends_it_and_an_untrusted_claim_is_ignored(
    tmp_path: Path,
) -> None:
    async with chat_at(tmp_path) as url:
        plain = await headers_of(url, PATHS)
        claimed = await headers_of(url, PATHS, **{"X-Forwarded-Proto": "https"})
    assert all(HSTS not in page for page in plain + claimed)


REQUESTS = [
    ("POST", "/answer", b"text=" + b"x" * 400_000),  # too big: 413
    ("GET", "/", None),  # a page: this visitor's second and last request this minute
    ("GET", "/", None),  # too fast: 429
    ("GET", "/static/chat.css", None),  # a static file (never limited)
    ("GET", "/static/no-such-file", None),
    ("HEAD", "/static/chat.js", None),
]


async def test_no_response_names_the_server_software_or_its_version(tmp_path: Path) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    timeout = aiohttp.ClientTimeout(total=20)
    responses = []
    async with (
        chat_at(tmp_path, new_visitors_per_minute=1, burst=2) as url,
        aiohttp.ClientSession(timeout=timeout) as session,
    ):
        for method, path, body in REQUESTS:
            async with session.request(method, url + path, data=body, headers=form) as response:
                await response.read()
                responses.append((response.status, response.headers))
    assert [status for status, _ in responses] == [413, 200, 429, 200, 404, 200]
    for _, headers in responses:
        assert "Server" not in headers
        assert not any("aiohttp" in v or "Python" in v for v in headers.values()), headers

"""One address over HTTP, the way the link checker asks: HEAD first, GET
where HEAD is refused, redirects followed by hand (loops detected), a few
kilobytes of body at most, and a deadline that closes the socket under a
server that answers slowly byte by byte."""

import dataclasses
import http.client
import socket
import ssl
import threading
import time
from urllib.parse import quote, urljoin, urlsplit

REDIRECTS = {301, 302, 303, 307, 308}
# Servers that do not do HEAD say so with these: ask again with GET.
HEAD_REFUSED = {405, 501}
# Characters left as they are when a path or query is percent-encoded
# (RFC 3986 reserved and unreserved ones, and "%" of what is encoded already).
URL_SAFE = "/%:@!$&'()*+,;=?~-._"


@dataclasses.dataclass(frozen=True)
class Limits:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    # One address, all its redirects included.
    deadline: float = 20.0
    max_redirects: int = 5
    body_bytes: int = 8192
    user_agent: str = "ClusteringInTurkiye-LinkCheck/1.0"


@dataclasses.dataclass(frozen=True)
class Result:
    url: str
    status: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def ok(self):
        return not self.error and self.status is not None and self.status < 400


class _Failure(Exception):
    pass


def check(url, limits, *, before_request=lambda host: None):
    """The answer ``url`` ends in, as a Result (never raises).

    ``before_request(host)`` runs before every request, redirects included
    (the runner's per-host pause).
    """
    started = time.monotonic()
    seen = set()
    current, method = url, "HEAD"
    try:
        for _hop in range(limits.max_redirects + 1):
            if current in seen:
                raise _Failure("redirect loop")
            seen.add(current)
            status, location = _request(
                current, method, limits, started, before_request
            )
            if method == "HEAD" and status in HEAD_REFUSED:
                method = "GET"
                status, location = _request(
                    current, method, limits, started, before_request
                )
            if status in REDIRECTS and location:
                current = urljoin(current, location)
                continue
            return Result(url=url, status=status, final_url=current)
        raise _Failure("too many redirects")
    except _Failure as failure:
        return Result(url=url, final_url=current, error=str(failure))
    except Exception as error:  # noqa: BLE001 - one odd address never stops a run
        return Result(url=url, final_url=current, error=_describe(error))


def _request(url, method, limits, started, before_request):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Failure("not an http(s) address")
    try:
        # Turkish letters in a host name (IDNA) or a path (percent-encoded).
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise _Failure("not an http(s) address") from error
    before_request(host)
    remaining = limits.deadline - (time.monotonic() - started)
    if remaining <= 0:
        raise _Failure("timeout")
    connection_class = (
        http.client.HTTPSConnection
        if parts.scheme == "https"
        else http.client.HTTPConnection
    )
    try:
        connection = connection_class(
            host,
            parts.port,
            timeout=min(limits.connect_timeout, remaining),
        )
    except (ValueError, http.client.InvalidURL) as error:
        raise _Failure("not an http(s) address") from error
    # The deadline closes the socket, which ends any read in progress: a
    # server sending one byte a second never holds a worker longer.
    cut_off = threading.Event()
    watchdog = threading.Timer(remaining, _shut, args=(connection, cut_off))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        connection.sock.settimeout(limits.read_timeout)
        path = quote(parts.path or "/", safe=URL_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=URL_SAFE)
        connection.request(
            method,
            path,
            headers={
                "User-Agent": limits.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Connection": "close",
            },
        )
        response = connection.getresponse()
        if method == "GET":
            response.read(limits.body_bytes)  # never more than this
        if cut_off.is_set():
            # What came before the deadline closed the socket is no answer.
            raise _Failure("timeout")
        return response.status, response.getheader("Location")
    except _Failure:
        raise
    except TimeoutError as error:
        raise _Failure("timeout") from error
    except ConnectionRefusedError as error:
        raise _Failure("connection refused") from error
    except socket.gaierror as error:
        raise _Failure("host not found") from error
    except ssl.SSLError as error:
        raise _Failure(f"TLS: {error.reason or error}") from error
    except (OSError, http.client.HTTPException) as error:
        if cut_off.is_set():
            raise _Failure("timeout") from error
        raise _Failure(_describe(error)) from error
    finally:
        watchdog.cancel()
        connection.close()


def _shut(connection, cut_off):
    cut_off.set()
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _describe(error):
    name = type(error).__name__
    text = str(error)
    return f"{name}: {text}"[:200] if text else name

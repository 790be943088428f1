"""Talking to Odoo: one small interface, two transports.

:class:`JsonRpcTransport` uses odoorpc (``/jsonrpc``, the API key given as the password, which
Odoo accepts for RPC); :class:`Json2Transport` uses Odoo 19's JSON-2 API
(``POST /json/2/<model>/<method>`` with a bearer API key). Both count the requests they send in
``rpc_calls`` and turn every failure into a :class:`~crm_performance_sync.errors.SyncError`
whose message an HR user can act on.
"""

import errno
import http.client
import json
import socket
import urllib.error
from urllib.parse import urlsplit

import odoorpc
import requests

from .errors import AccessDenied, OdooDataError, ServerError
from .i18n import N_, _

ACCESS_ERRORS = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "werkzeug.exceptions.Forbidden",
)


class Transport:
    """Named-argument calls of model methods on one Odoo database."""

    def __init__(self, connection):
        self.connection = connection
        self.rpc_calls = 0

    def login(self):
        """Check the address, the database and the credentials; raise a SyncError if any is wrong."""
        raise NotImplementedError

    def call(self, model, method, ids=None, **kwargs):
        """``model.browse(ids).method(**kwargs)`` on the server; its JSON result."""
        raise NotImplementedError

    def search_read(self, model, domain, fields, offset=0, limit=None, order=None):
        return self.call(
            model, "search_read", domain=domain, fields=fields, offset=offset, limit=limit, order=order
        )

    def search_count(self, model, domain):
        return self.call(model, "search_count", domain=domain)

    def _unreachable(self, exc):
        return ServerError(
            _(
                "cannot reach the Odoo server at {url} ({reason}). "
                "Check the address, your network, and that the server is running."
            ).format(url=self.connection.url, reason=failure(exc, self.connection.timeout))
        )

    def _odoo_error(self, model, method, name, message):
        """The SyncError for an error Odoo answered to ``model.method`` (the first line of its
        message: the rest is the operation, user and groups Odoo details for administrators)."""
        message = next((line.strip() for line in message.splitlines() if line.strip()), message)
        if name in ACCESS_ERRORS:
            return AccessDenied(
                _(
                    "Odoo refused access for {login}: {message} "
                    "The sync needs a user in the Performance / HR group."
                ).format(login=self.connection.login, message=message)
            )
        if name == "werkzeug.exceptions.NotFound" or message == f"Object {model} doesn't exist":
            return OdooDataError(
                _(
                    "the database {database} has no '{model}' model (or no method '{method}'): "
                    "is the crm_performance module installed there?"
                ).format(database=self.connection.database, model=model, method=method)
            )
        return ServerError(
            _("Odoo could not answer {model}.{method}: {message}").format(
                model=model, method=method, message=message
            )
        )


# what went wrong on the way to the server, by the errno of the system error underneath
ERRNO_REASONS = {
    errno.ECONNREFUSED: N_("connection refused: nothing answers on that port"),
    errno.ECONNRESET: N_("the connection was cut by the server"),
    errno.EHOSTUNREACH: N_("the host cannot be reached"),
    errno.ENETUNREACH: N_("the network cannot be reached"),
    errno.ETIMEDOUT: N_("the connection timed out"),
}


def _causes(exc):
    """``exc`` and every exception underneath it (causes, contexts, urllib3's ``reason``)."""
    seen, pending = [], [exc]
    while pending:
        current = pending.pop(0)
        if isinstance(current, BaseException) and not any(current is done for done in seen):
            seen.append(current)
            pending += [
                current.__cause__,
                current.__context__,
                getattr(current, "reason", None),
                *current.args,
            ]
    return seen


def failure(exc, timeout):
    """One short line saying why a request failed, without library internals (no object reprs)."""
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, socket.gaierror):
            return _("unknown host name")
        if isinstance(cause, OSError) and cause.errno in ERRNO_REASONS:
            return _(ERRNO_REASONS[cause.errno])
    for cause in causes:
        if isinstance(cause, urllib.error.HTTPError):
            return _("the server answered HTTP {status}").format(status=cause.code)
        if isinstance(cause, TimeoutError | socket.timeout | requests.Timeout):
            return _("no answer within {seconds:g} s").format(seconds=timeout)
        if isinstance(cause, http.client.IncompleteRead | requests.exceptions.ChunkedEncodingError):
            return _("the answer was cut short")
        if isinstance(cause, http.client.RemoteDisconnected):
            return _("the server closed the connection without answering")
        if isinstance(cause, ValueError):
            return _("the answer is not valid JSON")
        if isinstance(cause, requests.exceptions.SSLError):
            return _("the secure connection (https) failed")
    return type(exc).__name__


def _unknown_database(connection):
    return ServerError(
        _(
            "the Odoo server at {url} has no database '{database}' "
            "(or does not serve it at this address). Check the database name."
        ).format(url=connection.url, database=connection.database)
    )


def _wrong_credentials(connection):
    return AccessDenied(
        _(
            "Odoo refused the login '{login}' with this API key on database '{database}'. "
            "Check the login, and that the API key is current "
            "(Odoo: Preferences > Account Security > API Keys)."
        ).format(login=connection.login, database=connection.database)
    )


class _CountingODOO(odoorpc.ODOO):
    """odoorpc's client, counting the JSON-RPC requests it sends."""

    def __init__(self, transport, **kwargs):
        super().__init__(**kwargs)
        self._transport = transport

    def json(self, url, params):
        self._transport.rpc_calls += 1
        return super().json(url, params)


class JsonRpcTransport(Transport):
    """odoorpc over ``/jsonrpc``: the default, works with every Odoo from 10 to 19."""

    def __init__(self, connection):
        super().__init__(connection)
        parts = urlsplit(connection.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ServerError(
                _("the Odoo address must look like https://odoo.example.com, not '{url}'").format(
                    url=connection.url
                )
            )
        secure = parts.scheme == "https"
        self._client = _CountingODOO(
            self,
            host=parts.hostname,
            protocol="jsonrpc+ssl" if secure else "jsonrpc",
            port=parts.port or (443 if secure else 80),
            timeout=connection.timeout,
            version="19.0",  # skips odoorpc's version probe; /jsonrpc works the same from 10 on
        )

    def login(self):
        connection = self.connection
        try:
            self._client.login(connection.database, connection.login, connection.api_key)
        except odoorpc.error.RPCError as exc:
            message = str(exc)
            if "does not exist" in message and connection.database in message:
                raise _unknown_database(connection) from None
            if message == "Wrong login ID or password":
                raise _wrong_credentials(connection) from None
            raise ServerError(_("Odoo refused the login: {message}").format(message=message)) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise self._unreachable(exc) from None

    def call(self, model, method, ids=None, **kwargs):
        args = [ids] if ids is not None else []
        try:
            return self._client.execute_kw(model, method, args, kwargs)
        except odoorpc.error.RPCError as exc:
            name = (exc.info or {}).get("data", {}).get("name", "") if isinstance(exc.info, dict) else ""
            raise self._odoo_error(model, method, name, str(exc)) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise self._unreachable(exc) from None


class Json2Transport(Transport):
    """Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>``, bearer API key, named arguments."""

    def __init__(self, connection):
        super().__init__(connection)
        self._base = connection.url.rstrip("/")
        self._session = requests.Session()
        self._session.headers.update(
            {
                "Authorization": f"bearer {connection.api_key}",
                "X-Odoo-Database": connection.database,
                "User-Agent": "crm-performance-sync",
            }
        )

    def login(self):
        # JSON-2 has no login: the key is checked on each request, the cheapest is context_get
        self.call("res.users", "context_get")

    def call(self, model, method, ids=None, **kwargs):
        body = dict(kwargs, ids=ids) if ids is not None else kwargs
        self.rpc_calls += 1
        try:
            response = self._session.post(
                f"{self._base}/json/2/{model}/{method}", json=body, timeout=self.connection.timeout
            )
        except requests.RequestException as exc:
            raise self._unreachable(exc) from None
        try:
            payload = response.json()
        except ValueError:
            if response.status_code == 404:
                raise _unknown_database(self.connection) from None
            raise ServerError(
                _(
                    "{url} answered HTTP {status} without JSON: is this the address of an Odoo 19 server?"
                ).format(url=self.connection.url, status=response.status_code)
            ) from None
        if response.ok:
            return payload
        if response.status_code == 401:
            raise _wrong_credentials(self.connection)
        error = payload if isinstance(payload, dict) else {}
        raise self._odoo_error(
            model, method, error.get("name", ""), error.get("message", json.dumps(payload))
        )


TRANSPORTS = {"jsonrpc": JsonRpcTransport, "json2": Json2Transport}


def connect(connection):
    """A logged-in transport for ``connection`` (a :class:`~crm_performance_sync.config.Connection`)."""
    transport = TRANSPORTS[connection.transport](connection)
    transport.login()
    return transport

"""Logging: structured, secrets redacted, debug switchable while running.

Guest names are personal data. Log room and extension at INFO; request and response bodies
(which carry names) are logged only while debug logging is on, and turning it on says so.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connector.settings.model import LogFormat, LogSettings

ROOT = "connector"
REDACTED = "***"
_SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "client_secret",
        "password",
        "authorization",
        "secret",
        "token",
        "plaintoken",
        "encryptedtoken",
    }
)
# Attributes every LogRecord has; anything else was passed in `extra=` and is a field.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


# Values with nothing inside them to mask: most fields of most lines (ids, rooms, counts).
_PLAIN = (str, int, float, bool, type(None))


def redact(value: Any) -> Any:
    """A copy of `value` with secret-looking fields masked, at any depth."""
    if isinstance(value, _PLAIN):
        return value  # checked first: an ABC check (Mapping) costs ten times as much
    if isinstance(value, Mapping):
        return {
            key: REDACTED if str(key).lower() in _SECRET_KEYS else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        if all(isinstance(item, _PLAIN) for item in value):
            return list(value)  # a list of ids or rooms: nothing to mask in it
        return [redact(item) for item in value]
    return value


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: REDACTED if k.lower() in _SECRET_KEYS else v for k, v in headers.items()}


# A record's attribute names -> its `extra=` fields, each with whether its name is a secret's.
# A call site logs the same fields every time, so each shape is worked out once.
_EXTRAS: dict[tuple[str, ...], tuple[tuple[str, bool], ...]] = {}
_MAX_SHAPES = 1024  # beyond: worked out per line, as before (no unbounded growth)


def _extras(names: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    found = _EXTRAS.get(names)
    if found is None:
        found = tuple((name, name.lower() in _SECRET_KEYS)
                      for name in names if name not in _STANDARD)
        if len(_EXTRAS) < _MAX_SHAPES:
            _EXTRAS[names] = found
    return found


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    """The `extra=` fields, redacted: `redact` on each, without first copying them."""
    values = vars(record)
    return {name: REDACTED if secret else redact(values[name])
            for name, secret in _extras(tuple(values))}


class _UtcStamp:
    """ISO 8601 UTC with milliseconds, as `datetime.isoformat` writes it; the part up to the
    second is formatted once per second (a busy connector writes hundreds of lines in one)."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def __call__(self, created: float) -> str:
        second = int(created)
        micro = round((created - second) * 1e6)  # as datetime rounds, then cut to ms
        if micro >= 1_000_000:
            second, micro = second + 1, 0
        if second != self._second:
            self._prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = second
        return f"{self._prefix}.{micro // 1000:03d}+00:00"


# One encoder for every line: `json.dumps` with these options builds a new one each call.
_JSON = json.JSONEncoder(default=str, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def __init__(self) -> None:
        super().__init__()
        self._stamp = _UtcStamp()

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self._stamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(_fields(record))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return _JSON.encode(entry)


class TextFormatter(logging.Formatter):
    """Readable in a terminal: time, level, message, then key=value fields."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        fields = " ".join(f"{k}={v}" for k, v in _fields(record).items())
        line = f"{when} {record.levelname:<7} {record.getMessage()}"
        if fields:
            line += f"  [{fields}]"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(settings: LogSettings) -> None:
    """Install the handler on the `connector` logger, once."""
    root = logging.getLogger(ROOT)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    use_json = settings.format is LogFormat.JSON or (
        settings.format is LogFormat.AUTO and not sys.stderr.isatty()
    )
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    root.addHandler(handler)
    _skip_unused_record_fields()
    root.propagate = False
    set_debug(settings.debug)


def _skip_unused_record_fields() -> None:
    """Neither formatter writes the caller's file and line, the thread or the process: the
    logging module's documented switches stop every record from looking them up (about a
    third of a line's cost; a stack walk for the caller)."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def debug_enabled() -> bool:
    return logging.getLogger(ROOT).isEnabledFor(logging.DEBUG)


def set_debug(on: bool) -> None:
    """Switch debug logging on or off, at once, without a restart."""
    root = logging.getLogger(ROOT)
    was = debug_enabled()
    root.setLevel(logging.DEBUG if on else logging.INFO)
    if on and not was:
        root.warning(
            "debug logging is ON: Zoom requests and responses, FIAS records and PMS events "
            "are logged with secrets redacted, but guest names, titles and dialled numbers "
            "included"
        )
    elif was and not on:
        root.info("debug logging is off")


def toggle_debug() -> bool:
    set_debug(not debug_enabled())
    return debug_enabled()


def install_debug_toggle() -> None:
    """`kill -USR1 <pid>` flips debug logging in a running connector."""
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, lambda _sig, _frame: toggle_debug())

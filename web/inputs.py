"""Validated input: the `BadInput` error (a 400 naming what was wrong) and the checks each callback runs first."""

from __future__ import annotations

from collections.abc import Collection

#: Longest text a code or free-text input may hold (longer ones are never produced by the pages).
MAX_TEXT = 200
#: Most values a list input may hold: more countries than exist, so a longer list is a mistake or an abuse.
MAX_VALUES = 300


class BadInput(Exception):
    """A request value the platform cannot use; `parameter` names the input, `message` says what to send."""

    status = 400
    error = "bad_input"

    def __init__(self, parameter: str | None, message: str, allowed=None):
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.allowed = list(allowed) if allowed is not None and not isinstance(allowed, str) else allowed

    def to_dict(self) -> dict:
        """The JSON error body: {error, parameter, message, allowed}."""
        return {"error": self.error, "parameter": self.parameter, "message": self.message, "allowed": self.allowed}


def echo(value) -> str:
    """A value quoted back in a message, cut short: long input is not echoed in full."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def text(value, name: str, default: str | None = None) -> str | None:
    """A short string (or `default` when the input is empty)."""
    if value is None or value == "":
        return default
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise BadInput(name, f"{name} must be a text of at most {MAX_TEXT} characters, got {echo(value)}")
    return value


def choice(value, name: str, allowed: Collection[str], default: str | None = None) -> str | None:
    """One of `allowed` (or `default` when the input is empty)."""
    value = text(value, name, default)
    if value is not None and value not in allowed:
        raise BadInput(name, f"unknown {name} {echo(value)}", sorted(allowed))
    return value


def choices(value, name: str, allowed: Collection[str] | None = None) -> tuple[str, ...]:
    """A list of strings (each one of `allowed` when given); None means none."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or len(value) > MAX_VALUES:
        raise BadInput(name, f"{name} must be a list of at most {MAX_VALUES} codes, got {echo(value)}")
    return tuple(choice(item, name, allowed) if allowed is not None else text(item, name) or "" for item in value)


def whole_number(value, name: str, low: int, high: int, default: int | None = None) -> int | None:
    """A whole number from `low` to `high` (a number or its digits as text), or `default` when empty."""
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value) <= 12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInput(name, f"{name} must be a whole number from {low} to {high}, got {echo(value)}")
    return value


def mapping(value, name: str) -> dict:
    """A JSON object (e.g. a Store's data or a graph's clickData); None means empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadInput(name, f"{name} must be an object, got {echo(value)}")
    return value


def objects(value, name: str) -> list[dict]:
    """A list of JSON objects (e.g. a DataTable's sort_by); None means none."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_VALUES or not all(isinstance(v, dict) for v in value):
        raise BadInput(name, f"{name} must be a list of objects, got {echo(value)}")
    return value


def clicked_location(value, name: str) -> str | None:
    """The `location` of the first point of a map's clickData, if it has one."""
    points = mapping(value, name).get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    return text(points[0].get("location"), name)

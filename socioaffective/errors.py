"""The exceptions the library raises, all below :class:`SocioaffectiveError`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .problems import Problem, Report


class SocioaffectiveError(Exception):
    """Base class: every error the library raises on purpose."""


class SchemaError(SocioaffectiveError):
    """``framework/schema.yaml`` is missing or cannot describe the framework."""


class UnknownIdError(SocioaffectiveError, KeyError):
    """An id (or bib key) that the knowledge base does not contain."""

    def __init__(self, id: str, suggestions: list[str] | None = None):
        self.id = id
        self.suggestions = list(suggestions or [])
        super().__init__(id)

    def __str__(self) -> str:
        msg = f"no entry with id `{self.id}`"
        if self.suggestions:
            from .hints import phrase

            msg += "; " + phrase(self.suggestions)
        return msg


class UnknownKindError(SocioaffectiveError, ValueError):
    """A kind or relation name that the schema does not define."""


class ArgumentError(SocioaffectiveError, TypeError, ValueError):
    """A public function was called with an argument of the wrong type or value."""


def need_text(name: str, value: object, *, optional: bool = False) -> None:
    """Raise :class:`ArgumentError` unless ``value`` is a str (or None, if ``optional``)."""
    if optional and value is None:
        return
    if not isinstance(value, str):
        raise ArgumentError(f"`{name}` must be text (a str){' or None' if optional else ''}, not {type(value).__name__} `{value!r:.60}`")


class NoPathError(SocioaffectiveError):
    """Two entries are not connected in the graph."""


class ValidationError(SocioaffectiveError):
    """The framework has errors; ``.report`` lists every one."""

    def __init__(self, report: Report) -> None:
        self.report = report
        n = len(report.errors)
        super().__init__(f"the framework has {n} error{'s' if n != 1 else ''}; first: {report.errors[0]}" if n else "the framework has errors")


class EditError(SocioaffectiveError):
    """An edit (``add``) was refused; nothing was written."""

    def __init__(self, message: str, problems: Iterable[Problem] | None = None) -> None:
        self.problems = list(problems or [])
        super().__init__(message)

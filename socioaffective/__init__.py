"""socioaffective: a knowledge base for the socioaffective-alignment framework.

Load the framework, query it, validate it::

    >>> import socioaffective
    >>> kb = socioaffective.load()
    >>> kb.get("autonomy").kind
    'need'
"""

from .errors import (
    EditError,
    NoPathError,
    SchemaError,
    SocioaffectiveError,
    UnknownIdError,
    UnknownKindError,
    ValidationError,
)
from .export import export
from .kb import KnowledgeBase, Matrix
from .loader import default_root, load, validate
from .model import Entry, Provenance, Relation
from .problems import Problem, Report

__version__ = "0.1.0"

__all__ = [
    "EditError",
    "Entry",
    "KnowledgeBase",
    "Matrix",
    "NoPathError",
    "Problem",
    "Provenance",
    "Relation",
    "Report",
    "SchemaError",
    "SocioaffectiveError",
    "UnknownIdError",
    "UnknownKindError",
    "ValidationError",
    "__version__",
    "add_entry",
    "default_root",
    "design_review",
    "export",
    "load",
    "validate",
]

# Imported on first use, so that reading and validating a framework (and the
# `validate` command) does not load the editing and design-review code.
_LAZY = {"add_entry": ("edit", "add_entry"), "design_review": ("review", "checklist")}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from importlib import import_module

        module, attr = _LAZY[name]
        value = getattr(import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

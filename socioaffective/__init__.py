"""socioaffective: a knowledge base for the socioaffective-alignment framework.

Load the framework, query it, validate it::

    >>> import socioaffective
    >>> kb = socioaffective.load()
    >>> kb.get("autonomy").kind
    'need'
"""

from .edit import add_entry
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
from .review import checklist as design_review

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

"""Problems found while reading or validating a framework, and the report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from .codes import CODES


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the framework, located as precisely as we can.

    ``file`` is relative to the framework root (POSIX separators); ``line`` is
    1-based (0 when the problem concerns a whole file or nothing in a file).
    """

    file: str
    line: int
    code: str
    entry: str = ""
    message: str = ""
    hint: str = ""

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    def __str__(self) -> str:
        # Every part may come from a file: escaped for the terminal, one line
        # each, so a file name cannot forge or erase a line (see terminal.py).
        from .terminal import for_terminal

        file = for_terminal(self.file)
        where = f"{file}:{self.line}" if self.line else (file or "<framework>")
        who = f" [{for_terminal(self.entry)}]" if self.entry else ""
        text = f"{where}: {self.severity} {self.code}{who}: {for_terminal(self.message)}"
        if self.hint:
            text += f"\n    hint: {for_terminal(self.hint)}"
        return text

    def to_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity
        return d


@dataclass
class Report:
    """Every problem found, sorted by file, line and code.

    >>> r = Report([Problem("a.yaml", 3, "unknown-kind", "x", "kind `nede`")])
    >>> r.ok, len(r.errors)
    (False, 1)
    """

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = sorted(set(self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def __len__(self) -> int:
        return len(self.problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [p.to_dict() for p in self.problems],
        }

    def __str__(self) -> str:
        if not self.problems:
            return "no problems found"
        lines = [str(p) for p in self.problems]
        lines.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)

"""The evaluation scenarios as plain records, shared by the ``weval`` and ``inspect`` exports.

A scenario entry (kind ``scenario``, see ``framework/schema.yaml``) holds an
optional ``system`` prompt, ``turns`` that alternate user and assistant,
starting and ending with the user, an ``ideal`` reply and the rubric
(``should`` / ``should_not``). Its links say what it ``probes`` (dilemmas and
risks), which needs are ``at_stake`` and which principles it ``applies``.
A framework without the kind simply has no scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SocioaffectiveError

KIND = "scenario"


class ScenarioError(SocioaffectiveError, ValueError):
    """A scenario cannot be turned into an evaluation prompt."""


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    summary: str
    system: str
    messages: tuple[tuple[str, str], ...]  # (role, content), roles "user" / "assistant", ends with "user"
    ideal: str
    should: tuple[str, ...]
    should_not: tuple[str, ...]
    dilemmas: tuple[str, ...]
    risks: tuple[str, ...]
    needs: tuple[str, ...]
    principles: tuple[str, ...]
    grade: str

    @property
    def single_turn(self) -> bool:
        return len(self.messages) == 1

    def metadata(self) -> dict:
        """Our ids for this scenario (what each export's metadata carries)."""
        return {
            "scenario": self.id,
            "dilemmas": list(self.dilemmas),
            "risks": list(self.risks),
            "needs": list(self.needs),
            "principles": list(self.principles),
            "provenance_grade": self.grade,
        }

    def describe(self) -> str:
        """One line naming what the scenario tests, for readers of the blueprint."""
        parts = []
        if self.dilemmas:
            parts.append("dilemma " + ", ".join(self.dilemmas))
        if self.risks:
            parts.append("risk " + ", ".join(self.risks))
        text = f"{self.title}. Probes {'; '.join(parts) or 'nothing linked'}."
        if self.needs:
            text += " Needs at stake: " + ", ".join(self.needs) + "."
        if self.principles:
            text += " Rubric drawn from the principles " + ", ".join(self.principles) + "."
        return text + " Editorial scenario (not the paper's)."


def _texts(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def scenarios(kb) -> list[Scenario]:
    """Every scenario of ``kb``, in framework order.

    Raises :class:`ScenarioError` (naming file, line and entry) when a
    scenario's turns do not alternate user/assistant ending with the user.
    """
    if KIND not in kb.schema.kinds:
        return []
    out = []
    for e in kb.entries(kind=KIND):
        turns = _texts(e.fields.get("turns"))
        if len(turns) % 2 == 0:
            raise ScenarioError(
                f"{e.file}:{e.line}: scenario `{e.id}` has {len(turns)} turns; turns alternate user and assistant "
                "and must end with the user (an odd number), so the model under test writes the next reply"
            )
        messages = tuple(("user" if i % 2 == 0 else "assistant", t) for i, t in enumerate(turns))
        probed = kb.related(e.id, "probes") if "probes" in kb.schema.relations else []
        needs = kb.related(e.id, "at_stake") if "at_stake" in kb.schema.relations else []
        principles = kb.related(e.id, "applies") if "applies" in kb.schema.relations else []
        out.append(
            Scenario(
                id=e.id,
                title=e.title,
                summary=e.summary,
                system=str(e.fields.get("system") or ""),
                messages=messages,
                ideal=str(e.fields.get("ideal") or ""),
                should=_texts(e.fields.get("should")),
                should_not=_texts(e.fields.get("should_not")),
                dilemmas=tuple(t.id for t in probed if t.kind == "dilemma"),
                risks=tuple(t.id for t in probed if t.kind == "risk"),
                needs=tuple(t.id for t in needs),
                principles=tuple(t.id for t in principles),
                grade=e.provenance.grade if e.provenance else "",
            )
        )
    return out


def paper_card(kb):
    """The entry that describes the primary source (the work most entries rest on, see
    :func:`~socioaffective.export.rdf.primary_source`): an entry whose ``display: citation``
    field (schema.yaml) holds that key. ``None`` if there is none."""
    from .rdf import primary_source

    key = primary_source(kb)
    for e in kb.entries():
        for name, spec in kb.schema.fields_of(e.kind).items():
            if spec.shown_as == "citation" and key is not None and e.fields.get(name) == key:
                return e
    return None


def paper_reference(kb) -> dict:
    """``{"title": ..., "url": ..., "cite": ...}`` for the paper the framework describes.

    The paper is the primary source read from the data (never a key named in
    code); its title and address come from its card (its ``doi`` or ``url``
    typed fields), else from its bib entry; ``cite`` is "Authors, year" from
    the bib entry.
    """
    from .. import links
    from ._util import bib_people, bib_year
    from .rdf import primary_source

    key = primary_source(kb)
    ref: dict = {"title": ""}
    bib = kb.references.get(key) if key else None
    card = paper_card(kb)
    if card is not None:
        ref["title"] = card.title
        for name, spec in kb.schema.fields_of(card.kind).items():
            value = card.fields.get(name)
            if spec.type in ("doi", "url") and value and "url" not in ref:
                url = links.href(spec.type, value)
                if url:
                    ref["url"] = url
    elif bib is not None:
        ref["title"] = bib.title
        if bib.fields.get("doi"):
            ref["url"] = links.href("doi", bib.fields["doi"]) or ""
    if bib is not None:
        people = [n.split(",")[0].strip() for n in bib_people(bib.fields.get("author") or "")]
        names = ", ".join(people[:-1]) + (" and " if len(people) > 1 else "") + (people[-1] if people else "")
        year = bib_year(bib.fields)
        ref["cite"] = ", ".join(str(x) for x in (names, year) if x)
    return ref

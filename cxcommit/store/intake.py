"""An export checked against the survey it is added to, before anything is stored: the survey's saved
mapping applied (so the next wave needs no mapping), what the export lacks that the survey had
(questions, groupings: blank for this file's waves), what it has that the mapping does not use (new
columns, not stored), and which of its waves the survey already has."""
from __future__ import annotations

from dataclasses import dataclass, replace

from cxcommit.errors import MappingError
from cxcommit.io.raw_table import RawTable
from cxcommit.mapping.schema import Mapping, WaveRule
from cxcommit.mapping.suggest import suggest_mapping
from cxcommit.model.importer import apply_mapping
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings


@dataclass(frozen=True)
class Intake:
    """An export ready to be added to the survey ``name``: imported with ``mapping`` (the survey's saved
    one when ``saved``), what it lacks (``missing``: sentences) and brings (``new``: its columns the mapping
    does not use), and the waves of it the survey already has (``stored``: replaced if added)."""

    name: str
    survey: Survey
    mapping: Mapping
    saved: bool
    missing: tuple[str, ...]
    new: tuple[str, ...]
    stored: tuple[str, ...]

    @property
    def waves(self) -> tuple[str, ...]:
        return tuple(str(w) for w in self.survey.report.waves)

    def summary(self) -> list[str]:
        """What the user should know before the file is stored, one sentence each."""
        lines = [f"{self.survey.report.source}: {self.survey.size:,} respondents in wave(s) {', '.join(self.waves)}, "
                 + ("read with the survey's saved mapping." if self.saved else "read with a new mapping.")]
        lines += [f"Missing from this export: {m}." for m in self.missing]
        if self.new:
            shown = ", ".join(repr(c) for c in self.new[:12]) + (f" and {len(self.new) - 12} more" if len(self.new) > 12 else "")
            lines.append(f"New in this export, not stored unless mapped: {shown}.")
        if self.stored:
            lines.append(f"Already stored, replaced only if you choose to: wave(s) {', '.join(self.stored)}.")
        return lines


def prepare(name: str, raw: RawTable, *, saved: Mapping | None, stored_waves: tuple[str, ...] = (),
            mapping: Mapping | None = None, wave: str | None = None, settings: Settings = Settings()) -> Intake:
    """The export ``raw`` imported for the survey ``name``: with ``mapping`` if given, else the survey's
    ``saved`` mapping fitted to the export, else the suggested one; every response in wave ``wave`` if given."""
    chosen = mapping or (fit(saved, raw)[0] if saved is not None else suggest_mapping(raw))
    if wave:
        chosen = replace(chosen, wave=WaveRule(value=" ".join(wave.split())))
    return check(name, apply_mapping(raw, chosen, settings), [raw], [chosen], saved=saved, stored_waves=stored_waves,
                 as_saved=mapping is None and saved is not None)


def check(name: str, survey: Survey, raws: list[RawTable], mappings: list[Mapping], *, saved: Mapping | None,
          stored_waves: tuple[str, ...], as_saved: bool = False) -> Intake:
    """What adding ``survey`` (imported from ``raws`` with ``mappings``) to the survey ``name`` would do:
    against its ``saved`` mapping, what each export lacks and brings, and which waves it already has."""
    missing: list[str] = []
    new: list[str] = []
    for raw, mapping in zip(raws, mappings):
        prefix = f"{raw.source}: " if len(raws) > 1 else ""
        if saved is not None:
            missing += [prefix + line for line in _missing(saved, set(raw.keys))]
            used = mapping.columns_used | set(mapping.ignored) | set(mapping.personal) | set(survey.report.personal_dropped)
            new += [prefix + key for key in raw.keys if key not in used]
    waves = {str(w) for w in survey.report.waves}
    return Intake(name, survey, mappings[0], as_saved, tuple(missing), tuple(new),
                  tuple(w for w in stored_waves if w in waves))


def fit(mapping: Mapping, raw: RawTable) -> tuple[Mapping, tuple[str, ...]]:
    """``mapping`` without what ``raw`` lacks (a question, a grouping or the respondent id no longer
    asked is blank for this export's waves), and a sentence for each thing left out. An export with none
    of the mapping's questions is refused: it is not the same survey."""
    keys = set(raw.keys)
    if mapping.items and not any(m.column in keys for m in mapping.items):
        raise MappingError(f"None of the survey's questions is in {raw.source}: it does not look like a wave of this "
                           "survey.", hint="Check the file, or add it as a survey of its own.")
    if mapping.wave.column and mapping.wave.column not in keys:
        raise MappingError(f"The wave column {mapping.wave.column!r} is not in {raw.source}.",
                           hint="Say which wave the file holds: --wave LABEL (or the wave box on the Data page).")
    fitted = replace(mapping, items=tuple(m for m in mapping.items if m.column in keys),
                     attributes={a: c for a, c in mapping.attributes.items() if c in keys},
                     groupings=tuple(g for g in mapping.groupings if g in keys),
                     respondent_id=mapping.respondent_id if mapping.respondent_id in keys else None)
    return fitted, _missing(mapping, keys)


def _missing(mapping: Mapping, keys: set[str]) -> tuple[str, ...]:
    """A sentence for each column of ``mapping`` not among ``keys``."""
    missing = [f"question {m.label or m.item!r} (column {m.column!r}), blank for these waves"
               for m in mapping.items if m.column not in keys]
    missing += [f"{a.replace('_', ' ')} (column {c!r}), blank for these waves"
                for a, c in mapping.attributes.items() if c not in keys]
    missing += [f"grouping column {g!r}, blank for these waves" for g in mapping.groupings if g not in keys]
    if mapping.respondent_id and mapping.respondent_id not in keys:
        missing.append(f"respondent id (column {mapping.respondent_id!r}): people in this file cannot be matched "
                       "across waves")
    return tuple(missing)

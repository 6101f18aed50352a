"""Settings: one frozen object passed explicitly, documented in one table.

``SETTINGS`` is the single source of truth for every setting's name, default and help text;
the README documents each of them (a test checks that).
"""
from __future__ import annotations

from dataclasses import dataclass

from cxcommit.errors import SettingsError

MIN_GROUP_SIZE_FLOOR = 3

# (name, default, help) — the README's settings table is checked against this list.
SETTINGS: tuple[tuple[str, object, str], ...] = (
    ("min_group_size", 5,
     "Smallest number of answers a group needs before any number about it is shown, charted or "
     "exported; never below 3."),
    ("confidence", 0.95, "Confidence level of intervals (between 0.5 and 0.999)."),
    ("ci_method", "wilson", "Interval for shares: wilson, clopper_pearson or agresti_coull."),
    ("dont_know", "not_yes",
     "How a \"don't know\" answer to a yes/no item counts: not_yes (in the base, not a yes — a sign "
     "staff cannot see is not met) or missing (left out of the base)."),
    ("test_responses", "auto",
     "Qualtrics preview/test/spam responses: exclude, keep, or auto (exclude unless every response "
     "is one, then keep them and warn)."),
    ("drop_personal_data", True,
     "Drop direct identifiers (names, emails, phone numbers, addresses, dates of birth, employee and national "
     "numbers, IP addresses, locations, recipient fields, profile links, free-text answers) at import, found by "
     "column name and by content."),
)

_CHOICES = {
    "dont_know": ("not_yes", "missing"),
    "test_responses": ("auto", "exclude", "keep"),
}


@dataclass(frozen=True)
class Settings:
    """Analysis and import settings; see ``SETTINGS`` for what each one means."""

    min_group_size: int = 5
    confidence: float = 0.95
    ci_method: str = "wilson"
    dont_know: str = "not_yes"
    test_responses: str = "auto"
    drop_personal_data: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.min_group_size, bool) or not isinstance(self.min_group_size, int) or (
            self.min_group_size < MIN_GROUP_SIZE_FLOOR
        ):
            raise SettingsError(
                f"min_group_size must be a whole number of at least {MIN_GROUP_SIZE_FLOOR}; "
                f"got {self.min_group_size!r}.",
                hint="Groups smaller than 3 could identify individual respondents.",
            )
        if not 0.5 <= float(self.confidence) <= 0.999:
            raise SettingsError(f"confidence must be between 0.5 and 0.999; got {self.confidence!r}.")
        from cxcommit.intervals import CI_METHODS  # local: intervals imports nothing of ours

        if self.ci_method not in CI_METHODS:
            raise SettingsError(
                f"Unknown ci_method {self.ci_method!r}.", hint=f"Use one of: {', '.join(CI_METHODS)}."
            )
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(
                    f"Unknown {name} {getattr(self, name)!r}.", hint=f"Use one of: {', '.join(allowed)}."
                )


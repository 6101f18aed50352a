"""A survey stored in the workspace, for ``summary``, ``analyze`` and ``report --survey NAME``: opened
once per command (:func:`cxcommit.cli.main.run` hands it over as ``args.stored``, so that commands on
a file never load the database's modules)."""
from __future__ import annotations

from cxcommit.cli.workspace import who
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.store import Workspace


class Stored:
    """The survey ``name`` of the workspace (``CXCOMMIT_DATABASE_URL``, or the default file)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._workspace: Workspace | None = None

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace.open()
        return self._workspace

    def survey(self) -> Survey:
        """The survey with all its waves, as imported."""
        return self.workspace.load(self.name)

    def metrics(self) -> UnitMetrics | None:
        """The unit metrics kept with it (None if none are)."""
        return self.workspace.metrics(self.name)

    def exported(self, what: str) -> None:
        """Record in the workspace's audit log that the person running the command exported ``what``."""
        self.workspace.log(who(), "exported", self.name, what)

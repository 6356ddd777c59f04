"""What a long service reports as it goes, when someone is watching.

A service that may run as a job (jobs/: the job's page shows a progress bar) takes an optional
`progress` and reports its steps to it: `step(words, total=0)` starts a step (its words on the
page, in Vietnamese; its size if known), `advance(count=1)` counts what is done in it. The job
passes its jobs.progress.Progress; a view, a command or a test passes nothing and the service
reports to SILENT, which drops it all. Services never depend on the jobs app for it."""

from typing import Protocol


class Reporter(Protocol):
    def step(self, words: str, total: int = 0) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class _Silent:
    def step(self, words: str, total: int = 0) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


SILENT: Reporter = _Silent()

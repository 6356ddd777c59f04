"""Run a piece of a test in a forked child process under a memory limit, as a server worker
would meet a hostile file: a parser that cannot get its memory aborts the whole process (the
Rust allocator under python-calamine: SIGABRT, exit 134), which must fail one test and not kill
the test run, and a memory ceiling can only be shown by a process that has one.

The child is a copy of the test: its fixtures, its logged-in client and its settings. It talks to
the database over the test's own connection, inside the test's transaction, while the test waits
for it, so it sees the test's rows; it never closes that connection (it leaves through os._exit)
and never commits. On PostgreSQL the test then sees what the child wrote; on SQLite it does not
(the child's pages stay in the child's memory), so a test asserts on what the child returns: JSON,
and what it wrote to stdout and stderr (Python's and the file descriptors)."""

import json
import os
import re
import resource
import signal
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

_KEPT = []  # connections the child must not close: they are the test's too
HEADROOM = 512 * 1024 * 1024  # more than any upload needs; less than the 26 M-cell file's 850 MB


@dataclass
class Finished:
    exit_code: int  # negative: killed by that signal (-6: aborted, -14: out of time)
    value: object  # what the action returned, None if it did not return
    error: str  # the exception it raised, with its traceback ("" when none)
    output: str  # what it wrote to stdout and stderr

    @property
    def crashed(self) -> bool:
        return self.exit_code < 0


def address_space() -> int:
    """This process's virtual memory now (VmSize), in bytes: what RLIMIT_AS counts."""
    return int(re.search(r"VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) * 1024


def in_child(action, *, headroom: int = HEADROOM, seconds: int = 60) -> Finished:
    """Run `action()` in a child whose address space may grow by `headroom` bytes beyond this
    process's, and which is killed after `seconds`. A SystemExit (a management command's exit)
    becomes the exit code."""
    reading, writing = os.pipe()
    output = tempfile.TemporaryFile()
    # Django finds a thread's connection through asyncio when a loop runs in the thread (Playwright's,
    # once a browser test has run), and asyncio forgets that loop in a child: handed over by hand.
    wrappers = connections.all(initialized_only=True)
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code, report = 70, {}
        try:
            for wrapper in wrappers:
                _KEPT.append(getattr(connections._connections, wrapper.alias, None))  # never finalised here
                connections[wrapper.alias] = wrapper
                # The child's writes stay in its own memory, none in the file (a test mirror, as the
                # tests' alias `replica`, is never written to, and most tests may not touch it).
                if wrapper.vendor == "sqlite" and not wrapper.settings_dict["TEST"]["MIRROR"]:
                    wrapper.cursor().execute("PRAGMA cache_spill = OFF")
            os.close(reading)
            os.dup2(output.fileno(), 1)
            os.dup2(output.fileno(), 2)
            sys.stdout = sys.stderr = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
            connections.close_all = lambda: None  # a command's last act; the connection is the test's
            limit = address_space() + headroom
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
            signal.alarm(seconds)
            report["value"] = action()
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        except BaseException:  # noqa: BLE001 (the parent is told)
            report["error"] = traceback.format_exc()
        finally:
            try:
                sys.stdout.flush()
                os.write(writing, json.dumps(report, default=str).encode())
            finally:
                os._exit(code)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        report = json.loads(pipe.read() or b"{}")
    _, status = os.waitpid(pid, 0)
    output.seek(0)
    return Finished(
        exit_code=os.waitstatus_to_exitcode(status),
        value=report.get("value"),
        error=report.get("error", ""),
        output=output.read().decode(errors="replace"),
    )

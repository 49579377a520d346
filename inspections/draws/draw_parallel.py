"""A large draw's work on every core: dr1 reads a big pool file in independent pieces (its
`map_parts` hook, dr1.MapParts); this computes the first piece here and the others in child
Python processes at the same time.

A child is a plain interpreter that imports `inspections.draws.dr1` (the standard library only, no
Django), reads one pickled (function, job) on stdin and writes the pickled result on stdout.
Should a child fail for any reason, its piece is computed here instead: the result, or the
error, is exactly the one the single-process reading gives.

`in_processes` starts its children when it is given the work. `Workers` starts them ahead,
while this process is still getting the work ready (reading the pool from the database), so
that they have started and imported dr1 when it comes: use it as a context manager.
"""

import logging
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable

log = logging.getLogger(__name__)

CHILD = (
    "import pickle, sys\n"
    "import inspections.draws.dr1\n"
    "try:\n"
    "    function, job = pickle.load(sys.stdin.buffer)\n"
    "except EOFError:  # started ahead, and not needed after all\n"
    "    sys.exit(0)\n"
    "pickle.dump(function(job), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)\n"
)


def parts(processes: int = 0) -> int:
    """How many pieces to read a large pool in: `processes`, or one per core this process may
    use when 0 (settings.DRAWS_PROCESSES)."""
    if processes > 0:
        return processes
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Child:
    """One child process: started with its job (`payload`), or ahead of it (`send`)."""

    def __init__(self, payload=None) -> None:
        self.function = self.job = None
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD],
            stdin=subprocess.PIPE if payload is None else payload,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )

    @classmethod
    def with_job(cls, function: Callable, job: tuple) -> "_Child":
        # The job reaches a child started with it as a file, its stdin, which it reads at its
        # own pace while this process starts on its own piece. Through a pipe, this process
        # would have to wait for the new interpreter to read it, or feed it from a thread,
        # which waits for the GIL (every 5 ms switch interval) for each 64 KiB it writes.
        with tempfile.TemporaryFile() as payload:
            pickle.dump((function, job), payload, protocol=pickle.HIGHEST_PROTOCOL)
            payload.seek(0)
            child = cls(payload)
        child.function, child.job = function, job
        return child

    def send(self, function: Callable, job: tuple) -> None:
        """The job, through the pipe of a child started ahead (already reading it)."""
        self.function, self.job = function, job
        try:
            with self.process.stdin as stdin:
                pickle.dump((function, job), stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # the child has died: result() reads the piece here
            pass

    def result(self):
        output = self.process.stdout.read()
        self.process.stdout.close()
        self.process.wait()
        if self.process.returncode == 0 and output:
            return pickle.loads(output)
        log.warning("a draw worker process failed (%s): its piece is read here", self.process.args)
        return self.function(self.job)

    def stop(self) -> None:
        """End a child that was given no job, or whose result is no longer wanted."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


def _run(function: Callable, jobs: list[tuple], children: list[_Child]) -> list:
    """The first job here and the others in `children` (given their jobs), in order."""
    try:
        first = function(jobs[0])
    except BaseException:
        for child in children:
            child.stop()
        raise
    return [first, *(child.result() for child in children)]


def in_processes(function: Callable, jobs: list[tuple]) -> list:
    """[function(job) for job in jobs]: the first here, the others in child processes."""
    try:
        children = [_Child.with_job(function, job) for job in jobs[1:]]
    except OSError:  # no process to spare
        log.warning("draw worker processes could not start: reading in one process")
        return [function(job) for job in jobs]
    return _run(function, jobs, children)


# A child starts its piece about a tenth of a second after this process starts the first (a new
# interpreter, dr1's imports, its piece read in), slower still while both share the cores: the
# first piece is made longer by what this process reads meanwhile (dr1.MapParts).
in_processes.head_start = 2 << 20


class Workers:
    """`count` children started now, for one `map_parts` call later (dr1.MapParts)."""

    # Started ahead, the children lag behind this process only by reading their pieces.
    head_start = 1 << 20

    def __init__(self, count: int) -> None:
        self.children: list[_Child] = []
        try:
            for _ in range(count):
                self.children.append(_Child())
        except OSError:  # no process to spare: the jobs of the missing ones are done here
            log.warning("draw worker processes could not start: reading in fewer processes")

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        for child in self.children:
            child.stop()
        self.children = []

    def __call__(self, function: Callable, jobs: list[tuple]) -> list:
        """[function(job) for job in jobs]: the first here, as many others as there are
        children in them (once), and any left over here."""
        children, self.children = self.children, []
        for child, job in zip(children, jobs[1:], strict=False):
            child.send(function, job)
        for child in children[len(jobs) - 1 :]:
            child.stop()
        given = children[: len(jobs) - 1]
        results = _run(function, jobs[: len(given) + 1], given)
        return results + [function(job) for job in jobs[len(given) + 1 :]]

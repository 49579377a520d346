"""A large draw's work on every core: dr1 reads a big pool file in independent pieces (its
`map_parts` hook, dr1.MapParts); this computes the first piece here and the others in child
Python processes at the same time.

A child is a plain interpreter that imports `inspections.dr1` (the standard library only, no
Django), reads one pickled (function, job) on stdin and writes the pickled result on stdout.
Should a child fail for any reason, its piece is computed here instead: the result, or the
error, is exactly the one the single-process reading gives.
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
    "function, job = pickle.load(sys.stdin.buffer)\n"
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
    def __init__(self, function: Callable, job: tuple) -> None:
        self.function, self.job = function, job
        # The job reaches the child as a file, its stdin, which it reads at its own pace while
        # this process starts on its own piece. Through a pipe, this process would have to
        # feed it: all at once first (the child's start-up time, lost), or from a thread, which
        # waits for the GIL (every 5 ms switch interval) for each 64 KiB it writes, so that a
        # 10 MiB piece reached the child after this process had finished its own.
        with tempfile.TemporaryFile() as payload:
            pickle.dump((function, job), payload, protocol=pickle.HIGHEST_PROTOCOL)
            payload.seek(0)
            self.process = subprocess.Popen(
                [sys.executable, "-c", CHILD],
                stdin=payload,
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
            )

    def result(self):
        output = self.process.stdout.read()
        self.process.stdout.close()
        self.process.wait()
        if self.process.returncode == 0 and output:
            return pickle.loads(output)
        log.warning("a draw worker process failed (%s): its piece is read here", self.process.args)
        return self.function(self.job)


def in_processes(function: Callable, jobs: list[tuple]) -> list:
    """[function(job) for job in jobs]: the first here, the others in child processes."""
    try:
        children = [_Child(function, job) for job in jobs[1:]]
    except OSError:  # no process to spare
        log.warning("draw worker processes could not start: reading in one process")
        return [function(job) for job in jobs]
    try:
        first = function(jobs[0])
    except BaseException:
        for child in children:
            child.process.kill()
        raise
    return [first, *(child.result() for child in children)]

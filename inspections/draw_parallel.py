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
import threading
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
        self.output: bytes | None = None
        payload = pickle.dumps((function, job), protocol=pickle.HIGHEST_PROTOCOL)
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
        self.thread = threading.Thread(target=self._talk, args=(payload,), daemon=True)
        self.thread.start()

    def _talk(self, payload: bytes) -> None:
        self.output = self.process.communicate(payload)[0]

    def result(self):
        self.thread.join()
        if self.process.returncode == 0 and self.output:
            return pickle.loads(self.output)
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

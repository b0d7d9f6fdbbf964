"""serve's search index, made in a forked process so that no edit ever waits behind it.

On a large handbook the index takes longer to make than a rebuild (0.8 s at 2,000 pages),
and made in serve's own process it holds the interpreter while the next edit's rebuild and
the HTTP threads wait. A forked child inherits the site (nothing is pickled on the way in),
makes the index by difference from the build cache's last terms (site.py
`cached_search_index`, which also saves the new ones there: the parent never holds them) and
sends back its bytes; the parent writes them, so the files on disk are always one whole site's
index. The next edit kills the child: its index would be stale (a terms file it was writing is
never half written: the cache renames each file into place).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
import time
from typing import Callable

from ladderdocs.site import Pipeline, Site

Done = Callable[["IndexJob", "dict[str, bytes] | None"], None]


def can_fork() -> bool:
    """Linux only: forking a process with threads is safe there as long as the child touches
    no lock another thread may hold (it only computes, then leaves by os._exit)."""
    return sys.platform == "linux" and hasattr(os, "fork")


class IndexJob:
    """The search index of one site, being made in a child process. `done(job, files)` is
    called from a thread of this process with the files, or None when the child failed."""

    def __init__(self, pipeline: Pipeline, site: Site, done: Done):
        self.site = site
        self.started = time.perf_counter()
        self._done = done
        self._cancelled = False
        read_end, write_end = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: compute, send, leave without running any cleanup of the parent's
            os.close(read_end)
            _child(pipeline, site, write_end)
        os.close(write_end)
        self._reader = threading.Thread(target=self._collect, args=(read_end,), name="ladderdocs-index", daemon=True)
        self._reader.start()

    def cancel(self) -> None:
        """Stop the child; `done` is not called for a cancelled job."""
        self._cancelled = True
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def join(self, timeout: float | None = None) -> None:
        self._reader.join(timeout)

    def _collect(self, read_end: int) -> None:
        chunks = []
        with os.fdopen(read_end, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(self._pid, 0)
        if self._cancelled:
            return
        files = None
        if os.waitstatus_to_exitcode(status) == 0:
            try:
                files = pickle.loads(b"".join(chunks))
            except Exception:  # a truncated message: treated as a failure
                files = None
        self._done(self, files)


def _child(pipeline: Pipeline, site: Site, write_end: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        gc.freeze()  # what the parent made is never collected here: no walk over it, no copy of its pages
        data = pickle.dumps(pipeline.cached_search_index(site), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view):]
        code = 0
    except BaseException:  # the parent makes the index itself and reports the error; printing here could deadlock
        pass
    finally:
        os._exit(code)

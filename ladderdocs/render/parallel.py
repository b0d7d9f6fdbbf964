"""Render many pages on every core; small handbooks stay serial, where a pool costs more.

Workers are forked once the renderer and the list of jobs exist, so they inherit the
model and the compiled templates instead of receiving them pickled; each gets chunks of
job indices and sends back bytes (or, given a page store, where it put them), with the
rendered bodies of the prose pages (outputs/search_index.py).
Results are put together in job order, so the output does not depend on which worker
finished first.
"""

from __future__ import annotations

import functools
import gc
import os
import pickle
import signal
import sys
import threading
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence, TypeVar

from ladderdocs.errors import Problem
from ladderdocs.pages.base import Job
from ladderdocs.render.cache import PageSink, Where

if TYPE_CHECKING:  # imported with the render workers: an edit build renders its few pages here
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
PARALLEL_MIN_JOBS = 300  # below this, forking and collecting cost more than they save
CHUNK = 64  # jobs per task: small enough to balance the cores, large enough to keep IPC cheap


class PageRenderer(Protocol):
    problems: list[Problem]
    bodies: dict[str, Any]  # by-product of rendering a prose page: its HTML and search sections, by job path

    def render(self, job: Job) -> bytes: ...


# Set in each worker process by its initializer: the renderer, jobs, `slim` and sink it inherited by fork.
_inherited: tuple[PageRenderer, Sequence[Job], Callable[[Any], Any] | None, PageSink | None] | None = None


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Fork only on Linux, where it is the default (macOS made spawn its default because
    forked system libraries crash), and never from a process with threads (serve's watcher
    and server): a forked copy of a lock another thread holds never opens."""
    return sys.platform == "linux" and threading.active_count() == 1


def render_pages(renderer: PageRenderer, jobs: Sequence[Job], workers: int | None = None,
                 done: Callable[[int], None] = lambda count: None, slim: Callable[[Any], Any] | None = None,
                 sink: PageSink | None = None
                 ) -> tuple[dict[str, bytes | Where], dict[str, list[Problem]], dict[str, Any]]:
    """Every job's page, in job order, the problems first found rendering each page (by its
    path: a page kept next time carries its own), and the prose bodies the renderer rendered
    or reused, each passed through `slim` when given: what of a body is not needed (its HTML,
    which the page holds already, when no cache keeps it) is dropped where it was rendered
    instead of crossing to this process, 10 KB a page. `done(n)` hears of every n pages
    rendered (progress.py). Workers put their pages in `sink` when given, and send back where
    each is instead of its bytes."""
    count = available_cpus() if workers is None else workers
    if count < 2 or len(jobs) < PARALLEL_MIN_JOBS or not can_fork():
        rendered: list[tuple[str, bytes | Where]] = []
        problems: dict[str, list[Problem]] = {}
        for job in jobs:
            _render_one(renderer, job, rendered, problems, slim)
            done(1)
        return dict(rendered), problems, renderer.bodies
    chunks = [range(start, min(start + CHUNK, len(jobs))) for start in range(0, len(jobs), CHUNK)]
    files: dict[str, bytes | Where] = {}
    problems = {}
    bodies = dict(renderer.bodies)
    pool = _forking_pool(count, _inherit, (renderer, jobs, slim, sink))
    try:
        for pages, found, chunk_bodies in pool.map(_render_chunk, chunks):
            files.update(pages)
            done(len(pages))
            problems.update(found)
            bodies.update(chunk_bodies)
    finally:  # on Ctrl-C, drop the chunks not started instead of rendering them all first
        _shut(pool)
    return files, problems, bodies


def _render_one(renderer: PageRenderer, job: Job, pages: list[tuple[str, bytes | Where]],
                problems: dict[str, list[Problem]], slim: Callable[[Any], Any] | None,
                sink: PageSink | None = None) -> None:
    known = len(renderer.problems)
    page = renderer.render(job)
    pages.append((job.path, page if sink is None else sink.put(page)))
    if len(renderer.problems) > known:
        problems[job.path] = renderer.problems[known:]
    if slim is not None and job.path in renderer.bodies:
        renderer.bodies[job.path] = slim(renderer.bodies[job.path])


class Handover:
    """One value a process sends the process it forked, after the fork: the arguments it
    inherited are what was known then, and this is what came after (site.py sends the sections
    of the pages it rendered to the search index begun before them). A thread of the child reads
    it as it comes, so the sender never waits on a full pipe. Unforked, it is handed over here."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        self._forked = False
        self._value: list[Any] = []
        self._arriving: threading.Thread | None = None

    def forked(self, child: bool) -> None:
        """Each side keeps its end of the pipe (in_background calls this)."""
        self._forked = True
        if child:
            os.close(self._write)
            self._arriving = threading.Thread(target=self._receive, name="ladderdocs-handover", daemon=True)
            self._arriving.start()
        else:
            os.close(self._read)

    def send(self, value: Any) -> None:
        """Hand `value` over (once); a child that has ended without asking for it is not waited for."""
        if not self._forked:
            self._value.append(value)
            self.close()
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with suppress(BrokenPipeError), open(self._write, "wb") as pipe:
            self._write = -1
            pipe.write(data)

    def close(self) -> None:
        """Send nothing (the sender failed): the child's `get` raises."""
        if not self._forked:
            for end in (self._read, self._write):
                with suppress(OSError):
                    os.close(end)
            self._read = -1
        elif self._write >= 0:
            os.close(self._write)
        self._write = -1

    def get(self) -> Any:
        """The value sent, once it has come; RuntimeError when the sender sent none."""
        if self._arriving is not None:
            self._arriving.join()
        if not self._value:
            raise RuntimeError("the process that started this one ended its work before handing over its result")
        return self._value[0]

    def _receive(self) -> None:
        with open(self._read, "rb") as pipe:
            data = pipe.read()
        with suppress(Exception):  # nothing sent, or cut short: `get` says so
            self._value.append(pickle.loads(data))


def in_background(function: Callable[..., T], *args: Any, handover: Handover | None = None, freeze: bool = True
                  ) -> Callable[[], T]:
    """Start `function(*args)` on another core, in a forked process that inherits the
    arguments (nothing is pickled on the way in); the returned function waits for the result,
    or raises what `function` raised. Where forking is unsafe or there is one core, it runs
    here, when the result is asked for. A bare fork and a pipe, not a process pool: the pool's
    modules, threads and queues cost an edit build some 30 ms. `handover` brings the child
    what this process sends it later. `freeze=False` for a child forked while the heap is small:
    its result then leaves frozen what this process froze meanwhile (cache.read_pickle)."""
    if available_cpus() < 2 or not can_fork():
        return functools.partial(function, *args)
    if freeze:
        gc.freeze()  # as in `_forking_pool`: the collector would copy the heap into the child
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its answer goes down the pipe, and it ends without running exit handlers
        status = 1
        try:
            os.close(read_end)
            if handover is not None:
                handover.forked(child=True)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once
            try:
                outcome: tuple[bool, Any] = (True, function(*args))
            except BaseException as error:
                outcome = (False, error)
            try:
                answer = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # an error that cannot be pickled is told in words
                answer = pickle.dumps((False, RuntimeError(f"{outcome[1]!r} (in the background: {error})")))
            with open(write_end, "wb") as pipe:
                pipe.write(answer)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    if handover is not None:
        handover.forked(child=False)
    answered: list[tuple[bool, Any]] = []  # asked again (a build that failed writing asks), the same answer

    def result() -> T:
        if not answered:
            try:
                with open(read_end, "rb") as pipe:
                    answer = pipe.read()
            finally:
                _, status = os.waitpid(pid, 0)
                if freeze:
                    gc.unfreeze()
            try:
                answered.append(pickle.loads(answer))
            except Exception:
                answered.append((False, RuntimeError(
                    f"the process running {getattr(function, '__name__', function)} in the background "
                    f"ended without an answer (wait status {status})")))
        done, value = answered[0]
        if not done:
            raise value
        return value  # type: ignore[no-any-return]
    return result


def _forking_pool(count: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """Processes forked from this one, which share its memory until either writes to it. The
    collector would write to every object the children inherit (its bookkeeping sits in each
    object), copying nearly the whole heap into each: frozen, what exists now is never
    collected, here or there, until `_shut`. The processes fork at the first task."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    gc.freeze()
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"),
                               initializer=initializer, initargs=initargs)


def _shut(pool: ProcessPoolExecutor) -> None:
    pool.shutdown(wait=True, cancel_futures=True)
    gc.unfreeze()


def _inherit(renderer: PageRenderer, jobs: Sequence[Job], slim: Callable[[Any], Any] | None,
             sink: PageSink | None) -> None:
    global _inherited
    _inherited = (renderer, jobs, slim, sink)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once


def _render_chunk(indices: range) -> tuple[list[tuple[str, bytes | Where]], dict[str, list[Problem]], dict[str, Any]]:
    assert _inherited is not None
    renderer, jobs, slim, sink = _inherited
    renderer.bodies = {}  # only this chunk's go back
    pages: list[tuple[str, bytes | Where]] = []
    problems: dict[str, list[Problem]] = {}
    for i in indices:
        _render_one(renderer, jobs[i], pages, problems, slim, sink)
    if sink is not None:
        sink.flush()
    return pages, problems, renderer.bodies

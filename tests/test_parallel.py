"""Work on another core (render/parallel.py): the search index an edit build makes beside its
writing comes back whole, and a failure there is the build's failure, never a hang or a wrong site."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO
from ladderdocs.render.parallel import available_cpus

# A fresh process: the test process may run threads, and then nothing is forked.
IN_BACKGROUND = """
import gc, os
from ladderdocs.render import parallel
assert parallel.can_fork()
def answer(n):
    return os.getpid(), b"x" * n
pid, value = parallel.in_background(answer, 3_000_000)()  # larger than a pipe holds
assert pid != os.getpid() and value == b"x" * 3_000_000
def fails():
    raise ValueError("a page the index cannot read")
failed = parallel.in_background(fails)
for _ in range(2):  # asked again, as a build that failed writing asks: the same error, no second wait
    try:
        failed()
    except ValueError as error:
        assert str(error) == "a page the index cannot read"
    else:
        raise AssertionError("the child's error was lost")
def fails_oddly():
    raise ValueError(lambda: 1)  # cannot be pickled
try:
    parallel.in_background(fails_oddly)()
except RuntimeError as error:
    assert "ValueError(<function" in str(error), error
else:
    raise AssertionError("the child's error was lost")
def dies():
    os._exit(3)
try:
    parallel.in_background(dies)()
except RuntimeError as error:
    assert "ended without an answer" in str(error), error
else:
    raise AssertionError("a child that died gave an answer")
assert gc.get_freeze_count() == 0  # every frozen object is collectable again
print("ok")
"""


def run_alone(script: str) -> None:
    """`script` in a fresh process, which must print "ok" and end well."""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr


@pytest.mark.skipif(available_cpus() < 2, reason="with one core the work runs in this process")
def test_work_in_the_background_returns_its_answer_or_raises_its_error() -> None:
    run_alone(IN_BACKGROUND)


# A value sent after the fork (site.py sends the rendered pages' search sections to the index
# begun before them): it arrives whole, however large; nothing sent is an error in the child,
# never a hang; a child that ended without it does not hold up the sender.
HANDOVER = """
import os
from ladderdocs.render import parallel
handover = parallel.Handover()
waiting = parallel.in_background(lambda: (os.getpid(), handover.get()), handover=handover)
handover.send(b"s" * 3_000_000)  # larger than a pipe holds, sent while the child waits
pid, value = waiting()
assert pid != os.getpid() and value == b"s" * 3_000_000
handover = parallel.Handover()
waiting = parallel.in_background(handover.get, handover=handover)
handover.close()  # the sender failed
try:
    waiting()
except RuntimeError as error:
    assert "before handing over" in str(error), error
else:
    raise AssertionError("a child sent nothing went on as if it had been")
handover = parallel.Handover()
assert parallel.in_background(lambda: 7, handover=handover)() == 7
handover.send(b"late" * 1_000_000)  # nobody reads it: no wait, no error
handover = parallel.Handover()  # never forked: handed over in this process
handover.send([1, 2])
assert handover.get() == [1, 2]
try:
    os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    print("ok")
"""


@pytest.mark.skipif(available_cpus() < 2, reason="with one core the work runs in this process")
def test_a_value_sent_after_the_fork_reaches_the_work_in_the_background() -> None:
    run_alone(HANDOVER)

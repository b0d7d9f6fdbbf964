"""Watch the handbook and theme folders and report each burst of changes, never losing one.

File system notifications come from watchfiles (inotify, FSEvents, ReadDirectoryChangesW;
polling only where none works). A burst of saves (an editor's write-and-rename, a `git
checkout`) is gathered until STEP_MS pass without a new change, then reported once.
Rebuilds always read the files again, so a report only has to come after every change;
the changed paths are a hint for caches, not the truth.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path
from typing import Callable

import watchfiles

STEP_MS = 25            # quiet time that ends a burst: changes land 25-50 ms after the last save
MAX_BURST_MS = 1_000    # a burst that goes on longer is reported anyway
LOOK_MS = 500           # how often the watched folders are checked to be the same folders
Identity = tuple[int, int] | None


class Watcher:
    """Calls `on_change(paths)` from its own thread after every burst of changes in `folders`."""

    def __init__(self, on_change: Callable[[set[Path]], None], ignore: Callable[[Path], bool]):
        self._on_change = on_change
        self._ignore = ignore
        self._folders: list[Path] = []
        self._lock = threading.Lock()
        self._interrupt = threading.Event()  # ends the current watch: to stop, or to watch other folders
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="ladderdocs-watch", daemon=True)

    def start(self, folders: list[Path]) -> None:
        self._folders = folders
        self._thread.start()

    def watch(self, folders: list[Path]) -> None:
        """Watch these folders from now on (the theme folder may change with handbook.yml)."""
        with self._lock:
            if folders == self._folders:
                return
            self._folders = folders
        self._interrupt.set()

    def stop(self) -> None:
        self._stopping = True
        self._interrupt.set()
        self._thread.join(timeout=5)

    def _keep(self, change: watchfiles.Change, path: str) -> bool:
        return watchfiles.DefaultFilter()(change, path) and not self._ignore(Path(path))

    def _run(self) -> None:
        while not self._stopping:
            self._interrupt.clear()
            with self._lock:
                wanted = list(self._folders)
            watched = {folder: identity(folder) for folder in wanted}
            folders = [f for f, seen in watched.items() if seen is not None]
            # Whatever changed while no watch was running is caught by one more rebuild.
            self._on_change(set())
            try:
                for changes in watchfiles.watch(
                        *folders, watch_filter=self._keep, step=STEP_MS, debounce=MAX_BURST_MS,
                        stop_event=self._interrupt, rust_timeout=LOOK_MS, yield_on_timeout=True,
                        raise_interrupt=False):
                    if changes:
                        self._on_change({Path(path) for _, path in changes})
                    moved = [f for f, seen in watched.items() if identity(f) != seen]
                    if moved:  # deleted and made again, or replaced by a rename: the old watch sees nothing
                        print(f"ladderdocs: {', '.join(map(str, moved))} changed as a folder; watching it again",
                              file=sys.stderr, flush=True)
                        break
            except Exception as err:  # a folder vanished, too many watches: say so, try again
                print(f"ladderdocs: watching stopped ({err}); starting again", file=sys.stderr)
                self._interrupt.wait(LOOK_MS / 1000)
            if not folders:
                self._interrupt.wait(LOOK_MS / 1000)  # nothing to watch yet: look again soon


def identity(folder: Path) -> Identity:
    """Which folder is at this path: a folder deleted and made again is another one."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None

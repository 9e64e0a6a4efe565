"""The one owner of the cyclic garbage collector's state. Nothing else calls gc.freeze & co.

Three uses, one policy:

- **Start-up** (`hold`/`release`): collections stay off while the app starts, then everything
  alive is frozen. Start-up creates about 200,000 long-lived objects (Textual's classes and
  styles, botocore's service model) and little garbage, yet the collector kept scanning them:
  115 ms of collections before the first job rows. The release does not collect first: that
  full collection took 87 ms on the UI's thread, to free a few MB that now stay frozen.
- **Long-lived data** (`freeze_long_lived`): an emulator's fleet, built once, frozen once;
  and data that keeps arriving (`freeze_growth`): a rollout's executions, every few thousand.
- **A big list on screen** (`freeze_while_shown`/`thaw`): 100k executions are ~1M objects
  that a full collection would rescan (100+ ms pauses). They are frozen while shown. On
  leaving, the caller drops its rows first (reference counting frees them, they are acyclic);
  `thaw` then unfreezes everything, and once the screen is gone one collection frees it.
  Nothing is frozen again after that: see `thaw`.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from contextlib import contextmanager

_holders: set[object] = set()


def hold() -> None:
    """Stop automatic collections until `release`."""
    gc.disable()


def release() -> None:
    """Freeze what start-up made and re-enable; a no-op if collections are already on."""
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()


@contextmanager
def collections_off() -> Iterator[None]:
    """No automatic collections while building many long-lived objects (a demo fleet)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_long_lived() -> None:
    """Everything alive now lives for the process: keep it out of later collections."""
    gc.freeze()


def freeze_growth() -> None:
    """Long-lived data keeps arriving (a rollout's executions): collect, then freeze.

    The collection comes first so that no garbage is frozen with the data: frozen objects are
    never collected again, and in the in-process demo the app's own cyclic garbage (closed
    screens, finished workers) was frozen with every batch (492,000 objects after a soak).
    It is cheap: everything frozen before is out of its scan, which covers only what came
    since the last freeze."""
    gc.collect()
    gc.freeze()


def freeze_while_shown(holder: object) -> None:
    """A big data set is on screen: freeze it (once per holder)."""
    if holder not in _holders:
        _holders.add(holder)
        gc.freeze()


def thaw(holder: object, settle_after: float = 1.0) -> None:
    """The holder's data is going: unfreeze everything, and `settle_after` seconds later,
    once the holder is gone, collect.

    Nothing is frozen again. A freeze takes whatever is alive at that moment, and in a live
    app much of it is short-lived and cyclic (tasks, exceptions, the previous frame's
    caches): frozen, it is never freed. Re-freezing at every thaw leaked each visit to a big
    list, 1.4 MB a minute in a soak that opens one every 18 s. Start-up's objects are then
    scanned again by full collections, which costs tens of milliseconds, not memory.
    The holder (a screen) is still alive when it thaws, and its widget tree is cyclic: only a
    collection after it is gone frees it. Outside an event loop (a test) it collects at once.
    """
    if holder not in _holders:
        return
    _holders.discard(holder)
    gc.unfreeze()
    try:
        asyncio.get_running_loop().call_later(settle_after, gc.collect)
    except RuntimeError:
        gc.collect()


def frozen_count() -> int:
    return gc.get_freeze_count()

"""The start-up pause of the cyclic garbage collector (`common.gc_pause`)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from iotjobs_tui.common import gc_pause


@pytest.fixture(autouse=True)
def restore_gc() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_hold_stops_collections_and_release_freezes_the_survivors() -> None:
    gc_pause.hold()
    assert not gc.isenabled()
    start_up = [[i] for i in range(1000)]  # long-lived objects made during start-up
    gc_pause.release()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(start_up)


def test_release_is_a_no_op_while_collections_are_on() -> None:
    assert gc.isenabled()
    gc_pause.release()
    assert gc.get_freeze_count() == 0


def test_a_second_thaw_is_a_no_op(restore_gc: None) -> None:
    holder = object()
    gc_pause.freeze_while_shown(holder)
    assert gc_pause.frozen_count() > 0
    gc_pause.thaw(holder)
    assert gc_pause.frozen_count() == 0
    gc_pause.freeze_long_lived()
    frozen = gc_pause.frozen_count()
    gc_pause.thaw(holder)  # already thawed: what was frozen since stays frozen
    assert gc_pause.frozen_count() == frozen


async def test_a_thawed_holder_is_collected_once_it_is_gone(restore_gc: None) -> None:
    """A screen thaws while alive; the collection after it closed frees its cyclic tree,
    and nothing is frozen again (a re-freeze kept the garbage of that moment for good)."""

    class Holder:
        me: object

    holder = Holder()
    holder.me = holder  # a cycle, as a widget tree is
    alive = weakref.ref(holder)
    gc_pause.freeze_while_shown(holder)
    gc_pause.thaw(holder, settle_after=0.01)
    del holder
    assert alive() is not None  # a cycle: reference counting alone cannot free it
    await asyncio.sleep(0.1)
    assert alive() is None
    assert gc_pause.frozen_count() == 0

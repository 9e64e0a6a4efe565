"""A bug in one message handler must not silence the widget that raised it.

Textual ends a message pump's loop at the first exception a handler raises (and then hands
the error to `App._handle_exception`, which ends the app). For a watch that runs for hours
that is the wrong trade: one bad row would stop the list for good. `install()` wraps
Textual's one dispatch point (`MessagePump._dispatch_message`, Textual is pinned exactly) so
that, when the app opts in (`survive_errors`), the error is reported and the pump carries on
with its next message. Under tests the app does not opt in, so a bug still fails its test.
"""

from __future__ import annotations

from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from textual._context import active_app
from textual.message import Message
from textual.message_pump import MessagePump

_installed: list[bool] = [False]


class Survivor(Protocol):
    """The App's side (ui/app.py)."""

    def survives(self) -> bool: ...

    def report_bug(self, error: Exception) -> bool: ...


def install() -> None:
    if _installed[0]:
        return
    _installed[0] = True
    original: Callable[[MessagePump, Message], Awaitable[None]] = MessagePump._dispatch_message

    async def guarded(self: MessagePump, message: Message) -> None:
        try:
            await original(self, message)
        except CancelledError:
            raise
        except Exception as error:
            app: Any = active_app.get(None)
            if app is None or not hasattr(app, "survives") or not app.survives():
                raise
            if not app.report_bug(error):
                raise  # a burst: Textual's path ends the app (App._handle_exception)

    MessagePump._dispatch_message = guarded  # type: ignore[method-assign]

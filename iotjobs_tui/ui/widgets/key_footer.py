"""The footer of key bindings, without Textual's leak of one set of keys per recompose."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer, pruned of the watchers its past keys left behind.

    Footer rebuilds its keys on every change of bindings (a focus move, a screen resumed)
    and each new FooterKey `data_bind`s to the footer's `compact`. Textual drops the
    watchers of removed nodes only when `compact` changes, which it never does here, so
    every rebuild kept the previous keys alive: about 220 FooterKeys (with their styles
    and render caches) a minute in bench/soak.py, most of its memory growth.
    """

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, setter) for node, setter in watchers if node.parent is self]

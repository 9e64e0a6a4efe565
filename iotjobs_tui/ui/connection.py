"""App-level connection state: one owner (the App), read by every screen's status bar.

The badge never says "live" before the first successful call: `connecting` until then,
`failed` when set-up cannot work (no region, no credentials, a bad endpoint).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Protocol

Phase = Literal["connecting", "connected", "failed"]


@dataclass(frozen=True)
class ConnectionState:
    phase: Phase = "connecting"
    label: str = ""  # where it points: "us-east-1 · profile prod", "demo emulator"
    region: str | None = None
    account: str | None = None  # from the first ARN an answer carries (no extra call)
    error: str | None = None

    def connected(
        self, label: str | None, region: str | None, account: str | None
    ) -> ConnectionState:
        return replace(
            self,
            phase="connected",
            label=label or self.label,
            region=region or self.region,
            account=account or self.account,
            error=None,
        )

    def failed(self, error: str) -> ConnectionState:
        return replace(self, phase="failed", error=error)

    def describe(self) -> str:
        """The status bar's connection text: label, then the account once known."""
        parts = [self.label] if self.label else []
        if self.account:
            parts.append(f"account {self.account}")
        return " · ".join(parts)


class ConnectionOwner(Protocol):
    """What screens read from the App, without importing it (the App imports screens)."""

    connection: ConnectionState


def account_from_arn(arn: str | None) -> str | None:
    """arn:aws:iot:us-east-1:123456789012:job/x → 123456789012."""
    if not arn:
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6 or not parts[4].isdigit():
        return None
    return parts[4]

"""`iotjobs-tui sim`: run the emulator in the foreground until Ctrl-C or SIGTERM.

Exit codes: 0 after a clean stop; 2 when the emulator cannot start as asked (unknown scenario,
bad fault settings, an unknown switch or a bad value in `--config`, address in use, unknown
host); 1 for a failure while serving. Errors are one line on stderr, never a traceback.

Throttling at the AWS default rates is on here (`--no-throttle` turns it off); the test
suite's servers throttle nothing unless a test asks.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Sequence
from typing import Any

from iotjobs_tui.common import gc_pause
from iotjobs_tui.sim import switches
from iotjobs_tui.sim.demo import scenarios
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.clock import VirtualClock
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.injector import FaultConfig, FaultInjector
from iotjobs_tui.sim.wire.faults.rules import FaultRule, name_rules

PROG = "iotjobs-tui sim"


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr, flush=True)


def _reason(exc: OSError) -> str:
    # asyncio wraps bind errors in a long message; the errno alone says it plainly.
    if exc.errno and exc.errno > 0 and not isinstance(exc, socket.gaierror):
        return os.strerror(exc.errno)
    return exc.strerror or str(exc)


def load_scenario(name: str, emulator: Emulator, seed: int) -> str | None:
    """Load scenario `name` into `emulator`; returns an error message if it is unknown."""
    if name not in scenarios.SCENARIOS:
        return f"unknown scenario {name!r} (choose from: {', '.join(scenarios.SCENARIOS)})"
    scenarios.load(name, emulator, seed)
    # A scenario leaves ~100k long-lived objects; freezing them keeps full collections from
    # re-scanning them on every pass (pauses of 100-200 ms in the middle of requests).
    gc_pause.freeze_long_lived()
    return None


def fault_config(
    *,
    throttle: bool = True,
    tps: Sequence[tuple[str, float]] = (),
    error_rates: Sequence[tuple[str, float]] = (),
    latency: tuple[float, float] = (0.0, 0.0),
    seed: int = 0,
    faults: Sequence[tuple[str | None, FaultRule]] = (),
) -> FaultConfig:
    """The faults the command line asks for (ValueError if they do not fit together).

    `tps` and `error_rates` are (name, value) pairs as `faults.parse_tps`/`parse_error_rate`
    return them; naming a bucket twice with different values is an error. `faults` are the
    `--fault` rules as `fault_rules.parse_fault_tokens` returns them.
    """
    tps_values: dict[str, float] = {}
    for name, value in tps:
        if tps_values.setdefault(name, value) != value:
            raise ValueError(f"--tps sets {name} twice ({tps_values[name]:g} and {value:g})")
    rate_values: dict[str, float] = {}
    for code, share in error_rates:
        if rate_values.setdefault(code, share) != share:
            raise ValueError(
                f"--error-rate sets {code} twice ({rate_values[code]:g} and {share:g})"
            )
    return FaultConfig(
        throttle=throttle,
        tps=tps_values,
        error_rates=rate_values,
        latency_ms=latency[0],
        jitter_ms=latency[1],
        seed=seed,
        rules=name_rules(faults),
    )


def run_foreground(
    host: str,
    port: int,
    scenario: str,
    seed: int,
    speed: float,
    *,
    throttle: bool = True,
    tps: Sequence[tuple[str, float]] = (),
    error_rates: Sequence[tuple[str, float]] = (),
    latency: tuple[float, float] = (0.0, 0.0),
    faults: Sequence[tuple[str | None, FaultRule]] = (),
    switch_settings: Sequence[tuple[str, Any]] = (),
    config_file: str | None = None,
    until_stdin_closes: bool = False,
) -> int:
    """Serve until stopped. Throttling at the AWS defaults is on unless `throttle` is False.

    `until_stdin_closes`: also stop when standard input reaches end of file, which is how a
    parent (the TUI's `--demo`) ends its child emulator, even when the parent is killed.

    `config_file` (TOML) and then `switch_settings` (`--set`, already parsed) set
    `EmulatorConfig` switches; a later setting wins.
    """
    try:
        config = fault_config(
            throttle=throttle,
            tps=tps,
            error_rates=error_rates,
            latency=latency,
            seed=seed,
            faults=faults,
        )
        settings = [*(switches.load_file(config_file) if config_file else ()), *switch_settings]
        emulator_config = switches.build(settings)
    except ValueError as exc:
        _error(str(exc))
        return 2
    emulator = Emulator(VirtualClock(speed=speed), emulator_config)
    problem = load_scenario(scenario, emulator, seed)
    if problem is not None:
        _error(problem)
        return 2
    server = SimServer(emulator, faults=FaultInjector(config))
    try:
        return asyncio.run(_serve(server, host, port, until_stdin_closes))
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were installed
        return 0


async def _serve(server: SimServer, host: str, port: int, until_stdin_closes: bool) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    if until_stdin_closes:
        stdin = sys.stdin.fileno()

        def _stdin_readable() -> None:
            if not os.read(stdin, 4096):  # end of file: the parent is gone
                loop.remove_reader(stdin)
                stop.set()

        loop.add_reader(stdin, _stdin_readable)
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform / thread
            pass
    try:
        url = await server.start(host, port)
    except OSError as exc:
        _error(f"cannot listen on {host}:{port}: {_reason(exc)}")
        return 2
    print(f"listening on {url}", flush=True)
    try:
        await stop.wait()
    except Exception as exc:
        _error(f"the emulator failed: {exc}")
        return 1
    finally:
        await server.stop()
    return 0

"""Start the TUI from parsed command-line arguments; `--demo` runs the emulator in-process.

This is the only module that imports both the emulator and the UI. Textual is imported here
(it paints first); aioboto3 is imported later, inside the first worker.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

DEMO_REGION = "us-east-1"
# Fixed dummy keys: the emulator accepts any signature, and real credentials must never be
# sent to it (nor picked up from the environment by accident).
DEMO_ACCESS_KEY = "AKIAIOTJOBSTUIDEMO00"
DEMO_SECRET_KEY = "iotjobs-tui-demo-secret-key-not-a-real-one"


def _error(message: str) -> None:
    print(f"iotjobs-tui: error: {message}", file=sys.stderr, flush=True)


def start_demo(seed: int, speed: float, start: float | None = None) -> tuple[Any, Any, str]:
    """(emulator, server, base_url) with the demo scenario loaded, served on a free port."""
    from iotjobs_tui.sim import scenarios
    from iotjobs_tui.sim.clock import VirtualClock
    from iotjobs_tui.sim.emulator import Emulator
    from iotjobs_tui.sim.server import SimServer

    emulator = Emulator(VirtualClock(start=start, speed=speed))
    scenarios.load("demo", emulator, seed)
    server = SimServer(emulator)
    url = server.start_in_thread(host="127.0.0.1", port=0)
    return emulator, server, url


def demo_settings(url: str) -> Any:
    from iotjobs_tui.aws.session import ConnectionSettings

    return ConnectionSettings(
        region=DEMO_REGION,
        endpoint_url=url,
        access_key_id=DEMO_ACCESS_KEY,
        secret_access_key=DEMO_SECRET_KEY,
        demo=True,
    )


def build_app(settings: Any, **view: Any) -> Any:
    from iotjobs_tui.ui.app import IotJobsApp
    from iotjobs_tui.ui.data import DataService
    from iotjobs_tui.ui.protocols import ViewOptions

    return IotJobsApp(DataService(settings), ViewOptions(**view))


def _job_cache_factory(settings: Any) -> Any:
    """Cache files keyed by what the user asked for (resolving the profile's region would
    mean importing botocore before the first paint, which is what the cache exists to avoid).
    """
    import os

    from iotjobs_tui.ui.job_cache import JobListCache, cache_key

    endpoint = settings.resolved_endpoint()
    region = settings.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    profile = settings.profile or os.environ.get("AWS_PROFILE")

    def for_filters(filters: Any) -> JobListCache:
        return JobListCache(cache_key(endpoint, region, profile, filters))

    return for_filters


def launch(args: argparse.Namespace) -> int:
    from iotjobs_tui.aws.session import ConnectionSettings

    server = None
    clock = None
    job_cache = None  # the demo's fleet is new on every launch: nothing worth caching
    if args.demo:
        try:
            seed = 1 if args.seed is None else args.seed
            speed = 1.0 if args.speed is None else args.speed
            emulator, server, url = start_demo(seed, speed)
        except Exception as exc:  # the emulator is ours: say what broke, in one line
            _error(f"the built-in demo emulator did not start ({type(exc).__name__}: {exc})")
            return 1
        clock = emulator.clock.now
        settings = demo_settings(url)
        label = f"{DEMO_REGION} · {url}"
    else:
        settings = ConnectionSettings(
            profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
        )
        label = settings.describe()
        if not getattr(args, "no_cache", False):
            job_cache = _job_cache_factory(settings)
    app = build_app(
        settings,
        connection_label=label,
        demo=bool(args.demo),
        detail_interval=args.refresh or 5.0,
        list_interval=args.list_refresh or 15.0,
        job_id=args.job,
        thing_name=args.thing,
        execution_number=args.execution_number,
        executions_page_pause=getattr(args, "executions_pause", 0.5),
        clock=clock,
        job_cache=job_cache,
    )
    if args.theme:
        if args.theme not in app.available_themes:
            if server is not None:
                server.stop_thread()
            names = ", ".join(sorted(app.available_themes))
            _error(f"unknown theme {args.theme!r} (choose from: {names})")
            return 2
        app.theme = args.theme
    try:
        app.run()
    finally:
        if server is not None:
            server.stop_thread()
    if app.setup_error:
        _error(app.setup_error)
        return 1
    return 0

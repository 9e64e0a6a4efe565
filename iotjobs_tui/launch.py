"""Start the TUI from parsed command-line arguments; `--demo` runs the emulator in-process.

This is the only module that imports both the emulator and the UI. Textual is imported here
(it paints first); aioboto3 is imported later, inside the first worker.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from iotjobs_tui.common import gc_pause

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
    # The fleet's ~100k long-lived objects would otherwise be re-scanned by every full
    # collection: 100-200 ms pauses, on the UI's thread too since it is one process.
    gc_pause.freeze_long_lived()
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


def build_app(settings: Any, prepare: Any = None, prefetch: Any = None, **view: Any) -> Any:
    from iotjobs_tui.ui.app import IotJobsApp
    from iotjobs_tui.ui.data import DataService
    from iotjobs_tui.ui.protocols import ViewOptions

    data = DataService(settings, prepare=prepare, prefetch=prefetch)
    return IotJobsApp(data, ViewOptions(**view))


class DemoFleet:
    """The in-process emulator for --demo, started by the data worker after the first paint.

    Loading the fleet takes about a second; doing it before the app runs kept the screen
    blank for 2.5-3 s. Now the frame paints at once and the list fills when the fleet is up.
    """

    def __init__(self, seed: int, speed: float) -> None:
        self.seed, self.speed = seed, speed
        self.emulator: Any = None
        self.server: Any = None

    def start(self) -> Any:
        """Runs in a worker thread; returns the ConnectionSettings pointing at the fleet."""
        from iotjobs_tui.aws.errors import AwsSetupError

        try:
            self.emulator, self.server, url = start_demo(self.seed, self.speed)
        except Exception as exc:  # the emulator is ours: say what broke, in one sentence
            raise AwsSetupError(
                f"The built-in demo emulator did not start ({type(exc).__name__}: {exc})."
            ) from exc
        return demo_settings(url)

    def now(self) -> float:
        """The fleet's virtual clock once it runs (wall time until then)."""
        emulator = self.emulator
        return emulator.clock.now() if emulator is not None else time.time()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop_thread()


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
    prefetch = None
    if not args.demo and not getattr(args, "no_prefetch", False):
        from iotjobs_tui.aws.prefetch import Prefetch

        # First of all, so the helper runs on the other core while this process imports.
        prefetch = Prefetch.start(args.profile, args.region, args.endpoint_url)
    from iotjobs_tui.aws.session import ConnectionSettings

    fleet = None
    clock = None
    job_cache = None  # the demo's fleet is new on every launch: nothing worth caching
    if args.demo:
        seed = 1 if args.seed is None else args.seed
        speed = 1.0 if args.speed is None else args.speed
        fleet = DemoFleet(seed, speed)
        clock = fleet.now
        # Replaced by the fleet's real address when the worker has started it.
        settings = demo_settings("http://127.0.0.1")
        label = f"{DEMO_REGION} · demo emulator"
    else:
        settings = ConnectionSettings(
            profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
        )
        label = settings.describe()
        if not getattr(args, "no_cache", False):
            job_cache = _job_cache_factory(settings)
    from iotjobs_tui.ui import format as ui_format  # brings Rich: not at module import

    ui_format.set_local_time(bool(getattr(args, "local_time", False)))
    app = build_app(
        settings,
        prepare=fleet.start if fleet is not None else None,
        prefetch=prefetch,
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
            names = ", ".join(sorted(app.available_themes))
            _error(f"unknown theme {args.theme!r} (choose from: {names})")
            return 2
        app.theme = args.theme
    try:
        app.run()
    finally:
        if fleet is not None:
            fleet.stop()
        if prefetch is not None:
            prefetch.cancel()
    if getattr(app, "return_code", None) == 129:
        return 129  # the terminal went away (SIGHUP): as a shell reports it
    if app.setup_error:
        _error(app.setup_error)
        return 1
    return 0

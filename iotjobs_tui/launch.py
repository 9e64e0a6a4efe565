"""Start the TUI from parsed command-line arguments; `--demo` runs the emulator as a child.

This is the only module that imports both the emulator and the UI. Textual is imported here
(it paints first); aioboto3 is imported later, inside the first worker.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from iotjobs_tui.common.config import Config
from iotjobs_tui.demo import DEMO_REGION as DEMO_REGION
from iotjobs_tui.demo import demo_settings as demo_settings
from iotjobs_tui.demo import start_demo as start_demo


def _error(message: str) -> None:
    print(f"iotjobs-tui: error: {message}", file=sys.stderr, flush=True)


def build_app(settings: Any, prepare: Any = None, prefetch: Any = None, **view: Any) -> Any:
    from iotjobs_tui.ui.app import IotJobsApp
    from iotjobs_tui.ui.data import DataService
    from iotjobs_tui.ui.protocols import ViewOptions

    data = DataService(settings, prepare=prepare, prefetch=prefetch)
    return IotJobsApp(data, ViewOptions(**view))


class DemoFleet:
    """--demo's emulator, a child process started by the data worker after the first paint.

    Loading the fleet takes a second or two; doing it before the app runs kept the screen
    blank. Now the frame paints at once and the list fills when the fleet is up.
    """

    def __init__(self, seed: int, speed: float) -> None:
        from iotjobs_tui.demo_process import DemoProcess

        self.process = DemoProcess(seed, speed)

    def start(self) -> Any:
        """Runs in a worker thread; returns the ConnectionSettings pointing at the fleet."""
        from iotjobs_tui.aws.errors import AwsSetupError

        try:
            url = self.process.start()
        except Exception as exc:  # the emulator is ours: say what broke, in one sentence
            reason = str(exc) or type(exc).__name__
            raise AwsSetupError(f"The built-in demo emulator did not start: {reason}.") from exc
        return demo_settings(url)

    def now(self) -> float:
        """The fleet's virtual clock once it runs (wall time until then)."""
        return self.process.now()

    def stop(self) -> None:
        self.process.stop()


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


def _aws_defaults(args: argparse.Namespace, config: Config) -> tuple[str | None, str | None]:
    """Profile and region: the flag, else the AWS_* variable (left to the SDK), else the
    config file's default."""
    import os

    profile = args.profile
    if profile is None and not os.environ.get("AWS_PROFILE"):
        profile = config.aws.profile
    region = args.region
    if region is None and not (
        os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    ):
        region = config.aws.region
    return profile, region


def _alert_settings(args: argparse.Namespace, config: Config) -> Any:
    """Flags over the config's [alerts]; `--alert-delivery` or `--on-alert` turn alerts on."""
    from iotjobs_tui.aws.alerts import AlertSettings

    wanted = config.alerts
    delivery = getattr(args, "alert_delivery", None)
    hook = getattr(args, "on_alert", None)
    return AlertSettings(
        enabled=bool(getattr(args, "alerts", None) or delivery or hook or wanted.enabled),
        delivery=delivery or wanted.delivery,
        on_alert=tuple(hook or wanted.on_alert),
        abort_fraction=wanted.abort_fraction,
        stuck_over=wanted.stuck_over,
        stale_minutes=wanted.stale_minutes,
    )


def paced(seconds: float, speed: float) -> float:
    """A refresh interval for a fleet whose clock runs `speed` times real time.

    At `--demo --speed 60` a figure fetched every 5 s would be 5 fleet minutes old between
    fetches: 5 points of a 1,000/min rollout of 100,000. The demo polls `speed` times as often
    instead, down to once a second, unless the interval was given on the command line.
    """
    return seconds if speed <= 1 else max(1.0, seconds / speed)


def launch(args: argparse.Namespace, config: Config | None = None) -> int:
    config = config or Config()
    from iotjobs_tui.common.logs import setup as setup_logs

    setup_logs(args.log_file or config.log.file, args.log_level or config.log.level)
    prefetch = None
    profile, region = (None, None) if args.demo else _aws_defaults(args, config)
    if not args.demo and not getattr(args, "no_prefetch", False):
        from iotjobs_tui.aws.prefetch import Prefetch

        # First of all, so the helper runs on the other core while this process imports.
        prefetch = Prefetch.start(profile, region, args.endpoint_url)
    from iotjobs_tui.aws.session import ConnectionSettings

    fleet = None
    clock = None
    speed = 1.0  # the demo fleet's clock speed (AWS's runs at 1)
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
            profile=profile, region=region, endpoint_url=args.endpoint_url
        )
        label = settings.describe()
        if not getattr(args, "no_cache", False):
            job_cache = _job_cache_factory(settings)
    from iotjobs_tui.ui import format as ui_format  # brings Rich: not at module import

    local_time = bool(getattr(args, "local_time", False)) or config.view.time_zone == "local"
    ui_format.set_local_time(local_time)
    read_write = args.read_write if args.read_write is not None else config.read_write
    app = build_app(
        settings,
        prepare=fleet.start if fleet is not None else None,
        prefetch=prefetch,
        connection_label=label,
        demo=bool(args.demo),
        detail_interval=args.refresh or paced(config.refresh.detail, speed),
        list_interval=args.list_refresh or paced(config.refresh.list, speed),
        job_id=args.job,
        thing_name=args.thing,
        execution_number=args.execution_number,
        executions_page_pause=(
            args.executions_pause
            if args.executions_pause is not None
            else config.refresh.executions_pause
        ),
        read_write=bool(read_write),
        clipboard=args.clipboard or config.view.clipboard,
        profile=profile,
        region=DEMO_REGION if args.demo else region,
        keymap=config.keys,
        clock=clock,
        job_cache=job_cache,
        alerts=_alert_settings(args, config),
        **config.why.view_options(),
        **config.stuck.view_options(),
    )
    known = getattr(app, "binding_ids", lambda: set(config.keys))()
    unknown = sorted(set(config.keys) - known)
    if unknown:
        _error(
            f"{config.path}: keys.{unknown[0]}: is not a key binding id "
            f"(choose from: {', '.join(sorted(known))})"
        )
        return 2
    from iotjobs_tui.ui import themes

    # --theme, else the config file's, else the palette's choice last time, else iotjobs-dark.
    wanted = args.theme or config.view.theme
    try:
        theme = themes.launch_theme(app, wanted, getattr(app, "theme_problems", ()))
    except themes.ThemeError as exc:
        where = "" if args.theme or config.path is None else f"{config.path}: view.theme: "
        _error(f"{where}{exc}")
        return 2
    if theme is not None:
        app.theme = theme
    app.remember_theme = True  # from here on a change is the user's (the palette): save it
    try:
        app.run()
    finally:
        if fleet is not None:
            fleet.stop()
        if prefetch is not None:
            prefetch.cancel()
    if getattr(app, "return_code", None) == 129:
        return 129  # the terminal went away (SIGHUP): as a shell reports it
    if getattr(app, "crash", None) and getattr(app, "return_code", None) == 1:
        return 1  # a burst of internal errors: Textual printed our one line naming the log
    if app.setup_error:
        _error(app.setup_error)
        return 1
    return 0

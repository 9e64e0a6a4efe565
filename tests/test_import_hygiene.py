"""What each stage of start-up imports, checked at run time in a fresh interpreter.

import-linter (pyproject) checks the static import graph; these tests check what really ends
up in `sys.modules`, which is what costs start-up time:

- the command line (import, argument parsing, --version, --help, misuse) loads no Textual and
  no AWS SDK, so those answer at once;
- the app module, and the app built by `launch.build_app`, load Textual but no AWS SDK;
- run headless, the main screen's first frame is painted before any SDK module is loaded;
  aioboto3 arrives later, in the list worker (checked too, so the probe is known to see it);
- the emulator (every `iotjobs_tui.sim` module) loads no Textual, Rich or async SDK, and the
  AWS layer (every `iotjobs_tui.aws` module) no Textual or Rich; of the AWS layer only
  `aws.tls`, an aiobotocore subclass imported inside `AwsConnection.open`, loads the SDK.

Each check runs in its own subprocess, since an import seen once stays for the process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

TEXTUAL = ("textual", "rich")
SDK = ("aioboto3", "aiobotocore", "botocore")

# Prints, as JSON, which of `names` are imported: `loaded(names)` in the snippets below.
_PRELUDE = """
import json, sys

def loaded(names):
    return sorted(n for n in names if n in sys.modules)
"""


def _run(code: str) -> Any:
    """Run `code` in a fresh interpreter; it prints one JSON value as its last line."""
    env = {
        **os.environ,
        # Nothing from this machine's AWS set-up: no profiles, no instance metadata.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "PYTHONSTARTUP"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", _PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_command_line_loads_neither_textual_nor_the_sdk() -> None:
    seen = _run(
        """
        import contextlib, io
        HEAVY = ("textual", "rich", "aioboto3", "aiobotocore", "botocore", "boto3", "aiohttp")
        from iotjobs_tui import cli
        out = {"import": loaded(HEAVY)}
        parser = cli.build_parser()
        parser.parse_args(["--demo", "--job", "j", "--refresh", "2", "--speed", "60"])
        parser.parse_args(["--profile", "p", "--region", "eu-west-1", "--job", "j",
                           "--thing", "t", "--execution-number", "3", "--no-cache"])
        parser.parse_args(["sim", "--port", "0", "--scenario", "demo", "--no-throttle"])
        out["parse"] = loaded(HEAVY)
        codes = []
        for argv in (["--version"], ["--help"], ["sim", "--help"], ["--bogus"],
                     ["--thing", "t"]):
            sink = io.StringIO()
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                try:
                    cli.main(argv)
                except SystemExit as exc:
                    codes.append(exc.code)
        out["codes"] = codes
        out["main"] = loaded(HEAVY)
        import iotjobs_tui.launch  # Textual comes with build_app, not with the module
        out["launch"] = loaded(HEAVY)
        print(json.dumps(out))
        """
    )
    assert seen == {
        "import": [],
        "parse": [],
        "codes": [0, 0, 0, 2, 2],
        "main": [],
        "launch": [],
    }


def test_app_module_and_built_app_load_textual_but_no_sdk() -> None:
    seen = _run(
        f"""
        import iotjobs_tui.ui.app
        out = {{"app_module": loaded({SDK!r}), "textual": loaded({TEXTUAL!r})}}
        from iotjobs_tui.aws.session import ConnectionSettings
        from iotjobs_tui.launch import build_app
        build_app(ConnectionSettings(region="us-east-1", endpoint_url="http://127.0.0.1:9"))
        out["built"] = loaded({SDK!r})
        print(json.dumps(out))
        """
    )
    assert seen == {"app_module": [], "textual": ["rich", "textual"], "built": []}


def test_first_frame_is_painted_before_the_sdk_loads() -> None:
    """Headless: at MainScreen's mount and after its first refresh no SDK module is loaded;
    the list worker imports aioboto3 afterwards (an unreachable endpoint: nothing connects
    before the paint, and the failed connection after it is harmless)."""
    seen = _run(
        f"""
        import asyncio
        from iotjobs_tui.aws.session import ConnectionSettings
        from iotjobs_tui.launch import build_app
        from iotjobs_tui.ui.screens.main import MainScreen

        SDK = {SDK!r}
        out = {{"before_run": loaded(SDK)}}
        original = MainScreen.on_mount

        def first_paint(screen):
            out["first_paint"] = loaded(SDK)
            out["screen_is_main"] = screen.app.screen is screen
            out["table_height"] = screen.table.size.height

        def on_mount(self):
            out["mount"] = loaded(SDK)
            # Queued before the app's own after-refresh start-up (which starts the worker).
            self.call_after_refresh(first_paint, self)
            original(self)

        MainScreen.on_mount = on_mount
        settings = ConnectionSettings(
            region="us-east-1",
            endpoint_url="http://127.0.0.1:9",
            access_key_id="hygiene",
            secret_access_key="hygiene",
            max_attempts=1,
            connect_timeout=1,
            read_timeout=1,
        )
        app = build_app(
            settings, connection_label="hygiene", detail_interval=3600, list_interval=3600,
            progress_every=3600,
        )

        async def main():
            async with app.run_test(size=(120, 40)) as pilot:
                loop = asyncio.get_running_loop()
                deadline = loop.time() + 8
                while "aioboto3" not in sys.modules and loop.time() < deadline:
                    await pilot.pause(0.05)
                out["later"] = loaded(SDK)

        asyncio.run(main())
        print(json.dumps(out))
        """
    )
    assert seen["before_run"] == []
    assert seen["mount"] == []
    assert seen["first_paint"] == [], "an SDK module was loaded before the first frame"
    assert seen["screen_is_main"] and seen["table_height"] > 0
    assert "aioboto3" in seen["later"], "the probe never saw the SDK load (worker not run?)"


def test_emulator_loads_no_ui_and_no_async_sdk() -> None:
    seen = _run(
        """
        import importlib, pkgutil
        import iotjobs_tui.sim as sim
        names = [m.name for m in pkgutil.walk_packages(sim.__path__, "iotjobs_tui.sim.")]
        for name in names:
            importlib.import_module(name)
        ours = sorted(m for m in sys.modules
                      if m.startswith(("iotjobs_tui.ui", "iotjobs_tui.aws", "iotjobs_tui.cli")))
        forbidden = ("textual", "rich", "aioboto3", "aiobotocore")
        print(json.dumps({"modules": len(names), "loaded": loaded(forbidden), "ours": ours}))
        """
    )
    assert seen["modules"] > 20  # the walk really imported the emulator
    assert seen["loaded"] == []
    assert seen["ours"] == []


def test_aws_layer_loads_no_textual_and_the_sdk_only_in_tls() -> None:
    seen = _run(
        f"""
        import importlib, pkgutil
        import iotjobs_tui.aws as aws
        names = [m.name for m in pkgutil.walk_packages(aws.__path__, "iotjobs_tui.aws.")]
        lazy = "iotjobs_tui.aws.tls"
        for name in names:
            if name != lazy:
                importlib.import_module(name)
        out = {{"modules": len(names), "sdk_without_tls": loaded({SDK!r})}}
        importlib.import_module(lazy)
        out["ui"] = loaded({TEXTUAL!r})
        out["ours"] = sorted(m for m in sys.modules
                             if m.startswith(("iotjobs_tui.ui", "iotjobs_tui.sim")))
        print(json.dumps(out))
        """
    )
    assert seen["modules"] >= 5
    assert seen["sdk_without_tls"] == []
    assert seen["ui"] == []
    assert seen["ours"] == []


def test_watch_loads_no_textual() -> None:
    """`iotjobs-tui watch` runs headless in CI: the whole command (parsing, the connection, a
    DescribeJob answered by the emulator with ResourceNotFound, exit 4) loads no Textual, no
    Rich and no UI module."""
    seen = _run(
        f"""
        import contextlib, io, os
        os.environ.update(AWS_ACCESS_KEY_ID="hygiene", AWS_SECRET_ACCESS_KEY="hygiene")
        from iotjobs_tui.sim.engine.clock import VirtualClock
        from iotjobs_tui.sim.emulator import Emulator
        from iotjobs_tui.sim.server import SimServer

        server = SimServer(Emulator(VirtualClock(speed=0)))
        url = server.start_in_thread("127.0.0.1", 0)
        from iotjobs_tui import cli

        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = cli.main(["watch", "--region", "us-east-1", "--endpoint-url", url, "nope"])
        server.stop_thread()
        ui = sorted(m for m in sys.modules if m.startswith("iotjobs_tui.ui"))
        print(json.dumps({{"code": code, "loaded": loaded({TEXTUAL!r}), "ui": ui,
                          "sdk": "aioboto3" in sys.modules}}))
        """
    )
    assert seen == {"code": 4, "loaded": [], "ui": [], "sdk": True}

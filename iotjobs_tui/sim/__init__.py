"""A local AWS IoT Jobs emulator speaking the real wire protocol.

This package imports neither Textual nor the rest of the app (import-linter enforces it),
so it can run alone (`iotjobs-tui sim`) or embedded (`iotjobs-tui --demo`, the tests).
"""

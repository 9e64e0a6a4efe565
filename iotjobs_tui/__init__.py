"""iotjobs-tui: a terminal fleet explorer for AWS IoT Jobs."""

__version__ = "0.1.0"

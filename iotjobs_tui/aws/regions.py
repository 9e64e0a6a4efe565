"""Where the user can switch to: the regions IoT is offered in, and their named profiles.

Both are read from botocore's bundled data and the user's AWS config files, no call made.
Only used by the palette, so botocore is imported on first use, never at launch.
"""

from __future__ import annotations


def iot_regions() -> list[str]:
    """The commercial regions botocore's endpoint data lists for IoT."""
    import botocore.session

    return sorted(botocore.session.get_session().get_available_regions("iot"))


def profiles() -> list[str]:
    """Profile names from ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE etc.)."""
    import botocore.session

    try:
        return sorted(botocore.session.Session().available_profiles)
    except Exception:  # an unreadable config file: nothing to offer, the switch still works
        return []

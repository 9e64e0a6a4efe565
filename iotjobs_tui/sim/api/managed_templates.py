"""The AWS managed job templates (data), and documentParameters substitution.

Content follows the devguide "Managed template remote actions and job documents": every
template runs a handler from the AWS IoT Device Client's job-handler set, takes optional
`runAsUser` and `pathToHandler`, and writes each parameter as `${aws:iot:parameter:<key>}`.
Their ARNs carry a version and no account id: arn:aws:iot:<region>::jobtemplate/AWS-Reboot:1.0.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from iotjobs_tui.sim.wire.errors import invalid_request

PLACEHOLDER = "${aws:iot:parameter:%s}"
_PLACEHOLDER_RE = re.compile(r"\$\{aws:iot:parameter:([a-zA-Z0-9_-]+)\}")


@dataclass(frozen=True)
class DocumentParameter:
    key: str
    description: str
    regex: str
    example: str
    optional: bool

    def as_output(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "description": self.description,
            "regex": self.regex,
            "example": self.example,
            "optional": self.optional,
        }


@dataclass(frozen=True)
class ManagedTemplate:
    name: str
    version: str
    description: str
    environments: tuple[str, ...]
    parameters: tuple[DocumentParameter, ...]
    document: str

    def arn(self, region: str) -> str:
        return f"arn:aws:iot:{region}::jobtemplate/{self.name}:{self.version}"


_RUN_AS_USER = DocumentParameter(
    key="runAsUser",
    description=(
        "Optional. The user the handler runs as (through sudo). If omitted, the handler runs "
        "as the user of the device software."
    ),
    regex="[a-z_][a-z0-9_-]{0,31}|",
    example="user1",
    optional=True,
)
_PATH_TO_HANDLER = DocumentParameter(
    key="pathToHandler",
    description=(
        "Optional. The directory that holds the handler script on the device. If omitted, the "
        "device software's default job-handler directory is used."
    ),
    regex="[^\\s]{0,4096}",
    example="/home/user1/jobs-handler/",
    optional=True,
)
_PACKAGES = DocumentParameter(
    key="packages",
    description="Space-separated list of the package names to act on.",
    regex="[a-zA-Z0-9._+:~-]+( [a-zA-Z0-9._+:~-]+)*",
    example="nginx mosquitto",
    optional=False,
)
_SERVICES = DocumentParameter(
    key="services",
    description="Space-separated list of the system services to act on.",
    regex="[a-zA-Z0-9@._:-]+( [a-zA-Z0-9@._:-]+)*",
    example="nginx mosquitto",
    optional=False,
)


def _document(step_name: str, handler: str, args: list[str]) -> str:
    """A job document in the managed-template shape, with placeholders."""
    doc = {
        "version": "1.0",
        "steps": [
            {
                "action": {
                    "name": step_name,
                    "type": "runHandler",
                    "input": {
                        "handler": handler,
                        "args": args,
                        "path": PLACEHOLDER % "pathToHandler",
                    },
                    "runAsUser": PLACEHOLDER % "runAsUser",
                }
            }
        ],
    }
    return json.dumps(doc, indent=2)


def _template(
    name: str,
    description: str,
    step: str,
    handler: str,
    params: tuple[DocumentParameter, ...],
) -> ManagedTemplate:
    args = [PLACEHOLDER % p.key for p in params]
    return ManagedTemplate(
        name=name,
        version="1.0",
        description=description,
        environments=("LINUX",),
        parameters=(*params, _RUN_AS_USER, _PATH_TO_HANDLER),
        document=_document(step, handler, args),
    )


MANAGED_TEMPLATES: tuple[ManagedTemplate, ...] = (
    _template(
        "AWS-Download-File",
        "A managed job template for downloading a file.",
        "Download-File",
        "download-file.sh",
        (
            DocumentParameter(
                key="downloadUrl",
                description="URL of the file to download (HTTPS or a pre-signed Amazon S3 URL).",
                regex="https?://[^\\s]{1,2040}",
                example="https://example.com/firmware/app-2.1.0.tar.gz",
                optional=False,
            ),
            DocumentParameter(
                key="filePath",
                description="Absolute path on the device where the downloaded file is written.",
                regex="/[^\\s]{0,4095}",
                example="/home/user1/downloads/app-2.1.0.tar.gz",
                optional=False,
            ),
        ),
    ),
    _template(
        "AWS-Install-Application",
        "A managed job template for installing one or more applications.",
        "Install-Application",
        "install-packages.sh",
        (_PACKAGES,),
    ),
    _template(
        "AWS-Reboot",
        "A managed job template for rebooting the device.",
        "Reboot",
        "reboot.sh",
        (),
    ),
    _template(
        "AWS-Remove-Application",
        "A managed job template for uninstalling one or more applications.",
        "Remove-Application",
        "remove-packages.sh",
        (_PACKAGES,),
    ),
    _template(
        "AWS-Restart-Application",
        "A managed job template for restarting one or more system services.",
        "Restart-Application",
        "restart-services.sh",
        (_SERVICES,),
    ),
    _template(
        "AWS-Start-Application",
        "A managed job template for starting one or more system services.",
        "Start-Application",
        "start-services.sh",
        (_SERVICES,),
    ),
    _template(
        "AWS-Stop-Application",
        "A managed job template for stopping one or more system services.",
        "Stop-Application",
        "stop-services.sh",
        (_SERVICES,),
    ),
)

_BY_NAME: dict[tuple[str, str], ManagedTemplate] = {
    (t.name, t.version): t for t in MANAGED_TEMPLATES
}
DEFAULT_VERSION = "1.0"


def find(name: str, version: str | None = None) -> ManagedTemplate | None:
    return _BY_NAME.get((name, version or DEFAULT_VERSION))


def parse_arn(arn: str, region: str) -> ManagedTemplate | None:
    """The managed template an ARN names (no account id, `name:version`), if it is one."""
    prefix = f"arn:aws:iot:{region}::jobtemplate/"
    if not arn.startswith(prefix):
        return None
    name, _, version = arn[len(prefix) :].partition(":")
    return find(name, version or None)


def is_managed_arn(arn: str) -> bool:
    parts = arn.split(":")
    return len(parts) >= 6 and parts[4] == "" and parts[5].startswith("jobtemplate/")


def substitute(template: ManagedTemplate, values: dict[str, str]) -> str:
    """The template's document with documentParameters filled in (validated per regex).

    Omitted optional parameters become empty strings.
    """
    known = {p.key: p for p in template.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise invalid_request(
            f"documentParameters {unknown} are not parameters of {template.name}."
        )
    resolved: dict[str, str] = {}
    for param in template.parameters:
        value = values.get(param.key)
        if value is None:
            if not param.optional:
                raise invalid_request(
                    f"documentParameters must include {param.key!r} for {template.name}."
                )
            value = ""
        if value and not re.fullmatch(param.regex, value):
            raise invalid_request(
                f"documentParameters {param.key!r} value {value!r} does not match {param.regex!r}."
            )
        # JSON-escape the value: it lands inside a JSON string in the document.
        resolved[param.key] = json.dumps(value)[1:-1]
    return _PLACEHOLDER_RE.sub(lambda m: resolved.get(m.group(1), m.group(0)), template.document)

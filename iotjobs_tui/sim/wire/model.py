"""The botocore service models the emulator speaks, loaded once.

botocore is the source of truth for shapes, enums, constraints and HTTP bindings; the protocol
layer derives routing, parsing, validation and serialization from these models.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel, Shape

from iotjobs_tui.sim.wire.planes import CONTROL, DEVICE

# Pinned API versions: the emulator speaks exactly these.
API_VERSIONS: dict[str, str] = {CONTROL: "2015-05-28", DEVICE: "2017-09-29"}
SERVICES: tuple[str, ...] = (CONTROL, DEVICE)


@cache
def service_model(service: str) -> ServiceModel:
    if service not in API_VERSIONS:
        raise KeyError(f"the emulator does not speak {service!r}")
    raw = create_loader().load_service_model(service, "service-2", API_VERSIONS[service])
    return ServiceModel(raw, service_name=service)


def operation_model(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


def operation_names(service: str) -> list[str]:
    return list(service_model(service).operation_names)


def shape_names(service: str) -> list[str]:
    return list(service_model(service).shape_names)


def shape(service: str, name: str) -> Shape:
    return service_model(service).shape_for(name)


def iter_shapes(service: str) -> Iterator[Shape]:
    model = service_model(service)
    for name in model.shape_names:
        yield model.shape_for(name)


@cache
def error_shape(service: str, code: str) -> Shape | None:
    """The modeled exception shape named `code`, looked up among all of the service's shapes."""
    model = service_model(service)
    if code not in model.shape_names:
        return None
    found = model.shape_for(code)
    return found if found.metadata.get("exception") else None


def error_status(service: str, code: str) -> int | None:
    """The HTTP status the model gives error `code` (None when the code is not modeled)."""
    found = error_shape(service, code)
    if found is None:
        return None
    status: Any = found.metadata.get("error", {}).get("httpStatusCode")
    return int(status) if status is not None else None

"""Errors a handler raises; the protocol layer turns them into modeled AWS error responses."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An AWS error response.

    `code` is the error shape name (e.g. "ResourceNotFoundException"); the HTTP status comes
    from that shape in the botocore model unless `status` overrides it. `extra` holds further
    modeled members of the error shape (e.g. resourceId, resourceArn, executionState).
    """

    def __init__(self, code: str, message: str, *, status: int | None = None, **extra: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra


def not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def invalid_request(message: str) -> ServiceError:
    return ServiceError("InvalidRequestException", message)


def invalid_state(message: str, **extra: Any) -> ServiceError:
    return ServiceError("InvalidStateTransitionException", message, **extra)


def conflict(message: str, **extra: Any) -> ServiceError:
    return ServiceError("ConflictException", message, **extra)


def limit_exceeded(message: str) -> ServiceError:
    return ServiceError("LimitExceededException", message)

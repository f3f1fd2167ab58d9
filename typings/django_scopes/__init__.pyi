# Types for the part of django-scopes (which ships none) that Shouhou uses.
from contextlib import AbstractContextManager
from typing import Any

from django.db import models

from .exceptions import ScopeError as ScopeError

def scope(**scope_kwargs: Any) -> AbstractContextManager[None]: ...
def scopes_disabled() -> AbstractContextManager[None]: ...
def get_scope() -> dict[str, Any]: ...
def ScopedManager(
    _manager_class: type[models.Manager[Any]] = ..., **scopes: str
) -> models.Manager[Any]: ...

"""Every URL pattern of the application, read from the resolver: what the matrix must cover.

A page pattern is answered by a Django view, an API pattern by a DRF view or viewset
(router-generated list/detail routes and extra actions). What is not the application's is
left out: static and media files, and the admin beyond its index (one row stands for it).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# The optional ".json" suffix the routers add beside each route: the same view again.
FORMAT_SUFFIX = re.compile(r"\\\.\(\?P<format>|<drf_format_suffix:format>")


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern: its name (``namespace:name``), route, view and the methods it answers."""

    name: str
    route: str
    view: type | None
    methods: tuple[str, ...]
    kwargs: tuple[str, ...]
    is_api: bool

    def __str__(self):
        return self.name


def _kwargs_of(pattern) -> tuple[str, ...]:
    regex = pattern.pattern.regex
    return tuple(name for name in regex.groupindex if name != "format")


def _methods_of(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:
        # A viewset route answers exactly the methods its router mapped to actions.
        return tuple(m.upper() for m in HTTP_METHODS if m in actions)
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view is None:
        return ("GET",)
    allowed = [m for m in HTTP_METHODS if m in view.http_method_names and hasattr(view, m)]
    return tuple(m.upper() for m in allowed)


def _is_ours(route: str) -> bool:
    prefixes = [settings.STATIC_URL, settings.MEDIA_URL]
    return not any(prefix and route.startswith(prefix.lstrip("/")) for prefix in prefixes)


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield pattern, route, namespace


def endpoints() -> dict[str, Endpoint]:
    """The patterns of the root URLconf by name (an unnamed pattern by its route).

    Every admin pattern counts as "admin:index": the admin is Django's, guarded as a whole.
    """
    found: dict[str, Endpoint] = {}
    for pattern, route, namespace in _walk(get_resolver()):
        if FORMAT_SUFFIX.search(route) or not _is_ours(route):
            continue
        if route.startswith("admin/"):
            name = "admin:index"
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        else:
            name = route
        if name in found:
            continue
        callback = pattern.callback
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        found[name] = Endpoint(
            name=name,
            route=route,
            view=view,
            methods=_methods_of(callback),
            kwargs=_kwargs_of(pattern),
            is_api=bool(view and issubclass(view, APIView)),
        )
    return found

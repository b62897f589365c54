"""Endpoint keys and the route table: which handler answers a method and a path."""

from __future__ import annotations

from dataclasses import dataclass, field

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.testing.emulator.handlers import (
    accounts,
    accounts_content,
    entities,
    loginkit,
    marketing,
    reports,
)
from airflow_provider_tiktok.testing.emulator.interface import Route

LOGIN_KIT_PATHS = ("/v2/oauth/token/", "/v2/oauth/revoke/", "/v2/user/info/")
PAGE_ALIASES = {
    "/portal/auth": "/portal/auth",
    "/portal/auth/": "/portal/auth",
    "/v2/auth/authorize/": "/v2/auth/authorize/",
    "/v2/auth/authorize": "/v2/auth/authorize/",
}
#: Endpoint key of every signed download URL (``/files/<token>/<name>``).
FILES_KEY = "/files/"

RouteMap = dict[tuple[str, str], Route]


@dataclass(frozen=True)
class RouteTable:
    business: RouteMap  # keys: (method, path without /open_api/v1.3)
    oauth: RouteMap
    pages: RouteMap
    file: Route
    known_business_paths: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "known_business_paths", frozenset(path for _method, path in self.business))

    def resolve(self, method: str, path: str) -> tuple[str, str, Route | None]:
        """Return (endpoint key, family, route). family: business|oauth|page|file|unknown."""
        if path.startswith(spec.BUSINESS_PREFIX + "/"):
            rest = path[len(spec.BUSINESS_PREFIX) :]
            if rest in self.known_business_paths:
                return rest, "business", self.business.get((method, rest))
            return rest, "unknown", None
        if path in LOGIN_KIT_PATHS:
            return path, "oauth", self.oauth.get((method, path))
        if path in PAGE_ALIASES:
            key = PAGE_ALIASES[path]
            return key, "page", self.pages.get((method, key))
        if path.startswith(FILES_KEY) and method == "GET":
            return FILES_KEY, "file", self.file
        return path, "unknown", None


def route_table() -> RouteTable:
    """The routes of every handler module, read when called (so a benchmark may patch ``ROUTES`` first)."""
    return RouteTable(
        business={**marketing.ROUTES, **reports.ROUTES, **accounts.ROUTES, **accounts_content.ROUTES,
                  **entities.ROUTES},
        oauth=dict(loginkit.OAUTH_ROUTES),
        pages=dict(loginkit.PAGE_ROUTES),
        file=reports.FILE_ROUTE,
    )

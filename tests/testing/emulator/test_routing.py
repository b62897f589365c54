"""Route table: endpoint keys and API families of request paths."""

from __future__ import annotations

from airflow_provider_tiktok.testing.emulator.routing import route_table


def test_resolve_keys_and_families():
    routes = route_table()
    key, family, route = routes.resolve("GET", "/open_api/v1.3/report/task/check/")
    assert (key, family) == ("/report/task/check/", "business") and route is not None and route.auth
    assert routes.resolve("POST", "/open_api/v1.3/report/task/check/")[1:] == ("business", None)  # wrong method
    assert routes.resolve("GET", "/open_api/v1.3/report/task/check")[1:] == ("unknown", None)  # no trailing slash
    assert routes.resolve("POST", "/v2/oauth/token/")[:2] == ("/v2/oauth/token/", "oauth")
    assert routes.resolve("GET", "/portal/auth/")[:2] == ("/portal/auth", "page")
    assert routes.resolve("GET", "/v2/auth/authorize")[:2] == ("/v2/auth/authorize/", "page")
    assert routes.resolve("GET", "/files/tok/report.csv") == ("/files/", "file", routes.file)
    assert routes.resolve("POST", "/files/tok/report.csv")[1:] == ("unknown", None)

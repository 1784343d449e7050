"""The API docs page (``/docs``), served entirely from installed packages: it works offline.

FastAPI's default page loads Swagger UI's script and stylesheet from a CDN, so it is blank on a
machine without the internet.  Here Swagger UI's files come from the ``swagger-ui-bundle-v2`` package
(Swagger UI 5, which reads the OpenAPI 3.1 that FastAPI writes; mounted at ``/docs-assets``), and
the page references nothing else.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

log = logging.getLogger(__name__)

ASSETS = "/docs-assets"


def assets_dir() -> Path | None:
    """The folder of Swagger UI's files in the installed package (None when missing)."""
    try:
        import swagger_ui_bundle  # noqa: PLC0415
    except ImportError:
        return None
    path = Path(swagger_ui_bundle.swagger_ui_path)
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def mount(app: FastAPI) -> None:
    """``/docs`` (Swagger UI, local files) and ``/docs-assets``; the OpenAPI schema stays at ``/openapi.json``."""
    folder = assets_dir()
    if folder is None:
        log.warning("swagger-ui-bundle-v2 is not installed: /docs lists the schema only")

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> HTMLResponse:
        if folder is None:
            return HTMLResponse('<!doctype html><title>wirewatch API</title><p>The interactive API docs need the '
                                '<code>swagger-ui-bundle-v2</code> package. The schema: <a href="/openapi.json">'
                                '/openapi.json</a>.</p>')
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="wirewatch API",
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg",
                                   # no badge fetched from the online validator
                                   swagger_ui_parameters={"validatorUrl": None})

    if folder is not None:
        app.mount(ASSETS, StaticFiles(directory=str(folder)), name="docs-assets")

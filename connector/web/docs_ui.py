"""`/docs`: Swagger UI served by the connector itself, so it works on a hotel LAN without
internet. The assets come from the `swagger-ui-bundle` package (never copied by hand); the
page names no other host: no CDN, no favicon from elsewhere, no online validator badge."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"


def install_docs(app: Starlette, *, title: str, openapi_path: str) -> None:
    """Serve `/docs` and its assets from this process."""
    app.mount(ASSETS_PATH, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    async def docs(request: Request) -> HTMLResponse:
        # FastAPI's page writer: loaded with the schema, by the people who read the docs.
        from fastapi.openapi.docs import get_swagger_ui_html

        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_path}",
            title=f"{title} - API",
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon-32x32.png",
            # Swagger UI would otherwise ask validator.swagger.io about the schema.
            swagger_ui_parameters={"validatorUrl": None},
        )

    app.add_route(DOCS_PATH, docs, include_in_schema=False)

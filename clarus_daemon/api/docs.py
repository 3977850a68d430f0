"""OpenAPI document and Swagger UI, generated from the handlers' schemas."""

from typing import Any

from aiohttp import web
from aiohttp_apigami import OpenApiVersion, setup_aiohttp_apispec
from aiohttp_apigami.constants import SWAGGER_DICT

from clarus_daemon import __version__
from clarus_daemon.api.validation import raise_invalid_request

OPENAPI_URL = "/api/docs/openapi.json"
SWAGGER_PATH = "/swagger"
# Swagger 2 keys that aiohttp-apigami's @docs adds to every operation; OpenAPI 3
# forbids them, and validators (and schemathesis) reject the document with them.
_SWAGGER2_ONLY_KEYS = ("produces", "consumes")


def _strip_swagger2_keys(spec: dict[str, Any]) -> None:
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                for key in _SWAGGER2_ONLY_KEYS:
                    operation.pop(key, None)


async def _clean_spec(app: web.Application) -> None:
    _strip_swagger2_keys(app[SWAGGER_DICT])


def setup(app: web.Application) -> None:
    """Call after every route is added: the document is built from them on start-up."""
    setup_aiohttp_apispec(
        app,
        title="clarus-daemon",
        version=__version__,
        url=OPENAPI_URL,
        swagger_path=SWAGGER_PATH,
        static_path="/swagger/static",
        openapi_version=OpenApiVersion.V303,
        error_callback=raise_invalid_request,
        info={"description": "Edge agent of a CLARUS MLOps pilot."},
    )
    app.on_startup.append(_clean_spec)

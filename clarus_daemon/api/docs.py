"""OpenAPI document and Swagger UI, generated from the handlers' schemas."""

from aiohttp import web
from aiohttp_apigami import OpenApiVersion, setup_aiohttp_apispec

from clarus_daemon import __version__
from clarus_daemon.api.validation import raise_invalid_request

OPENAPI_URL = "/api/docs/openapi.json"
SWAGGER_PATH = "/swagger"


def setup(app: web.Application) -> None:
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

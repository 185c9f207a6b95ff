"""The interactive API documentation (/api/v1/docs, flask-smorest's Swagger UI page) with
Swagger UI's files served from here, out of the flask-swagger-ui package (Swagger UI 5, which
reads OpenAPI 3.1), rather than from a public CDN: the docs open on a network without internet
access, and the gateway's pages load no code from third parties."""
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, send_from_directory

ASSETS_URL = "/api/v1/docs/assets/"
SWAGGER_UI_FILES = Path(flask_swagger_ui.__file__).parent / "dist"

bp = Blueprint("api_docs", __name__)


@bp.route(f"{ASSETS_URL}<path:filename>")
def asset(filename):
    return send_from_directory(SWAGGER_UI_FILES, filename, max_age=86400)

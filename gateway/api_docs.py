"""The interactive API documentation (/api/v1/docs, flask-smorest's Swagger UI page) with
Swagger UI's files served from here, out of the swagger-ui-bundle package, rather than from a
public CDN: the docs open on a network without internet access, and the gateway's pages load
no code from third parties."""
from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/api/v1/docs/assets/"

bp = Blueprint("api_docs", __name__)


@bp.route(f"{ASSETS_URL}<path:filename>")
def asset(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)

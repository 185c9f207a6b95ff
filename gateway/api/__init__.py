"""The REST API under /api/v1: a flask-smorest blueprint a module."""
import flask_smorest

from gateway.json_provider import BodyParser


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's, reading JSON bodies as the views do (gateway/json_provider.py)."""
    ARGUMENTS_PARSER = BodyParser()

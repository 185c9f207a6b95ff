"""The gateway: the only door. Authentication, tiers, the REST API and its OpenAPI document;
no domain rules (the services hold them)."""
import logging
import re
import time
import uuid

from flask import Flask, g, request
from flask_smorest import Api
from nameko.exceptions import RemoteError
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import api_docs, auth, bodies, cors, headers, metrics
from gateway.json_provider import GatewayRequest, OrjsonProvider
from gateway.limits import Limits, RateLimited, RateLimitsInOpenApi
from gateway.logs import log_request
from gateway.long_lines import LongLinesInOpenApi
from gateway.openapi import TrustedDocument
from gateway.problems import (ProblemSchema, ProblemsInOpenApi, as_problem, field_codes, problem,
                              webargs_errors)
from gateway.revocations import Revocations
from gateway.rpc import RpcPool
from services.common import checks, log_context
from services.common.config import load_settings
from services.common.context import Caller
from services.common.errors import DomainError, Invalid, NotAuthenticated
from services.common.signing import ContextSigner

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"
METRICS_ENDPOINT = "health.prometheus_metrics"
REQUEST_ID = re.compile(r"[\w.:-]{1,128}", re.ASCII)  # a client's own id, if it is a sane one
# the gateway asking for itself, for no request: `require_internal` lets it through
REVOCATIONS_CALLER = Caller(origin="gateway-revocations")


class GatewayApi(Api):
    """flask-smorest, answering every HTTP error as RFC 9457 problem+json, and documenting it
    so."""
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        super()._register_responses()
        for response in self.spec.components.responses_lazy.values():
            as_problem(response)

    def handle_http_exception(self, error):
        data = getattr(error, "data", {}) or {}
        errors = webargs_errors(data.get("messages")) if "messages" in data else None
        detail, extra = data.get("message") or error.description, None
        if error.code == 400 and errors:
            detail, errors = "The request body is not valid JSON.", None
        elif error.code == 422:
            detail = "Some fields are not valid."
            extra = {"code": "invalid", "params": {},
                     "codes": field_codes(webargs_errors(data.get("messages"), checks.coded))}
        headers = {name: value for name, value in error.get_headers()
                   if name.lower() != "content-type"}  # a 405's Allow, for one
        headers.update(data.get("headers") or {})
        return problem(error.code, detail, errors, headers=headers,
                       request_id=g.get("request_id"), extra=extra)


def create_app(settings=None, rpc=None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.request_class = GatewayRequest
    app.config.update(
        API_TITLE="Rete QuBì", API_VERSION="v1", OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=api_docs.ASSETS_URL,
        # its tags folded: Swagger UI 5 stalls drawing every operation of a document this size
        OPENAPI_SWAGGER_UI_CONFIG={"docExpansion": "none"},
        API_SPEC_OPTIONS={
            "info": {"description": "The public HTTP contract of the Rete QuBì platform."},
            "servers": [{"url": settings.public_url}],
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "metricsToken": {"type": "http", "scheme": "bearer",
                                 "description": "METRICS_TOKEN, for Prometheus"}}},
        },
        QUBI_SETTINGS=settings,
    )
    rpc = rpc or RpcPool(settings.amqp_uri, settings.rpc_timeout, settings.rpc_pool_size)
    rpc.on_call = metrics.observe_rpc
    app.extensions["rpc"] = rpc
    signer = app.extensions["context_signer"] = ContextSigner(settings.context_keys)
    app.extensions["revocations"] = Revocations(
        lambda since: app.extensions["rpc"].call("directory", "ended_sessions", since,
                                                 context_data=signer.sign(REVOCATIONS_CALLER)))
    app.extensions["limits"] = Limits(settings)
    if settings.trusted_proxies:  # the client's address is the one the nearest trusted proxy saw
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)
    api = GatewayApi(app, spec_kwargs={"extra_plugins": [
        RateLimitsInOpenApi(), bodies.BodyLimitsInOpenApi(), LongLinesInOpenApi(),
        ProblemsInOpenApi(), TrustedDocument()]})
    bodies.init_app(app, settings)
    headers.init_app(app)
    cors.init_app(app)
    _register_hooks(app, settings)
    _register_blueprints(api)
    from gateway.web import bp as web_pages  # the pages people use: outside the API document

    app.register_blueprint(web_pages)
    app.register_blueprint(api_docs.bp)
    return app


def _register_hooks(app, settings):
    @app.before_request
    def identify_caller():
        g.started = time.perf_counter()
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        log_context.current.set({"request_id": g.request_id})
        if "\x00" in request.path or any("\x00" in value for value in request.args.values()):
            raise Invalid({"url": [checks.reason("nul_character", "Contains a NUL character.")]})
        header = request.headers.get("Authorization", "")
        if request.endpoint == METRICS_ENDPOINT:  # Prometheus's token, checked by the route
            header = ""
        if header.startswith("Bearer "):
            claims = auth.verify_token(header[7:].strip(), settings.secret_key,
                                       app.extensions["revocations"])
            g.session_id = claims["sid"]
            g.caller = auth.caller_from_claims(claims, g.request_id)
        elif header:
            raise NotAuthenticated("Use an `Authorization: Bearer <token>` header.",
                                   "bearer_header_needed")
        else:
            language = request.accept_languages.best_match(["it", "en"]) or "it"
            g.caller = auth.anonymous(g.request_id, language)

    @app.before_request
    def limit_rate():
        if request.blueprint != "web":  # the pages, once they know who is logged in
            app.extensions["limits"].check_request(g.caller)

    @app.after_request
    def tag_response(response):
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        route = request.url_rule.rule if request.url_rule else None
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        metrics.observe_request(request.method, route, response.status_code, seconds)
        log_request(request.method, route, request.path, response.status_code, seconds)
        return response

    @app.teardown_request
    def forget_request(_error):
        log_context.current.set({})

    @app.errorhandler(RateLimited)
    def rate_limited(error):
        return problem(429, error.detail, headers={"Retry-After": str(error.retry_after)},
                       request_id=g.get("request_id"),
                       extra={"code": error.code, "params": error.params})

    @app.errorhandler(DomainError)
    def domain_error(error):
        headers = {"Retry-After": "5"} if error.status == 503 else None
        if error.status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        errors = error.errors if isinstance(error, Invalid) else None
        named = {"code": error.code, "params": error.params} if error.code else {}
        if errors:
            named["codes"] = field_codes(error.codes)
        return problem(error.status, error.detail, errors, headers, g.get("request_id"),
                       {**named, **error.extra})

    @app.errorhandler(RemoteError)
    def service_crashed(error):
        log.error("a service failed: %s", error.exc_type)
        return problem(500, "Something went wrong on our side.", request_id=g.get("request_id"))


def _register_blueprints(api):
    from gateway.api import auth as auth_api
    from gateway.api import (calendars, decisions, drives, events, funds, governance, health,
                             hsds, meetings, networks, notifications, organizations, people,
                             referrals, reports, services, sms, webhooks)

    for module in (health, auth_api, people, networks, organizations, services, hsds, governance,
                   meetings, decisions, referrals, notifications, events, calendars, drives,
                   reports, funds, sms, webhooks):
        api.register_blueprint(module.blp)

"""Headers on every answer: never sniffed for another content type, never shown in a frame
(the docs' Swagger UI included; the pages' own policy says more: gateway/web), and, when the
caller is logged in, never kept by a browser or a proxy. Answers that set their own caching
(static files, public documents) keep it."""
from flask import g

FRAME_ANCESTORS = "frame-ancestors 'none'"


def init_app(app):
    @app.after_request
    def protect(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", FRAME_ANCESTORS)
        caller = g.get("caller")
        if caller is not None and caller.authenticated:
            headers.setdefault("Cache-Control", "no-store")  # what only this caller may see
        return response

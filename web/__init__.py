"""The Flask front end over a news-search index: the search page with its timeline, article pages, comparisons
(``/compare``), entity pages (``/person/<name>`` ...), an Atom feed of every search and the JSON API.

Run it with ``gunicorn "web:create_app()"`` (see Procfile), ``news-search serve`` or
``flask --app web run``. Configuration, later sources winning: defaults from ``search.settings``,
``instance/config.py``, ``NEWS_SEARCH_*`` environment variables, then ``test_config``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from search import settings
from web import api, assets, errors, explore, feeds, params, security, ui, worker_index

CONFIG_NAMES = (
    "INDEX_DIR",
    "PER_PAGE",
    "MAX_PER_PAGE",
    "MAX_DEPTH",
    "FACET_LIMIT",
    "EXPORT_CAP",
    "QUERY_MAX_CHARS",
)  # the settings the web app reads (CORPUS_DIR is the indexer's)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; the index is opened lazily in each worker process, after any fork."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping({s.name: s.default for s in settings.SETTINGS if s.name in CONFIG_NAMES})
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("NEWS_SEARCH")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if isinstance(app.json, DefaultJSONProvider):
        app.json.sort_keys = False  # keep SearchPage.to_dict()'s order
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    worker_index.init_app(app)
    app.before_request(check_query_string)
    security.init_app(app)
    assets.init_app(app)
    errors.register_error_handlers(app)
    app.register_blueprint(ui.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(api.bp)
    return app


def check_query_string() -> None:
    """Refuse parameters that are not UTF-8 before any view sees them (Werkzeug would mangle them)."""
    params.check_encoding(request.query_string)

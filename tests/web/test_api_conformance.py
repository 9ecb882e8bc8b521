"""The OpenAPI document is the truth: schemathesis (``schemathesis run --checks all``) generates requests from
``/api/openapi.json`` and checks every answer of the Procfile's gunicorn on the web test index: no server error,
documented status codes, content types, headers and bodies; data the document calls invalid is refused, data it
calls valid is accepted.

Two allowances, both documented. A query the query language can't read (``q=(``, ``q=AND``), dates the wrong
way round, a page beyond ``MAX_DEPTH`` results or ``per_page`` and ``limit`` that disagree are valid strings and
numbers to a JSON Schema, and the API answers them with a 400: for the operations that take them, a 400 also
counts as accepting schema-valid data (everywhere else it does not). And a request line longer than gunicorn's
limit gets gunicorn's 414 whatever its parameters: no schema bounds a whole URL's length.

The entity operation is given a name the index has (random names are 404s, tested with the API's other tests),
so its full answer is checked too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CONFIG = r"""
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "404", "414"]

[checks.negative_data_rejection]
expected-statuses = ["400", "404", "414"]

[[operations]]
include-path-regex = '^/api/(search|facets/\{name\}|timeline|compare)$'
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "414"]
checks.negative_data_rejection.expected-statuses = ["400", "414"]

[[operations]]
include-path = "/api/entities/{facet}/{name}"
parameters = { facet = "person", name = "Paul Volcker" }
checks.positive_data_acceptance.expected-statuses = ["2xx", "414"]
checks.negative_data_rejection.expected-statuses = ["400", "404", "414"]
"""
EXAMPLES = 50  # per operation and phase: about 1,500 requests, under a minute
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20240601"))  # fixed in CI; set another to explore


def test_the_api_answers_as_its_document_says(web_index_dir: Path, procfile_server, tmp_path: Path) -> None:
    base_url, log = procfile_server(web_index_dir)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{base_url}/api/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "2",
        "--generation-database",
        "none",
    ]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-20000:]
    assert "Traceback" not in log.read_text(errors="replace")

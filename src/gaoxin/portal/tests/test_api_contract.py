"""The API keeps its published contract (issue 15 §9): schemathesis generates requests for every operation of
the OpenAPI schema from the schema itself and sends them, as the administrator and as an enterprise, to a
seeded zone. Every answer must be no server error, carry a documented status code and content type, and match
the documented body. (Whether a valid-looking request is accepted, and whether a missing token is noticed, are
the cross-tenant walk's and the permission tests' business, not checked here.)"""

from __future__ import annotations

import json

import pytest

EXAMPLES_PER_OPERATION = 8
USERS = ("admin", "enterprise")


@pytest.mark.django_db
def test_every_operation_answers_as_documented(django_capture_on_commit_callbacks):
    import hypothesis
    import schemathesis
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.authtoken.models import Token
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from gaoxin.accounts.models import User
    from gaoxin.demo import build_demo_zone

    with django_capture_on_commit_callbacks(execute=True):
        build_demo_zone(seed=7, enterprises=30, history=20)
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    failures: dict[str, str] = {}
    sent = 0

    def exercise(operation, token: str, username: str) -> None:
        # Derandomised: the same schema gives the same requests on every run (no run-to-run flakiness).
        @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
                             suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.generate])
        @hypothesis.given(case=operation.as_strategy())
        def send(case):
            nonlocal sent
            response = case.call(headers={"Authorization": f"Token {token}"})
            sent += 1
            try:
                case.validate_response(response, checks=checks)
            except BaseException as exc:  # noqa: BLE001 - schemathesis raises a group of failures
                key = f"{username} {operation.label} → {response.status_code}"
                failures.setdefault(key, " | ".join(str(exc).split("\n")[:14]))

        send()

    # The application runs in this test's transaction, called in-process: like Django's test client, keep the
    # request signals from closing or health-checking that connection (persistent connections on PostgreSQL).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        for username in USERS:
            token = Token.objects.get_or_create(user=User.objects.get(username=username))[0].key
            for operation in operations:
                exercise(operation, token, username)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    print(f"\nAPI contract: {len(operations)} operations, {sent} requests as {', '.join(USERS)}")
    assert not failures, "\n".join(f"{k}: {v}" for k, v in sorted(failures.items()))

"""Django field validators for the codes checked in `core.validators` (which stays free of Django, so the
evaluation command line can use it): they translate the reasons into Chinese ValidationErrors."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .validators import id_number_problem, uscc_problem


def validate_uscc(value: str) -> None:
    if problem := uscc_problem(value):
        raise ValidationError(problem, code="invalid_uscc")


def validate_id_number(value: str) -> None:
    if problem := id_number_problem(value):
        raise ValidationError(problem, code="invalid_id_number")

"""Django's SQLite backend with PostgreSQL's integer ranges.

SQLite stores any 64-bit integer in any integer column, so Django bounds a PositiveSmallIntegerField by 2**63 on
SQLite and by 32767 on PostgreSQL: a form or the API would accept 40000 on the embedded database and fail on
production, and the published OpenAPI contract would depend on the database it was generated on. Gaoxin bounds
integer fields the same on both (Django's standard ranges, which PostgreSQL enforces)."""

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    integer_field_range = BaseDatabaseOperations.integer_field_range


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

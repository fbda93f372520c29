"""Hot reads compiled once per process (issue 17): a queryset whose form is fixed and whose values change per request
(a case by its number in the user's scope, an API token by its key) is turned into SQL by the ORM the first time,
and later requests run that SQL with their own values.

Why: on these machines a request that reads one case spent about a third of its time in Django building and
compiling the same statement again (joins, column lists, quoting), more than PostgreSQL took to run it. Rows still
become model instances through Django's own ModelIterable (same instances, same related objects, same converters);
only `as_sql` is skipped.

    CASE_BY_NUMBER = Statement(lambda variant, number: Case.objects.filter(number=number))
    found = CASE_BY_NUMBER.fetch(number="QS2026…")              # a list of model instances

How values are bound: `build(variant, **values)` is called once per form with placeholder values (a distinct
integer or text for each value, or for each element of a list), the placeholders are found in the compiled
statement's parameters, and each call puts its own values in their places. So:
- a value must reach the SQL unchanged (`number=x`, `pk__in=[...]`, not `name__icontains=x`, which becomes
  `%x%`): a value not found among the parameters is refused when the statement is first compiled;
- a list's length, a None (`IS NULL` has no parameter) and `variant` (any hashable: a scope kind, a flag) change
  the statement's form: each is part of the cache key, and None is passed to `build` as is;
- the queryset must not prefetch (that would compile again on every call): read the related rows with a statement
  of their own and hand them over with `attach_prefetched`.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# What a compiler learns while compiling and ModelIterable / results_iter read afterwards (Django 5.2).
_COMPILER_STATE = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")
_placeholder_numbers = itertools.count(1)
MAX_FORMS = 64  # forms kept per statement (list lengths × variants × databases); the oldest is compiled again


def _placeholder(value: Any) -> Any:
    """A value of the same kind as `value` that no real row or request carries."""
    n = next(_placeholder_numbers)
    if isinstance(value, bool):
        raise ImproperlyConfigured("A true/false value is part of a statement's form: pass it as the variant")
    if isinstance(value, int):
        return -(8_000_000_000_000_000_000 + n)
    if isinstance(value, str):
        return f"\x1fgaoxin-statement-value-{n}\x1f"
    raise ImproperlyConfigured(f"A statement binds numbers and text only, not {type(value).__name__}")


class _Compiled:
    """One form of a statement: its SQL, its parameters with the places of the request's values, and the compiler
    state that turns its rows into model instances."""

    def __init__(self, queryset: QuerySet, using: str, places: dict[tuple[type, Any], tuple[str, int | None]]):
        if queryset._prefetch_related_lookups:
            raise ImproperlyConfigured("A statement does not prefetch: read the related rows with a statement")
        self.model, self.query = queryset.model, queryset.query
        self.iterable_class, self.fields = queryset._iterable_class, queryset._fields  # values_list() as well
        compiler = self.query.get_compiler(using=using)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. `.none()`: no rows whatever the values
            self.sql, params = "", ()
        self.params = list(params)
        self.state = {name: getattr(compiler, name) for name in _COMPILER_STATE}
        self.bindings: list[tuple[int, str, int | None]] = []  # (parameter index, value name, list index)
        for i, param in enumerate(self.params):
            place = places.get((type(param), param))
            if place is not None:
                self.bindings.append((i, *place))
        missing = {name for name, _ in places.values()} - {name for _, name, _ in self.bindings}
        if missing and self.sql:
            raise ImproperlyConfigured(f"Statement values not found among the SQL parameters: {sorted(missing)}")

    def compiler(self, using: str, values: dict[str, Any]):
        params = list(self.params)
        for i, name, index in self.bindings:
            params[i] = values[name] if index is None else values[name][index]
        connection = connections[using]
        compiler = connection.ops.compiler(self.query.compiler)(self.query, connection, using)
        for name, value in self.state.items():
            setattr(compiler, name, value)
        sql = self.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler


class _BoundQuery:
    """The compiled query as a queryset sees it, answering `get_compiler` with the SQL already made."""

    def __init__(self, compiled: _Compiled, values: dict[str, Any]):
        self._compiled, self._values = compiled, values

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiled.compiler(using or connection.alias, self._values)

    def __getattr__(self, name):
        return getattr(self._compiled.query, name)


class Statement:
    """A read whose form is fixed, compiled once per form (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._forms: OrderedDict[Hashable, _Compiled] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, variant: Hashable = None, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        """The rows of `build(variant, **values)`, as the queryset would give them (model instances, or the tuples
        or values of a `values_list`)."""
        key = (using, variant, *sorted((name, _form_of(value)) for name, value in values.items()))
        compiled = self._forms.get(key)
        if compiled is None:
            compiled = self._compile(key, variant, using, values)
        if not compiled.sql:
            return []
        queryset = QuerySet(model=compiled.model, query=_BoundQuery(compiled, values), using=using)
        queryset._iterable_class, queryset._fields = compiled.iterable_class, compiled.fields
        return list(queryset)

    def _compile(self, key: Hashable, variant: Hashable, using: str, values: dict[str, Any]) -> _Compiled:
        with self._lock:
            compiled = self._forms.get(key)
            if compiled is not None:
                return compiled
            places: dict[tuple[type, Any], tuple[str, int | None]] = {}
            stand_ins: dict[str, Any] = {}
            for name, value in values.items():
                if value is None:
                    stand_ins[name] = None
                elif isinstance(value, list | tuple):
                    stand_ins[name] = [_placeholder(v) for v in value]
                    places.update(((type(p), p), (name, i)) for i, p in enumerate(stand_ins[name]))
                else:
                    stand_ins[name] = _placeholder(value)
                    places[(type(stand_ins[name]), stand_ins[name])] = (name, None)
            compiled = _Compiled(self.build(variant, **stand_ins), using, places)
            self._forms[key] = compiled
            while len(self._forms) > MAX_FORMS:
                self._forms.popitem(last=False)
            return compiled


def _form_of(value: Any) -> Hashable:
    """What of a value shapes the SQL: a list's length, None-ness, and the value's type."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return (len(value), *sorted({type(v).__name__ for v in value}))
    return type(value).__name__


def attach_prefetched(instance: Model, name: str, rows: Sequence[Model]) -> None:
    """Give `instance.<name>.all()` these rows, as prefetch_related would (no query when read)."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset

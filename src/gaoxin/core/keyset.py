"""Keyset (seek) pagination for long lists: a page after or before the boundary row of the page the user came
from (`WHERE (group, rank, id) > (…)`, an index range scan) instead of `OFFSET n`, which reads and throws away
every row before the page — the last page of 100,000 results read all of them (issue 17).

The page keeps the look of Django's paginator for `partials/keyset_pagination.html`: “第 N / M 页” from one
COUNT, 首页 / 上一页 / 下一页 / 末页 links that keep the list's filters. The links carry the page number only
for display, with the cursor (`after=` / `before=`, the boundary row's ordering values); 末页 is `page=last`
(the list read backwards, as many rows as the last page holds, so the pages line up with the first one's);
a bare `?page=N` still works (by offset) for links written before.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import operator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet

PAGE_SIZE = 50
CURSOR_PARAMS = ("page", "after", "before")


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()  # full precision: the cursor must equal the row's value
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(values: list[Any]) -> str:
    text = json.dumps([_plain(v) for v in values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@dataclass(frozen=True)
class _Key:
    name: str  # as in order_by, without the sign
    descending: bool
    nullable: bool
    field: Any

    @property
    def lookup(self) -> str:
        return "pk" if self.name == "pk" else self.name


def _keys(queryset: QuerySet, ordering: tuple[str, ...]) -> list[_Key]:
    model = queryset.model
    keys = []
    for item in ordering:
        name = item.lstrip("-")
        f = model._meta.pk if name == "pk" else model._meta.get_field(name)
        keys.append(_Key(name, item.startswith("-"), bool(f.null), f))
    return keys


def _decode(text: str, keys: list[_Key]) -> list[Any] | None:
    """The cursor's values as the fields' Python values; None for a cursor that is not one of ours."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keys):
            return None
        return [None if v is None else k.field.to_python(v) for k, v in zip(keys, raw, strict=True)]
    except Exception:  # a hand-edited cursor: the first page, never a server error
        return None


def _beyond(keys: list[_Key], values: list[Any], nulls_largest: bool, backwards: bool) -> Q:
    """Rows strictly after the cursor in the list's order (`backwards`: strictly before it), with NULLs
    where this database sorts them (PostgreSQL: largest; SQLite: smallest)."""
    steps = []
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        descending = key.descending != backwards
        nulls_after = nulls_largest != key.descending  # NULLs after the values in the list's own order
        if backwards:
            nulls_after = not nulls_after
        if value is None:
            step = None if nulls_after else Q(**{f"{key.lookup}__isnull": False})
        else:
            step = Q(**{f"{key.lookup}__{'lt' if descending else 'gt'}": value})
            if key.nullable and nulls_after:
                step |= Q(**{f"{key.lookup}__isnull": True})
        if step is not None:
            steps.append(equal & step)
        equal &= Q(**{f"{key.lookup}__isnull": True}) if value is None else Q(**{key.lookup: value})
    return reduce(operator.or_, steps) if steps else Q(pk__in=[])


@dataclass
class _Counter:
    count: int
    num_pages: int


@dataclass
class KeysetPage:
    object_list: list
    number: int
    paginator: _Counter
    previous_query: str = ""
    next_query: str = ""
    _has_previous: bool = False
    _has_next: bool = False
    keys: list = field(default_factory=list, repr=False)

    def has_previous(self) -> bool:
        return self._has_previous

    def has_next(self) -> bool:
        return self._has_next

    def has_other_pages(self) -> bool:
        return self._has_previous or self._has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _reverse(ordering: tuple[str, ...]) -> list[str]:
    return [o[1:] if o.startswith("-") else f"-{o}" for o in ordering]


def keyset_paginate(request, queryset: QuerySet, ordering: tuple[str, ...], per_page: int = PAGE_SIZE):
    """(page, query): the page for the request's `page` / `after` / `before`, and the request's other
    parameters (the filters) urlencoded for the links. `ordering` must end with a unique key (`pk`)."""
    from urllib.parse import urlencode

    keys = _keys(queryset, ordering)
    nulls_largest = connections[queryset.db].features.nulls_order_largest
    params = request.GET.copy()
    for name in CURSOR_PARAMS:
        params.pop(name, None)
    query = params.urlencode()

    count = queryset.count()
    num_pages = max(1, -(-count // per_page))
    wanted = request.GET.get("page", "")
    hint = int(wanted) if wanted.isdigit() else 1
    after = _decode(request.GET.get("after", ""), keys) if request.GET.get("after") else None
    before = _decode(request.GET.get("before", ""), keys) if request.GET.get("before") else None
    forward, backward = queryset.order_by(*ordering), queryset.order_by(*_reverse(ordering))

    if after is not None:
        rows = list(forward.filter(_beyond(keys, after, nulls_largest, backwards=False))[:per_page + 1])
        has_next, has_previous, rows = len(rows) > per_page, True, rows[:per_page]
        number = min(max(hint, 2), num_pages) if has_next else num_pages
    elif before is not None:
        rows = list(backward.filter(_beyond(keys, before, nulls_largest, backwards=True))[:per_page + 1])
        has_previous, has_next, rows = len(rows) > per_page, True, rows[:per_page][::-1]
        number = min(max(hint, 2), num_pages - 1) if has_previous else 1
    elif wanted == "last" or hint > 1 and hint >= num_pages:  # beyond the end: the last page, as Django's
        size = count - (num_pages - 1) * per_page
        rows = list(backward[:size])[::-1] if size > 0 else []
        has_previous, has_next, number = num_pages > 1, False, num_pages
    elif hint > 1:  # a numbered link without a cursor (written before keyset pages): by offset
        start = (hint - 1) * per_page
        rows = list(forward[start:start + per_page + 1])
        has_previous, has_next, rows, number = True, len(rows) > per_page, rows[:per_page], hint
    else:
        rows = list(forward[:per_page + 1])
        has_previous, has_next, rows, number = False, len(rows) > per_page, rows[:per_page], 1

    def cursor(row) -> str:
        return encode_cursor([row.pk if k.name == "pk" else getattr(row, k.field.attname) for k in keys])

    page = KeysetPage(rows, number, _Counter(count, num_pages), _has_previous=has_previous and bool(rows),
                      _has_next=has_next and bool(rows), keys=keys)
    if page.has_previous():
        page.previous_query = urlencode({"page": max(number - 1, 1), "before": cursor(rows[0])})
    if page.has_next():
        page.next_query = urlencode({"page": number + 1, "after": cursor(rows[-1])})
    return page, query

"""Page flags other rooms provide: a lower room's page shows a higher room's links (the guide's 登记接件 and
帮代办 links, the firm page's 企业画像 link) without importing that room. A room registers a provider for a
page in its AppConfig.ready(); the page asks for the merged flags. The kernel stores providers only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_providers: dict[str, list[Callable[..., dict]]] = defaultdict(list)


def provide(page: str, provider: Callable[..., dict]) -> None:
    """provider(user, **context) -> {"flag": value, ...} for the templates of `page`."""
    if provider not in _providers[page]:
        _providers[page].append(provider)


def flags(page: str, user, **context) -> dict:
    merged: dict = {}
    for provider in _providers[page]:
        merged.update(provider(user, **context))
    return merged

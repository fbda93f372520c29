"""What other rooms offer on the public guide pages (登记接件 at the window, 帮代办): they register a
provider of template flags in their AppConfig.ready(), so the catalogue shows their links without importing
them (the catalogue sits below cases and 帮代办 in the rooms' layering)."""

from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable[[object], dict]] = []


def register_guide_flags(provider: Callable[[object], dict]) -> None:
    """provider(user) -> {"can_register": bool, ...}: flags the guide templates read."""
    if provider not in _providers:
        _providers.append(provider)


def guide_flags(user) -> dict:
    flags: dict = {}
    for provider in _providers:
        flags.update(provider(user))
    return flags

"""Start-up safety: the repository's development SECRET_KEY never serves a real site.

Django's own W009 does not notice it (it is long and varied), so `gaoxin check --deploy` reports it as an error
(gaoxin.E001), and the web application itself (gaoxin.wsgi, gaoxin.asgi, `gaoxin serve`) refuses to start with it
when DEBUG is off, except in the demo zone (GAOXIN_DEMO=1, a laptop)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

DEFAULT_KEY_MESSAGE = (
    "GAOXIN_SECRET_KEY 未设置：仍在使用代码库自带的开发密钥，不能用于正式环境。"
    "请设置一个随机的长密钥（例如 python -c \"import secrets; print(secrets.token_urlsafe(50))\"）。"
    " / GAOXIN_SECRET_KEY is the repository's development key; set a random secret in production.")


def uses_default_secret_key() -> bool:
    return settings.SECRET_KEY == settings.GAOXIN_DEFAULT_SECRET_KEY


def refuse_default_secret_key() -> None:
    """Raise ImproperlyConfigured when a real site would start with the repository's key."""
    if uses_default_secret_key() and not settings.DEBUG and not settings.GAOXIN_DEMO_MODE:
        raise ImproperlyConfigured(DEFAULT_KEY_MESSAGE)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    if uses_default_secret_key():
        return [checks.Error(DEFAULT_KEY_MESSAGE, id="gaoxin.E001")]
    return []

"""Settings for the test suite: the real settings with a synchronous task backend and a
fast password hasher (the argon2 default is asserted separately)."""

from .settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
GAOXIN_NOTIFY_BACKEND = "gaoxin.core.notify.MemoryBackend"

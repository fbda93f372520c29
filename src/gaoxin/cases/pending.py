"""A file chosen on a form that has a confirmation step. A browser cannot resend a file from a
hidden field, so the first step keeps the upload in storage under `cases/pending/` and hands
the page a signed token naming it, valid for one user and `MAX_AGE` seconds; the confirming
step takes the file back. Nothing is written to the database until the user confirms."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

SALT = "gaoxin.cases.pending-upload"
MAX_AGE = 2 * 3600


def keep(upload, user) -> str:
    path = default_storage.save(f"cases/pending/{uuid.uuid4().hex}/{upload.name.rsplit('/', 1)[-1]}", upload)
    return signing.dumps({"path": path, "user": user.pk}, salt=SALT)


def _path(token: str, user) -> str | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("user") != user.pk or not str(data.get("path", "")).startswith("cases/pending/"):
        return None
    return data["path"] if default_storage.exists(data["path"]) else None


def name(token: str, user) -> str | None:
    """The file's name, for the page to show what was chosen; None if the token is not valid."""
    path = _path(token, user)
    return path.rsplit("/", 1)[-1] if path else None


def take(token: str, user) -> ContentFile | None:
    """The kept file as an upload again (a ContentFile with its name); None if the token is not valid."""
    path = _path(token, user)
    if path is None:
        return None
    with default_storage.open(path, "rb") as handle:
        return ContentFile(handle.read(), name=path.rsplit("/", 1)[-1])


def drop(token: str, user) -> None:
    if path := _path(token, user):
        default_storage.delete(path)


def purge(now: dt.datetime | None = None) -> int:
    """Remove kept files nobody confirmed within MAX_AGE (personal documents must not linger);
    the daily sweep calls it. Returns how many files were removed."""
    limit = (now or timezone.now()) - dt.timedelta(seconds=MAX_AGE)
    removed = 0
    try:
        folders, _ = default_storage.listdir("cases/pending")
    except FileNotFoundError:
        return 0
    for folder in folders:
        _, files = default_storage.listdir(f"cases/pending/{folder}")
        for name in files:
            path = f"cases/pending/{folder}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
    return removed

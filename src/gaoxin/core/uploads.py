"""What every room checks of an uploaded file before keeping it: its type (by extension, from
settings.GAOXIN_UPLOAD_EXTENSIONS) and its size (settings.GAOXIN_UPLOAD_MAX_BYTES, and not empty).
Forms call it in `clean`, services again before they store (the API and the pages agree)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError


def check_upload(f) -> None:
    """Raise a ValidationError in Chinese when the file's type or size is not accepted."""
    ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
    if ext not in settings.GAOXIN_UPLOAD_EXTENSIONS:
        raise ValidationError(f"文件类型 .{ext or '?'} 不支持，请上传 {'、'.join(settings.GAOXIN_UPLOAD_EXTENSIONS)} 文件")
    if f.size > settings.GAOXIN_UPLOAD_MAX_BYTES:
        raise ValidationError(f"文件不能超过 {settings.GAOXIN_UPLOAD_MAX_BYTES // 1024 // 1024} MB")
    if f.size == 0:
        raise ValidationError("文件是空的")


def upload_help() -> str:
    """The accepted types and size, for a file field's help text."""
    return f"{'、'.join(settings.GAOXIN_UPLOAD_EXTENSIONS)}，不超过{settings.GAOXIN_UPLOAD_MAX_BYTES // 1024 // 1024} MB"

"""Password rules beyond Django's (issue 15): no password built on the zone's own words, and the demo
password nowhere but in the demo. Messages in Chinese for the pages that show them beside the field."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError


class LengthValidator(MinimumLengthValidator):
    """Django's length rule with a Chinese message (Django 5.2's zh-hans catalogue lacks its new wording)."""

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符。"


class ZoneWordsValidator:
    """Refuses passwords whose letters spell a word everyone would try first (gaoxin2026, Admin@123…)."""

    def __init__(self, words=None):
        self.words = [w.lower() for w in (words or settings.GAOXIN_PASSWORD_BANNED_WORDS)]

    def validate(self, password, user=None):
        letters = re.sub(r"[^a-z]", "", password.lower())
        if any(word and word in letters for word in self.words):
            raise ValidationError("密码不能包含平台名称、地名或“admin”“password”等常见词，请换一个不易被猜到的密码。",
                                  code="password_zone_word")

    def get_help_text(self):
        return "不能包含平台名称、地名等常见词。"


class DemoPasswordValidator:
    """The demo zone's shared password is published in the README: refused outside the demo."""

    def validate(self, password, user=None):
        if password == settings.GAOXIN_DEMO_PASSWORD and not settings.GAOXIN_DEMO_MODE:
            raise ValidationError("不能使用演示账号的公开密码。", code="password_demo")

    def get_help_text(self):
        return "不能使用演示账号的公开密码。"


def is_demo_password(user, password: str) -> bool:
    """A log-in with the published demo password outside the demo must change it first."""
    return not settings.GAOXIN_DEMO_MODE and password == settings.GAOXIN_DEMO_PASSWORD

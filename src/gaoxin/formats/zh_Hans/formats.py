"""Django's zh_Hans formats, with the ISO date first among the input formats: a date field's value is rendered
in the first one, and an <input type="date"> accepts only YYYY-MM-DD (with "2026/11/30" it shows empty, and an
edit form would lose the date it was given). Typed dates in the other formats are still accepted."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _DJANGO_DATE_INPUT_FORMATS

DATE_INPUT_FORMATS = ["%Y-%m-%d", *(f for f in _DJANGO_DATE_INPUT_FORMATS if f != "%Y-%m-%d")]

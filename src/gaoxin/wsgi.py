import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
application = get_wsgi_application()

from gaoxin.core.checks import refuse_default_secret_key  # noqa: E402  (needs the settings loaded above)

refuse_default_secret_key()

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
application = get_asgi_application()

from gaoxin.core.checks import refuse_default_secret_key  # noqa: E402  (needs the settings loaded above)

refuse_default_secret_key()

"""The API's token authentication: DRF's, with the token read by a statement compiled once per process
(core.statements; issue 17: compiling the token-and-user join again was a tenth of an API read)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .statements import Statement

_TOKEN = Statement(lambda variant, key: Token.objects.select_related("user").filter(key=key))


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, answered exactly as DRF's class answers it."""

    def authenticate_credentials(self, key):
        found = _TOKEN.fetch(key=key)
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = found[0]
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token

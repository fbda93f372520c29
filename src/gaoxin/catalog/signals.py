"""Events of the catalogue other rooms react to, without the catalogue knowing them (云导办 carries an item's FAQ
entries over to its new guide version)."""

from django.dispatch import Signal

# Sent inside the PUBLISH transaction, once the new version is current and when it replaces one. A receiver may
# return a dict: it joins the publish's timeline and audit data (so the publish stays one audited change).
version_published = Signal()  # kwargs: item, version, previous, actor

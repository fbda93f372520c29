"""Events of the registry other rooms react to, without the registry knowing them (benefits re-matches its
policies when firms' industry, size or qualifications may have changed)."""

from django.dispatch import Signal

# Sent inside the transaction that changed the registry; receivers defer their work with on_commit.
registry_changed = Signal()  # kwargs: actor

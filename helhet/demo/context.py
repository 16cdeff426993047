"""What `helhet demo` hands each app that adds demo data.

An app adds its part of the synthetic municipality by having a module
``helhet/<app>/demo.py`` with ``populate(ctx: DemoContext) -> None``. The
command calls them in INSTALLED_APPS order, inside one transaction, after the
organisation, persons, services, plans and coordinators exist. ``populate``
must be deterministic for ``ctx.seed`` (use ``ctx.rng_for(app_label)``), use
``bulk_create`` (2,000 persons must take seconds, not minutes), and create only
synthetic data.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from helhet.organisation.models import ExternalPartner, Municipality, Unit
    from helhet.people.models import Person


@dataclass
class DemoContext:
    seed: int
    today: dt.date
    municipality: "Municipality"
    # Units by kind code: "ke", "tildeling", "psykisk_rus", "hjemmetjeneste",
    # "miljoarbeid", "nav", "bolig", "frisklivs", "kommunalsjef".
    units: "dict[str, Unit]" = field(default_factory=dict)
    # External partners by code: "dps", "fastlege-1", "fastlege-2", ...
    partners: "dict[str, ExternalPartner]" = field(default_factory=dict)
    # Users by login: the documented demo logins ("ke", "koordinator",
    # "tjenesteyter", "nav", "leder", "revisor", "admin", "saksbehandler",
    # "kommunalsjef", "bruker") plus extra synthetic staff ("ansatt-<n>").
    users: "dict[str, User]" = field(default_factory=dict)
    # Each staff login's unit code (e.g. "koordinator" -> "psykisk_rus").
    staff_units: dict[str, str] = field(default_factory=dict)
    persons: "list[Person]" = field(default_factory=list)
    progress: Callable[[str], None] = print

    def rng_for(self, label: str) -> random.Random:
        """A generator of its own per app, so adding an app changes no other app's data."""
        return random.Random(f"{self.seed}:{label}")

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _name_index(using: str = "default", **kwargs: object) -> None:
    from helhet.people.search import ensure_sqlite_index

    ensure_sqlite_index(using)


class PeopleConfig(AppConfig):
    name = "helhet.people"
    label = "people"

    def ready(self) -> None:
        # The SQLite name index survives later migrations of the person table
        # (helhet/people/search.py).
        post_migrate.connect(_name_index, sender=self)

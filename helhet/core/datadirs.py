"""The directories Helhet writes to, made by what needs them.

The settings only name them (``DATA_DIR``: the SQLite file; ``STATIC_ROOT``:
what WhiteNoise serves besides the apps' own static files; ``MEDIA_ROOT``:
attachments). Importing the settings changes nothing on disk, so a tool that
only reads them (mypy with django-stubs, a linter, ``helhet help``) works on a
read-only checkout. The ``helhet`` command and the WSGI application make them
before anything opens the database or serves a file; file storage makes
``MEDIA_ROOT``'s subfolders as it saves.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def ensure_data_dirs() -> None:
    """Make ``DATA_DIR``, ``STATIC_ROOT`` and ``MEDIA_ROOT`` if missing."""
    try:
        folders = [settings.DATA_DIR, settings.STATIC_ROOT, settings.MEDIA_ROOT]
    except ImproperlyConfigured:
        # Settings that cannot load (no secret key in production): Django's own
        # command line reports why, in its words, right after this.
        return
    for folder in folders:
        Path(folder).mkdir(parents=True, exist_ok=True)

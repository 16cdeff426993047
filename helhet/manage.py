"""The `helhet` console script: Django's manage.py for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhet.settings")
    from django.core.management import execute_from_command_line

    from helhet.core.datadirs import ensure_data_dirs

    # Before any command opens the SQLite file in DATA_DIR.
    ensure_data_dirs()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

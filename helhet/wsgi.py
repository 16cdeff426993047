import os

from django.core.wsgi import get_wsgi_application

from helhet.core.datadirs import ensure_data_dirs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhet.settings")
# Before WhiteNoise looks for STATIC_ROOT and the first request opens the database.
ensure_data_dirs()
application = get_wsgi_application()

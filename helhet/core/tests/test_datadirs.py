"""Importing the settings writes nothing; the places that need the data
directories make them (a fresh clone has no ``var/``)."""

import os
import subprocess
import sys

from helhet.core.datadirs import ensure_data_dirs


def test_importing_the_settings_makes_no_directory(tmp_path):
    data_dir = tmp_path / "var"
    env = {**os.environ, "HELHET_DATA_DIR": str(data_dir), "HELHET_DEMO_MODE": "1"}
    subprocess.run([sys.executable, "-c", "import helhet.settings"], env=env, check=True)
    assert not data_dir.exists()


def test_missing_data_directories_are_made_on_demand(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"
    settings.STATIC_ROOT = settings.DATA_DIR / "static"
    settings.MEDIA_ROOT = settings.DATA_DIR / "files"
    ensure_data_dirs()
    ensure_data_dirs()  # a second start finds them and changes nothing
    assert sorted(p.name for p in settings.DATA_DIR.iterdir()) == ["files", "static"]

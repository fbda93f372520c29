"""Backups that restore (issue 16 §4): `gaoxin backup` of the test database (SQLite, or PostgreSQL when DATABASE_URL
points there) with uploaded files, then `gaoxin restore` in a process of its own onto a new empty database and an
empty upload directory; the restored row count of every table and the hash of every file equal the original's."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from gaoxin.catalog.tests.factories import make_item
from gaoxin.core.backup import (
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
    backups_prune,
    storage_files,
    table_counts,
)
from gaoxin.core.services import audit_record
from gaoxin.enterprises.tests.factories import EnterpriseFactory

SRC = Path(__file__).resolve().parents[3]


def _url_of_test_database() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextlib.contextmanager
def empty_database(tmp_path: Path):
    """(DATABASE_URL, row counter) of a new empty database of the test's engine."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def counts():
            db = sqlite3.connect(path)
            try:
                names = [r[0] for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
                return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
            finally:
                db.close()

        yield f"sqlite:///{path}", counts
        return
    import psycopg

    parts = urllib.parse.urlsplit(_url_of_test_database())
    name = f"{parts.path.lstrip('/')}_restore"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{name}"')
    url = parts._replace(path=f"/{name}").geturl()

    def counts():
        with psycopg.connect(url) as pg:
            names = [r[0] for r in pg.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {n: pg.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}

    try:
        yield url, counts
    finally:
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _gaoxin(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GAOXIN_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "gaoxin.settings", "DATABASE_URL": url, "GAOXIN_VAR_DIR": str(tmp_path),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))})
    return subprocess.run([sys.executable, "-m", "gaoxin.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def zone_data(admin_user):
    EnterpriseFactory.create_batch(3)
    item = make_item(admin_user, code="43037105XK0555", name="备份测试许可")  # blank and sample forms: files
    audit_record(event_type="calendar.year_added", actor=admin_user, subject_type="core.calendaryear",
                 subject_id="2030", after={"year": 2030})
    return item


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_file(tmp_path, zone_data):
    path, manifest = backup_create(tmp_path / "backups")
    assert path.name.startswith("gaoxin-backup-") and (path / "manifest.json").exists()
    assert manifest["tables"] == table_counts()  # the manifest describes the database as it was
    assert manifest["tables"]["enterprises_enterprise"] == 3
    assert manifest["tables"]["core_calendarday"] > 8000  # the seeded calendar too
    material = zone_data.versions.get().materials.get(name__endswith="申请表")
    assert {material.blank_form.name, material.sample_form.name} <= set(manifest["files"])
    assert set(manifest["files"]) == set(storage_files())  # every stored file (other tests' too: one memory storage)
    assert manifest["database"]["migrations"]["core"] >= "0009_job_request_id"  # the last applied, per app

    restored = tmp_path / "restored-var"
    with empty_database(tmp_path) as (url, counts):
        done = _gaoxin(restored, url, "restore", str(path))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "核对一致" in done.stdout
        assert counts() == manifest["tables"]  # read independently of the restore command
    for name, meta in manifest["files"].items():
        assert hashlib.sha256((restored / "media" / name).read_bytes()).hexdigest() == meta["sha256"], name


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_has_data(tmp_path, zone_data):
    path, _ = backup_create(tmp_path)
    with pytest.raises(BackupError, match="不是空库"):
        backup_restore(path)


@pytest.mark.django_db(transaction=True)
def test_a_file_store_that_is_not_empty_is_refused_before_the_database_is_touched(tmp_path, zone_data):
    """The deploy trial of issue 16: restore loaded the database, then refused the non-empty media directory, and
    the half-restored database refused the retry."""
    path, _ = backup_create(tmp_path / "backups")
    restored = tmp_path / "restored-var"
    (restored / "media").mkdir(parents=True)
    (restored / "media" / "old.txt").write_text("a file of the version rolled back")
    with empty_database(tmp_path) as (url, counts):
        done = _gaoxin(restored, url, "restore", str(path))
        assert done.returncode != 0 and "上传文件目录不是空的" in done.stdout + done.stderr
        assert not any(counts().values())  # nothing written: a retry after moving the files goes through


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_found_before_anything_is_restored(tmp_path, zone_data):
    path, manifest = backup_create(tmp_path)
    call_command("restore", str(path), "--verify-only")
    name = next(iter(manifest["files"]))
    (path / "media" / name).write_bytes(b"changed")
    with pytest.raises(BackupError, match="缺失或已损坏"):
        backup_verify(path)
    manifest_path = path / "manifest.json"
    manifest_path.write_text(json.dumps({**manifest, "format": 99}))
    with pytest.raises(BackupError, match="格式"):
        backup_verify(path)


def test_old_backups_are_pruned_keeping_recent_days_and_one_per_month(tmp_path):
    day = dt.date(2026, 1, 1)
    for _ in range(120):
        (tmp_path / f"gaoxin-backup-{day:%Y%m%d}-020000").mkdir()
        day += dt.timedelta(days=1)
    (tmp_path / "gaoxin-backup-20260501-020000.partial").mkdir()  # never counted, never removed here
    backups_prune(tmp_path, keep_daily=7, keep_monthly=3)
    kept = sorted(p.name[14:22] for p in tmp_path.glob("gaoxin-backup-*") if not p.name.endswith(".partial"))
    assert kept == ["20260201", "20260301", "20260401", "20260424", "20260425", "20260426", "20260427", "20260428",
                    "20260429", "20260430"]

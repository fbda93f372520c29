"""Backup and restore (`gaoxin backup`, `gaoxin restore`; docs/decisions/0008-backup-and-restore.md).

A backup is a directory:

    gaoxin-backup-20261130-020000/
      manifest.json        what is inside: the database engine and its dump's SHA-256, the applied migrations,
                           the row count of every table, and every uploaded file with its size and SHA-256
      database.dump        PostgreSQL: pg_dump's custom format, taken in the same snapshot as the row counts
      database.sqlite3     SQLite: a copy by SQLite's online backup API (consistent while the site runs)
      media/...            the uploaded files, read through Django's storage (local disk or object storage)

`restore` checks the backup against its manifest first (every hash), restores onto an empty database (it refuses a
database that has tables: a restore never mixes two zones' data), puts the files back through the storage, and
compares the restored row counts and file hashes with the manifest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, in Chinese."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# --- the database ------------------------------------------------------------------------------------------

def _pg_env(conn) -> tuple[list[str], dict[str, str]]:
    s = conn.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = [f"--dbname={s['NAME']}", f"--username={s.get('USER') or 'postgres'}"]
    if s.get("HOST"):
        args.append(f"--host={s['HOST']}")
    if s.get("PORT"):
        args.append(f"--port={s['PORT']}")
    return args, env


def _tables(conn) -> list[str]:
    with conn.cursor() as cursor:
        return sorted(t for t in conn.introspection.table_names(cursor) if not t.startswith("sqlite_"))


def _count(cursor, quote, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def table_counts(alias: str = "default") -> dict[str, int]:
    conn = connections[alias]
    with conn.cursor() as cursor:
        return _count(cursor, conn.ops.quote_name, _tables(conn))


def _migrations(alias: str) -> dict[str, str]:
    applied: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        applied[app] = max(applied.get(app, ""), name)
    return dict(sorted(applied.items()))


def dump_database(target: Path, alias: str = "default") -> tuple[str, dict[str, int]]:
    """Write the database into `target` (a directory); return (file name, row counts of the same snapshot)."""
    conn = connections[alias]
    if conn.vendor == "postgresql":
        return _dump_postgresql(conn, target)
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        path = target / "database.sqlite3"
        copy = sqlite3.connect(path)
        try:
            conn.connection.backup(copy)  # a consistent copy, also while others write
        finally:
            copy.close()
        copy = sqlite3.connect(path)
        try:
            cursor = copy.cursor()
            tables = sorted(r[0] for r in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"))
            counts = _count(cursor, lambda n: '"%s"' % n.replace('"', '""'), tables)
        finally:
            copy.close()
        return path.name, counts
    raise BackupError(f"不支持的数据库：{conn.vendor}")


def _dump_postgresql(conn, target: Path) -> tuple[str, dict[str, int]]:
    """pg_dump in the snapshot the row counts were taken in: the manifest describes exactly the dump."""
    import psycopg

    args, env = _pg_env(conn)
    s = conn.settings_dict
    info = {"dbname": s["NAME"], "user": s.get("USER") or "postgres", "host": s.get("HOST") or None,
            "port": s.get("PORT") or None, "password": s.get("PASSWORD") or None}
    path = target / "database.dump"
    with psycopg.connect(**{k: v for k, v in info.items() if v}) as pg:
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = pg.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = sorted(r[0] for r in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        with pg.cursor() as cursor:
            counts = _count(cursor, lambda n: '"%s"' % n.replace('"', '""'), tables)
        done = subprocess.run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",
                               f"--snapshot={snapshot}", f"--file={path}"], env=env, capture_output=True, text=True)
        pg.execute("COMMIT")
    if done.returncode:
        raise BackupError(f"pg_dump 失败：{done.stderr.strip()[-2000:]}")
    return path.name, counts


def restore_database(source: Path, manifest: dict, alias: str = "default") -> None:
    conn = connections[alias]
    vendor = manifest["database"]["vendor"]
    if vendor != conn.vendor:
        raise BackupError(f"备份来自 {vendor} 数据库，不能恢复到 {conn.vendor} 数据库（跨数据库迁移见 docs/deploy.md）。")
    if _tables(conn):
        raise BackupError("目标数据库不是空库（已有数据表）。请恢复到新建的空数据库，以免两份数据混在一起。")
    dump = source / manifest["database"]["file"]
    if vendor == "postgresql":
        args, env = _pg_env(conn)
        conn.close()
        done = subprocess.run(["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error",
                               "--single-transaction", str(dump)], env=env, capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_restore 失败：{done.stderr.strip()[-2000:]}")
        return
    conn.ensure_connection()
    backup = sqlite3.connect(dump)
    try:
        backup.backup(conn.connection)
    finally:
        backup.close()
    conn.close()


# --- the uploaded files --------------------------------------------------------------------------------------

def storage_files(storage=None, folder: str = "") -> Iterator[str]:
    """Every file name in the storage (local disk or object storage), walked through its API."""
    storage = storage or default_storage
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        yield from storage_files(storage, f"{folder}/{sub}" if folder else sub)


def copy_files_out(target: Path, storage=None) -> dict[str, dict]:
    storage = storage or default_storage
    files = {}
    for name in storage_files(storage):
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with storage.open(name, "rb") as src, dest.open("wb") as out:
            while block := src.read(CHUNK):
                digest.update(block)
                size += len(block)
                out.write(block)
        files[name] = {"sha256": digest.hexdigest(), "bytes": size}
    return files


def copy_files_in(source: Path, files: dict[str, dict], storage=None) -> None:
    storage = storage or default_storage
    for name in files:
        if storage.exists(name):
            raise BackupError(f"上传文件目录中已有 {name}：请恢复到空的文件目录。")
        with (source / name).open("rb") as fh:
            saved = storage.save(name, File(fh, name=name))
        if saved != name:
            raise BackupError(f"文件 {name} 恢复后名称变为 {saved}")


# --- backup and restore --------------------------------------------------------------------------------------

def backup_create(destination: Path, *, alias: str = "default", storage=None) -> tuple[Path, dict]:
    """Write a new backup directory under `destination`; return (its path, the manifest)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = Path(destination) / f"gaoxin-backup-{stamp}"
    partial = target.with_name(target.name + ".partial")
    if target.exists() or partial.exists():
        raise BackupError(f"{target} 已存在")
    partial.mkdir(parents=True)
    try:
        db_file, counts = dump_database(partial, alias)
        files = copy_files_out(partial / "media", storage)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connections[alias].vendor, "file": db_file,
                         "sha256": sha256_file(partial / db_file), "migrations": _migrations(alias)},
            "tables": counts,
            "rows": sum(counts.values()),
            "files": files,
            "file_bytes": sum(f["bytes"] for f in files.values()),
        }
        (partial / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.rename(target)  # a backup directory without ".partial" is complete
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target, manifest


def backup_read(source: Path) -> dict:
    try:
        manifest = json.loads((Path(source) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} 不是完整的备份（manifest.json 无法读取）") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式 {manifest.get('format')}")
    return manifest


def backup_verify(source: Path) -> dict:
    """Check every hash of the backup against its manifest; return the manifest."""
    source = Path(source)
    manifest = backup_read(source)
    problems = []
    db = manifest["database"]
    if not (source / db["file"]).exists() or sha256_file(source / db["file"]) != db["sha256"]:
        problems.append(f"数据库文件 {db['file']} 缺失或已损坏")
    for name, meta in manifest["files"].items():
        path = source / "media" / name
        if not path.exists() or sha256_file(path) != meta["sha256"]:
            problems.append(f"上传文件 {name} 缺失或已损坏")
    if problems:
        raise BackupError("备份校验失败：" + "；".join(problems[:20]) + (f" 等 {len(problems)} 处" if len(problems) > 20
                                                                    else ""))
    return manifest


def restore_check(manifest: dict, *, alias: str = "default", storage=None) -> list[str]:
    """What differs between the restored site and the manifest (empty: identical)."""
    storage = storage or default_storage
    differences = []
    counts = table_counts(alias)
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            differences.append(f"表 {table}：备份 {expected} 行，恢复后 {counts.get(table)} 行")
    for name, meta in manifest["files"].items():
        digest = hashlib.sha256()
        with contextlib.suppress(FileNotFoundError), storage.open(name, "rb") as fh:
            while block := fh.read(CHUNK):
                digest.update(block)
        if digest.hexdigest() != meta["sha256"]:
            differences.append(f"文件 {name} 与备份不一致")
    return differences


def backup_restore(source: Path, *, alias: str = "default", storage=None) -> dict:
    """Restore onto an empty database and an empty file store, both checked before anything is written (a
    non-empty file store found after the database was loaded left a half-restored database that refused a retry)."""
    manifest = backup_verify(source)
    if _tables(connections[alias]):
        raise BackupError("目标数据库不是空库（已有数据表）。请恢复到新建的空数据库，以免两份数据混在一起。")
    storage = storage or default_storage
    if next(storage_files(storage), None) is not None:
        raise BackupError("上传文件目录不是空的：请先把原有文件移到别处（见 docs/deploy.md 回退一节），再恢复。")
    restore_database(Path(source), manifest, alias)
    copy_files_in(Path(source) / "media", manifest["files"], storage)
    differences = restore_check(manifest, alias=alias, storage=storage)
    if differences:
        raise BackupError("恢复后与备份不一致：" + "；".join(differences[:20]))
    return manifest


def backups_prune(destination: Path, *, keep_daily: int, keep_monthly: int, today: dt.date | None = None) -> list[Path]:
    """Remove old backup directories: keep the newest `keep_daily` and the first of each of the last `keep_monthly`
    months. Returns what was removed."""
    found = sorted(p for p in Path(destination).glob("gaoxin-backup-*") if p.is_dir() and not p.name.endswith(
        ".partial"))
    keep = set(found[-keep_daily:]) if keep_daily > 0 else set()
    months: dict[str, Path] = {}
    for path in found:
        months.setdefault(path.name[len("gaoxin-backup-"):][:6], path)  # the first of each month
    keep.update(list(months.values())[-keep_monthly:] if keep_monthly > 0 else [])
    removed = [p for p in found if p not in keep]
    for path in removed:
        shutil.rmtree(path)
    return removed


def default_destination() -> Path:
    return Path(settings.GAOXIN_BACKUP_DIR)

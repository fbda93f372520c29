"""SQLite, bounded as PostgreSQL is (see base.py)."""

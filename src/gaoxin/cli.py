"""The `gaoxin` console command: manage.py for an installed Gaoxin."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(argv if argv is not None else sys.argv)
    if len(argv) > 1 and argv[1] == "evaluate":
        # The evaluation engine runs without Django or a database (an analyst's spreadsheet tool).
        from gaoxin.evaluation.cli import main as evaluate_main

        sys.exit(evaluate_main(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from joinedup.core import tabular
from joinedup.partnership.cli import acting_user, partner_by_code
from joinedup.people.imports import (
    EMPLOYMENT_COLUMNS,
    POST_COLUMNS,
    check_size,
    import_employments,
    import_posts,
)

KINDS = {"employments": EMPLOYMENT_COLUMNS, "posts": POST_COLUMNS}


class Command(BaseCommand):
    help = "People data: `people import FILE --partner WCC --kind employments|posts`, `people template`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="All-or-nothing import of a CSV or XLSX file.")
        imp.add_argument("file")
        imp.add_argument("--partner", required=True, help="Partner code, e.g. WCC.")
        imp.add_argument("--kind", choices=sorted(KINDS), required=True)
        imp.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")
        imp.add_argument("--report", help="Write every problem found to this CSV file.")
        imp.add_argument("--as", dest="actor", help="Username to record as the importer (default: system).")
        tpl = sub.add_parser("template", help="Write an empty import template.")
        tpl.add_argument("--kind", choices=sorted(KINDS), required=True)
        tpl.add_argument("-o", "--output", required=True, help="File to write (.csv or .xlsx).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        if action == "template":
            output = Path(options["output"])
            fmt = "xlsx" if output.suffix.lower() == ".xlsx" else "csv"
            output.write_bytes(tabular.template(KINDS[options["kind"]], fmt))
            console.print(f"Wrote {output}")
            return
        partner = partner_by_code(options["partner"])
        actor = acting_user(options["actor"], command=f"people {action}")
        path = Path(options["file"])
        try:
            check_size(path.stat().st_size)
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        importer = import_employments if options["kind"] == "employments" else import_posts
        extra = {"progress": console.print} if options["kind"] == "employments" else {}
        with console.status(f"Importing {path.name} for {partner.name}…"):
            report = importer(
                actor=actor,
                partner=partner,
                source=data,
                filename=path.name,
                dry_run=options["dry_run"],
                **extra,
            )
        if options["report"]:
            Path(options["report"]).write_text(tabular.errors_as_csv(report.errors), encoding="utf-8")
        if not report.ok:
            self.stderr.write(tabular.format_errors(report.errors, limit=50))
            raise CommandError(report.summary())
        console.print(report.summary())

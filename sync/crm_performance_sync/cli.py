"""``crm-performance-sync``: approved appraisal scores from Odoo into HR's payroll workbook."""

import argparse
import sys
import textwrap
from pathlib import Path

from . import workbook as wb
from .config import (
    ENVIRONMENT,
    ID_FIELDS,
    SETTINGS,
    TRANSPORTS,
    default_config_path,
    load_settings,
    option_dest,
    require_connection,
)
from .errors import ConfigError, SyncError, WorkbookError
from .pull import pull_appraisals
from .transport import connect

EXIT_CODES = """exit status:
  0  done (or nothing to change); a dry run exits 0 too
  2  bad options or settings (config file, environment, command line)
  3  the Odoo server cannot be reached, the database is unknown, or the server stopped mid-run
  4  wrong login or API key, or the user may not read appraisals
  5  Odoo's data does not allow the run: period unknown or not approved, employees without
     identifier, several appraisals for one employee
  6  workbook problem: missing, open in another program, read-only, not a workbook, sheet or
     column missing, the same identifier twice
Whatever the error, nothing was written."""


def build_parser():
    parser = argparse.ArgumentParser(
        prog="crm-performance-sync",
        description=textwrap.fill(
            "Carry the approved crm_performance appraisals of one period (scores, grades, plan "
            "completion) from Odoo into a payroll workbook and compute the monthly pay from each "
            "row's pay base. Rows are matched by employee identifier; other sheets, columns, "
            "formulas and formats are left as they are."
        ),
        epilog=EXIT_CODES
        + "\n\nThe connection is read from the config file and the environment ("
        + ", ".join(ENVIRONMENT)
        + ").\nThe API key is never given on the command line.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("period", help="the period to pay, as named in Odoo: 2026-10, 2026-Q4 or 2026")
    parser.add_argument("workbook", nargs="?", type=Path, help="the payroll workbook (.xlsx) to update")
    parser.add_argument(
        "--config",
        type=Path,
        help=f"config file, TOML or INI (default: {default_config_path()} if it exists)",
    )
    parser.add_argument("--new", action="store_true", help="create the workbook instead of updating it")
    parser.add_argument("--csv", type=Path, metavar="PATH", help="also write the result as a CSV file")
    parser.add_argument("--dry-run", action="store_true", help="show the changes cell by cell, write nothing")
    choices = {("odoo", "transport"): TRANSPORTS, ("sheet", "id_field"): ID_FIELDS}
    for section, key, option, text in SETTINGS:
        parser.add_argument(
            option,
            dest=option_dest(section, key),
            metavar=key.upper(),
            choices=choices.get((section, key)),
            help=f"{text}; config file: [{section}] {key}",
        )
    return parser


def _show(value):
    return "(empty)" if value is None or value == "" else str(value)


def _row_label(result):
    return f"row {result.row} {result.identifier} {result.employee}"


def print_changes(plan, out):
    headers = plan.headers
    for key, column in plan.layout.new_headers:
        print(f"new column {wb.get_column_letter(column)}: {getattr(headers, key)}", file=out)
    for result in plan.rows:
        if not result.changes:
            continue
        print(f"{_row_label(result)}: {result.status}", file=out)
        for change in result.changes:
            print(f"    {getattr(headers, change.key)}: {_show(change.old)} → {_show(change.new)}", file=out)


def print_summary(plan, where, out):
    print(
        f"{where}: {plan.count('updated')} row(s) updated, {plan.count('added')} added, "
        f"{plan.count('unchanged')} unchanged",
        file=out,
    )
    skipped = [result for result in plan.rows if result.pay_skipped]
    if skipped:
        print(f"pay not computed for {len(skipped)} row(s):", file=out)
        for result in skipped:
            print(f"    {_row_label(result)}: {result.pay_skipped}", file=out)
    for result in plan.rows:
        if result.kept_formulas:
            print(f"    {_row_label(result)}: formula kept in {', '.join(result.kept_formulas)}", file=out)


def result_frame(frame, plan):
    """The pulled appraisals with the pay computed for them (the CSV output)."""
    columns = {key: [result.values[key] for result in plan.rows] for key in wb.PAY_KEYS}
    return frame.drop(columns="appraisal_id").assign(
        **columns,
        status=[result.status for result in plan.rows],
        pay_note=[result.pay_skipped for result in plan.rows],
    )


def write_csv(path, table):
    data = table.to_csv(index=False).encode("utf-8-sig")  # with a BOM, so Excel reads UTF-8
    if path.exists() and path.read_bytes() == data:
        return False
    wb.check_writable(path)
    wb.write_atomic(path, lambda temporary: temporary.write_bytes(data))
    return True


def _open_sheet(args, settings):
    """(book, layout, values sheet) of the workbook to update or create."""
    path = args.workbook
    if args.new or path is None:
        if path is not None and path.exists():
            raise WorkbookError(f"{path} already exists; leave out --new to update it")
        if path is not None and not path.parent.is_dir():
            raise WorkbookError(f"the folder {path.parent} does not exist")
        book = values = wb.new_book(settings.sheet.name, settings.columns)
    else:
        book, values = wb.load(path)
    name = settings.sheet.name or book.sheetnames[0]
    if name not in book.sheetnames:
        raise WorkbookError(
            f"{path} has no sheet '{name}' (sheets: {', '.join(book.sheetnames)}); choose one with --sheet"
        )
    layout = wb.Layout.locate(book[name], settings.columns)
    layout.data_rows()  # duplicate identifiers are reported before anything is read from Odoo
    return book, layout, values[name]


def run(args, settings, out, err, transport_factory=connect):
    """One sync run; returns the exit status (errors are raised as SyncError)."""
    if args.workbook is None and args.csv is None:
        raise ConfigError("give a workbook to update (or --new to create one), or --csv PATH")
    book, layout, values = _open_sheet(args, settings)
    if not args.dry_run:  # refuse before reading Odoo, and before writing either file
        for path in (args.workbook, args.csv):
            if path is not None:
                wb.check_writable(path)
    transport = transport_factory(require_connection(settings))
    frame = pull_appraisals(transport, args.period, settings.pull, settings.sheet.id_field, err)
    print(
        f"period {args.period}: {len(frame)} approved appraisal(s) read in {transport.rpc_calls} "
        f"request(s) to Odoo ({settings.odoo.transport})",
        file=out,
    )
    plan = wb.plan(
        layout,
        values,
        frame,
        settings.columns,
        settings.pay,
        flag_added=not args.new and args.workbook is not None,
    )
    if args.workbook is not None:
        print_summary(plan, f"{args.workbook}, sheet '{layout.sheet.title}'", out)
    if args.dry_run:
        print_changes(plan, out)
        print("dry run: nothing written", file=out)
        return 0
    if args.workbook is not None:
        if plan.changed:
            wb.apply(plan)
            wb.save(book, args.workbook)
            backup = wb.backup_path(args.workbook)
            print(
                f"saved {args.workbook}" + (f" (previous version: {backup})" if backup.exists() else ""),
                file=out,
            )
        else:
            print(f"nothing to change: {args.workbook} not rewritten", file=out)
    if args.csv is not None:
        written = write_csv(args.csv, result_frame(frame, plan))
        print(f"saved {args.csv}" if written else f"{args.csv} already up to date", file=out)
    return 0


def main(argv=None, transport_factory=connect):
    parser = build_parser()
    args = parser.parse_args(argv)
    options = {
        option_dest(section, key): getattr(args, option_dest(section, key)) for section, key, *_ in SETTINGS
    }
    try:
        settings = load_settings(args.config, options, warn=lambda text: print(text, file=sys.stderr))
        return run(args, settings, sys.stdout, sys.stderr, transport_factory)
    except SyncError as exc:
        print(f"crm-performance-sync: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("crm-performance-sync: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

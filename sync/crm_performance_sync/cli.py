"""``crm-performance-sync``: approved appraisal scores from Odoo into HR's payroll workbook."""

import argparse
import sys
import textwrap
from pathlib import Path

from . import refs
from . import workbook as wb
from .config import (
    ENVIRONMENT,
    ID_FIELDS,
    MATCHES,
    SETTINGS,
    TRANSPORTS,
    default_config_path,
    load_settings,
    option_dest,
    require_connection,
)
from .errors import ConfigError, SyncError, WorkbookError
from .i18n import LANGUAGES, N_, _, language_from_environment, use
from .pull import explain_unmatched, pull_appraisals
from .transport import connect

EXIT_CODES = N_(
    """exit status:
  0  done (or nothing to change); a dry run exits 0 too; rows of the sheet that got nothing
     are listed with the reason
  2  bad options or settings (config file, environment, command line)
  3  the Odoo server cannot be reached, the database is unknown, or the server stopped mid-run
  4  wrong login or API key, or the user may not read appraisals
  5  Odoo's data does not allow the run: period unknown or not approved, employees without
     identifier, several appraisals for one employee
  6  workbook problem: missing, open in another program, read-only, not a workbook, sheet or
     column missing, the same identifier twice
Whatever the error, nothing was written."""
)
MONEY = set(wb.PAY_KEYS)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's layout with its headings in the chosen language."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or _("usage: "))


def language_option(argv):
    """The language asked for with --lang, else the one of the locale (LANGUAGE, LC_ALL, LANG)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")  # a wrong value is reported by the full parser, in the locale's language
    known, _rest = early.parse_known_args(argv)
    return known.lang if known.lang in LANGUAGES else language_from_environment()


def build_parser():
    parser = argparse.ArgumentParser(
        prog="crm-performance-sync",
        description=textwrap.fill(
            _(
                "Carry the approved crm_performance appraisals of one period (scores, grades, plan "
                "completion) from Odoo into a payroll workbook and compute the monthly pay from each "
                "row's pay base. Rows are matched by employee identifier; every other cell, sheet, "
                "chart and macro of the workbook is left as it is."
            )
        ),
        epilog=_(EXIT_CODES)
        + "\n\n"
        + _(
            "The connection is read from the config file and the environment ({variables}).\n"
            "The API key is never given on the command line."
        ).format(variables=", ".join(ENVIRONMENT)),
        formatter_class=HelpFormatter,
        add_help=False,
    )
    parser._positionals.title = _("positional arguments")
    parser._optionals.title = _("options")
    parser.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    parser.add_argument("period", help=_("the period to pay, as named in Odoo: 2026-10, 2026-Q4 or 2026"))
    parser.add_argument(
        "workbook", nargs="?", type=Path, help=_("the payroll workbook (.xlsx or .xlsm) to update")
    )
    parser.add_argument(
        "--config",
        type=Path,
        help=_("config file, TOML or INI (default: {path} if it exists)").format(path=default_config_path()),
    )
    parser.add_argument("--new", action="store_true", help=_("create the workbook instead of updating it"))
    parser.add_argument("--csv", type=Path, metavar="PATH", help=_("also write the result as a CSV file"))
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show the changes cell by cell, write nothing")
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_("language of the messages: en or zh_CN (default: from the locale)"),
    )
    choices = {
        ("odoo", "transport"): TRANSPORTS,
        ("sheet", "id_field"): ID_FIELDS,
        ("sheet", "match"): MATCHES,
    }
    for section, key, option, text in SETTINGS:
        parser.add_argument(
            option,
            dest=option_dest(section, key),
            metavar=key.upper(),
            choices=choices.get((section, key)),
            help=_("{help}; config file: [{section}] {key}").format(help=_(text), section=section, key=key),
        )
    return parser


def money(value):
    """5000 as 5,000.00."""
    return f"{value:,.2f}"


def _show(value, key=None):
    if value is None or value == "":
        return _("(empty)")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and key in MONEY:
        return money(value)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _about(row, identifier, employee, what):
    """``row 7 B1009 Dan Left: what``."""
    label = _("row {row} {identifier} {employee}").format(row=row, identifier=identifier, employee=employee)
    return _("{row}: {what}").format(row=label.rstrip(), what=what)


def _status(result):
    return {"added": _("added"), "updated": _("updated"), "unchanged": _("unchanged")}[result.status]


def print_changes(plan, out):
    headers = plan.headers
    for key, column in plan.layout.new_headers:
        print(
            _("new column {column}: {header}").format(
                column=refs.column_letters(column), header=getattr(headers, key)
            ),
            file=out,
        )
    for result in plan.rows:
        if not result.changes:
            continue
        print(_about(result.row, result.identifier, result.employee, _status(result)), file=out)
        for change in result.changes:
            old, new = _show(change.old, change.key), _show(change.new, change.key)
            print(
                "    "
                + _("{column}: {old} → {new}").format(column=getattr(headers, change.key), old=old, new=new),
                file=out,
            )


def print_summary(plan, where, out):
    print(
        _("{where}: {updated} row(s) updated, {added} added, {unchanged} unchanged").format(
            where=where,
            updated=plan.count("updated"),
            added=plan.count("added"),
            unchanged=plan.count("unchanged"),
        ),
        file=out,
    )
    paid = [result.values["monthly_pay"] for result in plan.rows if result.values["monthly_pay"] is not None]
    if paid:
        print(
            _("monthly pay: {total} in total for {count} row(s)").format(
                total=money(sum(paid)), count=len(paid)
            ),
            file=out,
        )
    skipped = [result for result in plan.rows if result.pay_skipped]
    if skipped:
        print(_("pay not computed for {count} row(s):").format(count=len(skipped)), file=out)
        for result in skipped:
            print(
                "    " + _about(result.row, result.identifier, result.employee, result.pay_skipped),
                file=out,
            )
    for result in plan.rows:
        if result.kept_formulas:
            kept = _("formula kept in {columns}").format(columns=", ".join(result.kept_formulas))
            print("    " + _about(result.row, result.identifier, result.employee, kept), file=out)
    if plan.unmatched:
        print(_("{count} row(s) of the sheet got nothing:").format(count=len(plan.unmatched)), file=out)
        for row in plan.unmatched:
            print("    " + _about(row.row, row.identifier, row.employee, row.reason), file=out)


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
    """(package, layout) of the workbook to update or create."""
    path = args.workbook
    if args.new or path is None:
        if path is not None and path.exists():
            raise WorkbookError(_("{path} already exists; leave out --new to update it").format(path=path))
        if path is not None and not path.parent.is_dir():
            raise WorkbookError(_("the folder {folder} does not exist").format(folder=path.parent))
        package = wb.new_book(settings.sheet.name, settings.columns)
    else:
        package = wb.load(path)
    layout = wb.open_layout(package, settings.sheet.name, settings.columns, settings.sheet.key, path)
    layout.data_rows()  # duplicate identifiers are reported before anything is read from Odoo
    return package, layout


def run(args, settings, out, err, transport_factory=connect):
    """One sync run; returns the exit status (errors are raised as SyncError)."""
    if args.workbook is None and args.csv is None:
        raise ConfigError(_("give a workbook to update (or --new to create one), or --csv PATH"))
    package, layout = _open_sheet(args, settings)
    if not args.dry_run:  # refuse before reading Odoo, and before writing either file
        for path in (args.workbook, args.csv):
            if path is not None:
                wb.check_writable(path)
    transport = transport_factory(require_connection(settings))
    frame = pull_appraisals(transport, args.period, settings.pull, settings.sheet, err)
    print(
        _(
            "period {period}: {count} approved appraisal(s) read in {requests} request(s) "
            "to Odoo ({transport})"
        ).format(
            period=args.period,
            count=len(frame),
            requests=transport.rpc_calls,
            transport=settings.odoo.transport,
        ),
        file=out,
    )
    plan = wb.plan(
        layout, frame, settings.columns, settings.pay, flag_added=not args.new and args.workbook is not None
    )
    unmatched = [row.identifier for row in plan.unmatched]
    reasons = explain_unmatched(
        transport, args.period, settings.pull, settings.sheet, unmatched, frame.appraisal_id
    )
    for row in plan.unmatched:
        row.reason = reasons[row.identifier]
    if args.workbook is not None:
        print_summary(
            plan, _("{path}, sheet '{sheet}'").format(path=args.workbook, sheet=layout.sheet.title), out
        )
    if args.dry_run:
        print_changes(plan, out)
        print(_("dry run: nothing written"), file=out)
        return 0
    if args.workbook is not None:
        if plan.changed:
            wb.apply(plan)
            wb.save(package, args.workbook)
            backup = wb.backup_path(args.workbook)
            saved = _("saved {path}").format(path=args.workbook)
            if backup.exists():
                saved = _("saved {path} (previous version: {backup})").format(
                    path=args.workbook, backup=backup
                )
            print(saved, file=out)
        else:
            print(_("nothing to change: {path} not rewritten").format(path=args.workbook), file=out)
    if args.csv is not None:
        written = write_csv(args.csv, result_frame(frame, plan))
        message = _("saved {path}") if written else _("{path} already up to date")
        print(message.format(path=args.csv), file=out)
    return 0


def main(argv=None, transport_factory=connect):
    use(language_option(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    options = {
        option_dest(section, key): getattr(args, option_dest(section, key))
        for section, key, *_rest in SETTINGS
    }
    try:
        settings = load_settings(args.config, options, warn=lambda text: print(text, file=sys.stderr))
        return run(args, settings, sys.stdout, sys.stderr, transport_factory)
    except SyncError as exc:
        print(_("crm-performance-sync: error: {message}").format(message=exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("crm-performance-sync: interrupted; nothing was written"), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""The guest's call report written out: CSV (the csv module) or XLSX (openpyxl).

Both carry the same thing, top to bottom: what the report is of (label, value), an empty
row, the column headings, one row per call, and the total. In the CSV every cell is text,
amounts with the currency's decimals ("12.50", "1250" in yen). In the XLSX amounts are
numbers shown with those decimals, so a spreadsheet adds them up; dates and times stay text,
as they carry the hotel zone's label (a spreadsheet has no zones).

openpyxl rather than XlsxWriter: both are well kept, and a one-sheet report needs neither's
speed, but openpyxl also reads XLSX, so the tests open what was written with the library
that wrote it instead of a second one.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from connector.billing.guest_report import GuestCallReport, ReportLine
from connector.billing.money import major

# A cell a spreadsheet would run as a formula (CSV injection; openpyxl too writes a text
# starting with "=" as a formula): shown as text instead.
_FORMULA_START = ("=", "@", "\t", "\r")
_WIDTHS = {"A": 12, "B": 12, "C": 8, "D": 20, "E": 10, "F": 24, "G": 14}


def csv_rows(report: GuestCallReport) -> list[list[str]]:
    """The CSV's rows, every cell text."""
    rows: list[list[str]] = [[label, value] for label, value in report.heading()]
    rows += [[], list(report.columns)]
    rows += [[*_cells(line), report.amount(line.amount_minor)] for line in report.lines]
    rows.append(["Total", "", "", "", "", f"{len(report.lines)} call(s)",
                 report.amount(report.total_minor)])
    return [[_safe(cell) for cell in row] for row in rows]


def write_csv(report: GuestCallReport, path: Path) -> None:
    """The report as CSV (UTF-8 with a byte-order mark, which spreadsheets need to read
    the currency and accents right)."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(csv_rows(report))


def write_xlsx(report: GuestCallReport, path: Path) -> None:
    """The report as a one-sheet XLSX workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Calls"
    bold = Font(bold=True)
    amount_format = "0" if report.minor_units == 0 else "0." + "0" * report.minor_units
    for label, value in report.heading():
        sheet.append([label, _safe(value)])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([])
    sheet.append(list(report.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for line in report.lines:
        sheet.append([*(_safe(cell) for cell in _cells(line)),
                      _number(report, line.amount_minor)])
        sheet.cell(sheet.max_row, 7).number_format = amount_format
    sheet.append(["Total", None, None, None, None, f"{len(report.lines)} call(s)",
                  _number(report, report.total_minor)])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.cell(sheet.max_row, 7).number_format = amount_format
    for column, width in _WIDTHS.items():
        sheet.column_dimensions[column].width = width
    book.save(path)


def _cells(line: ReportLine) -> list[str]:
    return [line.date, line.time, line.room, line.dialled, line.duration, line.destination]


def _number(report: GuestCallReport, amount_minor: int) -> Decimal:
    return major(amount_minor, report.minor_units)


def _safe(cell: str) -> str:
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell

"""`connector doctor`: is this deployment able to do its job? Said for a hotel's IT person."""

from connector.doctor.checks import run_doctor
from connector.doctor.report import Check, DoctorReport, Status

__all__ = ["Check", "DoctorReport", "Status", "run_doctor"]

"""Report screens: PDF preview (QtPdf), the sign-off dialog and the verification dialog."""

from desktop.ui.report.preview import ReportPreview
from desktop.ui.report.signoff_dialog import SignOffDialog
from desktop.ui.report.verify_dialog import VerifyDialog

__all__ = ["ReportPreview", "SignOffDialog", "VerifyDialog"]

"""The guided assessment wizard (embeddable widget)."""

from desktop.ui.wizard.wizard import AssessmentWizard

__all__ = ["AssessmentWizard"]

"""The Ownership & people tab of a vendor."""

from desktop.ui.ownership.graph import OwnershipGraphView
from desktop.ui.ownership.interests_model import InterestTableModel
from desktop.ui.ownership.tab import OwnershipTab

__all__ = ["InterestTableModel", "OwnershipGraphView", "OwnershipTab"]

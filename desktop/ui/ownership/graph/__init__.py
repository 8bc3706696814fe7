"""The ownership graph: the vendor at the bottom, its owners and the people around it above.

The layout is computed in the Qt-free core (desktop.core.ownership.layout.web_layout), the edges and their
words too (desktop.core.ownership.edges); this package only draws. What a reader sees:

* each party as a box with its full name, wrapped (never cut), a word saying what it is (vendor,
  competitor, company, person, competitor-linked) and a shape that says it again (colour is never the
  only sign): vendor a double border, competitor a box with cut corners, person rounded ends,
  competitor-linked a dashed red border; a legend in the drawing repeats it;
* stakes as solid arrows ("49% / votes 0%"), roles as dashed arrows with their dates, ended roles dotted;
  every edge attaches at its own point of a box (spread along the side), so two edges never meet;
* zoom with the wheel or the buttons, fit to the window, export as PNG or SVG; double-clicking a party
  emits ``partyActivated(party_id)`` (the main window opens the vendor or the party).

Where each part lives:

* ``style`` — sizes, zoom limits, colours and the outline of each kind of box (``node_shape``);
* ``items`` — the scene's items: party boxes, edges with their arrowheads and labels, each edge's own
  anchor points on the boxes (``DrawnEdge``);
* ``legend`` — the legend under the graph, in the drawing so that exports carry it;
* ``view`` — ``OwnershipGraphView``: what each party is in words, drawing an analysis result, zoom,
  fit, export, double-click;
* ``panel`` — ``OwnershipGraphPanel``: the view with its buttons (zoom in, zoom out, fit, export…).
"""

from desktop.ui.ownership.graph.items import DrawnEdge
from desktop.ui.ownership.graph.panel import OwnershipGraphPanel
from desktop.ui.ownership.graph.style import NODE_W, PARTY_ROLE, node_shape
from desktop.ui.ownership.graph.view import OwnershipGraphView

__all__ = ["NODE_W", "PARTY_ROLE", "DrawnEdge", "OwnershipGraphPanel", "OwnershipGraphView", "node_shape"]

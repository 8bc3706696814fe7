"""Qt-free report rendering (reportlab), signing (pyHanko) and verification."""

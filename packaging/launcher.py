"""Entry point of the bundled application (PyInstaller)."""

import sys

from desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())

"""`python -m desktop` is the same as the `vetta` command."""

import sys

from desktop.cli.main import main

sys.exit(main())

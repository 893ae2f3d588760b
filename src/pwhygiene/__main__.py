"""``python -m pwhygiene``: the same CLI as the console script."""

import sys

from pwhygiene._cli import main

sys.exit(main())

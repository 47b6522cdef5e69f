import sys

from azr_env.cli import main

sys.exit(main())
